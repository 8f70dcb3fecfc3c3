"""The case page, run with AppTest on a real database."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.pages.conftest import TODAY, open_app
from uadash import queries
from uadash.wording import number

SEED = "44.22-2"


def metric(app, label: str) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in app.metric if m.label == label)


def test_case_page_on_an_empty_database_says_there_are_no_cases(app_database: Engine) -> None:
    app = open_app("pages/case.py")
    assert not app.exception
    assert any("no cases yet" in info.value for info in app.info)


def test_seed_case_opens_from_its_url(demo_database: Engine) -> None:
    app = open_app("pages/case.py", case="44.22")  # no update number: the latest update
    assert not app.exception
    assert app.title[0].value == "Two activists faced unjust conviction"
    assert app.selectbox(key="case-picker").value == SEED
    header = " ".join(m.value for m in app.markdown)
    assert "Sophia Huang Xueqin" in header and "Wang Jianbing" in header
    # The action "has no end date": its date is a suggestion, and the case is still open.
    assert "Deadline 18 March 2025" in header and "Past the suggested date" in header
    assert "Deadline passed" not in header
    assert any(c.value == "This action has no end date." for c in app.caption)


def test_case_numbers_equal_the_query_layer(demo_database: Engine) -> None:
    app = open_app("pages/case.py", case=SEED, period="lifetime")
    case = queries.find_case(demo_database, SEED)
    assert case is not None
    total = queries.total_actions(demo_database, [case.id])
    assert total > 0
    assert metric(app, "Actions reported, all time") == number(total)
    assert metric(app, "Targets") == "3"
    targets = app.dataframe[0].value
    assert list(targets["name"]) == ["Zhang Rui", "Zhang Jian", "Xie Fang"]
    assert list(targets["role"]) == ["Primary", "Primary", "CC"]
    by_target = queries.actions_by_target(demo_database, case).set_index("target")["actions"]
    assert list(targets["actions"]) == [
        by_target[n] for n in ("Zhang Rui", "Zhang Jian", "Xie Fang (CC)")
    ]
    assert len(app.get("vega_lite_chart")) == 5


def test_period_changes_the_period_total(demo_database: Engine) -> None:
    app = open_app("pages/case.py", case=SEED)
    app.selectbox(key="url-period").set_value("last-7-days").run()
    assert not app.exception
    assert app.query_params["period"] == "last-7-days"
    label = "Actions reported · Last 7 days"
    assert next(m.help for m in app.metric if m.label == label) == "18–24 November 2026"
    assert metric(app, label) == "0"  # the seed's reports all lie in 2025
    assert "No actions were reported for this case in this period." in [
        m.value for m in app.markdown
    ]


def test_unknown_case_in_url_is_named_and_a_case_is_still_shown(demo_database: Engine) -> None:
    app = open_app("pages/case.py", case="99.99")
    assert not app.exception
    assert any("99.99" in w.value for w in app.warning)
    assert app.title  # falls back to the first case rather than an empty page


def test_draft_case_without_reports_says_so(demo_database: Engine) -> None:
    draft = queries.list_cases(demo_database, queries.CaseFilter(), today=TODAY)
    ref = draft[draft["status"] == "draft"]["ref"].iloc[0]
    app = open_app("pages/case.py", case=ref)
    assert not app.exception
    assert "No actions have been reported for this case yet." in [m.value for m in app.markdown]
    assert not app.get("vega_lite_chart")
