"""Calendar periods and the period each is compared with, at month, quarter and year
boundaries, in leap years, and for chosen dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from uadash.periods import Span, bucket_for, compare, previous_for_dates, shift_months
from uadash.queries import Bucket, Period


def p(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-11-24", -1, "2026-10-24"),
        ("2025-03-31", -1, "2025-02-28"),  # the last day maps to the last day
        ("2025-03-30", -1, "2025-02-28"),  # February has no 30th
        ("2025-02-28", -1, "2025-01-31"),  # the last day of February is a month's end
        ("2024-02-29", -12, "2023-02-28"),
        ("2025-02-28", -12, "2024-02-29"),
        ("2026-01-15", -1, "2025-12-15"),
        ("2025-04-30", -3, "2025-01-31"),
        ("2025-12-31", 2, "2026-02-28"),
    ],
)
def test_shift_months(day: str, months: int, expected: str) -> None:
    assert shift_months(date.fromisoformat(day), months) == date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("span", "today", "period", "previous"),
    [
        # This month so far, against last month to the same day.
        (
            Span.this_month,
            "2026-11-24",
            p("2026-11-01", "2026-11-24"),
            p("2026-10-01", "2026-10-24"),
        ),
        # 31 March: all of March against all of February.
        (
            Span.this_month,
            "2025-03-31",
            p("2025-03-01", "2025-03-31"),
            p("2025-02-01", "2025-02-28"),
        ),
        # 30 March: February has no 30th, so all of February.
        (
            Span.this_month,
            "2025-03-30",
            p("2025-03-01", "2025-03-30"),
            p("2025-02-01", "2025-02-28"),
        ),
        # 28 February: the whole month, against the whole of January.
        (
            Span.this_month,
            "2025-02-28",
            p("2025-02-01", "2025-02-28"),
            p("2025-01-01", "2025-01-31"),
        ),
        (
            Span.this_month,
            "2024-02-29",
            p("2024-02-01", "2024-02-29"),
            p("2024-01-01", "2024-01-31"),
        ),
        # Across the year boundary.
        (
            Span.this_month,
            "2026-01-01",
            p("2026-01-01", "2026-01-01"),
            p("2025-12-01", "2025-12-01"),
        ),
        (
            Span.this_month,
            "2026-01-31",
            p("2026-01-01", "2026-01-31"),
            p("2025-12-01", "2025-12-31"),
        ),
        (
            Span.this_quarter,
            "2026-11-24",
            p("2026-10-01", "2026-11-24"),
            p("2026-07-01", "2026-08-24"),
        ),
        (
            Span.this_quarter,
            "2026-01-15",
            p("2026-01-01", "2026-01-15"),
            p("2025-10-01", "2025-10-15"),
        ),
        (
            Span.this_quarter,
            "2025-03-31",
            p("2025-01-01", "2025-03-31"),
            p("2024-10-01", "2024-12-31"),
        ),
        (
            Span.this_quarter,
            "2025-05-31",
            p("2025-04-01", "2025-05-31"),
            p("2025-01-01", "2025-02-28"),
        ),
        (
            Span.this_year,
            "2026-11-24",
            p("2026-01-01", "2026-11-24"),
            p("2025-01-01", "2025-11-24"),
        ),
        (
            Span.this_year,
            "2026-01-01",
            p("2026-01-01", "2026-01-01"),
            p("2025-01-01", "2025-01-01"),
        ),
        (
            Span.this_year,
            "2028-02-29",
            p("2028-01-01", "2028-02-29"),
            p("2027-01-01", "2027-02-28"),
        ),
        (
            Span.this_year,
            "2025-12-31",
            p("2025-01-01", "2025-12-31"),
            p("2024-01-01", "2024-12-31"),
        ),
        # Whole past periods against the whole period before.
        (
            Span.last_month,
            "2025-03-15",
            p("2025-02-01", "2025-02-28"),
            p("2025-01-01", "2025-01-31"),
        ),
        (
            Span.last_month,
            "2026-01-10",
            p("2025-12-01", "2025-12-31"),
            p("2025-11-01", "2025-11-30"),
        ),
        (
            Span.last_quarter,
            "2026-11-24",
            p("2026-07-01", "2026-09-30"),
            p("2026-04-01", "2026-06-30"),
        ),
        (
            Span.last_quarter,
            "2026-01-05",
            p("2025-10-01", "2025-12-31"),
            p("2025-07-01", "2025-09-30"),
        ),
        (
            Span.last_year,
            "2026-11-24",
            p("2025-01-01", "2025-12-31"),
            p("2024-01-01", "2024-12-31"),
        ),
    ],
)
def test_calendar_periods_and_their_previous(
    span: Span, today: str, period: Period, previous: Period
) -> None:
    chosen = compare(span, today=date.fromisoformat(today))
    assert (chosen.period, chosen.previous) == (period, previous)


def test_whole_months_chosen_as_dates_compare_with_as_many_whole_months_before() -> None:
    assert previous_for_dates(p("2025-01-01", "2025-03-31")) == p("2024-10-01", "2024-12-31")
    assert previous_for_dates(p("2025-02-01", "2025-02-28")) == p("2025-01-01", "2025-01-31")
    assert previous_for_dates(p("2025-03-01", "2025-03-31")) == p("2025-02-01", "2025-02-28")
    assert previous_for_dates(p("2024-01-01", "2024-12-31")) == p("2023-01-01", "2023-12-31")


def test_other_dates_compare_with_as_many_days_just_before() -> None:
    assert previous_for_dates(p("2025-03-10", "2025-03-20")) == p("2025-02-27", "2025-03-09")
    assert previous_for_dates(p("2025-01-01", "2025-01-15")) == p("2024-12-17", "2024-12-31")
    chosen = compare(Span.dates, today=date(2026, 11, 24), dates=p("2025-03-10", "2025-03-20"))
    assert chosen.previous == p("2025-02-27", "2025-03-09")
    assert chosen.label == "10–20 March 2025"


def test_a_campaign_lifetime_has_nothing_to_compare_with() -> None:
    lifetime = p("2025-01-17", "2026-11-24")
    chosen = compare(Span.lifetime, today=date(2026, 11, 24), lifetime=lifetime)
    assert chosen.period == lifetime
    assert chosen.previous is None
    assert chosen.label == "Campaign lifetime"


def test_dates_and_lifetime_need_their_period() -> None:
    with pytest.raises(ValueError, match="dates"):
        compare(Span.dates, today=date(2026, 11, 24))
    with pytest.raises(ValueError, match="lifetime"):
        compare(Span.lifetime, today=date(2026, 11, 24))


@pytest.mark.parametrize(
    ("period", "bucket"),
    [
        (p("2026-11-01", "2026-11-24"), Bucket.day),
        (p("2026-10-01", "2026-12-31"), Bucket.week),
        (p("2026-01-01", "2026-11-24"), Bucket.month),
    ],
)
def test_charts_pick_a_resolution_a_projector_can_show(period: Period, bucket: Bucket) -> None:
    assert bucket_for(period) == bucket


@pytest.mark.parametrize(
    ("span", "days"), [(Span.last_7_days, 7), (Span.last_30_days, 30), (Span.last_90_days, 90)]
)
def test_the_last_days_are_compared_with_as_many_days_just_before(span: Span, days: int) -> None:
    today = date(2026, 12, 1)
    shown = compare(span, today=today)
    assert shown.period == Period(today - timedelta(days=days - 1), today)
    assert shown.previous == Period(
        today - timedelta(days=2 * days - 1), today - timedelta(days=days)
    )
    assert shown.label == f"Last {days} days"
