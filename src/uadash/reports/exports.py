"""Exports of action reports and their totals, as CSV for spreadsheets.

Reports leave without anything personal: no reporter hash, no dedupe key, and notes (free
text that may hold a name) only when asked for. Totals come from the daily rollup, grouped by
case, target, channel and period as asked. Every file goes through `exports.formula_safe`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from uadash.exports import formula_safe
from uadash.queries import NO_TARGET, Bucket, Period, bucket_expression
from uadash.store.models import ActionDaily, ActionReport, Case, Target
from uadash.vocab import Channel

CHUNK_ROWS = 100_000
REPORT_COLUMNS = [
    "report_id",
    "case",
    "ua_number",
    "update_number",
    "target",
    "channel",
    "count",
    "action_date",
    "reported_at_utc",
    "source",
    "import_id",
    "external_id",
]
DIMENSIONS = ("case", "target", "channel")


@dataclass(frozen=True)
class ReportFilter:
    """Which reports: some cases (empty: all), a period of action days, one import."""

    case_ids: tuple[int, ...] = ()
    period: Period | None = None
    batch_id: int | None = None


def _case_label(ua_number: str, update_number: int) -> str:
    return f"UA {ua_number}" + (f" (update {update_number})" if update_number else "")


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def report_chunks(
    engine: Engine,
    filters: ReportFilter = ReportFilter(),
    *,
    notes: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """The reports in the order they were stored: an earlier import before a later one, a
    large import's rows in dedupe-key order within each chunk of it (see intake.py). A chunk
    at a time, paged by id, so memory stays flat."""
    columns = [*REPORT_COLUMNS, *(["note"] if notes else [])]
    query = (
        select(
            ActionReport.id,
            Case.ua_number,
            Case.update_number,
            Target.name,
            ActionReport.channel,
            ActionReport.count,
            ActionReport.action_date,
            ActionReport.reported_at,
            ActionReport.source,
            ActionReport.batch_id,
            ActionReport.external_id,
            *([ActionReport.note] if notes else []),
        )
        .join(Case, Case.id == ActionReport.case_id)
        .outerjoin(Target, Target.id == ActionReport.target_id)
        .order_by(ActionReport.id)
        .limit(chunk_rows)
    )
    if filters.case_ids:
        query = query.where(ActionReport.case_id.in_(filters.case_ids))
    if filters.period is not None:
        query = query.where(
            ActionReport.action_date.between(filters.period.start, filters.period.end)
        )
    if filters.batch_id is not None:
        query = query.where(ActionReport.batch_id == filters.batch_id)
    last = 0
    while True:
        with engine.connect() as connection:
            rows = connection.execute(query.where(ActionReport.id > last)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield pd.DataFrame.from_records(
            [
                (
                    row[0],
                    _case_label(row[1], row[2]),
                    row[1],
                    row[2],
                    row[3] or NO_TARGET,
                    _value(row[4]),
                    row[5],
                    row[6].isoformat(),
                    _utc_text(row[7]),
                    _value(row[8]),
                    row[9],
                    row[10],
                    *row[11:],
                )
                for row in rows
            ],
            columns=columns,
        )
        if len(rows) < chunk_rows:
            return


def _utc_text(moment: datetime) -> str:
    # SQLite hands back naive UTC, PostgreSQL an aware time: both become UTC text.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="seconds")


def write_reports_csv(
    engine: Engine,
    handle: IO[bytes],
    filters: ReportFilter = ReportFilter(),
    *,
    notes: bool = False,
) -> int:
    """Write the reports as formula-safe CSV (UTF-8 with BOM) to `handle`; returns how many."""
    written = 0
    handle.write("\ufeff".encode())
    for chunk in report_chunks(engine, filters, notes=notes):
        handle.write(formula_safe(chunk).to_csv(index=False, header=written == 0).encode())
        written += len(chunk)
    if written == 0:
        columns = [*REPORT_COLUMNS, *(["note"] if notes else [])]
        handle.write((",".join(columns) + "\n").encode())
    return written


def reports_csv(
    engine: Engine, filters: ReportFilter = ReportFilter(), *, notes: bool = False
) -> bytes:
    """The reports as CSV bytes, for a download button."""
    buffer = io.BytesIO()
    write_reports_csv(engine, buffer, filters, notes=notes)
    return buffer.getvalue()


def totals(
    engine: Engine,
    *,
    by: Sequence[str] = DIMENSIONS,
    bucket: Bucket | None = None,
    case_ids: Sequence[int] = (),
    period: Period | None = None,
) -> pd.DataFrame:
    """Actions and reports summed from the rollup, by any of case, target and channel, and
    by day, week or month (`bucket`) or over the whole period (None)."""
    unknown = [name for name in by if name not in DIMENSIONS]
    if unknown:
        raise ValueError(f"cannot total by {', '.join(unknown)}; choose from {DIMENSIONS}")
    keys: list[Any] = []
    if bucket is not None:
        keys.append(bucket_expression(engine.dialect.name, bucket).label("period"))
    if "case" in by or "target" in by:
        keys.append(ActionDaily.case_id)
    if "target" in by:
        keys.append(ActionDaily.target_key)
    if "channel" in by:
        keys.append(ActionDaily.channel)
    query = select(
        *keys,
        func.sum(ActionDaily.actions).label("actions"),
        func.sum(ActionDaily.reports).label("reports"),
    )
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    if case_ids:
        query = query.where(ActionDaily.case_id.in_(list(case_ids)))
    if period is not None:
        query = query.where(ActionDaily.day.between(period.start, period.end))
    with Session(engine) as session:
        rows = session.execute(query).all()
        cases = {
            row.id: (row.ua_number, row.update_number)
            for row in session.execute(select(Case.id, Case.ua_number, Case.update_number))
        }
        targets = {row.id: row.name for row in session.execute(select(Target.id, Target.name))}
    records = []
    for row in rows:
        values = row._mapping
        if values["actions"] is None:  # a sum over no rows at all
            continue
        record: dict[str, Any] = {}
        if bucket is not None:
            record["period_start"] = pd.Timestamp(values["period"]).date()
        if period is not None and bucket is None:
            record["from"], record["to"] = period.start, period.end
        if "case" in by or "target" in by:
            ua_number, update_number = cases.get(values["case_id"], ("?", 0))
            record["case"] = _case_label(ua_number, update_number)
        if "target" in by:
            key = values["target_key"]
            record["target"] = targets.get(key, NO_TARGET) if key else NO_TARGET
        if "channel" in by:
            record["channel"] = _value(values["channel"])
        record["actions"] = int(values["actions"])
        record["reports"] = int(values["reports"])
        records.append(record)
    columns = [
        *(["period_start"] if bucket is not None else []),
        *(["from", "to"] if period is not None and bucket is None else []),
        *[name for name in DIMENSIONS if name in by],
        "actions",
        "reports",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    if "channel" in frame.columns and len(frame):
        # SQL sorted the channels alphabetically; every table here lists them in the
        # vocabulary's order (letter, email, call, tweet, fax), within the other keys.
        order = {channel.value: position for position, channel in enumerate(Channel)}
        frame["_order"] = frame["channel"].map(order)
        frame["_row"] = range(len(frame))
        frame["_group"] = frame.groupby(
            [c for c in columns if c in ("period_start", "case", "target")] or (lambda _: 0),
            sort=False,
        ).ngroup()
        frame = frame.sort_values(["_group", "_order", "_row"]).drop(
            columns=["_order", "_row", "_group"]
        )
    return frame.reset_index(drop=True)
