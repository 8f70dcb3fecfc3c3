"""Calendar periods for presenting totals (this month, this quarter, this year, a campaign's
lifetime, or chosen dates) and the earlier period each one is compared with.

"Previous" means the same stretch of the previous calendar period: a month, quarter or year
so far is compared with the previous month, quarter or year up to the same day of the
month, so that 1–24 November is set against 1–24 October and not against all of October.
The last day of a month stands for the last day of the other month, and a day the other
month lacks becomes its last day: 31 March and 30 March are both compared up to 28
February, and 28 February up to 31 January. A whole calendar period is therefore always
compared with the whole previous one. The last 7, 30 or 90 days are compared with as many
days just before them. Chosen dates that cover whole months are compared
with as many whole months before them; other chosen dates with the same number of days
just before them. A campaign's lifetime has nothing before it to compare with.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta

from uadash.queries import Bucket, Period
from uadash.wording import day_range


class Span(enum.StrEnum):
    """What a period is chosen as; the values are what `?period=` in a URL says."""

    this_month = "this-month"
    this_quarter = "this-quarter"
    this_year = "this-year"
    last_month = "last-month"
    last_quarter = "last-quarter"
    last_year = "last-year"
    last_7_days = "last-7-days"
    last_30_days = "last-30-days"
    last_90_days = "last-90-days"
    lifetime = "lifetime"
    dates = "dates"


SPAN_LABELS: dict[Span, str] = {
    Span.this_month: "This month",
    Span.this_quarter: "This quarter",
    Span.this_year: "This year",
    Span.last_month: "Last month",
    Span.last_quarter: "Last quarter",
    Span.last_year: "Last year",
    Span.last_7_days: "Last 7 days",
    Span.last_30_days: "Last 30 days",
    Span.last_90_days: "Last 90 days",
    Span.lifetime: "Campaign lifetime",
    Span.dates: "Dates…",
}

# How many months one step back is, for the calendar spans.
_STEP_MONTHS = {
    Span.this_month: 1,
    Span.last_month: 1,
    Span.this_quarter: 3,
    Span.last_quarter: 3,
    Span.this_year: 12,
    Span.last_year: 12,
}
# The rolling spans: this many days up to today, compared with as many days just before.
_ROLLING_DAYS = {Span.last_7_days: 7, Span.last_30_days: 30, Span.last_90_days: 90}
DEFAULT_SPAN = Span.this_quarter


@dataclass(frozen=True)
class Comparison:
    """A chosen period and the period it is compared with (None: nothing to compare with)."""

    span: Span
    period: Period
    previous: Period | None

    @property
    def label(self) -> str:
        """`This quarter`, or `1 January – 31 March 2025` for chosen dates."""
        if self.span == Span.dates:
            return day_range(self.period.start, self.period.end)
        return SPAN_LABELS[self.span]


def last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def shift_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative). The last day of a month maps to
    the last day of the other month; a day the other month lacks becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    first = date(index // 12, index % 12 + 1, 1)
    last = last_day_of_month(first)
    if day == last_day_of_month(day):
        return last
    return first.replace(day=min(day.day, last.day))


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def compare(
    span: Span,
    *,
    today: date,
    dates: Period | None = None,
    lifetime: Period | None = None,
) -> Comparison:
    """The period `span` stands for on `today`, and the period it is compared with.

    `dates` is required for `Span.dates` and `lifetime` for `Span.lifetime`.
    """
    if span == Span.dates:
        if dates is None:
            raise ValueError("chosen dates need a period")
        return Comparison(span, dates, previous_for_dates(dates))
    if span == Span.lifetime:
        if lifetime is None:
            raise ValueError("a campaign's lifetime needs its period")
        return Comparison(span, lifetime, None)
    if span in _ROLLING_DAYS:
        period = Period(today - timedelta(days=_ROLLING_DAYS[span] - 1), today)
        return Comparison(span, period, period.previous())
    period = _calendar_period(span, today)
    months = _STEP_MONTHS[span]
    previous = Period(shift_months(period.start, -months), shift_months(period.end, -months))
    return Comparison(span, period, previous)


def _calendar_period(span: Span, today: date) -> Period:
    if span == Span.this_month:
        return Period(today.replace(day=1), today)
    if span == Span.this_quarter:
        return Period(quarter_start(today), today)
    if span == Span.this_year:
        return Period(date(today.year, 1, 1), today)
    if span == Span.last_month:
        end = today.replace(day=1) - timedelta(days=1)
        return Period(end.replace(day=1), end)
    if span == Span.last_quarter:
        end = quarter_start(today) - timedelta(days=1)
        return Period(quarter_start(end), end)
    if span == Span.last_year:
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    raise ValueError(f"{span} is not a calendar span")


def previous_for_dates(period: Period) -> Period:
    """Whole months (1 January – 31 March) are compared with as many whole months before
    them (1 October – 31 December); any other dates with the same number of days just
    before them."""
    if period.start.day == 1 and period.end == last_day_of_month(period.end):
        months = (period.end.year - period.start.year) * 12 + period.end.month
        months -= period.start.month - 1
        return Period(shift_months(period.start, -months), shift_months(period.end, -months))
    return period.previous()


def parse_span(text: str | None) -> Span | None:
    """`this-year` -> Span.this_year; None for anything else."""
    try:
        return Span(text or "")
    except ValueError:
        return None


def bucket_for(period: Period) -> Bucket:
    """The resolution a chart over `period` reads best at on a projector: about 30 bars or
    fewer."""
    if period.days <= 31:
        return Bucket.day
    if period.days <= 190:
        return Bucket.week
    return Bucket.month
