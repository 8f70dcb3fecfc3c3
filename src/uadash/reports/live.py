"""Reports that arrive live — the supporters' report form and the intake API — read and written
through the same path as a CSV import (`read_cells`, `report_frame`, `ReportWriter`).

A request is all or nothing. Each source's reports of one day gather in one batch, which the
import page lists and can undo. A resend (same source, same external id) adds nothing, and two
copies of one request racing each other count once: the second is refused by the unique dedupe
key, rolled back and read again, and then finds the first's reports already there.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any
from typing import cast as type_cast

import psycopg
from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from uadash import limits
from uadash.access import Actor, require
from uadash.queries import case_ref, find_case, parse_case_ref, total_actions, total_actions_of
from uadash.reports.intake import (
    Directory,
    Field,
    ImportResult,
    IntakeError,
    Occurrences,
    Problem,
    ReportWriter,
    read_cells,
    read_few,
    read_options,
    report_frame,
)
from uadash.reports.osdi import OsdiOptions, campaign_uri, rows_of_outreaches
from uadash.reports.sources import FORM_SOURCE, LiveSource, form_source
from uadash.store.engine import transaction
from uadash.store.models import AuditEvent, Case, IntakeSource, ReportBatch
from uadash.vocab import CaseStatus, ReportSource, Role

# The fields of one API report: those of a CSV import, less `source` (the key says it).
API_FIELDS = {
    "case": Field.case,
    "update": Field.update,
    "target": Field.target,
    "channel": Field.channel,
    "count": Field.count,
    "action_date": Field.action_date,
    "reported_at": Field.reported_at,
    "external_id": Field.external_id,
    "reporter_email": Field.reporter_email,
    "note": Field.note,
}
API_COLUMNS = {which: name for name, which in API_FIELDS.items()}
MAX_ITEMS = limits.INTAKE_API.rows or 1_000  # reports in one request
MAX_TEXT = limits.INTAKE_API.cell_chars  # characters in one field of one report
MAX_DEPTH = limits.INTAKE_API.depth or 8
MAX_FORM_COUNT = 1_000  # actions one supporter reports to one official one way, at most
ATTEMPTS = 4  # a request that lost a race to an identical one is read again, this often
# What losing such a race raises: SQLAlchemy's errors, and the drivers' own where the writer
# goes straight through the driver (SQLite's executemany, PostgreSQL's COPY).
RACES = (
    IntegrityError,
    OperationalError,
    sqlite3.IntegrityError,
    sqlite3.OperationalError,
    psycopg.IntegrityError,
    psycopg.OperationalError,
)


@dataclass(frozen=True)
class ItemProblem:
    """One refused field of one report: `index` counts from 0, as in the JSON list."""

    index: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"report {self.index}, {self.field}: {self.message}"


class Refused(ValueError):
    """Nothing was written: every problem of the request, by report and field."""

    def __init__(self, problems: Sequence[ItemProblem]) -> None:
        super().__init__("; ".join(map(str, problems[:5])))
        self.problems = list(problems)


class TooMany(Refused):
    """More reports in one request than the intake API takes: send them in smaller parts."""


@dataclass
class Taken:
    """What a live request added: new reports, and those already there (a resend)."""

    received: int = 0
    added: int = 0
    already_there: int = 0
    actions: int = 0
    batch_id: int | None = None
    case_totals: dict[int, int] = field(default_factory=dict)


# --- the API ----------------------------------------------------------------------------------


def take_reports(
    engine: Engine, items: Any, *, source: LiveSource, origin: ReportSource = ReportSource.form
) -> Taken:
    """One JSON report (an object) or a list of them, all or nothing. Every report needs an
    `external_id` (or a `reporter_email`), so that a webhook's retry counts once."""
    _check_depth(items)
    listed = items if isinstance(items, list) else [items]
    if len(listed) > MAX_ITEMS:
        raise TooMany([ItemProblem(MAX_ITEMS, "", f"more than {MAX_ITEMS:,} reports at once")])
    problems: list[ItemProblem] = []
    # By field name while reading (a str hashes in C, a Field member in Python).
    by_name: dict[str, list[str]] = {name: [""] * len(listed) for name in API_FIELDS}
    for index, item in enumerate(listed):
        if not isinstance(item, dict):
            problems.append(ItemProblem(index, "", "is not a JSON object"))
            item = {}
        for name in item:
            if name not in API_FIELDS:
                known = ", ".join(API_FIELDS)
                problems.append(ItemProblem(index, str(name)[:100], f"is not a field ({known})"))
        # Only the fields the item gives (an absent field reads as ""), in API_FIELDS order.
        for name in API_FIELDS:
            value = item.get(name)
            if value is None:
                continue
            text, problem = _cell(value, name)
            if problem:
                problems.append(ItemProblem(index, name, problem))
            by_name[name][index] = text
        anonymous = not (by_name["external_id"][index].strip() or by_name["reporter_email"][index])
        if item and anonymous:
            problems.append(
                ItemProblem(
                    index,
                    "external_id",
                    "is missing: give each report its id in your tool, so that a resend "
                    "counts once",
                )
            )
    cells = {API_FIELDS[name]: values for name, values in by_name.items()}
    if not listed:
        raise Refused([ItemProblem(0, "", "the request holds no reports")])
    used = {which: values for which, values in cells.items() if any(v.strip() for v in values)}
    used.setdefault(Field.case, cells[Field.case])
    used.setdefault(Field.channel, cells[Field.channel])
    used.setdefault(Field.action_date, cells[Field.action_date])
    return _write(
        engine,
        used,
        list(range(len(listed))),
        columns=API_COLUMNS,
        source=source,
        origin=origin,
        found=problems,
    )


def _check_depth(document: Any) -> None:
    if limits.nesting_depth(document, limit=MAX_DEPTH) > MAX_DEPTH:
        raise Refused([ItemProblem(0, "", f"nests deeper than {MAX_DEPTH} levels")])


def _cell(value: Any, name: str) -> tuple[str, str | None]:
    if value is None:
        return "", None
    if isinstance(value, bool):
        return "", "is true or false, not a value"
    if isinstance(value, int) and name in ("count", "update"):
        return str(value), None
    if not isinstance(value, str):
        return "", f"is {type(value).__name__}, not text"
    problem = limits.text_problem(value, max_chars=MAX_TEXT)
    return ("", problem) if problem else (value, None)


def take_outreaches(
    engine: Engine,
    records: Any,
    *,
    source: LiveSource,
    campaigns: Mapping[str, str] | None = None,
) -> Taken:
    """OSDI outreach records (as `import-osdi` reads them), all or nothing. A campaign is
    mapped to a case by `campaigns`, or by its id when that is a case reference (`44.22-2`)."""
    _check_depth(records)
    if isinstance(records, dict) and "_embedded" in records:
        records = records["_embedded"].get("osdi:outreaches")
    listed = records if isinstance(records, list) else [records]
    listed = [r.get("osdi:outreach", r) if isinstance(r, dict) else r for r in listed]
    if len(listed) > MAX_ITEMS:
        raise TooMany([ItemProblem(MAX_ITEMS, "", f"more than {MAX_ITEMS:,} records at once")])
    bad = [ItemProblem(i, "", "is not an outreach object") for i, r in enumerate(listed)]
    bad = [problem for problem, r in zip(bad, listed, strict=True) if not isinstance(r, dict)]
    if bad or not listed:
        raise Refused(bad or [ItemProblem(0, "", "the request holds no outreaches")])
    mapping = dict(campaigns or {})
    for record in listed:
        uri = campaign_uri(record)
        last = uri.rstrip("/").rsplit("/", 1)[-1]
        if uri and uri not in mapping and last not in mapping and parse_case_ref(last):
            mapping[uri] = last  # a campaign named by its case: .../advocacy_campaigns/44.22-2
    result = ImportResult(source=ReportSource.osdi)
    problems: list[Problem] = []
    rows, cells, columns = rows_of_outreaches(
        listed, OsdiOptions(campaigns=mapping), result, problems, first=0
    )
    if problems:
        raise Refused([_item_problem(p) for p in problems])
    if not rows:
        return Taken(received=len(listed))
    taken = _write(engine, cells, rows, columns=columns, source=source, origin=ReportSource.osdi)
    taken.received = len(listed)
    return taken


def _item_problem(problem: Problem) -> ItemProblem:
    return ItemProblem(problem.row or 0, problem.column, f"{problem.value!r} {problem.reason}")


# --- the report form --------------------------------------------------------------------------


@dataclass(frozen=True)
class FormTarget:
    id: int
    name: str
    title: str | None


@dataclass(frozen=True)
class FormCase:
    """What the report form shows of a case, and why it takes no reports (None: it does)."""

    id: int
    ref: str
    label: str
    title: str
    people: tuple[str, ...]
    targets: tuple[FormTarget, ...]
    closed_because: str | None
    newer_ref: str | None = None
    # The cases stamp this was read at: a write checks it against the stamp it reads in its
    # own transaction (`StaleCase` when they differ), so a post can use the kept copy.
    stamp: tuple[Any, ...] = field(default=(), compare=False)


class StaleCase(Exception):
    """The cases changed since the form's case was read: read it again and retry."""


# Cases change rarely and every change bumps a case's version, so what the form shows of a
# case and the directory a request reads its cells with are kept per process until then.
_cached: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
_cache_lock = threading.Lock()
CASES_STAMP = select(func.count(Case.id), func.max(Case.id), func.sum(Case.version))


def _cases_stamp(connection: Any) -> tuple[Any, ...]:
    return tuple(connection.execute(CASES_STAMP).one())


def _remembered(key: tuple[Any, ...], stamp: tuple[Any, ...], make: Any) -> Any:
    with _cache_lock:
        found = _cached.get(key)
    if found is not None and found[0] == stamp:
        return found[1]
    value = make()
    with _cache_lock:
        if len(_cached) > 1_000:
            _cached.clear()
        _cached[key] = (stamp, value)
    return value


def form_case(engine: Engine, ref: str, *, kept: bool = False) -> FormCase | None:
    """The case a form link names (`44.22-2`), or None when there is no such case.

    `kept`: the copy this process keeps, if any, without reading the cases stamp; for a post,
    whose write checks the copy's stamp in its transaction (`take_form` raises `StaleCase`)."""
    key = ("form", engine.url.render_as_string(hide_password=False), ref)
    if kept:
        with _cache_lock:
            found_kept = _cached.get(key)
        # Only an open one: a copy that refuses (closed, superseded) is read again, since the
        # refusal would come before any write could find the copy out of date.
        if found_kept is not None and found_kept[1] is not None:
            copy = type_cast(FormCase, found_kept[1])
            if not copy.closed_because:
                return copy
    with engine.connect() as connection:
        stamp = _cases_stamp(connection)

    def make() -> FormCase | None:
        made = _form_case(engine, ref)
        return None if made is None else replace(made, stamp=stamp)

    found: FormCase | None = _remembered(key, stamp, make)
    return found


def _form_case(engine: Engine, ref: str) -> FormCase | None:
    case = find_case(engine, ref)
    if case is None:
        return None
    with Session(engine) as session:
        newer = session.scalar(
            select(Case.update_number)
            .where(Case.ua_number == case.ua_number, Case.update_number > case.update_number)
            .where(Case.status != CaseStatus.draft)
            .order_by(Case.update_number.desc())
            .limit(1)
        )
    reason = None
    if case.status is CaseStatus.closed:
        reason = "This Urgent Action has ended, so it takes no more reports. Thank you for acting."
    elif case.status is CaseStatus.draft:
        reason = "This Urgent Action is not open yet."
    elif newer is not None:
        reason = "There is a newer update of this Urgent Action: please report on that one."
    elif not case.report_form_open:
        reason = "Reports for this Urgent Action are closed for now. Thank you for acting."
    people = tuple(
        str(person.get("name") if isinstance(person, dict) else person)
        for person in case.people_at_risk or []
    )
    return FormCase(
        id=case.id,
        ref=case_ref(case.ua_number, case.update_number),
        label=case.label,
        title=case.title,
        people=people,
        targets=tuple(FormTarget(t.id, t.name, t.title) for t in case.targets),
        closed_because=reason,
        newer_ref=case_ref(case.ua_number, newer) if newer is not None else None,
    )


def take_form(
    engine: Engine,
    case: FormCase,
    *,
    target_ids: Sequence[str],
    channels: Sequence[str],
    count: str,
    action_date: str,
    email: str,
    submission_id: str,
) -> Taken:
    """One supporter's form: one report per chosen official and way, each of `count` actions.

    The submission id (a random id the form was served with) is the external id, so a
    double-click or a resend counts once; with an email, one report per reporter, official,
    way and day counts once instead (the email is kept only as its keyed hash)."""
    if case.closed_because:
        raise Refused([ItemProblem(0, "case", case.closed_because)])
    problems: list[ItemProblem] = []
    given = {"count": [count], "action_date": [action_date], "email": [email]}
    given |= {"target": list(target_ids), "channel": list(channels)}
    for name, values in given.items():
        for value in values:
            problem = limits.text_problem(value, max_chars=limits.REPORT_FORM.cell_chars)
            if problem:
                problems.append(ItemProblem(0, name, problem))
                break
    if problems:
        raise Refused(problems)
    by_id = {str(target.id): target for target in case.targets}
    chosen = [by_id[t] for t in dict.fromkeys(target_ids) if t in by_id]
    if not chosen or len(chosen) != len(set(target_ids)):
        problems.append(ItemProblem(0, "target", "choose at least one of the officials listed"))
    if not channels:
        problems.append(ItemProblem(0, "channel", "choose how you took action"))
    if not (count.strip().isdigit() and 1 <= int(count) <= MAX_FORM_COUNT):
        problems.append(ItemProblem(0, "count", f"write a whole number from 1 to {MAX_FORM_COUNT}"))
    try:
        date.fromisoformat(action_date.strip())
    except ValueError:
        problems.append(ItemProblem(0, "action_date", "choose the day (YYYY-MM-DD)"))
    if not submission_id or len(submission_id) > 100:
        problems.append(ItemProblem(0, "submission", "the form is incomplete: open it again"))
    if problems:
        raise Refused(problems)
    rows: list[int] = []
    cells: dict[Field, list[str]] = {
        which: []
        for which in (Field.case, Field.target, Field.channel, Field.count, Field.action_date)
    }
    email = email.strip()
    cells[Field.reporter_email if email else Field.external_id] = []
    for target in chosen:
        for channel in dict.fromkeys(channels):
            rows.append(0)
            cells[Field.case].append(case.ref)
            cells[Field.target].append(target.name)
            cells[Field.channel].append(channel)
            cells[Field.count].append(count)
            cells[Field.action_date].append(action_date)
            if email:
                cells[Field.reporter_email].append(email)
            else:
                cells[Field.external_id].append(submission_id)
    columns = {
        Field.case: "case",
        Field.target: "target",
        Field.channel: "channel",
        Field.count: "count",
        Field.action_date: "action_date",
        Field.reporter_email: "email",
        Field.external_id: "submission",
    }
    taken = _write(
        engine,
        cells,
        rows,
        columns=columns,
        source=None,
        origin=ReportSource.form,
        total_of=case.id,
        expect_stamp=case.stamp or None,
    )
    taken.received = 1
    return taken


def case_total(engine: Engine, case_id: int) -> int:
    """The case's running total of reported actions."""
    return total_actions(engine, [case_id])


# --- the one write path -------------------------------------------------------------------------


def _write(
    engine: Engine,
    cells: Mapping[Field, Sequence[str]],
    rows: Sequence[int],
    *,
    columns: Mapping[Field, str],
    source: LiveSource | None,
    origin: ReportSource,
    found: Sequence[ItemProblem] = (),
    total_of: int | None = None,
    expect_stamp: tuple[Any, ...] | None = None,
) -> Taken:
    """Read the cells and write them into the source's batch of today, in one transaction.
    `found`: problems already found in the request, refused together with the cells' own;
    `total_of`: a case whose total, this request's reports included, goes in `case_totals`."""
    try:
        read = read_options(origin, needs_reporter_key=Field.reporter_email in cells)
    except IntakeError as error:
        raise Refused([ItemProblem(0, "reporter_email", str(error))]) from None
    if origin is ReportSource.form and engine.dialect.name == "postgresql":
        grouped = _group_of(engine).submit(
            lambda session: _write_in(
                session,
                cells,
                rows,
                columns=columns,
                source=source,
                origin=origin,
                read=read,
                found=found,
                total_of=total_of,
                expect_stamp=expect_stamp,
            )
        )
        if grouped is not None:
            return grouped
        # None: the group's commit failed (a race, a deadlock): this request alone, below.
    for attempt in range(ATTEMPTS):
        try:
            return _write_once(
                engine,
                cells,
                rows,
                columns=columns,
                source=source,
                origin=origin,
                read=read,
                found=found,
                total_of=total_of,
                expect_stamp=expect_stamp,
            )
        except RACES as error:
            # Lost a race with an identical request (its dedupe keys won), or the form's
            # source or today's batch was created meanwhile: read again, and it finds them.
            if attempt == ATTEMPTS - 1 or not _raced(error):
                raise
    raise AssertionError("unreachable")


# --- group commit -------------------------------------------------------------------------------

MAX_GROUP = 64  # form posts committed together, at most


@dataclass
class _Work:
    run: Callable[[Session], Taken]
    taken: Taken | None = None
    error: BaseException | None = None
    alone: bool = False  # run it again by itself: the group could not commit
    finished: bool = False


class GroupCommit:
    """Form posts that arrive while another group commits are committed together, each in a
    savepoint of one transaction: all or nothing per post still (a refused post rolls back
    to its savepoint, and is told so), one commit for all.

    Why: every post of one case adds to the same rollup rows and the same batch of the day,
    so on PostgreSQL each post waits for the row locks of the one before, which it holds until
    its commit is on disk; one post per disk flush, about 2 ms here. A group pays one flush.
    A post is told it was taken only after the group's commit; if that commit fails, the
    whole group rolled back and each post is written again by itself."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._queue: list[_Work] = []
        self._leading = False
        self._condition = threading.Condition()

    def submit(self, run: Callable[[Session], Taken]) -> Taken | None:
        """The post's Taken; None when it must be written alone. Raises what `run` raised."""
        work = _Work(run)
        with self._condition:
            self._queue.append(work)
            while not work.finished:
                if self._leading:
                    self._condition.wait()
                    continue
                self._leading = True
                group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
                self._condition.release()
                try:
                    self._commit(group)
                finally:
                    self._condition.acquire()
                    self._leading = False
                    for done in group:
                        done.finished = True
                    self._condition.notify_all()
        if work.error is not None:
            raise work.error
        return None if work.alone else work.taken

    def _commit(self, group: list[_Work]) -> None:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                session.begin()
                for work in group:
                    savepoint = session.begin_nested()
                    try:
                        work.taken = work.run(session)
                    except RACES:
                        savepoint.rollback()
                        work.alone = True  # a race with another process: by itself, again
                        continue
                    except Exception as error:  # handed to the post's own thread
                        savepoint.rollback()
                        work.error = error
                        continue
                    if work.taken.added:
                        savepoint.commit()
                    else:
                        savepoint.rollback()  # nothing new: no empty batch of the day kept
                session.commit()
        except RACES:
            for work in group:
                if work.error is None:
                    work.alone = True
        except BaseException as error:
            for work in group:
                if work.error is None:
                    work.error = error
            if not isinstance(error, Exception):
                raise


_groups: dict[str, GroupCommit] = {}


def _group_of(engine: Engine) -> GroupCommit:
    key = engine.url.render_as_string(hide_password=False)
    with _cache_lock:
        group = _groups.get(key)
        if group is None or group.engine is not engine:
            group = _groups[key] = GroupCommit(engine)
        return group


def _raced(error: Exception) -> bool:
    text = str(error).lower()
    return any(word in text for word in ("unique", "duplicate", "locked", "deadlock"))


def _write_once(
    engine: Engine,
    cells: Mapping[Field, Sequence[str]],
    rows: Sequence[int],
    *,
    columns: Mapping[Field, str],
    source: LiveSource | None,
    origin: ReportSource,
    read: Any,
    found: Sequence[ItemProblem],
    total_of: int | None = None,
    expect_stamp: tuple[Any, ...] | None = None,
) -> Taken:
    with Session(engine, expire_on_commit=False) as session:
        session.begin()
        try:
            taken = _write_in(
                session,
                cells,
                rows,
                columns=columns,
                source=source,
                origin=origin,
                read=read,
                found=found,
                total_of=total_of,
                expect_stamp=expect_stamp,
            )
            if taken.added:
                session.commit()
            else:
                session.rollback()  # nothing new: not even an empty batch of the day is kept
            return taken
        except BaseException:
            session.rollback()
            raise


def _write_in(
    session: Session,
    cells: Mapping[Field, Sequence[str]],
    rows: Sequence[int],
    *,
    columns: Mapping[Field, str],
    source: LiveSource | None,
    origin: ReportSource,
    read: Any,
    found: Sequence[ItemProblem],
    total_of: int | None = None,
    expect_stamp: tuple[Any, ...] | None = None,
) -> Taken:
    """The work of one request in the session's transaction, up to (not including) its commit."""
    engine = session.get_bind().engine
    stamp = _cases_stamp(session.connection())
    if expect_stamp is not None and stamp != expect_stamp:
        raise StaleCase()
    key = ("directory", engine.url.render_as_string(hide_password=False))
    directory = _remembered(key, stamp, lambda: Directory.load(session))
    live = source or _form_source(session)
    # The lean path first (plain Python, the same rules); the frames only for a
    # request with a problem, so that every problem is named as a CSV import's is.
    few = None
    if not found:
        few = read_few(cells, directory=directory, options=read, scope=str(live.id))
    frame = None
    if few is None:
        readings = read_cells(cells, rows, columns=dict(columns), directory=directory, options=read)
        if readings.problems or found:
            problems = [*found, *(_item_problem(p) for p in readings.problems)]
            raise Refused(sorted(problems, key=lambda p: p.index))
        frame = report_frame(readings.good, occurrences=Occurrences(), scope=str(live.id))
    actor = Actor(identity=f"source:{live.name}", role=Role.editor)
    result = ImportResult(source=origin)
    now = datetime.now(UTC)
    batch = _day_batch(session, live, origin=origin, day=read.today, actor=actor)
    writer = ReportWriter(session, result=result, actor=actor, batch=batch)
    if few is not None:
        writer.write_rows(few, last_report_at=now)  # with the batch's count, one statement
    elif frame is not None:
        writer.write(frame)
    taken = Taken(
        received=len(rows),
        added=result.written,
        already_there=result.already_imported + result.repeated,
        actions=result.actions,
        batch_id=batch.id if result.written else None,
    )
    if total_of is not None:  # read before the commit, in the same transaction
        taken.case_totals[total_of] = total_actions_of(session.connection(), [total_of])
    if result.written and few is None:
        session.execute(
            update(ReportBatch).where(ReportBatch.id == batch.id).values(last_report_at=now),
            execution_options={"synchronize_session": False},
        )
    return taken


_form_sources: dict[str, LiveSource] = {}


def _form_source(session: Session) -> LiveSource:
    """`form_source`, kept per process once it is on file (a source is never deleted; one
    created by this very transaction is not kept, since the transaction may roll back)."""
    key = session.get_bind().engine.url.render_as_string(hide_password=False)
    found = _form_sources.get(key)
    if found is not None:
        return found
    row = session.execute(
        select(IntakeSource.id, IntakeSource.name).where(IntakeSource.name == FORM_SOURCE)
    ).first()
    if row is None:
        return form_source(session)  # created now: kept once a later request finds it
    found = _form_sources[key] = LiveSource(row.id, row.name)
    return found


def _day_batch(
    session: Session, source: LiveSource, *, origin: ReportSource, day: date, actor: Actor
) -> ReportBatch:
    """The source's batch of `day`, created by the first report of the day."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    query = select(ReportBatch).where(
        ReportBatch.intake_source_id == source.id, ReportBatch.intake_day == day
    )
    batch = session.scalar(query)
    if batch is None:
        session.execute(
            insert(ReportBatch)
            .values(
                source=origin,
                filename=f"{source.name} {day.isoformat()}",
                actor=actor.identity,
                created_at=datetime.now(UTC),
                reports=0,
                note="live reports",
                intake_source_id=source.id,
                intake_day=day,
            )
            .on_conflict_do_nothing(index_elements=["intake_source_id", "intake_day"])
        )
        batch = session.scalar(query)
    assert batch is not None
    return batch


def set_report_form(
    engine: Engine, case_id: int, *, open_: bool, actor: Actor, note: str | None = None
) -> bool:
    """Open or close a case's report form, in its history like any edit; returns whether the
    setting changed."""
    require(actor, Role.editor, to="open or close a report form")
    with transaction(engine) as session:
        case = session.get(Case, case_id)
        if case is None:
            raise IntakeError(f"case {case_id} is not on file")
        if case.report_form_open == open_:
            return False
        case.report_form_open = open_
        session.flush()  # bumps the case's version
        session.add(
            AuditEvent(
                case_id=case.id,
                actor=actor.identity,
                field="report_form",
                old_value="closed" if open_ else "open",
                new_value="open" if open_ else "closed",
                note=note,
                case_version=case.version,
            )
        )
    return True
