"""The read side: filters in, tidy aggregated DataFrames out.

Every number comes from the `action_daily` rollup, grouped in SQL to the resolution a chart
shows (day, week or month), so a page costs the same with a thousand reports or fifty
million. Cases are few (hundreds a year), so case-level filters are resolved to a list of
case ids first and the totals are then asked for those ids.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Select, func, literal, select, union_all
from sqlalchemy.orm import Session, selectinload

from uadash.reports import rollups
from uadash.store.models import (
    ActionDaily,
    ActionMonthly,
    Case,
    IntakeSource,
    ReportBatch,
    Target,
)
from uadash.vocab import CaseStatus, Channel, TargetRole
from uadash.wording import DUE_SOON_DAYS, attention_word, suggested_only

NO_TARGET = "No target given"
CHANNELS: list[str] = [channel.value for channel in Channel]


class Bucket(enum.StrEnum):
    """The resolution of a chart over time."""

    day = "day"
    week = "week"  # weeks start on Monday
    month = "month"


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a figure covers; an empty tuple means "all"."""

    statuses: tuple[CaseStatus, ...] = ()
    countries: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    case_ids: tuple[int, ...] = ()
    # Count each UA the other fields keep across all its updates, not only the updates kept.
    whole_ua: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.statuses or self.countries or self.tags or self.case_ids)


@dataclass(frozen=True)
class Period:
    """A closed range of days, `start` to `end` inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)


# ---------------------------------------------------------------------------------------
# Cases


@dataclass(frozen=True)
class CaseChoice:
    """What a case picker needs: an id and a readable label."""

    id: int
    ua_number: str
    update_number: int
    label: str
    title: str
    ref: str  # the value of `?case=` that opens it


def case_ref(ua_number: str, update_number: int, *, updated: bool = False) -> str:
    """The shareable reference of a case: `44.22-2` (update 2), `44.22` for a new UA. A
    reference without an update number opens the UA's latest update, so the first issue of a
    UA that has been `updated` since is `44.22-0`."""
    return f"{ua_number}-{update_number}" if update_number or updated else ua_number


def updated_uas(engine: Engine) -> set[str]:
    """The UA numbers that have an update after their first issue."""
    query = select(Case.ua_number).where(Case.update_number > 0).distinct()
    with engine.connect() as connection:
        return set(connection.scalars(query))


_REF = re.compile(r"^\s*(?:UA\s*)?(\d+)[./](\d+)(?:\s*[-/ ]\s*(?:update\s*)?(\d+))?\s*$", re.I)


def parse_case_ref(text: str) -> tuple[str, int | None] | None:
    """`"44.22-2"` -> ("44.22", 2); `"UA 44/22"` -> ("44.22", None); nonsense -> None."""
    match = _REF.match(text)
    if not match:
        return None
    number, year, update = match.groups()
    return f"{int(number)}.{year}", int(update) if update is not None else None


def find_case(engine: Engine, ref: str) -> Case | None:
    """The case a reference names; without an update number, its latest update."""
    parsed = parse_case_ref(ref)
    if parsed is None:
        return None
    ua_number, update = parsed
    query = select(Case).where(Case.ua_number == ua_number).options(selectinload(Case.targets))
    if update is not None:
        query = query.where(Case.update_number == update)
    query = query.order_by(Case.update_number.desc()).limit(1)
    with Session(engine) as session:
        return session.scalars(query).first()


def get_case(engine: Engine, case_id: int) -> Case | None:
    with Session(engine) as session:
        query = select(Case).where(Case.id == case_id).options(selectinload(Case.targets))
        return session.scalars(query).first()


def case_choices(engine: Engine) -> list[CaseChoice]:
    """Every case, newest UA first, for pickers."""
    query = select(Case.id, Case.ua_number, Case.update_number, Case.title)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    updated = {row.ua_number for row in rows if row.update_number}
    choices = [
        CaseChoice(
            id=row.id,
            ua_number=row.ua_number,
            update_number=row.update_number,
            label=_label(row.ua_number, row.update_number),
            title=row.title,
            ref=case_ref(row.ua_number, row.update_number, updated=row.ua_number in updated),
        )
        for row in rows
    ]
    return sorted(choices, key=lambda c: (_ua_sort_key(c.ua_number), c.update_number), reverse=True)


def _ua_sort_key(ua_number: str) -> tuple[int, int]:
    number, _, year = ua_number.partition(".")
    return (int(year) if year.isdigit() else 0, int(number) if number.isdigit() else 0)


def _label(ua_number: str, update_number: int) -> str:
    return f"UA {ua_number}" + (f" (update {update_number})" if update_number else "")


@dataclass(frozen=True)
class FilterOptions:
    """The values a case filter can take, as found in the database."""

    countries: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def filter_options(engine: Engine) -> FilterOptions:
    with engine.connect() as connection:
        rows = connection.execute(select(Case.country, Case.tags)).all()
    countries = sorted({row.country for row in rows})
    tags = sorted({str(tag) for row in rows for tag in (row.tags or [])}, key=str.lower)
    return FilterOptions(countries=countries, tags=tags)


def matching_case_ids(engine: Engine, filters: CaseFilter) -> list[int] | None:
    """The ids of the cases the filter keeps, or None when it keeps every case."""
    if filters.is_empty:
        return None
    query = select(Case.id, Case.tags)
    if filters.statuses:
        query = query.where(Case.status.in_(filters.statuses))
    if filters.countries:
        query = query.where(Case.country.in_(filters.countries))
    if filters.case_ids:
        query = query.where(Case.id.in_(filters.case_ids))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    # Tags live in a JSON list; with hundreds of cases, matching them here is simpler and
    # portable across SQLite and PostgreSQL.
    wanted = {tag.lower() for tag in filters.tags}
    ids = [
        row.id
        for row in rows
        if not wanted or wanted & {str(tag).lower() for tag in (row.tags or [])}
    ]
    return whole_ua_ids(engine, ids) if filters.whole_ua else ids


def whole_ua_ids(engine: Engine, case_ids: Sequence[int]) -> list[int]:
    """The ids of every update of the UAs these cases belong to."""
    if not case_ids:
        return []
    uas = select(Case.ua_number).where(Case.id.in_(list(case_ids))).scalar_subquery()
    query = select(Case.id).where(Case.ua_number.in_(uas)).order_by(Case.id)
    with engine.connect() as connection:
        return list(connection.scalars(query))


def superseded_by(engine: Engine) -> dict[int, str]:
    """For each superseded case, the label of the update that supersedes it."""
    query = select(Case.supersedes_id, Case.ua_number, Case.update_number).where(
        Case.supersedes_id.is_not(None)
    )
    with engine.connect() as connection:
        return {
            int(row.supersedes_id): _label(row.ua_number, row.update_number)
            for row in connection.execute(query)
        }


CASE_COLUMNS = [
    "case_id",
    "ref",
    "label",
    "ua_number",
    "update_number",
    "title",
    "country",
    "status",
    "outcome",
    "deadline",
    "deadline_note",
    "days_left",
    "overdue",
    "attention",
    "due_soon",
    "issued",
    "tags",
    "people",
    "is_demo",
    "total_actions",
    "actions_last_7_days",
    "superseded_by",
    "actions_in_period",
]


def list_cases(
    engine: Engine, filters: CaseFilter, *, today: date, period: Period | None = None
) -> pd.DataFrame:
    """Every case the filter keeps with its deadline, days left and totals (all time, the
    last 7 days, and in `period` when given), most urgent first (see `urgency` for what
    overdue and due soon mean). `superseded_by` names the update that replaced a case, or
    is None.

    With `filters.whole_ua`, one row per UA: its superseded updates are left out, and the
    totals are those of the whole UA, every update counted (the per-case sums, read from the
    rollups, added up by UA number)."""
    ids = matching_case_ids(engine, filters)
    # Core tuples of the columns the table needs: ORM objects would load every case's
    # texts (summary, letter, source) and cost ~0.2 s for 1,200 cases.
    cases = select(*_CASE_FIELDS)
    if ids is not None:
        cases = cases.where(Case.id.in_(ids))
    week_start = today - timedelta(days=DUE_SOON_DAYS - 1)
    dialect = engine.dialect.name
    sums_of = {
        "total": _summed(dialect, ids, None, None, ["case_id"]),
        "last_7": _summed(dialect, ids, Period(week_start, today), None, ["case_id"]),
    }
    if period is not None:
        sums_of["in_period"] = _summed(dialect, ids, period, None, ["case_id"])
    replaced = superseded_by(engine)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(cases)]
        per_case = {
            name: {case_id: n for case_id, n in connection.execute(query)}
            for name, query in sums_of.items()
        }
    # Per case, or per UA: the same sums added up over the UA number's cases.
    sums: dict[Any, tuple[Any, Any, Any]] = {}
    for row in rows:
        case_id, ua_number = row[0], row[1]
        key = ua_number if filters.whole_ua else case_id
        total, last, inside = sums.get(key, (0, 0, 0 if period else None))
        sums[key] = (
            total + (per_case["total"].get(case_id) or 0),
            last + (per_case["last_7"].get(case_id) or 0),
            None if inside is None else inside + (per_case["in_period"].get(case_id) or 0),
        )
    if filters.whole_ua:
        rows = [row for row in rows if row[0] not in replaced]
    empty = (0, 0, 0 if period else None)
    updated = updated_uas(engine)
    records = [
        _case_record(
            row,
            sums.get(row[1] if filters.whole_ua else row[0], empty),
            today,
            superseded=replaced.get(row[0]),
            updated=row[1] in updated,
        )
        for row in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=[*CASE_COLUMNS, "_rank"])
    if frame.empty:
        return frame.drop(columns=["_rank"])
    frame["days_left"] = frame["days_left"].astype("Int64")
    frame["_deadline"] = pd.to_datetime(frame["deadline"])
    frame = frame.sort_values(
        ["_rank", "_deadline", "ua_number", "update_number"], na_position="last"
    )
    return frame.drop(columns=["_rank", "_deadline"]).reset_index(drop=True)


@dataclass(frozen=True)
class Urgency:
    """What a case's deadline means today: derived, never stored."""

    days_left: int | None  # negative once the deadline has passed; None: no end date
    overdue: bool  # active, and the deadline has passed (a firm one, see `suggested`)
    due_soon: bool  # active, and due today or within the next DUE_SOON_DAYS - 1 days

    suggested: bool  # the deadline is only a suggested date: the action "has no end date"
    word: str  # `wording.attention_word`: "Deadline passed", "Past the suggested date" …


def urgency(
    status: CaseStatus,
    deadline: date | None,
    *,
    today: date,
    deadline_note: str | None = None,
    outcome: str | None = None,
) -> Urgency:
    """Only active cases are overdue or due soon: a closed case's old deadline needs nobody,
    and a case whose action "has no end date" is past its suggested date, not overdue."""
    days_left = (deadline - today).days if deadline else None
    watched = status == CaseStatus.active and days_left is not None
    suggested = suggested_only(deadline_note)
    return Urgency(
        days_left=days_left,
        overdue=watched and not suggested and days_left is not None and days_left < 0,
        due_soon=watched and days_left is not None and 0 <= days_left < DUE_SOON_DAYS,
        suggested=suggested,
        word=attention_word(status, outcome, days_left=days_left, suggested=suggested),
    )


_CASE_FIELDS = (
    Case.id,
    Case.ua_number,
    Case.update_number,
    Case.title,
    Case.country,
    Case.status,
    Case.outcome,
    Case.deadline,
    Case.deadline_note,
    Case.issued,
    Case.tags,
    Case.people_at_risk,
    Case.is_demo,
)


def _case_record(
    row: tuple[Any, ...],
    sums: tuple[Any, Any, Any],
    today: date,
    *,
    superseded: str | None = None,
    updated: bool = False,
) -> tuple[Any, ...]:
    """One row of `list_cases` (CASE_COLUMNS, then the rank it is sorted by) from a row of
    `_CASE_FIELDS`."""
    (
        case_id,
        ua_number,
        update_number,
        title,
        country,
        status,
        outcome,
        deadline,
        deadline_note,
        issued,
        tags,
        people,
        is_demo,
    ) = row
    outcome = outcome.value if outcome else None
    state = urgency(status, deadline, today=today, deadline_note=deadline_note, outcome=outcome)
    rank = 0 if state.overdue else 1 if state.due_soon else _STATUS_RANK.get(status.value, 6)
    return (
        case_id,
        case_ref(ua_number, update_number, updated=updated),
        _label(ua_number, update_number),
        ua_number,
        update_number,
        title,
        country,
        status.value,
        outcome,
        deadline,
        deadline_note,
        state.days_left,
        state.overdue,
        state.word,
        state.due_soon,
        issued,
        list(tags or []),
        ", ".join(str(p.get("name", "")) for p in people or []),
        is_demo,
        int(sums[0] or 0),
        int(sums[1] or 0),
        superseded,
        None if sums[2] is None else int(sums[2] or 0),
        rank,
    )


# Most urgent first: overdue, due soon, then by status.
_STATUS_RANK = {"active": 2, "paused": 3, "draft": 4, "closed": 5}


# ---------------------------------------------------------------------------------------
# Totals


def data_stamp(engine: Engine) -> tuple[Any, ...]:
    """Changes whenever any report, case or target changes: a cache key for everything above.

    Reports are only ever written or deleted by batch (and a batch counts its reports), and
    every change to a case or its targets bumps the case's version, so a few aggregates over
    two small tables are enough — cheap at any number of reports. The newest batch's time is
    in it because SQLite reuses the id of an undone last batch: "undo import 5, import
    another file of the same size" leaves count, id and sum as they were.
    """
    batches = select(
        func.count(ReportBatch.id),
        func.max(ReportBatch.id),
        func.sum(ReportBatch.reports),
        func.max(ReportBatch.created_at),
        func.max(ReportBatch.last_report_at),  # live reports add to a batch of the day
    )
    cases = select(func.count(Case.id), func.max(Case.id), func.sum(Case.version))
    with engine.connect() as connection:
        return (*connection.execute(batches).one(), *connection.execute(cases).one())


def reports_by_source(engine: Engine) -> dict[str, int]:
    """How many reports each source has written (`{"demo": 200000, "form": 1234}`).

    Read from the batches, which count their reports, so it costs nothing at any scale.
    """
    query = select(ReportBatch.source, func.sum(ReportBatch.reports)).group_by(ReportBatch.source)
    with engine.connect() as connection:
        return {_enum_value(source): int(n or 0) for source, n in connection.execute(query)}


@dataclass(frozen=True)
class LiveArrival:
    """When the last live report came in from one intake source (the form, an API key)."""

    source: str
    last_report_at: datetime
    reports: int


def last_live_reports(engine: Engine) -> list[LiveArrival]:
    """Each intake source that has sent reports, the newest arrival first."""
    query = (
        select(
            IntakeSource.name,
            func.max(ReportBatch.last_report_at),
            func.coalesce(func.sum(ReportBatch.reports), 0),
        )
        .join(ReportBatch, ReportBatch.intake_source_id == IntakeSource.id)
        .where(ReportBatch.last_report_at.is_not(None))
        .group_by(IntakeSource.name)
    )
    with engine.connect() as connection:
        rows = [
            LiveArrival(name, _aware(last), int(reports))
            for name, last, reports in connection.execute(query)
            if last is not None
        ]
    return sorted(rows, key=lambda row: row.last_report_at, reverse=True)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Headline:
    """The overview's big numbers."""

    period: Period
    actions: int
    previous_actions: int
    active_cases: int
    due_soon: int
    overdue: int

    @property
    def change(self) -> int:
        return self.actions - self.previous_actions

    @property
    def change_percent(self) -> float | None:
        """The change against the previous period in percent; None when that was zero."""
        if not self.previous_actions:
            return None
        return 100.0 * self.change / self.previous_actions


def headline(engine: Engine, filters: CaseFilter, *, period: Period, today: date) -> Headline:
    """The overview's figures. With `filters.whole_ua` a UA is one case, its latest update:
    the actions count every update, the case counts leave the superseded ones out."""
    ids = matching_case_ids(engine, filters)
    query = select(Case.status, Case.deadline, Case.deadline_note).where(_in_ids(Case.id, ids))
    if filters.whole_ua:
        query = query.where(
            Case.id.not_in(select(Case.supersedes_id).where(Case.supersedes_id.is_not(None)))
        )
    with engine.connect() as connection:
        cases = connection.execute(query).all()
    states = [
        urgency(status, deadline, today=today, deadline_note=note)
        for status, deadline, note in cases
    ]
    return Headline(
        period=period,
        actions=total_actions(engine, ids, period),
        previous_actions=total_actions(engine, ids, period.previous()),
        active_cases=sum(1 for status, _, _ in cases if status == CaseStatus.active),
        due_soon=sum(state.due_soon for state in states),
        overdue=sum(state.overdue for state in states),
    )


def total_actions(
    engine: Engine,
    case_ids: Sequence[int] | None,
    period: Period | None = None,
    *,
    target_id: int | None = None,
) -> int:
    """The sum of reported actions for these cases (None: all) in the period (None: ever)."""
    if target_id is None:
        query = _summed(engine.dialect.name, case_ids, period, None, [])
    else:  # only the daily rollup knows targets
        query = select(func.sum(ActionDaily.actions)).where(
            _in_ids(ActionDaily.case_id, case_ids), ActionDaily.target_key == target_id
        )
        if period is not None:
            query = query.where(ActionDaily.day.between(period.start, period.end))
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one_or_none() or 0)


def total_actions_of(connection: Any, case_ids: Sequence[int]) -> int:
    """`total_actions(engine, case_ids)` read on `connection` (inside its transaction: a
    writer's own reports counted before it commits)."""
    query = _summed(connection.dialect.name, case_ids, None, None, [])
    return int(connection.execute(query).scalar_one_or_none() or 0)


def _in_ids(column: Any, ids: Sequence[int] | None) -> ColumnElement[bool]:
    if ids is None:
        return literal(True)
    return column.in_(list(ids))


def bucket_expression(dialect: str, bucket: Bucket) -> ColumnElement[Any]:
    """The first day of the bucket that `action_daily.day` falls in, in SQL."""
    return rollups.bucket_start(dialect, bucket.value, ActionDaily.__table__.c.day)


def _summed(
    dialect: str,
    ids: Sequence[int] | None,
    period: Period | None,
    bucket: Bucket | None,
    by: Sequence[str],
) -> Select[Any]:
    """SELECT [period,] *by, actions: the actions over `period` (None: ever) for these cases,
    grouped by `by` (columns every rollup has: case_id, channel) and, with a bucket, by the
    first day of each bucket as `period`.

    Read from whole months and weeks of the coarse rollups and the days at the ends from
    the daily one (`rollups.pieces`), so a year costs about what a month does.
    """
    if period is None:
        chosen = [rollups.Piece("month", date.min, date.max)]
    elif "target_key" in by:  # only the daily rollup knows targets
        chosen = [rollups.Piece("day", period.start, period.end)]
    else:
        chosen = rollups.pieces(period.start, period.end, bucket.value if bucket else None)
    parts = []
    for piece in chosen:
        table = rollups.TABLES[piece.level]
        columns: list[Any] = []
        if bucket is not None:
            start: ColumnElement[Any] = table.c.day
            if piece.level != bucket.value:
                start = rollups.bucket_start(dialect, bucket.value, table.c.day)
            columns.append(start.label("period"))
        columns += [table.c[name].label(name) for name in by]
        part = select(*columns, func.sum(table.c.actions).label("actions"))
        if period is not None:
            part = part.where(table.c.day.between(piece.start, piece.end))
        part = part.where(_in_ids(table.c.case_id, ids))
        if columns:
            part = part.group_by(*columns)
        parts.append(part)
    if len(parts) == 1:
        return parts[0]
    union = union_all(*parts).subquery("pieces")
    keys = ([union.c.period] if bucket is not None else []) + [union.c[name] for name in by]
    query = select(*keys, func.sum(union.c.actions).label("actions"))
    return query.group_by(*keys) if keys else query


def _over_time(
    engine: Engine,
    ids: Sequence[int] | None,
    period: Period,
    bucket: Bucket,
    by: Sequence[str],
) -> Select[Any]:
    query = _summed(engine.dialect.name, ids, period, bucket, by)
    return query.order_by(query.selected_columns[0])


def _frame(engine: Engine, query: Select[Any], columns: list[str]) -> pd.DataFrame:
    with engine.connect() as connection:
        # Plain tuples: given SQLAlchemy rows, pandas probes each one for attributes, and
        # every miss raises and catches an exception inside SQLAlchemy (seconds for 12,000).
        rows = [tuple(row) for row in connection.execute(query)]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    if "period" in frame:
        frame["period"] = pd.to_datetime(frame["period"])
    if "actions" in frame:
        frame["actions"] = frame["actions"].astype("int64")
    return frame


def actions_by_channel_over_time(
    engine: Engine, filters: CaseFilter, *, period: Period, bucket: Bucket
) -> pd.DataFrame:
    """Columns period, channel, actions: one row per bucket and channel that has actions."""
    ids = matching_case_ids(engine, filters)
    query = _over_time(engine, ids, period, bucket, ["channel"])
    frame = _frame(engine, query, ["period", "channel", "actions"])
    frame["channel"] = frame["channel"].map(_channel_value)
    return frame


def actions_by_case_over_time(
    engine: Engine, filters: CaseFilter, *, period: Period, bucket: Bucket
) -> pd.DataFrame:
    """Columns period, case_id, case (its label), actions."""
    ids = matching_case_ids(engine, filters)
    query = _over_time(engine, ids, period, bucket, ["case_id"])
    frame = _frame(engine, query, ["period", "case_id", "actions"])
    labels = {choice.id: choice.label for choice in case_choices(engine)}
    frame.insert(2, "case", frame["case_id"].map(labels))
    return frame


def actions_by_channel(
    engine: Engine, filters: CaseFilter, *, period: Period, target_id: int | None = None
) -> pd.DataFrame:
    """Columns channel, actions, share: every channel, in the fixed order, zeros included.

    With `target_id`, only the actions addressed to that target."""
    ids = matching_case_ids(engine, filters)
    query: Select[Any] | Select[Channel, int]
    if target_id is None:
        query = _summed(engine.dialect.name, ids, period, None, ["channel"])
    else:  # only the daily rollup knows targets
        query = (
            select(ActionDaily.channel, func.sum(ActionDaily.actions))
            .where(ActionDaily.day.between(period.start, period.end))
            .where(_in_ids(ActionDaily.case_id, ids))
            .where(ActionDaily.target_key == target_id)
            .group_by(ActionDaily.channel)
        )
    with engine.connect() as connection:
        sums = {_channel_value(c): int(n) for c, n in connection.execute(query)}
    frame = pd.DataFrame({"channel": CHANNELS, "actions": [sums.get(c, 0) for c in CHANNELS]})
    total = frame["actions"].sum()
    frame["share"] = frame["actions"] / total if total else 0.0
    return frame


def actions_by_case(engine: Engine, filters: CaseFilter, *, period: Period) -> pd.DataFrame:
    """Columns case_id, ref, case (its label), title, actions: every case the filter keeps,
    zeros included, most actions first (newest UA first among equals)."""
    ids = matching_case_ids(engine, filters)
    query = _summed(engine.dialect.name, ids, period, None, ["case_id"])
    with engine.connect() as connection:
        sums = {int(case_id): int(n) for case_id, n in connection.execute(query)}
    kept = set(ids) if ids is not None else None
    choices = [c for c in case_choices(engine) if kept is None or c.id in kept]
    frame = pd.DataFrame(
        {
            "case_id": [c.id for c in choices],
            "ref": [c.ref for c in choices],
            "case": [c.label for c in choices],
            "title": [c.title for c in choices],
            "actions": pd.Series([sums.get(c.id, 0) for c in choices], dtype="int64"),
        }
    )
    # A stable sort keeps case_choices' newest-first order among equal totals.
    return frame.sort_values("actions", ascending=False, kind="stable").reset_index(drop=True)


def campaign_start(engine: Engine, case_ids: Sequence[int] | None) -> date | None:
    """The first day worth counting for these cases (None: all): the earliest issue date or
    reported action, whichever comes first; None when there is neither."""
    issued = select(func.min(Case.issued)).where(_in_ids(Case.id, case_ids))
    acted = select(func.min(ActionDaily.day)).where(_in_ids(ActionDaily.case_id, case_ids))
    with engine.connect() as connection:
        days = [connection.execute(query).scalar_one_or_none() for query in (issued, acted)]
    found = [pd.Timestamp(day).date() for day in days if day is not None]
    return min(found) if found else None


def _enum_value(value: Any) -> str:
    return value.value if isinstance(value, enum.Enum) else str(value)


_channel_value = _enum_value


# ---------------------------------------------------------------------------------------
# One case


def case_period(engine: Engine, case: Case, *, today: date) -> Period:
    """The days worth showing for a case: from its issue date (or first report, if earlier)
    to today. Without either, the 60 days before its deadline, or the last 90 days."""
    starts = [day for day in (case.issued, first_action_day(engine, case.id)) if day]
    if not starts and case.deadline:
        starts = [case.deadline - timedelta(days=60)]
    start = min(starts) if starts else today - timedelta(days=89)
    return Period(min(start, today), today)


def first_action_day(engine: Engine, case_id: int) -> date | None:
    return _edge_day(engine, case_id, last=False)


def last_action_day(engine: Engine, case_id: int) -> date | None:
    return _edge_day(engine, case_id, last=True)


def _edge_day(engine: Engine, case_id: int, *, last: bool) -> date | None:
    """The first or last day a case has reports: the month from the monthly rollup, then the
    day within that month from the daily one.

    `max(day) … WHERE case_id = …` on the daily rollup alone took PostgreSQL 1.7 s at 10
    million reports for a case whose reports ended two years ago: it walked the day index
    from its end, skipping every other case's days, until it met one of this case's."""
    edge = func.max if last else func.min
    month_query = select(edge(ActionMonthly.day)).where(ActionMonthly.case_id == case_id)
    with engine.connect() as connection:
        month = connection.execute(month_query).scalar_one_or_none()
        if month is None:
            return None
        start = pd.Timestamp(month).date()
        end = (pd.Timestamp(start) + pd.offsets.MonthEnd(1)).date()
        query = select(edge(ActionDaily.day)).where(
            ActionDaily.case_id == case_id, ActionDaily.day.between(start, end)
        )
        value = connection.execute(query).scalar_one_or_none()
    return pd.Timestamp(value).date() if value is not None else None


def target_labels(case: Case) -> dict[int, str]:
    """`target_key` -> a readable label; CC targets say so, 0 is "no target given"."""
    labels = {0: NO_TARGET}
    for target in case.targets:
        labels[target.id] = f"{target.name} (CC)" if target.role == TargetRole.cc else target.name
    return labels


def actions_by_target_over_time(
    engine: Engine, case: Case, *, period: Period, bucket: Bucket
) -> pd.DataFrame:
    """Columns period, target_key, target, role, actions."""
    query = _over_time(engine, [case.id], period, bucket, ["target_key"])
    frame = _frame(engine, query, ["period", "target_key", "actions"])
    return _label_targets(frame, case)


def actions_by_target(engine: Engine, case: Case, *, period: Period | None = None) -> pd.DataFrame:
    """Columns target_key, target, role, actions: every target of the case, zeros included,
    in the case's order, then "no target given" when any report named none."""
    query = (
        select(ActionDaily.target_key, func.sum(ActionDaily.actions))
        .where(ActionDaily.case_id == case.id)
        .group_by(ActionDaily.target_key)
    )
    if period is not None:
        query = query.where(ActionDaily.day.between(period.start, period.end))
    with engine.connect() as connection:
        sums = {int(key): int(n) for key, n in connection.execute(query)}
    keys = [target.id for target in case.targets] + ([0] if sums.get(0) else [])
    frame = pd.DataFrame({"target_key": keys, "actions": [sums.get(k, 0) for k in keys]})
    return _label_targets(frame, case)


def _label_targets(frame: pd.DataFrame, case: Case) -> pd.DataFrame:
    labels = target_labels(case)
    roles = {target.id: target.role.value for target in case.targets}
    frame["target"] = frame["target_key"].map(labels)
    frame["role"] = frame["target_key"].map(roles).fillna("none")
    leading = [c for c in frame.columns if c not in ("target", "role", "actions")]
    return frame[[*leading, "target", "role", "actions"]]


def cumulative_actions(engine: Engine, case: Case, *, period: Period) -> pd.DataFrame:
    """Columns day, actions, cumulative: every day of the period (zero days included), with
    the running total counted from the case's very first report."""
    before = select(func.coalesce(func.sum(ActionDaily.actions), 0)).where(
        ActionDaily.case_id == case.id, ActionDaily.day < period.start
    )
    daily = (
        select(ActionDaily.day, func.sum(ActionDaily.actions))
        .where(ActionDaily.case_id == case.id)
        .where(ActionDaily.day.between(period.start, period.end))
        .group_by(ActionDaily.day)
    )
    with engine.connect() as connection:
        carried = int(connection.execute(before).scalar_one())
        sums = {pd.Timestamp(day): int(n) for day, n in connection.execute(daily)}
    days = pd.date_range(period.start, period.end, freq="D")
    frame = pd.DataFrame({"day": days, "actions": [sums.get(day, 0) for day in days]})
    frame["cumulative"] = frame["actions"].cumsum() + carried
    return frame


def case_targets_table(engine: Engine, case: Case) -> pd.DataFrame:
    """The case's targets with their contact details and each one's total actions."""
    totals = actions_by_target(engine, case).set_index("target_key")["actions"]
    rows = [
        {
            "name": target.name,
            "title": target.title,
            "organisation": target.organisation,
            "address": ", ".join(line.strip(" ,") for line in (target.address or "").splitlines()),
            "email": target.email,
            "phone": target.phone,
            "fax": target.fax,
            "social_handle": target.social_handle,
            "role": "Retired"
            if target.retired_at is not None
            else ("CC" if target.role == TargetRole.cc else "Primary"),
            "actions": int(totals.get(target.id, 0)),
        }
        for target in case.targets
    ]
    return pd.DataFrame(rows).fillna("")


def target_by_id(case: Case, target_id: int) -> Target | None:
    return next((target for target in case.targets if target.id == target_id), None)
