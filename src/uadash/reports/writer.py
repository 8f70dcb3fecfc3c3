"""Action reports: the bulk write path, undo by batch, and the daily rollup kept exact with them.

Every write here changes `action_reports` and `action_daily` in the caller's transaction, so a
reader never sees reports without their totals, or totals without their reports.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple
from typing import cast as type_cast

import numpy as np
import pandas as pd
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Table,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.orm import Session

from uadash.reports import rollups
from uadash.store.models import ActionDaily, ActionReport, Case, ReportBatch, Target
from uadash.vocab import Channel, ReportSource

REQUIRED_COLUMNS = (
    "case_id",
    "target_id",
    "channel",
    "count",
    "action_date",
    "reported_at",
    "source",
)
# Optional text columns and their length limit in the schema (None: unlimited).
OPTIONAL_COLUMNS: dict[str, int | None] = {
    "external_id": 200,
    "reporter_hash": 64,
    "dedupe_key": 64,
    "note": None,
}
ROLLUP_KEY = ["case_id", "target_key", "channel", "day"]
DAILY_TABLE = type_cast(Table, ActionDaily.__table__)
ROLLUP_DIFFERENCE_COLUMNS = [
    *ROLLUP_KEY,
    "expected_actions",
    "expected_reports",
    "stored_actions",
    "stored_reports",
]
# Rows handed to the driver at a time: big enough that per-call overhead vanishes, small
# enough that the Python tuples of one chunk stay a few tens of megabytes.
DRIVER_CHUNK_ROWS = 50_000
# Rows per INSERT statement on SQLite (see _executemany_reports), within its bind limit.
ROWS_PER_STATEMENT = 500
MAX_COUNT = 2**31 - 1  # action_reports.count is a 32-bit INTEGER
# Up to this many reports (a live request), some steps run in plain Python instead of pandas.
SMALL_BATCH = 1_000
CHANNEL_VALUES = [channel.value for channel in Channel]
SOURCE_VALUES = [source.value for source in ReportSource]


class ReportsError(ValueError):
    """A frame of reports cannot be written; the message names the column and the row."""

    def __init__(self, message: str, *, column: str | None = None, row: Any = None) -> None:
        super().__init__(message)
        self.column = column
        self.row = row


@dataclass(frozen=True)
class PreparedReports:
    """Validated reports as plain arrays, one per column, all of the same length."""

    case_id: np.ndarray  # int64
    target_id: np.ndarray  # int64, 0 where target_missing
    target_missing: np.ndarray  # bool
    channel: np.ndarray  # object: channel values
    count: np.ndarray  # int64, >= 1
    action_date: np.ndarray  # datetime64[D]
    reported_at: np.ndarray  # datetime64[us], UTC
    source: np.ndarray  # object: source values
    optional: dict[str, np.ndarray]  # object arrays with None, only the columns given

    def __len__(self) -> int:
        return len(self.case_id)


class ReportRow(NamedTuple):
    """One read report as plain Python values, as `intake.read_few` gives a live request's."""

    case_id: int
    target_id: int | None
    channel: str
    actions: int  # the column `count` (a tuple has a method of that name)
    action_date: date
    reported_at: datetime  # timezone-aware
    source: str
    external_id: str | None
    reporter_hash: str | None
    dedupe_key: str | None
    note: str | None


ROW_OPTIONAL = ("external_id", "reporter_hash", "dedupe_key", "note")


# --- validation ----------------------------------------------------------------------------


def prepare_reports(reports: pd.DataFrame) -> PreparedReports:
    """Check a frame of reports column by column, before anything is written.

    Raises `ReportsError` naming the first offending column and row (the frame's index label).
    """
    missing = [name for name in REQUIRED_COLUMNS if name not in reports.columns]
    if missing:
        raise ReportsError(f"reports lack the column(s) {', '.join(missing)}", column=missing[0])
    unknown = [
        str(name)
        for name in reports.columns
        if name not in REQUIRED_COLUMNS and name not in OPTIONAL_COLUMNS
    ]
    if unknown:
        # A misspelt optional column would otherwise be dropped without a word.
        raise ReportsError(
            f"reports have unknown column(s) {', '.join(unknown)}", column=unknown[0]
        )
    if len(reports) <= SMALL_BATCH:
        few = _prepare_few(reports)
        if few is not None:
            return few
    target_id, target_missing = _integers(reports, "target_id", nullable=True)
    count, _ = _integers(reports, "count", nullable=False)
    bad = (count < 1) | (count > MAX_COUNT)
    if bad.any():
        _fail(reports, "count", bad, "must be a whole number from 1 to 2147483647")
    optional = {
        name: _texts(reports, name, limit)
        for name, limit in OPTIONAL_COLUMNS.items()
        if name in reports.columns
    }
    if "dedupe_key" in optional:
        keys = pd.Series(optional["dedupe_key"])
        repeated = keys.notna().to_numpy() & keys.duplicated(keep="first").to_numpy()
        if repeated.any():
            _fail(reports, "dedupe_key", repeated, "repeats an earlier row's dedupe_key")
    return PreparedReports(
        case_id=_integers(reports, "case_id", nullable=False)[0],
        target_id=target_id,
        target_missing=target_missing,
        channel=_vocabulary(reports, "channel", CHANNEL_VALUES),
        count=count,
        action_date=_days(reports, "action_date"),
        reported_at=_instants(reports, "reported_at"),
        source=_vocabulary(reports, "source", SOURCE_VALUES),
        optional=optional,
    )


def _prepare_few(reports: pd.DataFrame) -> PreparedReports | None:
    """`prepare_reports` for a few well-typed reports (a live request), with plain Python
    checks in place of pandas operations that cost a millisecond each whatever their size.

    None when anything is unusual (a dtype it does not expect, a value out of range): the full
    path then checks the frame again and names the problem exactly as it always does."""
    integer = pd.api.types.is_integer_dtype
    if not (integer(reports["case_id"]) and integer(reports["count"])):
        return None
    if not integer(reports["target_id"]) and not reports["target_id"].isna().all():
        return None
    days, instants = reports["action_date"], reports["reported_at"]
    if not pd.api.types.is_datetime64_dtype(days) or isinstance(days.dtype, pd.DatetimeTZDtype):
        return None
    if not isinstance(instants.dtype, pd.DatetimeTZDtype):
        return None
    count = reports["count"].to_numpy(dtype="int64")
    case_id = reports["case_id"].to_numpy(dtype="int64")
    target_missing = reports["target_id"].isna().to_numpy()
    target_id = reports["target_id"].to_numpy(dtype="float64", na_value=0).astype("int64")
    seconds = days.to_numpy(dtype="datetime64[s]")
    action_date = seconds.astype("datetime64[D]")
    reported_at = instants.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[us]")
    channel = [str(value) for value in reports["channel"].tolist()]
    source = [str(value) for value in reports["source"].tolist()]
    if (
        ((count < 1) | (count > MAX_COUNT)).any()
        or np.isnat(seconds).any()
        or (action_date != seconds).any()
        or np.isnat(reported_at).any()
        or not set(channel) <= set(CHANNEL_VALUES)
        or not set(source) <= set(SOURCE_VALUES)
    ):
        return None
    optional: dict[str, np.ndarray] = {}
    for name, limit in OPTIONAL_COLUMNS.items():
        if name not in reports.columns:
            continue
        values = [None if value is None or value is pd.NA else value for value in reports[name]]
        for value in values:
            if value is not None and (
                not isinstance(value, str) or (limit is not None and len(value) > limit)
            ):
                return None
        optional[name] = np.array(values, dtype=object)
    if "dedupe_key" in optional:
        keys = [key for key in optional["dedupe_key"].tolist() if key is not None]
        if len(set(keys)) != len(keys):
            return None
    return PreparedReports(
        case_id=case_id,
        target_id=target_id,
        target_missing=target_missing,
        channel=np.array(channel, dtype=object),
        count=count,
        action_date=action_date,
        reported_at=reported_at,
        source=np.array(source, dtype=object),
        optional=optional,
    )


def _fail(reports: pd.DataFrame, column: str, bad: np.ndarray, problem: str) -> None:
    position = int(np.flatnonzero(bad)[0])
    row = reports.index[position]
    value = reports[column].iloc[position]
    raise ReportsError(
        f"row {row}, column {column}: {value!r} {problem}"
        + (f" ({int(bad.sum())} rows in all)" if bad.sum() > 1 else ""),
        column=column,
        row=row,
    )


def _integers(reports: pd.DataFrame, column: str, *, nullable: bool) -> tuple[np.ndarray, Any]:
    """The column as int64 (0 where null) and its null mask; floats must be whole numbers."""
    series = reports[column]
    if series.dtype == object or isinstance(series.dtype, pd.CategoricalDtype):
        numbers = pd.to_numeric(series.astype(object), errors="coerce")
        _reject_where(reports, column, numbers.isna() & series.notna(), "is not a number")
        series = numbers
    elif not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
        raise ReportsError(
            f"column {column}: expected whole numbers, got {series.dtype}", column=column
        )
    missing = series.isna().to_numpy()
    if not nullable:
        _reject_where(reports, column, missing, "is missing")
    if pd.api.types.is_integer_dtype(series):
        return series.to_numpy(dtype="int64", na_value=0), missing
    # Floats arrive where a missing value turned an integer column into float64.
    values = series.to_numpy(dtype="float64", na_value=0.0)
    _reject_where(reports, column, values != np.floor(values), "is not a whole number")
    _reject_where(reports, column, np.abs(values) > 2**53, "is out of range")
    return values.astype(np.int64), missing


def _reject_where(reports: pd.DataFrame, column: str, bad: Any, problem: str) -> None:
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        _fail(reports, column, bad, problem)


def _vocabulary(reports: pd.DataFrame, column: str, allowed: list[str]) -> np.ndarray:
    # Enum members are str subclasses, so `isin` accepts them as their values.
    series = reports[column]
    known = series.isin(allowed).to_numpy()
    _reject_where(reports, column, ~known, f"is not one of {', '.join(allowed)}")
    # Plain str values (not enum members) for the driver; converted once per distinct value.
    codes, uniques = pd.factorize(series)
    return np.array([str(value) for value in uniques], dtype=object)[codes]


def _texts(reports: pd.DataFrame, column: str, limit: int | None) -> np.ndarray:
    series = reports[column].astype(object)
    present = series.notna().to_numpy()
    # infer_dtype looks at every value in C: "string" when all that are present are str.
    if pd.api.types.infer_dtype(series, skipna=True) not in ("string", "empty"):
        text = np.array([isinstance(value, str) for value in series], dtype=bool)
        _reject_where(reports, column, present & ~text, "is not text")
    values = np.asarray(series.where(present, None), dtype=object)
    if limit is not None and present.any():
        longest = max(map(len, values[present]))
        if longest > limit:
            lengths = series.where(present, "").map(len).to_numpy()
            _reject_where(reports, column, lengths > limit, f"is longer than {limit} characters")
    return values


def _days(reports: pd.DataFrame, column: str) -> np.ndarray:
    """`date` objects or naive midnight datetimes, as datetime64[D]."""
    series = reports[column]
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        raise ReportsError(
            f"column {column}: expected days, got instants ({series.dtype})", column=column
        )
    if not pd.api.types.is_datetime64_dtype(series):
        _reject_where(
            reports,
            column,
            ~series.map(lambda value: isinstance(value, date)).to_numpy(dtype=bool),
            "is not a date",
        )
        series = pd.to_datetime(series.astype(object))
    _reject_where(reports, column, series.isna(), "is missing")
    # A time of day would be silently dropped on the way to a DATE column: refuse it.
    _reject_where(reports, column, series != series.dt.normalize(), "has a time of day")
    _reject_where(
        reports, column, (series.dt.year < 1) | (series.dt.year > 9999), "is out of range"
    )
    return series.to_numpy(dtype="datetime64[D]")


def _instants(reports: pd.DataFrame, column: str) -> np.ndarray:
    """Timezone-aware instants, as UTC; naive ones are refused (their zone is a guess)."""
    series = reports[column]
    if not isinstance(series.dtype, pd.DatetimeTZDtype):
        aware = series.map(lambda value: getattr(value, "tzinfo", None) is not None)
        _reject_where(reports, column, ~aware.to_numpy(dtype=bool), "is not a timezone-aware time")
        series = pd.to_datetime(series.astype(object), utc=True)
    _reject_where(reports, column, series.isna(), "is missing")
    utc = series.dt.tz_convert("UTC").dt.tz_localize(None)
    _reject_where(reports, column, (utc.dt.year < 1) | (utc.dt.year > 9999), "is out of range")
    return utc.to_numpy(dtype="datetime64[us]")


def _check_references(session: Session, reports: PreparedReports) -> None:
    """Every case exists, and every target belongs to the case of its report."""
    case_ids = np.unique(reports.case_id).tolist()
    found = set(session.scalars(select(Case.id).where(Case.id.in_(case_ids))))
    unknown_cases = sorted(set(case_ids) - found)
    if unknown_cases:
        raise ReportsError(f"column case_id: no case with id {unknown_cases[0]}", column="case_id")
    named = ~reports.target_missing
    if len(reports) <= SMALL_BATCH:  # a live request: a set costs less than a frame
        pairs = sorted(
            set(
                zip(
                    reports.target_id[named].tolist(),
                    reports.case_id[named].tolist(),
                    strict=True,
                )
            )
        )
    else:
        frame = pd.DataFrame(
            {"target_id": reports.target_id[named], "case_id": reports.case_id[named]}
        ).drop_duplicates()
        pairs = list(frame.itertuples(index=False, name=None))
    if not pairs:
        return
    owners = {
        target_id: case_id
        for target_id, case_id in session.execute(
            select(Target.id, Target.case_id).where(
                Target.id.in_(sorted({target_id for target_id, _ in pairs}))
            )
        )
    }
    for target_id, case_id in pairs:
        if owners.get(target_id) != case_id:
            problem = (
                "no such target"
                if target_id not in owners
                else f"belongs to case {owners[target_id]}"
            )
            raise ReportsError(
                f"column target_id: target {target_id} given for case {case_id}: {problem}",
                column="target_id",
            )


# --- writing ---------------------------------------------------------------------------------


def insert_reports(session: Session, reports: pd.DataFrame, *, batch: ReportBatch) -> int:
    """Write `reports` in `batch` and add them to the daily rollup, in the session's transaction.

    Columns: case_id, target_id (nullable), channel, count, action_date (date),
    reported_at (timezone-aware), source, and optionally external_id, reporter_hash,
    dedupe_key, note. Returns the number of reports written; `batch.reports` grows by it.
    """
    prepared = prepare_reports(reports)
    if len(prepared) == 0:
        return 0
    _check_references(session, prepared)
    return write_prepared(session, prepared, batch=batch)


def prepare_rows(rows: Sequence[ReportRow]) -> PreparedReports:
    """`prepare_reports` for rows already read by the intake's rules (`read_few`): the same
    checks of the writer's own (counts, channels, sources, text lengths, unique keys), on
    plain values instead of a frame."""
    if not rows:
        raise ReportsError("no reports to prepare")
    columns = list(zip(*rows, strict=True))
    for name, values in (("channel", columns[2]), ("source", columns[6])):
        allowed = CHANNEL_VALUES if name == "channel" else SOURCE_VALUES
        if not set(values) <= set(allowed):
            raise ReportsError(f"column {name}: not one of {', '.join(allowed)}", column=name)
    if any(type(count) is not int or not 1 <= count <= MAX_COUNT for count in columns[3]):
        raise ReportsError("column count: must be a whole number from 1 to 2147483647")
    optional: dict[str, np.ndarray] = {}
    for offset, name in enumerate(ROW_OPTIONAL, start=7):
        limit = OPTIONAL_COLUMNS[name]
        values = columns[offset]
        if limit is not None and any(v is not None and len(v) > limit for v in values):
            raise ReportsError(f"column {name}: longer than {limit} characters", column=name)
        optional[name] = np.array(values, dtype=object)
    keys = [key for key in columns[9] if key is not None]
    if len(set(keys)) != len(keys):
        raise ReportsError("column dedupe_key: repeats an earlier row's dedupe_key")
    targets = columns[1]
    return PreparedReports(
        case_id=np.array(columns[0], dtype=np.int64),
        target_id=np.array([t or 0 for t in targets], dtype=np.int64),
        target_missing=np.array([t is None for t in targets], dtype=bool),
        channel=np.array(columns[2], dtype=object),
        count=np.array(columns[3], dtype=np.int64),
        action_date=np.array(columns[4], dtype="datetime64[D]"),
        reported_at=np.array(
            [moment.astimezone(UTC).replace(tzinfo=None) for moment in columns[5]],
            dtype="datetime64[us]",
        ),
        source=np.array(columns[6], dtype=object),
        optional=optional,
    )


def insert_rows(
    session: Session,
    rows: Sequence[ReportRow],
    *,
    batch: ReportBatch,
    last_report_at: datetime | None = None,
) -> int:
    """`insert_reports` for the rows of a live request (`intake.read_few`), whose cases and
    targets were found in the directory of this transaction: same checks, same writes."""
    if not rows:
        return 0
    return write_prepared(session, prepare_rows(rows), batch=batch, last_report_at=last_report_at)


def write_prepared(
    session: Session,
    prepared: PreparedReports,
    *,
    batch: ReportBatch,
    last_report_at: datetime | None = None,
) -> int:
    """Write prepared reports in `batch`, with the rollups and the batch's count (and, when
    given, its `last_report_at`, in the same statement: one round trip less per request)."""
    if batch.id is None:
        session.add(batch)
    session.flush()  # the batch needs its id, and the driver below bypasses the ORM
    dbapi_connection = session.connection().connection.driver_connection
    if _dialect(session) == "postgresql":
        _copy_reports(dbapi_connection, prepared, batch_id=batch.id)
    else:
        _executemany_reports(dbapi_connection, prepared, batch_id=batch.id)
    # The daily rollup, then the weekly and monthly ones from the same tally.
    if len(prepared) <= SMALL_BATCH and _dialect(session) == "postgresql":
        # A live request on PostgreSQL: the three upserts and the batch's count in one
        # pipeline on the driver's connection, one round trip instead of four, same order.
        _pipeline_few(dbapi_connection, prepared, batch_id=batch.id, last_at=last_report_at)
        session.expire(batch, ["reports", "last_report_at"])
        return len(prepared)
    if len(prepared) <= SMALL_BATCH:
        params = _tally_few(prepared)
        _add_to_rollup(session, params)
        rollups.add_rows(session, params)
    else:
        tally = _tally(prepared)
        _add_to_rollup(session, _rollup_params(tally))
        rollups.add_tally(session, tally)
    # Added in SQL, not read and written back: live reports append to one batch per source
    # and day from many requests at once, and a read-modify-write would lose some of them.
    values: dict[str, Any] = {"reports": ReportBatch.reports + len(prepared)}
    if last_report_at is not None:
        values["last_report_at"] = last_report_at
    session.execute(
        update(ReportBatch).where(ReportBatch.id == batch.id).values(values),
        execution_options={"synchronize_session": False},
    )
    session.expire(batch, list(values))
    return len(prepared)


def _upsert_sql(table: Table, key: Sequence[str]) -> str:
    names = [*key, "actions", "reports"]
    return (
        f"INSERT INTO {table.name} ({', '.join(names)}) "
        f"VALUES ({', '.join(f'%({name})s' for name in names)}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        f"actions = {table.name}.actions + EXCLUDED.actions, "
        f"reports = {table.name}.reports + EXCLUDED.reports"
    )


_PG_UPSERTS = {
    table: _upsert_sql(table, key)
    for table, key in (
        (DAILY_TABLE, ROLLUP_KEY),
        (rollups.WEEKLY, rollups.COARSE_KEY),
        (rollups.MONTHLY, rollups.COARSE_KEY),
    )
}
_PG_BATCH_COUNT = (
    "UPDATE report_batches SET reports = reports + %(added)s, "
    "last_report_at = COALESCE(%(last_at)s, last_report_at) WHERE id = %(batch_id)s"
)


def _pipeline_few(
    dbapi_connection: Any,
    prepared: PreparedReports,
    *,
    batch_id: int,
    last_at: datetime | None,
) -> None:
    """`_add_to_rollup`, `rollups.add_rows` and the batch's count for a live request's few
    reports on PostgreSQL, sent together (psycopg's pipeline): daily, weekly, monthly, then
    the batch, the order every writer locks rows in."""
    daily = _tally_few(prepared)
    coarse = rollups.coarse_rows(daily)
    with dbapi_connection.pipeline(), dbapi_connection.cursor() as cursor:
        cursor.executemany(_PG_UPSERTS[DAILY_TABLE], daily)
        for table, rows in coarse.items():
            cursor.executemany(_PG_UPSERTS[table], rows)
        cursor.execute(
            _PG_BATCH_COUNT,
            {"added": len(prepared), "last_at": last_at, "batch_id": batch_id},
        )


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _report_columns(reports: PreparedReports) -> list[str]:
    return [*REQUIRED_COLUMNS, "batch_id", *reports.optional]


def _driver_columns(
    reports: PreparedReports, *, batch_id: int, instant_suffix: str
) -> Iterator[list[list[Any]]]:
    """Plain Python values, one list per column in `_report_columns` order, a chunk at a time.

    Days and instants go as text: SQLite stores them as text anyway (in the format the ORM
    writes), and PostgreSQL's COPY parses text directly. Instants are UTC, "YYYY-MM-DD
    HH:MM:SS.ffffff" followed by `instant_suffix`.
    """
    days, day_index = np.unique(reports.action_date, return_inverse=True)
    day_text = np.asarray(np.datetime_as_string(days, unit="D"), dtype=object)[day_index]
    for start in range(0, len(reports), DRIVER_CHUNK_ROWS):
        part = slice(start, start + DRIVER_CHUNK_ROWS)
        target = reports.target_id[part].astype(object)
        target[reports.target_missing[part]] = None
        yield [
            reports.case_id[part].tolist(),
            target.tolist(),
            reports.channel[part].tolist(),
            reports.count[part].tolist(),
            day_text[part].tolist(),
            _instant_texts(reports.reported_at[part], suffix=instant_suffix),
            reports.source[part].tolist(),
            [batch_id] * len(target),
            *(values[part].tolist() for values in reports.optional.values()),
        ]


def _instant_texts(instants: np.ndarray, *, suffix: str) -> list[str]:
    """datetime64[us] values as "YYYY-MM-DD HH:MM:SS.ffffff" + suffix, formatted by numpy.

    Twice as fast as `strftime`: numpy writes ISO text in C, and the ISO "T" becomes the
    space SQLAlchemy uses by overwriting that one code point in the array's buffer.
    """
    iso = np.datetime_as_string(instants, unit="us").astype("U26")
    width = 26 + len(suffix)
    codes = np.empty((len(iso), width), dtype=np.uint32)
    codes[:, :26] = iso.view(np.uint32).reshape(len(iso), 26)
    codes[:, 10] = ord(" ")
    codes[:, 26:] = [ord(character) for character in suffix]
    return codes.view(f"U{width}").ravel().tolist()


def _executemany_reports(dbapi_connection: Any, reports: PreparedReports, *, batch_id: int) -> None:
    """Insert through the sqlite3 connection under the session (its transaction is the session's).

    Each execution carries ROWS_PER_STATEMENT rows in one multi-row VALUES list rather than
    one row. Measured: the schema's enum CHECKs (`channel IN (...)`, `source IN (...)`) cost
    SQLite a fixed setup per execution, which made row-at-a-time inserts twice as slow.
    """
    names = _report_columns(reports)
    limit = dbapi_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, min(ROWS_PER_STATEMENT, limit // len(names)))
    # Naive UTC, exactly as SQLAlchemy's SQLite DATETIME stores a datetime.
    chunks = _driver_columns(reports, batch_id=batch_id, instant_suffix="")
    cursor = dbapi_connection.cursor()
    try:
        for columns in chunks:
            whole = len(columns[0]) // per_statement * per_statement
            if whole:
                cursor.executemany(
                    _insert_sql(names, rows=per_statement),
                    _statement_params(columns, rows=whole, per_statement=per_statement),
                )
            if whole < len(columns[0]):
                cursor.executemany(
                    _insert_sql(names, rows=1),
                    zip(*(column[whole:] for column in columns), strict=True),
                )
    finally:
        cursor.close()


def _insert_sql(names: list[str], *, rows: int) -> str:
    row = f"({', '.join('?' for _ in names)})"
    return f"INSERT INTO action_reports ({', '.join(names)}) VALUES {', '.join([row] * rows)}"


def _statement_params(
    columns: list[list[Any]], *, rows: int, per_statement: int
) -> list[list[Any]]:
    """The first `rows` rows, row after row, cut into one parameter list per statement."""
    width = len(columns)
    flat: list[Any] = [None] * (rows * width)
    for position, column in enumerate(columns):
        flat[position::width] = column[:rows]
    step = per_statement * width
    return [flat[start : start + step] for start in range(0, len(flat), step)]


def _copy_reports(dbapi_connection: Any, reports: PreparedReports, *, batch_id: int) -> None:
    names = _report_columns(reports)
    chunks = _driver_columns(reports, batch_id=batch_id, instant_suffix="+00")
    with (
        dbapi_connection.cursor() as cursor,
        cursor.copy(f"COPY action_reports ({', '.join(names)}) FROM STDIN") as copy,
    ):
        for columns in chunks:
            for row in zip(*columns, strict=True):
                copy.write_row(row)


def _tally(reports: PreparedReports) -> pd.DataFrame:
    """The reports summed by rollup key: case_id, target_key, channel, day, actions, reports."""
    frame = pd.DataFrame(
        {
            "case_id": reports.case_id,
            "target_key": np.where(reports.target_missing, 0, reports.target_id),
            "channel": reports.channel,
            "day": reports.action_date,
            "count": reports.count,
        }
    )
    # Sorted by key, so that concurrent writers upsert (and lock) rollup rows in the same
    # order on PostgreSQL rather than deadlocking on each other.
    grouped = frame.groupby(ROLLUP_KEY, sort=True)["count"]
    return grouped.agg(actions="sum", reports="size").reset_index()


def _tally_few(reports: PreparedReports) -> list[dict[str, Any]]:
    """`_rollup_params(_tally(reports))` in plain Python, for the few reports of a live
    request: a pandas group-by costs milliseconds whatever its size."""
    sums: dict[tuple[Any, ...], list[int]] = {}
    target_keys = np.where(reports.target_missing, 0, reports.target_id).tolist()
    for key in zip(
        reports.case_id.tolist(),
        target_keys,
        reports.channel.tolist(),
        reports.action_date.tolist(),  # datetime64[D] gives datetime.date
        reports.count.tolist(),
        strict=True,
    ):
        entry = sums.setdefault(key[:4], [0, 0])
        entry[0] += key[4]
        entry[1] += 1
    names = [*ROLLUP_KEY, "actions", "reports"]
    # Sorted by key, as `_tally` sorts, so that concurrent writers lock rows in one order.
    return [dict(zip(names, (*key, *sums[key]), strict=True)) for key in sorted(sums)]


def _add_to_rollup(session: Session, params: list[dict[str, Any]]) -> None:
    """Upsert a tally (as `_rollup_params` gives it) into action_daily, adding to the rows
    already there."""
    # On the Table, not the mapped class: a Core executemany skips the ORM's per-row
    # bookkeeping, which cost more than the upsert itself.
    statement = rollups.upsert_statement(_dialect(session), DAILY_TABLE, tuple(ROLLUP_KEY))
    session.execute(statement, params)


def _rollup_params(tally: pd.DataFrame) -> list[dict[str, Any]]:
    names = [*ROLLUP_KEY, "actions", "reports"]
    columns = [tally[name].tolist() for name in names]
    columns[ROLLUP_KEY.index("day")] = pd.to_datetime(tally["day"]).dt.date.tolist()
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


# --- undo ------------------------------------------------------------------------------------


def delete_batch(session: Session, batch_id: int) -> int:
    """Delete a batch, its reports and their share of the rollup; returns the reports deleted."""
    batch = session.get(ReportBatch, batch_id)
    if batch is None:
        raise LookupError(f"no report batch with id {batch_id}")
    session.flush()
    tally = _tally_query(ActionReport.batch_id == batch_id).subquery("batch_tally")
    session.execute(
        update(ActionDaily)
        .where(*(getattr(ActionDaily, key) == tally.c[key] for key in ROLLUP_KEY))
        .values(
            actions=ActionDaily.actions - tally.c.actions,
            reports=ActionDaily.reports - tally.c.reports,
        ),
        execution_options={"synchronize_session": False},
    )
    rollups.subtract_batch(session, batch_id)
    # Only the batch's cases can have reached zero; the case_id prefix of the key finds them.
    batch_cases = select(ActionReport.case_id).where(ActionReport.batch_id == batch_id).distinct()
    session.execute(
        delete(ActionDaily).where(ActionDaily.case_id.in_(batch_cases), ActionDaily.reports <= 0),
        execution_options={"synchronize_session": False},
    )
    deleted = _rowcount(
        session.execute(
            delete(ActionReport).where(ActionReport.batch_id == batch_id),
            execution_options={"synchronize_session": False},
        )
    )
    session.delete(batch)
    session.flush()
    return deleted


# --- checking and rebuilding the rollup ------------------------------------------------------


def _target_key() -> ColumnElement[int]:
    # A literal 0, not a bound parameter: PostgreSQL matches the GROUP BY expression to the
    # selected one only when they are the same text, and two parameters are two texts.
    return func.coalesce(ActionReport.target_id, literal_column("0", Integer))


def _tally_query(*where: ColumnElement[bool]) -> Select[int, int, Channel, date, int, int]:
    """Raw reports grouped by rollup key, computed by the database."""
    return (
        select(
            ActionReport.case_id.label("case_id"),
            _target_key().label("target_key"),
            ActionReport.channel.label("channel"),
            ActionReport.action_date.label("day"),
            # SUM of an integer is NUMERIC on PostgreSQL; the rollup holds BIGINT.
            cast(func.sum(ActionReport.count), BigInteger).label("actions"),
            cast(func.count(), BigInteger).label("reports"),
        )
        .where(*where)
        .group_by(
            ActionReport.case_id, _target_key(), ActionReport.channel, ActionReport.action_date
        )
    )


def rollup_differences(session: Session) -> pd.DataFrame:
    """Rollup rows that differ from a fresh tally of the raw reports; empty when all is exact.

    A full outer comparison: a key missing from either side counts, and its missing side's
    numbers are NA. Columns: case_id, target_key, channel, day, expected_actions,
    expected_reports (from the reports), stored_actions, stored_reports (from action_daily).
    """
    session.flush()
    raw = _tally_query().subquery("raw")
    zero = literal_column("0", BigInteger)
    one = literal_column("1", BigInteger)
    both = (
        select(
            raw.c.case_id,
            raw.c.target_key,
            raw.c.channel,
            raw.c.day,
            raw.c.actions.label("raw_actions"),
            raw.c.reports.label("raw_reports"),
            zero.label("daily_actions"),
            zero.label("daily_reports"),
            one.label("in_raw"),
            zero.label("in_daily"),
        )
        .union_all(
            select(
                ActionDaily.case_id,
                ActionDaily.target_key,
                ActionDaily.channel,
                ActionDaily.day,
                zero,
                zero,
                ActionDaily.actions,
                ActionDaily.reports,
                zero,
                one,
            )
        )
        .subquery("both_sides")
    )
    keys = [both.c[key] for key in ROLLUP_KEY]
    in_raw = func.sum(both.c.in_raw)
    in_daily = func.sum(both.c.in_daily)
    raw_actions = func.sum(both.c.raw_actions)
    raw_reports = func.sum(both.c.raw_reports)
    daily_actions = func.sum(both.c.daily_actions)
    daily_reports = func.sum(both.c.daily_reports)
    query = (
        select(*keys, in_raw, raw_actions, raw_reports, in_daily, daily_actions, daily_reports)
        .group_by(*keys)
        .having(
            (in_raw == 0)
            | (in_daily == 0)
            | (raw_actions != daily_actions)
            | (raw_reports != daily_reports)
        )
        .order_by(*keys)
    )
    rows = session.execute(query).all()
    return _differences_frame(rows)


def _differences_frame(rows: Sequence[Any]) -> pd.DataFrame:
    records = [
        {
            "case_id": case_id,
            "target_key": target_key,
            "channel": str(channel),
            "day": day,
            "expected_actions": int(raw_actions) if in_raw else None,
            "expected_reports": int(raw_reports) if in_raw else None,
            "stored_actions": int(daily_actions) if in_daily else None,
            "stored_reports": int(daily_reports) if in_daily else None,
        }
        for (
            case_id,
            target_key,
            channel,
            day,
            in_raw,
            raw_actions,
            raw_reports,
            in_daily,
            daily_actions,
            daily_reports,
        ) in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=ROLLUP_DIFFERENCE_COLUMNS)
    counts = ROLLUP_DIFFERENCE_COLUMNS[4:]
    return frame.astype(
        {"case_id": "int64", "target_key": "int64"} | dict.fromkeys(counts, "Int64")
    )


def rebuild_rollup(session: Session) -> int:
    """Recompute action_daily (and the weekly and monthly rollups) from the raw reports from
    scratch; returns the daily rows written."""
    session.flush()
    session.execute(delete(ActionDaily), execution_options={"synchronize_session": False})
    session.execute(
        insert(DAILY_TABLE).from_select([*ROLLUP_KEY, "actions", "reports"], _tally_query())
    )
    rollups.rebuild(session)
    # Counted, not taken from rowcount: psycopg reports -1 for INSERT … SELECT here.
    return int(session.scalar(select(func.count()).select_from(ActionDaily)) or 0)


def _rowcount(result: Result[Any]) -> int:
    # DML results are CursorResults; the ORM's `execute` is typed with the general Result.
    return int(type_cast(CursorResult[Any], result).rowcount)


def batch_count_differences(session: Session) -> list[tuple[int, int, int]]:
    """Batches whose count of reports differs from the reports they hold:
    (batch id, stored count, reports found). Empty when every report is counted once."""
    session.flush()
    held = (
        select(ActionReport.batch_id, func.count().label("found"))
        .where(ActionReport.batch_id.is_not(None))
        .group_by(ActionReport.batch_id)
        .subquery("held")
    )
    found = func.coalesce(held.c.found, 0)
    query = (
        select(ReportBatch.id, ReportBatch.reports, found)
        .outerjoin(held, held.c.batch_id == ReportBatch.id)
        .where(ReportBatch.reports != found)
        .order_by(ReportBatch.id)
    )
    return [(int(b), int(stored or 0), int(n)) for b, stored, n in session.execute(query)]
