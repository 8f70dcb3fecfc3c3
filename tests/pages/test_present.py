"""The present page, run with AppTest on a real database: its numbers, exports and sentence
equal the query layer's, the URL chooses what it shows, and nobody can change anything."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, inspect, select, text
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Widget

from tests.pages.conftest import APP, TODAY, Export
from uadash import chart_files, figures, queries, summary
from uadash.access import Actor
from uadash.periods import Span, compare
from uadash.queries import CHANNELS, CaseFilter, Period
from uadash.store.models import Case
from uadash.ui import downloads
from uadash.ui.auth import ACTOR_KEY
from uadash.vocab import Role
from uadash.wording import day_range, number

PAGE = "pages/present.py"
SEED = "44.22-2"
Q1_2025 = Period(date(2025, 1, 1), date(2025, 3, 31))
# Everything a reader may touch on the present page: choosing what to see, and downloads.
# A toggle only chooses how to count (each update alone or the whole UA): read-only too.
READ_ONLY_WIDGETS = {"multiselect", "selectbox", "date_input", "download_button", "toggle"}


def open_present(actor: Actor | None = None, **query: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    if actor is not None:
        app.session_state[ACTOR_KEY] = actor
    app.query_params.update(query)
    app.run()
    app.switch_page(PAGE)
    app.query_params.update(query)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metric(app: AppTest, label: str) -> Any:
    return next(m for m in app.metric if m.label == label)


def csv_frame(export: Export) -> pd.DataFrame:
    """The CSV a user downloads for this chart, read back."""
    return pd.read_csv(io.BytesIO(downloads.csv_bytes(export.data)), encoding="utf-8-sig")


def test_present_page_on_an_empty_database(app_database: Engine) -> None:
    app = open_present()
    assert metric(app, "Actions reported").value == "0"
    assert "No actions were reported in this period for these cases." in [
        m.value for m in app.markdown
    ]
    assert not app.get("vega_lite_chart")


def test_numbers_equal_the_query_layer_for_this_quarter(demo_database: Engine) -> None:
    app = open_present()
    chosen = compare(Span.this_quarter, today=TODAY)
    assert chosen.period == Period(date(2026, 10, 1), TODAY)
    assert chosen.previous == Period(date(2026, 7, 1), date(2026, 8, 24))
    assert app.title[0].value == "Urgent Actions · This quarter"
    now = queries.total_actions(demo_database, None, chosen.period)
    before = queries.total_actions(demo_database, None, chosen.previous)
    assert now > 0 and before > 0
    total = metric(app, "Actions reported")
    assert total.value == number(now)
    assert total.delta == figures.Change(now, before).describe()
    channels = queries.actions_by_channel(demo_database, CaseFilter(), period=chosen.period)
    titles = ["Letters", "Emails", "Calls", "Tweets", "Faxes"]
    for title, actions in zip(titles, channels["actions"], strict=True):
        assert metric(app, title).value == number(int(actions))
    assert "1 October – 24 November 2026, compared with 1 July – 24 August 2026" in (
        app.markdown[0].value
    )


def test_the_url_chooses_case_and_dates(demo_database: Engine, exports: list[Export]) -> None:
    app = open_present(case=SEED, period="dates", **{"from": "2025-01-01", "to": "2025-03-31"})
    case = queries.find_case(demo_database, SEED)
    assert case is not None
    # One case: the header names it, its title and (below) the people at risk.
    assert app.title[0].value == "UA 44.22 (update 2) · Two activists faced unjust conviction"
    assert "People at risk: Sophia Huang Xueqin, Wang Jianbing" in app.markdown[0].value
    assert "1 January – 31 March 2025" in app.markdown[0].value
    assert app.multiselect(key="url-case").value == [SEED]
    now = queries.total_actions(demo_database, [case.id], Q1_2025)
    before = queries.total_actions(
        demo_database, [case.id], Period(date(2024, 10, 1), date(2024, 12, 31))
    )
    assert now > 0
    assert metric(app, "Actions reported").value == number(now)
    assert metric(app, "Actions reported").delta == figures.Change(now, before).describe()
    # The sentence under the charts is the domain's, for the same case and period.
    assert app.code[0].value == summary.case_sentence(demo_database, case, period=Q1_2025)
    assert f"reported {number(now)} actions for Sophia Huang Xueqin and Wang Jianbing" in (
        app.code[0].value
    )


def test_every_chart_downloads_with_the_query_layers_numbers(
    demo_database: Engine, exports: list[Export]
) -> None:
    open_present(case=SEED, period="last-year")
    case = queries.find_case(demo_database, SEED)
    assert case is not None
    chosen = compare(Span.last_year, today=TODAY)
    only = CaseFilter(case_ids=(case.id,))
    total = queries.total_actions(demo_database, [case.id], chosen.period)
    assert total > 0
    by_name = {chart_files.file_stem(e.name).split("-ua-")[0]: e for e in exports}
    assert set(by_name) == {"actions-by-channel-over-time", "actions-by-case", "actions-by-channel"}
    assert len({export.name for export in exports}) == 3

    over_time = csv_frame(by_name["actions-by-channel-over-time"])
    assert over_time["actions"].sum() == total
    assert set(over_time["channel"]) <= set(CHANNELS)
    by_case = csv_frame(by_name["actions-by-case"])
    assert list(by_case["ref"]) == [SEED]
    assert list(by_case["actions"]) == [total]
    assert list(by_case["previous"]) == [
        queries.total_actions(demo_database, [case.id], chosen.previous)
    ]
    by_channel = csv_frame(by_name["actions-by-channel"])
    now = by_channel[by_channel["when"] == "Last year"].set_index("channel")["actions"]
    expected = queries.actions_by_channel(demo_database, only, period=chosen.period)
    assert now.to_dict() == dict(zip(expected["channel"], expected["actions"], strict=True))

    for export in exports:  # each renders offline, titled as on the page
        title = export.chart.to_dict()["title"]
        assert title in chart_files.svg(export.chart).decode()
        assert chart_files.png(export.chart).startswith(b"\x89PNG\r\n\x1a\n")


def test_country_and_tag_filters_apply_to_every_number(demo_database: Engine) -> None:
    app = open_present(period="last-year")
    app.multiselect(key="url-country").set_value(["China"]).run()
    assert not app.exception
    assert app.query_params["country"] == ["China"] or app.query_params["country"] == "China"
    chosen = compare(Span.last_year, today=TODAY)
    ids = queries.matching_case_ids(demo_database, CaseFilter(countries=("China",)))
    assert metric(app, "Actions reported").value == number(
        queries.total_actions(demo_database, ids, chosen.period)
    )
    tag = queries.filter_options(demo_database).tags[0]
    app.multiselect(key="url-country").set_value([]).run()
    app.multiselect(key="url-tag").set_value([tag]).run()
    ids = queries.matching_case_ids(demo_database, CaseFilter(tags=(tag,)))
    assert metric(app, "Actions reported").value == number(
        queries.total_actions(demo_database, ids, chosen.period)
    )


def test_campaign_lifetime_has_no_comparison(demo_database: Engine) -> None:
    app = open_present(case=SEED, period="lifetime")
    case = queries.find_case(demo_database, SEED)
    assert case is not None
    assert metric(app, "Actions reported").value == number(
        queries.total_actions(demo_database, [case.id])
    )
    assert not metric(app, "Actions reported").delta
    assert any("no earlier period" in c.value for c in app.caption)


def test_target_share_and_statements(demo_database: Engine) -> None:
    app = open_present(case=SEED, period="last-year")
    case = queries.find_case(demo_database, SEED)
    assert case is not None
    rui = case.targets[0]
    app.selectbox(key="url-target").set_value(rui.name).run()
    assert app.query_params["target"] == rui.name
    last_year = compare(Span.last_year, today=TODAY).period
    to_rui = queries.total_actions(demo_database, [case.id], last_year, target_id=rui.id)
    sentence = app.code[0].value
    assert sentence == summary.case_sentence(demo_database, case, period=last_year, target=rui)
    assert sentence.endswith(f", {number(to_rui)} of them to Director Zhang Rui.")
    statements = [c.value for c in app.code[1:]]
    assert any(f"sent you {number(to_rui)} actions" in s for s in statements)
    labels = [b.label for b in app.get("download_button") if "statement" in b.label]
    assert labels


def test_several_cases_get_no_sentence_but_say_how_to_get_one(demo_database: Engine) -> None:
    app = open_present()
    assert not app.code
    assert any("Choose one case" in c.value for c in app.caption)


# --- read-only, whoever is signed in -----------------------------------------------------------


def walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, Block):
        for child in node.children.values():
            yield from walk(child)


def fingerprint(engine: Engine) -> dict[str, Any]:
    """Row counts of every table and the sum of case versions: any write changes one."""
    with engine.connect() as connection:
        counts = {
            name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
            for name in inspect(engine).get_table_names()
        }
        counts["case versions"] = connection.execute(select(func.sum(Case.version))).scalar()
    return counts


def shell_widgets(actor: Actor) -> set[str]:
    """The keys of the controls app.py draws on every page (the account box in the sidebar),
    found on the letter preview, whose own controls are all in the main area."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[ACTOR_KEY] = actor
    app.run()
    app.switch_page("pages/letters.py")
    app.run()
    return {node.key for node in walk(app.sidebar) if isinstance(node, Widget)}


@pytest.mark.parametrize("role", list(Role))
def test_no_input_changes_data_for_any_role(demo_database: Engine, role: Role) -> None:
    before = fingerprint(demo_database)
    actor = Actor(identity=f"{role.value}@example.org", role=role)
    shell = shell_widgets(actor)
    app = open_present(actor, case=SEED, period="last-year")
    assert app.title[0].value.startswith("UA 44.22 (update 2)")  # every role may present
    case = queries.find_case(demo_database, SEED)
    assert case is not None

    def check() -> None:
        # The page's own controls: the filters in the sidebar and everything in the main area.
        own = [node for node in walk(app.sidebar) if isinstance(node, Widget)]
        own = [node for node in own if node.key not in shell]
        assert all(str(node.key).startswith(("url-", "present-")) for node in own)
        main = list(walk(app.main))
        own += [node for node in main if isinstance(node, Widget)]
        kinds = {node.type for node in own}
        assert kinds <= READ_ONLY_WIDGETS, kinds - READ_ONLY_WIDGETS
        assert not [node for node in main if getattr(node, "type", None) == "form"]
        assert not app.data_editor
        assert all(frame.editing_mode == "read_only" for frame in app.dataframe)

    check()
    # Touch every control the page has; nothing may be written.
    for target in [*case.targets, None]:
        app.selectbox(key="url-target").set_value(target.name if target else "")
        app.run()
        check()
    for span in Span:
        app.selectbox(key="url-period").set_value(span).run()
        assert not app.exception
        check()
    app.date_input(key="url-from").set_value(date(2025, 2, 1)).run()
    app.date_input(key="url-to").set_value(date(2025, 2, 28)).run()
    app.multiselect(key="url-case").set_value([]).run()
    check()
    assert fingerprint(demo_database) == before
    assert app.session_state[ACTOR_KEY] == actor  # still signed in: the page did not act


def test_period_and_dates_are_written_back_to_the_url(demo_database: Engine) -> None:
    app = open_present(present="1")
    app.selectbox(key="url-period").set_value(Span.dates).run()
    # Each day applies as soon as it is set: no range to complete, no click elsewhere.
    app.date_input(key="url-from").set_value(date(2025, 1, 1)).run()
    assert _one(app.query_params["from"]) == "2025-01-01"
    app.date_input(key="url-to").set_value(date(2025, 3, 31)).run()
    assert not app.exception
    params = app.query_params
    assert _one(params["present"]) == "1"  # presenting stays on
    assert _one(params["period"]) == "dates"
    assert (_one(params["from"]), _one(params["to"])) == ("2025-01-01", "2025-03-31")
    assert (
        app.title[0].value == f"Urgent Actions · {day_range(date(2025, 1, 1), date(2025, 3, 31))}"
    )


def _one(value: Any) -> str:
    return value[0] if isinstance(value, list) else str(value)
