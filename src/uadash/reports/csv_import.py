"""CSV imports of action reports: encodings, headers and their synonyms, a column mapping the
user can change, a preview of the first rows as they will be read, and the import itself,
read in chunks and written in one transaction.

The cells are read, checked and deduplicated by `uadash.reports.intake`; see docs/import-formats.md.
"""

from __future__ import annotations

import codecs
import csv
import gc
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from uadash import limits
from uadash.access import Actor, require
from uadash.reports.intake import (
    REQUIRED_FIELDS,
    DateOrder,
    Directory,
    Field,
    ImportResult,
    IntakeError,
    Occurrences,
    Problem,
    Progress,
    ReadOptions,
    ReportWriter,
    fold,
    raise_if_raced,
    read_cells,
    read_options,
    report_frame,
    require_reporter_key,
    settle,
)
from uadash.vocab import Channel, ReportSource, Role

CHUNK_ROWS = 50_000
PREVIEW_ROWS = 10
DELIMITERS = (",", ";", "\t", "|")
Source = Path | str | bytes | IO[bytes]

# Headers are compared folded (lower case, no accents, punctuation as spaces).
HEADER_SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.case: (
        "case",
        "ua",
        "ua number",
        "ua no",
        "ua ref",
        "ua reference",
        "urgent action",
        "urgent action number",
        "case ref",
        "case reference",
        "case number",
        "reference",
        "campaign",
    ),
    Field.update: ("update", "update number", "update no", "ua update"),
    Field.target: (
        "target",
        "target name",
        "official",
        "official name",
        "recipient",
        "addressee",
        "to",
        "contacted",
    ),
    Field.channel: (
        "channel",
        "action type",
        "type",
        "type of action",
        "method",
        "medium",
        "how",
        "action taken",
        "action",
    ),
    Field.count: (
        "count",
        "number",
        "number of actions",
        "actions",
        "quantity",
        "qty",
        "how many",
        "n",
        "total",
    ),
    Field.action_date: (
        "action date",
        "date",
        "date of action",
        "date taken",
        "date acted",
        "action day",
        "day",
        "when",
    ),
    Field.reported_at: (
        "reported at",
        "reported",
        "reported on",
        "submitted",
        "submitted at",
        "submitted on",
        "submission date",
        "submission time",
        "date submitted",
        "timestamp",
        "created",
        "created at",
        "received",
        "received at",
    ),
    Field.external_id: (
        "external id",
        "id",
        "report id",
        "submission id",
        "response id",
        "entry id",
        "record id",
        "uuid",
    ),
    Field.source: ("source", "origin"),
    Field.reporter_email: (
        "reporter email",
        "email",
        "e mail",
        "email address",
        "e mail address",
        "supporter email",
        "your email",
    ),
    Field.note: ("note", "notes", "comment", "comments", "remarks"),
}
IGNORE_WORDS = ("", "ignore", "skip", "none", "unused")


def parse_field_name(text: str) -> Field | None:
    """The field a user means (`date`, `action_date`, `Reporter email` …); None for "ignore"."""
    folded = fold(text)
    if folded in IGNORE_WORDS:
        return None
    for candidate in Field:
        if folded == fold(candidate.value) or folded in HEADER_SYNONYMS[candidate]:
            return candidate
    names = ", ".join(f.value for f in Field)
    raise IntakeError(f"{text!r} is not a field; fields are {names}, or ignore")


@dataclass(frozen=True)
class CsvOptions:
    """How to read a CSV file. `mapping` maps a column (as the header names it) to a field
    name, or to "ignore"; it overrides the headers' automatic matching."""

    source: ReportSource = ReportSource.form
    mapping: Mapping[str, str | None] = field(default_factory=dict)
    date_order: DateOrder = DateOrder.auto
    all_or_nothing: bool = True
    encoding: str | None = None  # detected when None
    filename: str | None = None
    # Count rows with neither id nor reporter that are identical to rows of an earlier import
    # (of another file) as new reports, rather than skip them as imported before.
    count_identical: bool = False
    channels: Mapping[str, Channel] = field(default_factory=dict)  # extra channel synonyms
    chunk_rows: int = CHUNK_ROWS


@dataclass(frozen=True)
class ColumnPlan:
    """Which column of the file each field is read from."""

    headers: list[str]
    fields: dict[Field, int]  # field -> column position
    unused: list[str]  # headers read as nothing
    conflicts: dict[Field, list[str]]  # fields that several headers look like

    @property
    def missing(self) -> list[Field]:
        return [f for f in REQUIRED_FIELDS if f not in self.fields]

    def column(self, which: Field) -> str | None:
        position = self.fields.get(which)
        return None if position is None else self.headers[position]

    def check(self) -> None:
        """Raise `IntakeError` unless every required field has exactly one column."""
        problems = []
        for which, headers in self.conflicts.items():
            listed = " and ".join(repr(h) for h in headers)
            if len({h.strip() for h in headers}) < len(headers):
                # --map names a column by its header, so it cannot pick one of two alike.
                name = headers[0].strip()
                numbers = [str(p + 1) for p, h in enumerate(self.headers) if h.strip() == name]
                problems.append(
                    f"the file has {len(numbers)} columns called {name!r} (columns "
                    f"{' and '.join(numbers)}), and both look like {which.value}: rename one "
                    "in the header row, e.g. to 'ignore'"
                )
                continue
            problems.append(
                f"columns {listed} both look like {which.value}: map the one to use, and the "
                f"other to ignore (--map '{headers[-1]}=ignore')"
            )
        for which in self.missing:
            problems.append(
                f"no column holds {which.value} (headers looked for: "
                f"{', '.join(HEADER_SYNONYMS[which][:4])} …): map one "
                f"(--map 'COLUMN={which.value}')"
            )
        if problems:
            raise IntakeError("; ".join(problems))


def plan_columns(headers: Sequence[str], mapping: Mapping[str, str | None]) -> ColumnPlan:
    """Match headers to fields: the user's mapping first, then the synonyms."""
    by_name: dict[str, list[int]] = {}
    for position, header in enumerate(headers):
        by_name.setdefault(header.strip(), []).append(position)
    chosen: dict[Field, int] = {}
    claimed: set[int] = set()
    for column, field_name in mapping.items():
        positions = by_name.get(column.strip())
        if not positions:
            raise IntakeError(
                f"the mapping names a column {column!r} that the file does not have "
                f"(its columns: {', '.join(repr(h) for h in headers)})"
            )
        if len(positions) > 1:
            raise IntakeError(f"the file has {len(positions)} columns called {column!r}")
        claimed.add(positions[0])
        which = parse_field_name(field_name or "")
        if which is not None:
            if which in chosen:
                raise IntakeError(f"the mapping gives two columns for {which.value}")
            chosen[which] = positions[0]
    candidates: dict[Field, list[int]] = {}
    for position, header in enumerate(headers):
        if position in claimed:
            continue
        folded = fold(header)
        for which, synonyms in HEADER_SYNONYMS.items():
            if which not in chosen and folded in synonyms:
                candidates.setdefault(which, []).append(position)
                break
    conflicts: dict[Field, list[str]] = {}
    for which, positions in candidates.items():
        if len(positions) == 1:
            chosen[which] = positions[0]
        else:
            conflicts[which] = [headers[p] for p in positions]
    used = set(chosen.values())
    unused = [h for p, h in enumerate(headers) if p not in used and h.strip()]
    return ColumnPlan(list(headers), chosen, unused, conflicts)


# --- reading the file ---------------------------------------------------------------------------

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1",
}


def detect_encoding(handle: IO[bytes]) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else Latin-1 (which
    reads any bytes). The whole file is checked, a block at a time: one accented name on the
    last row decides it as surely as one on the first."""
    start = handle.read(4)
    handle.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        for encoding in ("utf-8", "cp1252"):
            decoder = codecs.getincrementaldecoder(encoding)()
            offset = 0
            try:
                while block := handle.read(1 << 20):
                    decoder.decode(block)
                    offset += len(block)
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError as error:
                if encoding == "utf-8":
                    _refuse_mixed(handle, bad_offset=max(offset + error.start - 3, 0))
                handle.seek(0)
        return "latin-1"
    finally:
        handle.seek(0)


# A character of more than one byte, validly encoded as UTF-8. Text in Windows-1252 almost
# never holds one: "Ã©" is how UTF-8's "é" looks when read as Windows-1252.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _refuse_mixed(handle: IO[bytes], *, bad_offset: int) -> None:
    """Raise `IntakeError` naming two lines if the file has UTF-8 text as well as bytes that
    are not UTF-8: read as Windows-1252 it would store "cafÃ©" without a word."""
    handle.seek(0)
    lines_before = 0
    position = 0
    utf8_line = None
    while block := handle.read(1 << 20):
        for match in _UTF8_SEQUENCE.finditer(block):
            start = position + match.start()
            if abs(start - bad_offset) > 4:
                utf8_line = lines_before + block.count(b"\n", 0, match.start()) + 1
                break
        if utf8_line is not None:
            break
        lines_before += block.count(b"\n")
        position += len(block)
    if utf8_line is None:
        return
    handle.seek(0)
    head = handle.read(bad_offset + 4)
    while head[bad_offset : bad_offset + 1] and head[bad_offset] < 0x80:
        bad_offset += 1  # from a few bytes early, on to the byte itself
    bad_line = head.count(b"\n", 0, bad_offset) + 1
    raise IntakeError(
        f"the file mixes encodings: line {utf8_line} is UTF-8, but line {bad_line} is not "
        "(Windows-1252?); save the whole file again as UTF-8, or say which encoding to read "
        "it as (--encoding cp1252 on the command line)"
    )


@contextmanager
def open_binary(
    data: Source, *, within: limits.Limits = limits.CSV
) -> Iterator[tuple[IO[bytes], int]]:
    """A seekable binary handle on the data, and its size in bytes; refused before a byte is
    read if it is not a regular file (a folder, /dev/zero), is empty or is too large."""
    if isinstance(data, str | Path):
        path = Path(data)
        if problem := limits.file_problem(path, within):
            raise IntakeError(f"{path}: {problem}")
        with path.open("rb") as opened:
            yield opened, path.stat().st_size
        return
    handle: IO[bytes]
    if isinstance(data, bytes):
        handle, size = io.BytesIO(data), len(data)
    else:
        handle = data
        handle.seek(0, io.SEEK_END)
        size = handle.tell()
        handle.seek(0)
    if problem := limits.size_problem(size, within):
        raise IntakeError(f"the file {problem}")
    yield handle, size


@dataclass
class _Opened:
    text: io.TextIOWrapper
    reader: Iterator[list[str]]
    headers: list[str]
    encoding: str
    delimiter: str


@contextmanager
def _open_csv(handle: IO[bytes], encoding: str | None) -> Iterator[_Opened]:
    # A first line beyond the limit is refused before the whole file is scanned for its
    # encoding (four bytes per character at most, in any encoding read here).
    head = handle.read(4 * MAX_LINE + 1)
    handle.seek(0)
    if len(head) > 4 * MAX_LINE and b"\n" not in head and b"\r" not in head:
        raise IntakeError(
            f"line 1 is longer than {MAX_LINE:,} characters, the limit for one line "
            "(is it a CSV file?)"
        )
    del head
    chosen = encoding or detect_encoding(handle)
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise IntakeError(f"{chosen!r} is not an encoding Python knows") from None
    text = io.TextIOWrapper(handle, encoding=chosen, newline="")
    try:
        try:
            first = _line(text, 1)
        except UnicodeDecodeError as error:
            raise IntakeError(f"the file cannot be read as {chosen}: {error.reason}") from None
        if not first.strip():
            raise IntakeError("the file is empty: the first line should name the columns")
        first = first.lstrip("\ufeff")
        delimiter = max(DELIMITERS, key=lambda d: _count_outside_quotes(first, d))
        if _count_outside_quotes(first, delimiter) == 0:
            delimiter = ","
        headers = next(csv.reader([first], delimiter=delimiter))
        reader = csv.reader(_lines(text), delimiter=delimiter)
        yield _Opened(text, reader, [h.strip() for h in headers], chosen, delimiter)
    finally:
        text.detach()  # the caller owns the handle (an upload, say): do not close it


MAX_LINE = limits.CSV.line_chars or 1 << 20
MAX_ROWS = limits.CSV.rows or 10_000_000


def _line(text: io.TextIOWrapper, number: int) -> str:
    """One line, read no further than the limit: a file of one endless line (or none) must not
    be read whole into memory to find its end."""
    line = text.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise IntakeError(
            f"line {number} is longer than {MAX_LINE:,} characters, the limit for one line "
            "(is it a CSV file?)"
        )
    return line


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    number = 1
    while True:
        number += 1
        line = _line(text, number)
        if not line:
            return
        yield line


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for character in line:
        if character == '"':
            quoted = not quoted
        elif character == delimiter and not quoted:
            count += 1
    return count


@dataclass
class _Chunk:
    rows: list[int]
    cells: dict[Field, Sequence[str]]
    blank: int
    problems: list[Problem]  # rows that cannot be split into the header's columns


def _chunks(opened: _Opened, plan: ColumnPlan, size: int) -> Iterator[_Chunk]:
    """The file's rows a chunk at a time, as text cells per field.

    The cyclic garbage collector is paused while a chunk's rows are gathered: it would
    otherwise scan the growing list of row lists again and again (measured: twice as slow).
    """
    width = len(plan.headers)
    records: list[list[str]] = []
    rows: list[int] = []
    blank = 0
    problems: list[Problem] = []
    row = 1
    collecting = gc.isenabled()
    try:
        for record in opened.reader:
            row += 1
            if row > MAX_ROWS + 1:
                raise IntakeError(
                    f"row {row:,}: the file has more than {MAX_ROWS:,} rows, the most one "
                    "import may have: split it into smaller files"
                )
            if not any(record):
                blank += 1
                continue
            if len(record) != width:
                if len(record) > width and "".join(record[width:]).strip():
                    problems.append(
                        Problem(
                            row,
                            "(whole row)",
                            opened.delimiter.join(record)[:200],
                            f"has {len(record)} cells, but the header names {width} columns",
                        )
                    )
                    continue
                record = (record + [""] * width)[:width]
            if not records and collecting:
                gc.disable()
            records.append(record)
            rows.append(row)
            if len(records) >= size:
                chunk = _chunk(records, rows, plan, blank, problems)
                if collecting:
                    gc.enable()
                yield chunk
                records, rows, blank, problems = [], [], 0, []
    except csv.Error as error:
        raise IntakeError(f"row {row + 1}: the file is not readable CSV there ({error})") from None
    except UnicodeDecodeError as error:
        raise IntakeError(
            f"after row {row}: the file cannot be read as {opened.encoding} ({error.reason})"
        ) from None
    finally:
        if collecting:
            gc.enable()
    if records or blank or problems:
        yield _chunk(records, rows, plan, blank, problems)


def _chunk(
    records: list[list[str]], rows: list[int], plan: ColumnPlan, blank: int, problems: list[Problem]
) -> _Chunk:
    columns = list(zip(*records, strict=True)) if records else []
    cells: dict[Field, Sequence[str]] = {
        which: columns[position] if columns else () for which, position in plan.fields.items()
    }
    return _Chunk(rows, cells, blank, problems)


# --- preview and import -------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvPreview:
    """The first rows of a file as the import will read them."""

    encoding: str
    delimiter: str
    plan: ColumnPlan
    readings: pd.DataFrame  # intake.READING_COLUMNS
    problems: list[Problem]
    warnings: list[str]


def preview_csv(
    engine: Engine, data: Source, *, options: CsvOptions, rows: int = PREVIEW_ROWS
) -> CsvPreview:
    """Read the first `rows` rows with `options`, writing nothing. File-level problems (no
    column for the channel, say) come back as warnings rather than an exception, so that a
    page can show them next to the mapping that fixes them."""
    warnings: list[str] = []
    with open_binary(data) as (handle, _), _open_csv(handle, options.encoding) as opened:
        plan = plan_columns(opened.headers, options.mapping)
        try:
            plan.check()
        except IntakeError as error:
            warnings.append(str(error))
        read = read_options(
            options.source, date_order=options.date_order, channels=options.channels
        )
        if Field.reporter_email in plan.fields:
            try:
                read = _with_reporter_key(read)
            except IntakeError as error:
                warnings.append(str(error))
                plan = ColumnPlan(
                    plan.headers,
                    {f: p for f, p in plan.fields.items() if f is not Field.reporter_email},
                    plan.unused,
                    plan.conflicts,
                )
        chunk = next(_chunks(opened, plan, rows), None)
        with Session(engine) as session:
            directory = Directory.load(session)
        if chunk is None or not chunk.rows:
            empty = read_cells({}, [], columns={}, directory=directory, options=read)
            return CsvPreview(opened.encoding, opened.delimiter, plan, empty.frame, [], warnings)
        readings = read_cells(
            _present(chunk.cells, plan),
            chunk.rows,
            columns=_names(plan),
            directory=directory,
            options=read,
        )
        return CsvPreview(
            encoding=opened.encoding,
            delimiter=opened.delimiter,
            plan=plan,
            readings=readings.frame,
            problems=chunk.problems + readings.problems,
            warnings=warnings,
        )


def _with_reporter_key(read: ReadOptions) -> ReadOptions:
    return replace(read, reporter_key=require_reporter_key())


def _names(plan: ColumnPlan) -> dict[Field, str]:
    return {which: plan.headers[position] for which, position in plan.fields.items()}


def _present(cells: dict[Field, Sequence[str]], plan: ColumnPlan) -> dict[Field, Sequence[str]]:
    # Only mapped fields are given: an absent field means "not in the file" (count 1, …).
    return {which: values for which, values in cells.items() if which in plan.fields}


def import_csv(
    engine: Engine,
    data: Source,
    *,
    actor: Actor,
    options: CsvOptions | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a CSV file of action reports in one transaction.

    All or nothing by default: with any bad row nothing is written, and every problem is in
    the result. With `all_or_nothing=False` the good rows are written and the bad ones
    listed. Reports imported before are skipped. Raises `IntakeError` when the file as a
    whole cannot be read (no column for a required field, unreadable encoding …).
    """
    require(actor, Role.editor, to="import action reports")
    options = options or CsvOptions()
    name = options.filename or (Path(data).name if isinstance(data, str | Path) else None)
    result = ImportResult(source=options.source, filename=name, partial=not options.all_or_nothing)
    with open_binary(data) as (handle, size), _open_csv(handle, options.encoding) as opened:
        result.encoding = ENCODING_NAMES.get(opened.encoding, opened.encoding)
        result.delimiter = opened.delimiter
        plan = plan_columns(opened.headers, options.mapping)
        plan.check()
        result.ignored = list(plan.unused)
        file_key = _file_key(handle) if options.count_identical else ""
        read = read_options(
            options.source,
            date_order=options.date_order,
            needs_reporter_key=Field.reporter_email in plan.fields,
            channels=options.channels,
        )
        with Session(engine) as session, _Writing() as writing:
            session.begin()
            try:
                directory = Directory.load(session)
                writer = ReportWriter(session, result=result, actor=actor)
                occurrences = Occurrences()
                for chunk in _chunks(opened, plan, options.chunk_rows):
                    readings = read_cells(
                        _present(chunk.cells, plan),
                        chunk.rows,
                        columns=_names(plan),
                        directory=directory,
                        options=read,
                    )
                    result.blank += chunk.blank
                    result.rows += len(chunk.rows) + len(chunk.problems)
                    result.add_problems(sorted(chunk.problems + readings.problems, key=_order))
                    result.rejected += len(chunk.problems) + int(
                        readings.frame["problem"].notna().sum()
                    )
                    # After the first bad row of an all-or-nothing import, keep reading (to
                    # list every problem) but stop writing: it will all be rolled back.
                    if not (result.rejected and options.all_or_nothing):
                        writing.submit(
                            writer.write,
                            report_frame(readings.good, occurrences=occurrences, file_key=file_key),
                        )
                    if progress is not None:
                        progress(min(handle.tell() / max(size, 1), 1.0), result.rows)
                writing.finish()
                settle(session, result, all_or_nothing=options.all_or_nothing)
            except BaseException as error:
                writing.abandon()
                session.rollback()
                raise_if_raced(error)
                raise
    if progress is not None:
        progress(1.0, result.rows)
    return result


class _Writing:
    """Writes chunks one after another in a thread of its own while the caller reads the
    next chunk. On PostgreSQL the server's work on a chunk (the COPY, its foreign-key
    triggers and indexes: most of an import's time) then overlaps the reading of the next
    one instead of alternating with it.

    One chunk is written at a time, in the order submitted; the caller's session is used by
    the writing thread only between `submit` and the next `submit`, `finish` or `abandon`,
    never by both threads at once. A write's error is raised by the next call."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="uadash-import")
        self._pending: Future[int] | None = None

    def __enter__(self) -> _Writing:
        return self

    def __exit__(self, *_: object) -> None:
        self.abandon()
        self._pool.shutdown(wait=True)

    def submit(self, write: Callable[[pd.DataFrame], int], reports: pd.DataFrame) -> None:
        self.finish()
        self._pending = self._pool.submit(write, reports)

    def finish(self) -> None:
        """Wait for the chunk being written; raise its error, if it failed."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def abandon(self) -> None:
        """Wait for the chunk being written, ignoring its outcome (the caller rolls back)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            wait([pending])


def _file_key(handle: IO[bytes]) -> str:
    """A hash of the file's bytes, read a block at a time; the handle is left where it was."""
    where = handle.tell()
    handle.seek(0)
    digest = hashlib.sha256()
    while block := handle.read(1 << 20):
        digest.update(block)
    handle.seek(where)
    return digest.hexdigest()


def _order(problem: Problem) -> int:
    return problem.row or 0
