"""The weekly and monthly rollups: `action_daily` summed over targets into weeks and months.

`action_daily` has a row per case, target, channel and day; over a section's three years that
is millions of rows, and a figure for a whole year or a lifetime would read all of them.
`action_weekly` and `action_monthly` hold the same totals per case, channel and week (from
Monday) or month, and are written in the same transaction as the reports and the daily
rollup (`uadash.reports.writer` calls `add_tally` or, for a live request's few reports,
`add_rows`, and `subtract_batch` and `rebuild`).

A figure over a period reads whole months from the monthly table, whole weeks from the
weekly one and only the few days left at the ends from the daily one (`pieces`), so its cost
follows the number of cases and months, not the days and targets.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from typing import cast as type_cast

import pandas as pd
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Table,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import Date as SqlDate
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from uadash.store.models import ActionDaily, ActionMonthly, ActionReport, ActionWeekly

DAILY = type_cast(Table, ActionDaily.__table__)
WEEKLY = type_cast(Table, ActionWeekly.__table__)
MONTHLY = type_cast(Table, ActionMonthly.__table__)
COARSE: dict[str, Table] = {"week": WEEKLY, "month": MONTHLY}
TABLES: dict[str, Table] = {"day": DAILY, **COARSE}
COARSE_KEY = ["case_id", "channel", "day"]
_NAMES = [*COARSE_KEY, "actions", "reports"]


def bucket_start(dialect: str, bucket: str, day: Any) -> ColumnElement[Any]:
    """The first day of the week (Monday) or month that the date column `day` falls in."""
    if bucket == "day":
        return type_cast(ColumnElement[Any], day)
    if dialect == "postgresql":
        return cast(func.date_trunc(bucket, day), SqlDate)
    if bucket == "week":
        # SQLite: move forward to Sunday (or stay), then back six days: that week's Monday.
        return func.date(day, "weekday 0", "-6 days")
    return func.strftime("%Y-%m-01", day)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Piece:
    """Days `start` to `end` (inclusive), read from the rollup of `level` (day, week, month)."""

    level: str
    start: date
    end: date


def pieces(start: date, end: date, bucket: str | None) -> list[Piece]:
    """Cover the days start..end with as few rollup rows as possible, never letting a row
    cross a bucket of `bucket` (None: totals, any split will do).

    Day buckets read the daily rollup. Week buckets read whole weeks, and the days before the
    first and after the last whole week. Months (and totals) read whole months, and split
    each partial month at either end into whole weeks (inside that month) and days.
    """
    if bucket == "day":
        return [Piece("day", start, end)]
    if bucket == "week":
        return _weeks_and_days(start, end)
    found: list[Piece] = []
    month = month_start(start)
    while month <= end:
        following = _next_month(month)
        first, last = max(start, month), min(end, following - timedelta(days=1))
        if first == month and last == following - timedelta(days=1):
            if found and found[-1].level == "month" and found[-1].end == month - timedelta(1):
                found[-1] = Piece("month", found[-1].start, last)  # one range of months
            else:
                found.append(Piece("month", first, last))
        else:
            found.extend(_weeks_and_days(first, last))
        month = following
    return found


def _weeks_and_days(start: date, end: date) -> list[Piece]:
    first_week = week_start(start + timedelta(days=6))  # the first Monday on or after start
    last_week_end = week_start(end + timedelta(days=1)) - timedelta(days=1)  # a Sunday
    if first_week > last_week_end:
        return [Piece("day", start, end)]
    found = [Piece("week", first_week, last_week_end)]
    if start < first_week:
        found.insert(0, Piece("day", start, first_week - timedelta(days=1)))
    if last_week_end < end:
        found.append(Piece("day", last_week_end + timedelta(days=1), end))
    return found


# --- keeping them exact -----------------------------------------------------------------------


def add_tally(session: Session, tally: pd.DataFrame) -> None:
    """Add a daily tally (case_id, target_key, channel, day, actions, reports) to both."""
    if tally.empty:
        return
    days = pd.to_datetime(tally["day"])
    starts = {
        "week": days - pd.to_timedelta(days.dt.day_of_week, unit="D"),
        "month": days.dt.to_period("M").dt.start_time,
    }
    for bucket, table in COARSE.items():
        frame = pd.DataFrame(
            {
                "case_id": tally["case_id"].to_numpy(),
                "channel": tally["channel"].to_numpy(),
                "day": starts[bucket].to_numpy(),
                "actions": tally["actions"].to_numpy(),
                "reports": tally["reports"].to_numpy(),
            }
        )
        # Sorted by key, as the daily upsert is: concurrent writers lock rows in one order.
        grouped = frame.groupby(COARSE_KEY, sort=True, observed=True).sum().reset_index()
        columns = [grouped[name].tolist() for name in _NAMES]
        columns[2] = pd.to_datetime(grouped["day"]).dt.date.tolist()
        columns[1] = [_value(c) for c in columns[1]]
        _upsert(
            session,
            table,
            [dict(zip(_NAMES, row, strict=True)) for row in zip(*columns, strict=True)],
        )


def add_rows(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """`add_tally` for a tally given as rows (case_id, target_key, channel, day as a date,
    actions, reports), as the writer has it for the few reports of a live request: summed in
    plain Python, since a pandas group-by costs milliseconds whatever its size."""
    for table, params in coarse_rows(rows).items():
        _upsert(session, table, params)


def coarse_rows(rows: Sequence[Mapping[str, Any]]) -> dict[Table, list[dict[str, Any]]]:
    """What `add_rows` upserts: per coarse table, its rows (COARSE_KEY, actions, reports)."""
    found: dict[Table, list[dict[str, Any]]] = {}
    if not rows:
        return found
    for bucket, table in COARSE.items():
        start = week_start if bucket == "week" else month_start
        sums: dict[tuple[Any, ...], list[int]] = {}
        for row in rows:
            key = (int(row["case_id"]), _value(row["channel"]), start(row["day"]))
            entry = sums.setdefault(key, [0, 0])
            entry[0] += int(row["actions"])
            entry[1] += int(row["reports"])
        # Sorted by key, as in `add_tally`.
        found[table] = [dict(zip(_NAMES, (*key, *sums[key]), strict=True)) for key in sorted(sums)]
    return found


def _upsert(session: Session, table: Table, params: list[dict[str, Any]]) -> None:
    """Add rows (keyed by COARSE_KEY) to a coarse rollup, adding to the rows already there."""
    session.execute(upsert_statement(_dialect(session), table, tuple(COARSE_KEY)), params)


@functools.cache
def upsert_statement(dialect: str, table: Table, key: tuple[str, ...]) -> Any:
    """INSERT … ON CONFLICT (key) DO UPDATE adding actions and reports to the row there.
    Built once per table: its construction cost more than a live request's upsert itself."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={
            "actions": table.c.actions + statement.excluded.actions,
            "reports": table.c.reports + statement.excluded.reports,
        },
    )


def subtract_batch(session: Session, batch_id: int) -> None:
    """Take a batch's reports out of both (before the reports themselves are deleted)."""
    dialect = _dialect(session)
    batch_cases = select(ActionReport.case_id).where(ActionReport.batch_id == batch_id).distinct()
    for bucket, table in COARSE.items():
        start = bucket_start(dialect, bucket, ActionReport.action_date)
        tally = (
            select(
                ActionReport.case_id.label("case_id"),
                ActionReport.channel.label("channel"),
                start.label("day"),
                cast(func.sum(ActionReport.count), BigInteger).label("actions"),
                cast(func.count(), BigInteger).label("reports"),
            )
            .where(ActionReport.batch_id == batch_id)
            .group_by(ActionReport.case_id, ActionReport.channel, start)
            .subquery(f"batch_{bucket}")
        )
        session.execute(
            update(table)
            .where(*(table.c[key] == tally.c[key] for key in COARSE_KEY))
            .values(
                actions=table.c.actions - tally.c.actions,
                reports=table.c.reports - tally.c.reports,
            )
        )
        session.execute(delete(table).where(table.c.case_id.in_(batch_cases), table.c.reports <= 0))


def rebuild(session: Session) -> None:
    """Recompute both from `action_daily`."""
    dialect = _dialect(session)
    for bucket, table in COARSE.items():
        session.execute(delete(table))
        session.execute(
            insert(table).from_select(
                [*COARSE_KEY, "actions", "reports"], _from_daily(dialect, bucket)
            )
        )


def _from_daily(dialect: str, bucket: str) -> Any:
    start = bucket_start(dialect, bucket, DAILY.c.day)
    return select(
        DAILY.c.case_id,
        DAILY.c.channel,
        start.label("day"),
        cast(func.sum(DAILY.c.actions), BigInteger).label("actions"),
        cast(func.sum(DAILY.c.reports), BigInteger).label("reports"),
    ).group_by(DAILY.c.case_id, DAILY.c.channel, start)


def differences(session: Session) -> dict[str, int]:
    """How many rows of each coarse rollup differ from `action_daily` summed; all 0 if exact."""
    session.flush()
    dialect = _dialect(session)
    found = {}
    for bucket, table in COARSE.items():
        expected = {
            (int(c), _value(ch), pd.Timestamp(d).date()): (int(a), int(r))
            for c, ch, d, a, r in session.execute(_from_daily(dialect, bucket))
        }
        stored = {
            (int(c), _value(ch), pd.Timestamp(d).date()): (int(a), int(r))
            for c, ch, d, a, r in session.execute(
                select(
                    table.c.case_id, table.c.channel, table.c.day, table.c.actions, table.c.reports
                )
            )
        }
        keys = expected.keys() | stored.keys()
        found[bucket] = sum(expected.get(key) != stored.get(key) for key in keys)
    return found


def _value(channel: Any) -> str:
    return str(getattr(channel, "value", channel))


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
