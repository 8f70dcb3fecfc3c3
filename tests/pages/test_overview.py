"""The overview page, run with AppTest on a real database."""

from __future__ import annotations

from urllib.parse import unquote_plus

import pandas as pd
from sqlalchemy import Engine

from tests.pages.conftest import TODAY, open_app
from uadash import queries
from uadash.periods import DEFAULT_SPAN, compare
from uadash.queries import CaseFilter
from uadash.vocab import CaseStatus
from uadash.wording import number


def metric(app, label: str) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in app.metric if m.label == label)


def refs(table: pd.DataFrame) -> list[str]:
    """The cases of the overview's table as its Case column shows them (what follows case=).

    The table gets only the columns it shows, as a user sees them."""
    return [unquote_plus(link.rsplit("case=", 1)[1]) for link in table["link"]]


def statuses(table: pd.DataFrame) -> list[str]:
    """The Status column's label in each row (a one-label MultiselectColumn cell)."""
    return [next(iter(cell)) for cell in table["status_text"]]


def test_overview_renders_on_an_empty_database(app_database: Engine) -> None:
    app = open_app()
    assert not app.exception
    assert metric(app, "Actions reported") == "0"
    assert metric(app, "Active cases") == "0"
    texts = [m.value for m in app.markdown]
    assert "No cases match these filters." in texts
    assert "No actions were reported in this period for these cases." in texts
    assert not app.get("vega_lite_chart")


def test_overview_numbers_equal_the_query_layer(demo_database: Engine) -> None:
    app = open_app()
    assert not app.exception
    period = compare(DEFAULT_SPAN, today=TODAY).period
    expected = queries.headline(demo_database, CaseFilter(), period=period, today=TODAY)
    assert expected.actions > 0
    assert metric(app, "Actions reported") == number(expected.actions)
    assert metric(app, "Active cases") == number(expected.active_cases)
    assert metric(app, "Due within 7 days") == number(expected.due_soon)
    assert metric(app, "Deadline passed") == number(expected.overdue)
    table = app.dataframe[0].value
    cases = queries.list_cases(demo_database, CaseFilter(), today=TODAY)
    assert refs(table) == list(cases["ref"])
    assert list(table["total_actions"]) == list(cases["total_actions"])
    assert statuses(table) == list(cases["attention"])
    assert len(app.get("vega_lite_chart")) == 1  # by channel; by case when chosen


def test_actions_over_time_by_channel_or_by_case(demo_database: Engine) -> None:
    app = open_app()
    charts = app.get("vega_lite_chart")
    assert len(charts) == 1 and "by channel" in charts[0].proto.spec
    app.segmented_control(key="overview-view").set_value("By case").run()
    assert not app.exception
    charts = app.get("vega_lite_chart")
    assert len(charts) == 1 and "by case" in charts[0].proto.spec


def test_most_urgent_case_comes_first(demo_database: Engine) -> None:
    table = open_app().dataframe[0].value
    shown = statuses(table)
    assert shown[0] == "Deadline passed"  # an active case whose firm deadline has passed
    assert int(table["days_text"].iloc[0].replace(",", "")) < 0
    overdue = [i for i, word in enumerate(shown) if word == "Deadline passed"]
    assert overdue == list(range(len(overdue)))  # every overdue case before any other
    ranked = [int(table["days_text"].iloc[i].replace(",", "")) for i in overdue]
    assert ranked == sorted(ranked)


def test_status_filter_changes_every_figure(demo_database: Engine) -> None:
    app = open_app()
    before = metric(app, "Actions reported")
    app.multiselect(key="url-status").set_value(["closed"]).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert all(word.startswith("Closed") for word in statuses(table))
    assert metric(app, "Active cases") == "0"
    closed = queries.matching_case_ids(demo_database, CaseFilter(statuses=(CaseStatus.closed,)))
    period = compare(DEFAULT_SPAN, today=TODAY).period
    expected = queries.total_actions(demo_database, closed, period)
    assert metric(app, "Actions reported") == number(expected)
    assert metric(app, "Actions reported") != before


def test_a_filter_that_keeps_nothing_says_so(demo_database: Engine) -> None:
    app = open_app()
    app.multiselect(key="url-country").set_value(["China"]).run()
    app.multiselect(key="url-status").set_value(["draft"]).run()
    assert not app.exception
    texts = [m.value for m in app.markdown]
    assert "No cases match these filters." in texts
    assert metric(app, "Actions reported") == "0"
