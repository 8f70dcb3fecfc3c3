"""The figures a manager presents: totals for a period, by channel and by case, each beside
the same figure for the period it is compared with. Every number comes from `queries`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine

from uadash import queries
from uadash.periods import Comparison
from uadash.queries import CHANNELS, CaseFilter, Period
from uadash.wording import signed


@dataclass(frozen=True)
class Change:
    """A figure now and in the previous period (None: there is no previous period)."""

    current: int
    previous: int | None

    @property
    def difference(self) -> int | None:
        return None if self.previous is None else self.current - self.previous

    @property
    def percent(self) -> float | None:
        """The change in percent; None without a previous period or when it was zero."""
        if not self.previous:
            return None
        return 100.0 * (self.current - self.previous) / self.previous

    def describe(self) -> str | None:
        """`+1,234 (+12%)`, `-56 (-3%)`, `+40` (nothing before), `no change`; None: no
        comparison (`wording.signed`)."""
        if self.difference is None:
            return None
        return signed(self.difference, self.percent)


@dataclass(frozen=True)
class Figures:
    """The big numbers: all actions and each channel's, with their changes."""

    comparison: Comparison
    total: Change
    by_channel: dict[str, Change]  # every channel, in the fixed order


def figures(engine: Engine, filters: CaseFilter, comparison: Comparison) -> Figures:
    now = _channel_sums(engine, filters, comparison.period)
    before = _channel_sums(engine, filters, comparison.previous) if comparison.previous else None
    by_channel = {
        channel: Change(now[channel], before[channel] if before else None) for channel in CHANNELS
    }
    total = Change(sum(now.values()), sum(before.values()) if before else None)
    return Figures(comparison=comparison, total=total, by_channel=by_channel)


def _channel_sums(engine: Engine, filters: CaseFilter, period: Period) -> dict[str, int]:
    frame = queries.actions_by_channel(engine, filters, period=period)
    return dict(zip(frame["channel"], (int(n) for n in frame["actions"]), strict=True))


def channels_compared(figures: Figures, *, previous_label: str = "Previous period") -> pd.DataFrame:
    """Columns channel, when, actions: each channel's total now and in the previous period
    (the latter only when there is one), for a chart that sets them side by side."""
    label = figures.comparison.label
    rows = [(channel, label, change.current) for channel, change in figures.by_channel.items()]
    if figures.comparison.previous is not None:
        rows += [
            (channel, previous_label, change.previous or 0)
            for channel, change in figures.by_channel.items()
        ]
    frame = pd.DataFrame(rows, columns=["channel", "when", "actions"])
    frame["actions"] = frame["actions"].astype("int64")
    return frame


def cases_compared(engine: Engine, filters: CaseFilter, comparison: Comparison) -> pd.DataFrame:
    """Columns case_id, ref, case, title, actions, previous, change: every case the filters
    keep, most actions first; previous and change are empty without a previous period."""
    frame = queries.actions_by_case(engine, filters, period=comparison.period)
    if comparison.previous is None:
        previous = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    else:
        before = queries.actions_by_case(engine, filters, period=comparison.previous)
        sums = before.set_index("case_id")["actions"]
        previous = frame["case_id"].map(sums).fillna(0).astype("Int64")
    frame["previous"] = previous
    frame["change"] = frame["actions"].astype("Int64") - previous
    return frame


def campaign_lifetime(engine: Engine, filters: CaseFilter, *, today: date) -> Period:
    """From the first day of the cases the filters keep (their earliest issue date or
    report) to today; the last 90 days when they have neither."""
    ids = queries.matching_case_ids(engine, filters)
    start = queries.campaign_start(engine, ids) or today - timedelta(days=89)
    return Period(min(start, today), today)


@dataclass(frozen=True)
class CaseSpan:
    """What the case page needs before it draws anything: the days worth showing
    (`queries.case_period`), the last day with a report, and every action ever reported."""

    lifetime: Period
    last_day: date | None
    everything: int


def case_span(engine: Engine, case_id: int, *, today: date) -> CaseSpan:
    case = queries.get_case(engine, case_id)
    if case is None:
        raise LookupError(f"no case {case_id}")
    return CaseSpan(
        lifetime=queries.case_period(engine, case, today=today),
        last_day=queries.last_action_day(engine, case_id),
        everything=queries.total_actions(engine, [case_id]),
    )


@dataclass(frozen=True)
class CaseCharts:
    """The frames behind the case page's charts (`queries`)."""

    over_time: pd.DataFrame  # actions_by_channel_over_time
    mix: pd.DataFrame  # actions_by_channel
    by_target: pd.DataFrame  # actions_by_target_over_time
    totals: pd.DataFrame  # actions_by_target
    running: pd.DataFrame  # cumulative_actions, over `axis`


def case_charts(
    engine: Engine, case_id: int, *, period: Period, axis: Period, bucket: queries.Bucket
) -> CaseCharts:
    """Every frame of the case page for one period, in one call, so that the page can take
    them from the query cache (each click, and each new visitor, ran all five queries)."""
    case = queries.get_case(engine, case_id)
    if case is None:
        raise LookupError(f"no case {case_id}")
    only = CaseFilter(case_ids=(case_id,))
    return CaseCharts(
        over_time=queries.actions_by_channel_over_time(engine, only, period=period, bucket=bucket),
        mix=queries.actions_by_channel(engine, only, period=period),
        by_target=queries.actions_by_target_over_time(engine, case, period=period, bucket=bucket),
        totals=queries.actions_by_target(engine, case, period=period),
        running=queries.cumulative_actions(engine, case, period=axis),
    )


def case_targets(engine: Engine, case_id: int) -> pd.DataFrame:
    """`queries.case_targets_table` of a case given by id (for the query cache)."""
    case = queries.get_case(engine, case_id)
    if case is None:
        raise LookupError(f"no case {case_id}")
    return queries.case_targets_table(engine, case)
