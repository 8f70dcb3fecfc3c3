"""The present page's figures: each equals the query layer's total for the same filters and
period, and the previous period's falls exactly on month and year boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine

from uadash import figures, queries
from uadash.periods import Span, compare
from uadash.queries import CaseFilter, Period
from uadash.reports.writer import insert_reports
from uadash.store.engine import transaction
from uadash.store.models import Case, ReportBatch, Target
from uadash.vocab import CaseStatus, ReportSource


def add_case(engine: Engine, ua: str, *, country: str, issued: date | None) -> Case:
    case = Case(
        ua_number=ua,
        update_number=0,
        title=f"Case {ua}",
        country=country,
        status=CaseStatus.active,
        issued=issued,
        tags=[],
        targets=[Target(name=f"Official {ua}", position=0)],
    )
    with transaction(engine) as session:
        session.add(case)
    return case


@pytest.fixture
def boundary_reports(engine: Engine) -> tuple[Case, Case]:
    """Reports on the days either side of month, quarter and year boundaries."""
    a = add_case(engine, "1.24", country="Iran", issued=date(2024, 1, 15))
    b = add_case(engine, "2.25", country="Peru", issued=None)
    rows = [
        (a, "email", 13, date(2024, 2, 29)),
        (a, "letter", 11, date(2024, 3, 31)),
        (a, "fax", 6, date(2024, 12, 31)),
        (a, "letter", 1, date(2025, 1, 1)),
        (a, "letter", 4, date(2025, 1, 31)),
        (a, "email", 2, date(2025, 2, 1)),
        (a, "call", 3, date(2025, 2, 28)),
        (a, "tweet", 5, date(2025, 3, 1)),
        (a, "letter", 7, date(2025, 3, 31)),
        (b, "letter", 50, date(2025, 2, 28)),
        (b, "email", 100, date(2025, 3, 31)),
    ]
    frame = pd.DataFrame(
        [(case.id, case.targets[0].id, c, n, d) for case, c, n, d in rows],
        columns=["case_id", "target_id", "channel", "count", "action_date"],
    )
    frame["reported_at"] = datetime(2025, 4, 1, tzinfo=UTC)
    frame["source"] = ReportSource.staff.value
    with transaction(engine) as session:
        insert_reports(session, frame, batch=ReportBatch(source=ReportSource.staff, actor="test"))
    return a, b


ALL = CaseFilter()
IRAN = CaseFilter(countries=("Iran",))


@pytest.mark.parametrize(
    ("span", "today", "filters", "now", "before"),
    [
        # 31 March: all of March against all of February.
        (Span.this_month, "2025-03-31", ALL, 5 + 7 + 100, 2 + 3 + 50),
        (Span.this_month, "2025-03-31", IRAN, 5 + 7, 2 + 3),
        # 30 March: 1–30 March against all of February (it has no 30th).
        (Span.this_month, "2025-03-30", ALL, 5, 2 + 3 + 50),
        # 28 February: all of February against all of January.
        (Span.this_month, "2025-02-28", ALL, 2 + 3 + 50, 1 + 4),
        # 27 February: 1–27 February against 1–27 January.
        (Span.this_month, "2025-02-27", ALL, 2, 1),
        # Across the year: December against November, January against December.
        (Span.last_month, "2025-01-15", ALL, 6, 0),
        (Span.this_month, "2025-01-31", ALL, 1 + 4, 6),
        (Span.this_quarter, "2025-03-31", ALL, 1 + 4 + 2 + 3 + 5 + 7 + 50 + 100, 6),
        (Span.this_year, "2025-01-01", ALL, 1, 0),
        (Span.this_year, "2025-03-31", IRAN, 1 + 4 + 2 + 3 + 5 + 7, 13 + 11),
        (Span.this_year, "2025-03-30", IRAN, 1 + 4 + 2 + 3 + 5, 13),
        (Span.last_year, "2025-06-01", ALL, 13 + 11 + 6, 0),
    ],
)
def test_figures_and_their_previous_period_at_boundaries(
    engine: Engine,
    boundary_reports: tuple[Case, Case],
    span: Span,
    today: str,
    filters: CaseFilter,
    now: int,
    before: int,
) -> None:
    comparison = compare(span, today=date.fromisoformat(today))
    assert comparison.previous is not None
    shown = figures.figures(engine, filters, comparison)
    assert (shown.total.current, shown.total.previous) == (now, before)
    # … and they are the query layer's totals for the same filters and periods.
    ids = queries.matching_case_ids(engine, filters)
    assert shown.total.current == queries.total_actions(engine, ids, comparison.period)
    assert shown.total.previous == queries.total_actions(engine, ids, comparison.previous)
    by_channel = queries.actions_by_channel(engine, filters, period=comparison.period)
    assert {c: ch.current for c, ch in shown.by_channel.items()} == dict(
        zip(by_channel["channel"], by_channel["actions"], strict=True)
    )
    assert shown.total.difference == now - before


def test_change_is_described_with_sign_and_percent() -> None:
    assert figures.Change(112, 55).describe() == "+57 (+104%)"
    assert figures.Change(40, 50).describe() == "-10 (-20%)"
    assert figures.Change(1234, 0).describe() == "+1,234"
    assert figures.Change(5, 5).describe() == "no change"
    assert figures.Change(5, None).describe() is None


def test_cases_compared_lists_every_case_with_both_periods(
    engine: Engine, boundary_reports: tuple[Case, Case]
) -> None:
    a, _b = boundary_reports
    march = compare(Span.this_month, today=date(2025, 3, 31))
    frame = figures.cases_compared(engine, ALL, march)
    assert list(frame["ref"]) == ["2.25", "1.24"]  # most actions first
    assert list(frame["actions"]) == [100, 12]
    assert list(frame["previous"]) == [50, 5]
    assert list(frame["change"]) == [50, 7]
    assert frame["actions"].sum() == figures.figures(engine, ALL, march).total.current
    only_iran = figures.cases_compared(engine, IRAN, march)
    assert list(only_iran["case_id"]) == [a.id]


def test_a_case_without_actions_in_the_period_is_listed_with_zero(
    engine: Engine, boundary_reports: tuple[Case, Case]
) -> None:
    frame = figures.cases_compared(engine, ALL, compare(Span.this_month, today=date(2025, 3, 30)))
    assert list(frame["ref"]) == ["1.24", "2.25"]
    assert list(frame["actions"]) == [5, 0]


def test_campaign_lifetime_starts_at_the_first_issue_date_or_report(
    engine: Engine, boundary_reports: tuple[Case, Case]
) -> None:
    _a, b = boundary_reports
    today = date(2025, 4, 1)
    assert figures.campaign_lifetime(engine, ALL, today=today) == Period(date(2024, 1, 15), today)
    only_b = CaseFilter(case_ids=(b.id,))
    assert figures.campaign_lifetime(engine, only_b, today=today) == Period(
        date(2025, 2, 28), today
    )
    lifetime = compare(
        Span.lifetime, today=today, lifetime=figures.campaign_lifetime(engine, only_b, today=today)
    )
    shown = figures.figures(engine, only_b, lifetime)
    assert shown.total.current == queries.total_actions(engine, [b.id]) == 150
    assert shown.total.previous is None and shown.total.describe() is None
    assert figures.cases_compared(engine, only_b, lifetime)["previous"].isna().all()


def test_lifetime_of_cases_with_nothing_is_the_last_90_days(engine: Engine) -> None:
    today = date(2025, 4, 1)
    lifetime = figures.campaign_lifetime(engine, ALL, today=today)
    assert lifetime == Period(date(2025, 1, 2), today)


def test_channels_compared_sets_each_channel_beside_its_previous_total(
    engine: Engine, boundary_reports: tuple[Case, Case]
) -> None:
    march = compare(Span.this_month, today=date(2025, 3, 31))
    frame = figures.channels_compared(
        figures.figures(engine, ALL, march), previous_label="February"
    )
    assert list(frame["when"].unique()) == ["This month", "February"]
    table = frame.pivot(index="channel", columns="when", values="actions")
    assert table.loc["email"].to_dict() == {"This month": 100, "February": 2}
    assert table.loc["letter"].to_dict() == {"This month": 7, "February": 50}
    assert frame["actions"].sum() == 112 + 55
