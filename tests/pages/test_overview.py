"""The overview page, run with AppTest on a real database."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.pages.conftest import TODAY, open_app
from uadash import queries
from uadash.periods import DEFAULT_SPAN, compare
from uadash.queries import CaseFilter
from uadash.vocab import CaseStatus
from uadash.wording import number


def metric(app, label: str) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in app.metric if m.label == label)


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
    assert list(table["ref"]) == list(cases["ref"])
    assert list(table["total_actions"]) == list(cases["total_actions"])
    assert len(app.get("vega_lite_chart")) == 2


def test_most_urgent_case_comes_first(demo_database: Engine) -> None:
    table = open_app().dataframe[0].value
    first = table.iloc[0]
    assert first["status"] == "active" and first["days_left"] < 0 and first["overdue"]
    ranked = [row.days_left for row in table.itertuples() if row.overdue]
    assert ranked == sorted(ranked)


def test_status_filter_changes_every_figure(demo_database: Engine) -> None:
    app = open_app()
    before = metric(app, "Actions reported")
    app.multiselect(key="url-status").set_value(["closed"]).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table["status"]) == {"closed"}
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
