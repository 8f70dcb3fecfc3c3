"""Bringing action reports in: what CSV imports, OSDI imports and staff entry share.

Text cells are read into reports (case references, loose target names, channel synonyms,
dates, counts), every bad cell is reported with its row and column, reporter emails become
keyed hashes, each report gets a dedupe key, and `ReportWriter` writes through
`actions.insert_reports`, skipping reports that an earlier import already wrote. Also here:
undoing an import and the list of past imports.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from uadash import config, limits
from uadash.access import Actor, require
from uadash.queries import parse_case_ref
from uadash.reports.writer import (
    MAX_COUNT,
    ReportRow,
    delete_batch,
    insert_reports,
    insert_rows,
)
from uadash.store.engine import transaction
from uadash.store.models import Case, ReportBatch, Target
from uadash.vocab import Channel, ReportSource, Role, parse_channel

# Problems kept for the list on screen and in the download; all of them are counted.
MAX_PROBLEMS = 10_000
# Dedupe keys looked up per query: far below SQLite's bind limit, big enough to be cheap.
KEY_LOOKUP_BATCH = 5_000
LOOKUP_SQL = "SELECT dedupe_key, batch_id FROM action_reports WHERE dedupe_key"
EARLIEST_ACTION_YEAR = 1973  # the first Urgent Action
# Sources a file may name per row; osdi and demo reports only come from their own paths.
FILE_SOURCES = (ReportSource.form, ReportSource.file, ReportSource.staff)
Progress = Callable[[float, int], None]  # (fraction done, rows read so far)
T = TypeVar("T")


class Field(enum.Enum):
    """What a column of an import file can mean (not a StrEnum: `count` would hide str.count)."""

    case = "case"
    update = "update"
    target = "target"
    channel = "channel"
    count = "count"
    action_date = "action_date"
    reported_at = "reported_at"
    external_id = "external_id"
    source = "source"
    reporter_email = "reporter_email"
    note = "note"


REQUIRED_FIELDS = (Field.case, Field.channel, Field.action_date)


class DateOrder(enum.StrEnum):
    """How to read a date like 03/11/2026: never guessed, because a wrong guess is silent."""

    auto = "auto"  # only unambiguous dates: 2026-11-03, 13/11/2026, 3 November 2026
    day_first = "day_first"  # 03/11/2026 is 3 November
    month_first = "month_first"  # 03/11/2026 is 11 March


class IntakeError(ValueError):
    """A whole file or entry cannot be read (no such column, no key for emails …)."""


class Unreadable(ValueError):
    """One cell cannot be read; the message is the reason shown to the user."""


@dataclass(frozen=True)
class Problem:
    """One bad cell: the row as a spreadsheet numbers it (the header is row 1), the column as
    the file names it, the value as written, and why it was refused."""

    row: int | None
    column: str
    value: str
    reason: str
    unit: str = "row"  # "record" for an OSDI file: `row` is the record's number, `column` a field
    label: str | None = None  # the record's own identifier, when it has one

    def __str__(self) -> str:
        if self.unit == "record":
            label = f" ({self.label})" if self.label else ""
            where = f"record {self.row}{label}, " if self.row is not None else ""
            return f"{where}field {self.column}: {self.value!r} {self.reason}"
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}column {self.column}: {self.value!r} {self.reason}"


PROBLEM_COLUMNS = ["row", "column", "value", "reason"]
RECORD_PROBLEM_COLUMNS = ["record", "id", "field", "value", "reason"]


def problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """The problem list as the file's own words name its parts: row and column for a CSV
    file; record, its id and field for an OSDI file."""
    if problems and all(p.unit == "record" for p in problems):
        frame = pd.DataFrame(
            [(p.row, p.label or "", p.column, p.value, p.reason) for p in problems],
            columns=RECORD_PROBLEM_COLUMNS,
        )
        return frame.astype({"record": "Int64"})
    frame = pd.DataFrame(
        [(p.row, p.column, p.value, p.reason) for p in problems], columns=PROBLEM_COLUMNS
    )
    return frame.astype({"row": "Int64"})


@dataclass
class ImportResult:
    """What an import read, wrote and refused. Nothing is written unless `committed`."""

    source: ReportSource
    filename: str | None = None
    rows: int = 0  # rows (or OSDI records) read, blank rows not counted
    written: int = 0  # reports written
    actions: int = 0  # the sum of their counts
    already_imported: int = 0  # reports an earlier import had written: skipped
    repeated: int = 0  # rows repeating an earlier row of the same file: skipped
    # Of `already_imported`: rows with neither id nor reporter, told apart only by content,
    # that matched identical rows of an earlier import (another file's, as a rule).
    identical_before: int = 0
    ignored: list[str] = field(default_factory=list)  # columns no field is read from
    skipped: int = 0  # OSDI records that reached no target: skipped
    blank: int = 0  # empty rows: skipped
    rejected: int = 0  # rows with at least one problem
    problems: list[Problem] = field(default_factory=list)  # the first MAX_PROBLEMS
    problem_count: int = 0
    committed: bool = False
    partial: bool = False  # good rows were written although some rows were refused
    batch_id: int | None = None
    earlier_batches: set[int] = field(default_factory=set)
    encoding: str | None = None
    delimiter: str | None = None
    unit: str = "row"  # what the problems count: rows of a CSV, records of an OSDI file

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    def add_problems(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.problem_count += 1
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(problem)

    def summary(self) -> str:
        """One or two sentences for the page and the command line."""
        unit = self.unit
        left_out = ""
        if self.rejected:
            verb = "has" if self.rejected == 1 else "have"
            problems = f"{_n(self.rejected, unit)} of {_n(self.rows, unit)} {verb} problems"
            if not self.partial:
                text = f"Nothing was imported: {problems} ({_n(self.problem_count, 'problem')})."
                good = self.rows - self.rejected
                advice = " Fix them and import the file again"
                if good:
                    good_rows = _n(good, f"good {unit}")
                    advice += f", or allow a partial import to bring in the {good_rows}"
                return text + advice + "." + self._skipped_sentence()
            left_out = f" Left out: {problems} ({_n(self.problem_count, 'problem')})."
        if self.written:
            text = (
                f"Imported {_n(self.written, 'report')} ({_n(self.actions, 'action')}) "
                f"as import #{self.batch_id}."
            )
            if self.already_imported:
                verb = "was" if self.already_imported == 1 else "were"
                text += (
                    f" {_n(self.already_imported, 'report')} had been imported before"
                    f"{self._earlier()} and {verb} skipped."
                )
            text += self._identical_sentence()
        elif self.already_imported:
            every = "every good report" if self.rejected else "every report"
            text = (
                f"Nothing new: {every} in this file was imported before{self._earlier()}; "
                "nothing was added." + self._identical_sentence()
            )
        else:
            text = "Nothing was imported: the file holds no reports."
        return text + left_out + self._skipped_sentence()

    def _identical_sentence(self) -> str:
        if not self.identical_before:
            return ""
        one = self.identical_before == 1
        unit = self.unit
        verb, repeats = (
            ("was", f"a repeat of an identical {unit}")
            if one
            else ("were", f"repeats of identical {unit}s")
        )
        return (
            f" Of these, {_n(self.identical_before, unit)} with neither id nor "
            f"reporter email {verb} taken as {repeats} of an earlier import "
            "(another file's, unless this file was imported before); if two supporters "
            "reported the same, import again counting identical rows (--count-identical): "
            "the same file twice still counts once."
        )

    def _skipped_sentence(self) -> str:
        parts = []
        if self.repeated:
            parts.append(f"{_n(self.repeated, 'row')} repeating an earlier row of the file")
        if self.skipped:
            parts.append(f"{_n(self.skipped, 'record')} with no targets (they reached nobody)")
        return f" Skipped: {'; '.join(parts)}." if parts else ""

    def _earlier(self) -> str:
        if not self.earlier_batches:
            return ""
        numbers = sorted(self.earlier_batches)
        shown = ", ".join(f"#{n}" for n in numbers[:5]) + (" …" if len(numbers) > 5 else "")
        return f" (import {shown})"


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# --- reading cells ------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents or punctuation, single-spaced: "Trần, Minh-Khoa" -> "tran minh
    khoa". For loose matching of names and headers, never for storing."""
    text = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


# Letters that NFKD does not split into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans(
    {"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i", "ß": "ss", "æ": "ae"}
)

_TIME = re.compile(
    r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?\s*(am|pm)?"
    r"\s*(z|utc|gmt|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_ISO_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\s*(.+))?$")
_DOTTED_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:\s+(.+))?$")
_SLASHED_DAY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?:[ T,]\s*(.+))?$")
_NAMED_DAY_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d-%b-%Y", "%d-%b-%y")


def parse_moment(text: str, *, order: DateOrder, zone: tzinfo) -> tuple[datetime, bool]:
    """A date or date and time as written in an export, as an aware datetime in `zone`, and
    whether a time of day was given. A time without an offset is in `zone`."""
    value = text.strip()
    if not value:
        raise Unreadable("is missing")
    day, rest = _day_part(value, order)
    if rest is None:
        return datetime.combine(day, time(), zone), False
    match = _TIME.match(rest.strip())
    if not match:
        raise Unreadable("has a time of day that cannot be read")
    hour, minute, second, fraction, half, offset = match.groups()
    hours = int(hour)
    if half:
        if not 1 <= hours <= 12:
            raise Unreadable("has an hour that is not on a 12-hour clock")
        hours = hours % 12 + (12 if half.lower() == "pm" else 0)
    try:
        moment = datetime.combine(
            day,
            time(hours, int(minute), int(second or 0), int((fraction or "0").ljust(6, "0"))),
        )
    except ValueError:
        raise Unreadable("has a time of day that does not exist") from None
    if offset is None:
        return moment.replace(tzinfo=zone), True
    return moment.replace(tzinfo=_offset(offset)).astimezone(zone), True


def _offset(text: str) -> tzinfo:
    if text.lower() in ("z", "utc", "gmt"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _day_part(value: str, order: DateOrder) -> tuple[date, str | None]:
    if match := _ISO_DAY.match(value):
        year, month, day, rest = match.groups()
        return _date(int(year), int(month), int(day)), rest
    if match := _DOTTED_DAY.match(value):  # 03.11.2026 is day first wherever it is written
        day, month, year, rest = match.groups()
        return _date(_year(year), int(month), int(day)), rest
    if match := _SLASHED_DAY.match(value):
        first, second, year, rest = match.groups()
        return _slashed(int(first), int(second), _year(year), order), rest
    named = " ".join(value.replace(",", " ").split())  # "November 3, 2026" -> "November 3 2026"
    for format_ in _NAMED_DAY_FORMATS:
        try:
            return datetime.strptime(named, format_).date(), None
        except ValueError:
            continue
    raise Unreadable("is not a date (write it as YYYY-MM-DD)")


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Unreadable("is not a date that exists") from None


def _slashed(first: int, second: int, year: int, order: DateOrder) -> date:
    if order is DateOrder.day_first:
        return _date(year, second, first)
    if order is DateOrder.month_first:
        return _date(year, first, second)
    if not (1 <= first <= 31 and 1 <= second <= 31) or (first > 12 and second > 12):
        raise Unreadable("is not a date that exists")  # 1/0/2026 is no date, not two
    if first > 12 >= second:
        return _date(year, second, first)
    if second > 12 >= first:
        return _date(year, first, second)
    if first == second:
        return _date(year, first, second)
    raise Unreadable("could be day/month or month/day: choose which (or write dates as YYYY-MM-DD)")


def check_action_day(day: date, *, today: date) -> None:
    # Tomorrow is allowed: supporters east of the organisation are already there.
    if day > today + timedelta(days=1):
        raise Unreadable(f"is in the future (today is {today.isoformat()})")
    if day.year < EARLIEST_ACTION_YEAR:
        raise Unreadable(f"is before {EARLIEST_ACTION_YEAR}, when the first Urgent Action ran")


_NAIVE_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"
_AWARE_ISO = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})"


def parse_moments(
    values: Sequence[str] | np.ndarray, *, order: DateOrder, zone: tzinfo
) -> tuple[np.ndarray, np.ndarray]:
    """Each value as a UTC instant (datetime64[us], NaT where unreadable) and the reasons
    (None where readable). ISO forms are read in bulk by pandas, the rest one by one.

    A few values (a live request's) are read one by one with `parse_moment`, the same rule,
    without pandas' fixed cost; should any of them be unreadable, all are read in bulk again,
    so that every message is the bulk path's own."""
    if len(values) <= FEW_MOMENTS:
        few = _parse_few_moments(values, order=order, zone=zone)
        if few is not None:
            return few
    text = pd.Series(list(values), dtype=object).str.strip()
    instants = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    reasons = np.full(len(text), None, dtype=object)
    naive = text.str.fullmatch(_NAIVE_ISO).to_numpy(dtype=bool, na_value=False)
    if naive.any():
        local = pd.DatetimeIndex(pd.to_datetime(text[naive], format="ISO8601", errors="coerce"))
        # Times that a daylight-saving change skips or repeats are left to parse_moment.
        utc = local.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").tz_convert(UTC)
        instants[naive] = utc.tz_localize(None).to_numpy(dtype="datetime64[us]")
    # Only where the naive form did not match: no value has both forms.
    aware = np.zeros(len(text), dtype=bool)
    if not naive.all():
        aware[~naive] = text[~naive].str.fullmatch(_AWARE_ISO).to_numpy(dtype=bool, na_value=False)
    if aware.any():
        utc = pd.DatetimeIndex(
            pd.to_datetime(text[aware], format="ISO8601", utc=True, errors="coerce")
        )
        instants[aware] = utc.tz_localize(None).to_numpy(dtype="datetime64[us]")
    for position in np.flatnonzero(np.isnat(instants)):
        try:
            moment, _ = parse_moment(str(text.iloc[position]), order=order, zone=zone)
        except Unreadable as error:
            reasons[position] = str(error)
            continue
        instants[position] = np.datetime64(moment.astimezone(UTC).replace(tzinfo=None), "us")
    return instants, reasons


FEW_MOMENTS = 32  # up to this many distinct values, dates are read without pandas


def _parse_few_moments(
    values: Sequence[str] | np.ndarray, *, order: DateOrder, zone: tzinfo
) -> tuple[np.ndarray, np.ndarray] | None:
    instants = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    for position, value in enumerate(values):
        try:
            moment, _ = parse_moment(str(value), order=order, zone=zone)
        except Unreadable:
            return None
        instants[position] = np.datetime64(moment.astimezone(UTC).replace(tzinfo=None), "us")
    return instants, np.full(len(values), None, dtype=object)


def local_days(instants: np.ndarray, zone: tzinfo) -> np.ndarray:
    """UTC instants (datetime64[us]) as days (datetime64[D]) in `zone`."""
    moments = instants.tolist() if len(instants) <= FEW_MOMENTS else []
    # A live request's few: plain datetimes cost less. NaT comes back from tolist() as None,
    # and an instant outside Python's years 1-9999 (0000-01-01) as a bare number: pandas then.
    if moments and all(moment is None or isinstance(moment, datetime) for moment in moments):
        days = np.full(len(instants), np.datetime64("NaT"), dtype="datetime64[D]")
        for position, instant in enumerate(moments):
            if instant is not None:
                local = instant.replace(tzinfo=UTC).astimezone(zone)
                days[position] = np.datetime64(local.date(), "D")
        return days
    index = pd.DatetimeIndex(instants).tz_localize(UTC).tz_convert(zone).tz_localize(None)
    return index.to_numpy(dtype="datetime64[D]")


def parse_count(text: str) -> int:
    value = text.strip()
    if not value:
        return 1
    match = re.fullmatch(r"\+?(\d+)(?:\.0*)?", value)
    if not match:
        raise Unreadable("is not a positive whole number")
    count = int(match.group(1))
    if count < 1:
        raise Unreadable("is not a positive whole number")
    if count > MAX_COUNT:
        raise Unreadable(f"is more than {MAX_COUNT:,}")
    return count


def parse_channel_text(text: str, extra: Mapping[str, Channel] | None = None) -> Channel:
    if not text.strip():
        raise Unreadable("is missing")
    channel = parse_channel(text)
    if channel is None and extra:
        channel = extra.get(fold(text))
    if channel is None:
        raise Unreadable(
            f"is not a channel ({', '.join(c.value for c in Channel)}, or a synonym such as "
            "phone, post, twitter)"
        )
    return channel


def parse_source(text: str, default: ReportSource) -> ReportSource:
    value = fold(text)
    if not value:
        return default
    synonyms = {"web form": "form", "webform": "form", "online form": "form", "import": "file"}
    value = synonyms.get(value, value)
    if value not in {source.value for source in FILE_SOURCES}:
        raise Unreadable(f"is not a source a file may give ({', '.join(FILE_SOURCES)})")
    return ReportSource(value)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def normalise_email(text: str) -> str:
    if text.isascii():
        value = text.strip().lower()
    else:
        value = unicodedata.normalize("NFKC", text).strip().casefold()
    if value.startswith("mailto:"):
        value = value[len("mailto:") :]
    if not _EMAIL.match(value):
        raise Unreadable("is not an email address")
    return value


def hash_reporter(email: str, *, key: bytes) -> str:
    """The keyed hash that stands in for a reporter's email (HMAC-SHA256, hex)."""
    return hmac.digest(key, normalise_email(email).encode("utf-8"), "sha256").hex()


def require_reporter_key() -> bytes:
    try:
        key = config.reporter_key()
    except config.ConfigError as error:  # set, but too short to be a secret
        raise IntakeError(str(error)) from None
    if key is None:
        raise IntakeError(
            "reporter emails are stored only as a keyed hash, and no reporter key is set: "
            "set UADASH_REPORTER_KEY (or reporter_key in .streamlit/secrets.toml) to a long "
            "random secret, e.g. python -c 'import secrets; print(secrets.token_hex(32))', or "
            "leave the email column out of the import"
        )
    return key


# --- dedupe keys ------------------------------------------------------------------------------


def _digest(*parts: object) -> str:
    # 128 bits: a collision among a hundred million reports has odds of about 1 in 10^22.
    text = "\x1f".join(map(str, parts))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def external_key(source: str, case_id: int, target_key: int, channel: str, external_id: str) -> str:
    """An external id names one report per case, target and channel: a form that lets a
    supporter tick two officials exports two rows with one submission id."""
    return _digest("x", source, case_id, target_key, channel, external_id)


def reporter_key_of(
    source: str, case_id: int, target_key: int, channel: str, day: str, reporter: str
) -> str:
    """One reporter's report of one channel to one target on one day (`2026-11-03`) counts
    once."""
    return _digest("r", source, case_id, target_key, channel, day, reporter)


def anonymous_key(
    source: str,
    case_id: int,
    target_key: int,
    channel: str,
    day: str,
    count: int,
    nth: int,
    file: str = "",
) -> str:
    """A report with neither id nor reporter is told apart only by its content, so identical
    rows are numbered: the `nth` such row of a file. Importing the file again (or a longer
    export covering the same days) gives the same numbers, and so adds nothing. With `file`
    (a hash of the file's bytes, when identical rows of other files are to be counted) the
    key is the file's own: the same file again still adds nothing."""
    if file:
        return _digest("a", source, case_id, target_key, channel, day, count, nth, file)
    return _digest("a", source, case_id, target_key, channel, day, count, nth)


class Occurrences:
    """Counts rows of identical content across the chunks of one file.

    Memory grows with the distinct (case, target, channel, day, count) combinations of the
    anonymous rows, a number bounded like the rollup itself, not with the rows.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[Any, ...], int] = {}

    def number(self, keys: pd.DataFrame) -> np.ndarray:
        """1 for the first row of each content, 2 for the second …, continuing earlier chunks."""
        if keys.empty:
            return np.zeros(0, dtype=np.int64)
        groups = keys.groupby(list(keys.columns), sort=False, dropna=False)
        within = groups.cumcount().to_numpy()
        ids = groups.ngroup().to_numpy()
        sizes = groups.size()
        offsets = np.zeros(len(sizes), dtype=np.int64)
        for position, (content, size) in enumerate(sizes.items()):
            content_key = content if isinstance(content, tuple) else (content,)
            offsets[position] = self._seen.get(content_key, 0)
            self._seen[content_key] = offsets[position] + int(size)
        # ngroup numbers groups in the order `size()` lists them (both sorted=False).
        return offsets[ids] + within + 1


# --- cases and targets -------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetEntry:
    id: int
    name: str
    title: str | None
    name_words: frozenset[str]
    title_words: frozenset[str]


@dataclass(frozen=True)
class CaseEntry:
    id: int
    ua_number: str
    update_number: int
    issued: date | None
    targets: tuple[TargetEntry, ...]

    @property
    def label(self) -> str:
        update = f" (update {self.update_number})" if self.update_number else ""
        return f"UA {self.ua_number}{update}"


# Words that come before or around an official's name and are not part of it.
TITLE_WORDS = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame madam madame lord lady hon honourable
    honorable rt right his her he excellency the of minister deputy vice president director
    dir general gen chief procurator prosecutor public ambassador amb governor gov judge
    justice head commissioner commander police secretary state senator sen mayor chair
    chairman chairperson chairwoman premier prime attorney king queen prince crown member mp
    officer superintendent warden colonel col major maj lieutenant lt""".split()  # noqa: SIM905
)


class Directory:
    """The cases and their targets, read once per import (there are hundreds, not millions)."""

    def __init__(self, cases: Sequence[CaseEntry]) -> None:
        self.by_id = {case.id: case for case in cases}
        self._by_number: dict[str, list[CaseEntry]] = {}
        for case in sorted(cases, key=lambda c: c.update_number):
            self._by_number.setdefault(case.ua_number.casefold(), []).append(case)

    @classmethod
    def load(cls, session: Session) -> Directory:
        targets: dict[int, list[TargetEntry]] = {}
        for row in session.execute(
            select(Target.id, Target.case_id, Target.name, Target.title).order_by(
                Target.case_id, Target.position, Target.id
            )
        ):
            targets.setdefault(row.case_id, []).append(
                TargetEntry(
                    id=row.id,
                    name=row.name,
                    title=row.title,
                    name_words=frozenset(fold(row.name).split()),
                    title_words=frozenset(fold(row.title or "").split()),
                )
            )
        cases = [
            CaseEntry(
                id=row.id,
                ua_number=row.ua_number,
                update_number=row.update_number,
                issued=row.issued,
                targets=tuple(targets.get(row.id, ())),
            )
            for row in session.execute(
                select(Case.id, Case.ua_number, Case.update_number, Case.issued)
            )
        ]
        return cls(cases)

    def case(self, text: str, update_text: str = "", day: date | None = None) -> CaseEntry:
        """The case a reference names: `44.22`, `44/22`, `UA 44/22`, `44.22-2`. Without an
        update number, the update current on the action day (the latest one issued by then)."""
        value = text.strip()
        if not value:
            raise Unreadable("is missing")
        parsed = parse_case_ref(re.sub(r"(\d+)[./](19|20)(\d\d)\b", r"\1.\3", value))
        ua_number, update = parsed if parsed else (re.sub(r"(?i)^UA\s*", "", value), None)
        updates = self._by_number.get(ua_number.casefold())
        if not updates:
            raise Unreadable("is not a case on file (load its case file first)")
        if update_text.strip():
            given = _update_number(update_text)
            if update is not None and update != given:
                raise Unreadable(f"names update {update}, but the update column says {given}")
            update = given
        if update is not None:
            for case in updates:
                if case.update_number == update:
                    return case
            known = ", ".join(str(case.update_number) for case in updates)
            raise Unreadable(f"has no update {update} on file (updates on file: {known})")
        if day is None or len(updates) == 1:
            return updates[-1]
        current = [case for case in updates if case.issued is None or case.issued <= day]
        return current[-1] if current else updates[0]

    def target(self, case: CaseEntry, text: str) -> int | None:
        """The id of the case's target a name means, loosely: case, accents, word order and
        title words do not matter ("Director Zhang Rui", "zhang rui", "ZHANG Rui"). None for an
        empty cell: a report that names no official."""
        words = frozenset(fold(text).split())
        if not words:
            return None
        exact = [
            target
            for target in case.targets
            if target.name_words <= words
            and words - target.name_words <= TITLE_WORDS | target.title_words
        ]
        if not exact:
            # A title alone ("Chief Procurator"), or a part of a name ("Xie").
            exact = [t for t in case.targets if t.title_words and words == t.title_words]
        candidates = exact or [
            target
            for target in case.targets
            if (words - TITLE_WORDS) and (words - TITLE_WORDS) <= target.name_words
        ]
        if len(candidates) == 1:
            return candidates[0].id
        if candidates:
            names = " and ".join(target.name for target in candidates)
            raise Unreadable(f"could be {names} in {case.label}: write the full name")
        names = ", ".join(target.name for target in case.targets) or "none on file"
        raise Unreadable(f"is not a target of {case.label} (its targets: {names})")


def _update_number(text: str) -> int:
    value = fold(text)
    if value in ("new", "original", "none"):
        return 0
    match = re.fullmatch(r"(?:update\s*)?(\d+)", value)
    if not match:
        raise Unreadable("is not an update number")
    return int(match.group(1))


# --- from cells to reports ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReadOptions:
    """How cells are read; the same for every row of one import."""

    source: ReportSource
    date_order: DateOrder = DateOrder.auto
    zone: tzinfo = UTC
    today: date = field(default_factory=date.today)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    reporter_key: bytes | None = None
    channels: Mapping[str, Channel] = field(default_factory=dict)  # extra synonyms, folded


READING_COLUMNS = [
    "row",
    "case_id",
    "case",
    "target_id",
    "target",
    "channel",
    "count",
    "action_date",
    "reported_at",
    "source",
    "external_id",
    "reporter_hash",
    "note",
    "problem",
]


@dataclass
class Readings:
    """A chunk of rows read into reports: one entry per row, good or bad."""

    frame: pd.DataFrame  # READING_COLUMNS; problem is None for good rows
    problems: list[Problem]

    @property
    def good(self) -> pd.DataFrame:
        return self.frame[self.frame["problem"].isna()]


def read_cells(
    cells: Mapping[Field, Sequence[str]],
    rows: Sequence[int],
    *,
    columns: Mapping[Field, str],
    directory: Directory,
    options: ReadOptions,
    max_chars: int | None = limits.CSV.cell_chars,
) -> Readings:
    """Read one chunk of text cells (one sequence per field, all as long as `rows`).

    `columns` names the file's column for each field, for the problems. Each distinct value
    of a column is read once, so a million rows cost what their few thousand values cost.
    """
    size = len(rows)
    empty = [""] * size
    problems: list[tuple[int, Field, str]] = []  # (position, field, reason)

    def text(which: Field) -> Sequence[str]:
        return cells.get(which, empty)

    def collect(which: Field, reasons: np.ndarray) -> None:
        for position in np.flatnonzero(pd.notna(reasons)):
            problems.append((int(position), which, str(reasons[position])))

    # The one rule for text, before any cell is read further (limits.text_problem). Its
    # problems come first, so that a refused cell is listed for that reason alone.
    for which, values in cells.items():
        for position, reason in limits.column_problems(values, max_chars=max_chars):
            problems.append((position, which, reason))

    # Days: each distinct value once, ISO dates in bulk.
    codes, uniques = pd.factorize(np.asarray(text(Field.action_date), dtype=object))
    instants, reasons = parse_moments(uniques, order=options.date_order, zone=options.zone)
    unique_days = local_days(instants, options.zone)
    # Compared as numpy days first: a day outside Python's years 1-9999 (0000-01-01, which
    # pandas reads) would come back from .item() as a bare number.
    earliest = np.datetime64(f"{EARLIEST_ACTION_YEAR}-01-01", "D")
    latest = np.datetime64(options.today + timedelta(days=1), "D")
    as_dates: list[date | None] = []
    for position, day in enumerate(unique_days):
        if reasons[position] is None and not np.isnat(day):
            if day > latest:
                reasons[position] = f"is in the future (today is {options.today.isoformat()})"
            elif day < earliest:
                reasons[position] = (
                    f"is before {EARLIEST_ACTION_YEAR}, when the first Urgent Action ran"
                )
        as_dates.append(day.item() if reasons[position] is None else None)
    if not len(uniques) and size:  # no date column at all (the plan requires one)
        codes = np.zeros(size, dtype=np.int64)
        unique_days, reasons, as_dates = (
            np.array(["NaT"], dtype="datetime64[D]"),
            np.array(["is missing"], dtype=object),
            [None],
        )
    collect(Field.action_date, reasons[codes])
    days = np.where(pd.isna(reasons), unique_days, np.datetime64("NaT"))[codes]
    day_objects = np.array(as_dates, dtype=object)[codes]

    # Cases: each distinct (reference, update, day) once; the day matters only for
    # references without an update number.
    codes, combinations = _factorize_together(text(Field.case), text(Field.update), day_objects)
    case_values: list[CaseEntry | None] = []
    for position, (reference, update, day) in enumerate(combinations):
        try:
            case_values.append(directory.case(reference, update, day))
        except Unreadable as error:
            case_values.append(None)
            blamed = Field.update if "update column" in str(error) else Field.case
            for row in np.flatnonzero(codes == position):
                problems.append((int(row), blamed, str(error)))
    cases = np.array(case_values, dtype=object)[codes]
    case_ids = np.array([c.id if c is not None else 0 for c in case_values], dtype=np.int64)[codes]

    # Targets: each distinct (case, name) once.
    codes, combinations = _factorize_together(case_ids, text(Field.target))
    target_ids: list[int | None] = []
    target_names: list[str | None] = []
    target_reasons: list[str | None] = []
    for case_id, name in combinations:
        case = directory.by_id.get(int(case_id))
        try:
            # An unknown case is reported already; its target cannot be checked.
            found = directory.target(case, name) if case is not None else None
            target_reasons.append(None)
        except Unreadable as error:
            found = None
            target_reasons.append(str(error))
        target_ids.append(found)
        target_names.append(
            next((t.name for t in case.targets if t.id == found), None) if case else None
        )
    collect(Field.target, np.array(target_reasons, dtype=object)[codes])
    row_targets = np.array(target_ids, dtype=object)[codes]
    row_target_names = np.array(target_names, dtype=object)[codes]

    channels, reasons = _each(
        text(Field.channel), lambda value: parse_channel_text(value, options.channels).value
    )
    collect(Field.channel, reasons)
    counts, reasons = _each(text(Field.count), parse_count)
    collect(Field.count, reasons)
    sources, reasons = _each(
        text(Field.source), lambda value: parse_source(value, options.source).value
    )
    collect(Field.source, reasons)
    reported = np.full(size, np.datetime64(options.now.replace(tzinfo=None), "us"))
    if Field.reported_at in cells:
        reported, reasons = _reported(text(Field.reported_at), options)
        collect(Field.reported_at, reasons)
    external_ids, reasons = _external_ids(text(Field.external_id))
    collect(Field.external_id, reasons)
    hashes = np.full(size, None, dtype=object)
    if Field.reporter_email in cells:
        key = options.reporter_key or require_reporter_key()
        hashes, reasons = _reporter_hashes(text(Field.reporter_email), key=key)
        collect(Field.reporter_email, reasons)
    notes = [value.strip() or None for value in text(Field.note)] if Field.note in cells else None

    problem_text = np.full(size, None, dtype=object)
    found_problems: list[Problem] = []
    order = list(Field)
    listed: set[tuple[int, Field]] = set()
    for position, which, reason in sorted(problems, key=lambda p: (p[0], order.index(p[1]))):
        if (position, which) in listed:
            continue  # one problem per cell: the first found
        listed.add((position, which))
        column = columns.get(which, which.value)
        found_problems.append(Problem(int(rows[position]), column, text(which)[position], reason))
        if problem_text[position] is None:
            problem_text[position] = f"{column}: {reason}"
    frame = pd.DataFrame(
        {
            "row": np.asarray(rows, dtype=np.int64),
            "case_id": case_ids,
            "case": _text([c.label if c is not None else None for c in cases]),
            "target_id": pd.array(row_targets, dtype="Int64"),
            "target": _text(row_target_names),
            "channel": _text(channels),
            "count": pd.array(counts, dtype="Int64"),
            "action_date": days.astype("datetime64[s]"),
            "reported_at": pd.DatetimeIndex(reported).tz_localize(UTC),
            "source": _text(sources),
            "external_id": _text(external_ids),
            "reporter_hash": _text(hashes),
            "note": _text(notes if notes is not None else np.full(size, None, dtype=object)),
            "problem": _text(problem_text),
        },
        columns=READING_COLUMNS,
    )
    return Readings(frame=frame, problems=found_problems)


def _reported(values: Sequence[str], options: ReadOptions) -> tuple[np.ndarray, np.ndarray]:
    """When each report was made: an empty cell means now, the time of the import."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    instants, reasons = parse_moments(uniques, order=options.date_order, zone=options.zone)
    now = np.datetime64(options.now.astimezone(UTC).replace(tzinfo=None), "us")
    blank = np.array([not str(value).strip() for value in uniques], dtype=bool)
    instants[blank] = now
    reasons[blank] = None
    future = ~np.isnat(instants) & (instants > now + np.timedelta64(1, "D"))
    reasons[future] = "is in the future"
    early = ~np.isnat(instants) & (instants < np.datetime64(f"{EARLIEST_ACTION_YEAR}-01-01"))
    reasons[early] = f"is before {EARLIEST_ACTION_YEAR}, when the first Urgent Action ran"
    return instants[codes], reasons[codes]


def _factorize_together(
    *columns: Sequence[Any] | np.ndarray,
) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Codes of the distinct combinations of several equally long columns, and those
    combinations; None is a value like any other."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    levels = []
    for column in columns:
        codes, uniques = pd.factorize(np.asarray(column, dtype=object), use_na_sentinel=False)
        combined = combined * len(uniques) + codes
        levels.append(list(uniques))
    codes, uniques = pd.factorize(combined)
    decoded = []
    for value in uniques:
        parts = []
        for level in reversed(levels):
            value, index = divmod(int(value), len(level))
            parts.append(level[index])
        decoded.append(tuple(reversed(parts)))
    return codes, decoded


def _external_id(value: str) -> str | None:
    stripped = value.strip()
    if len(stripped) > 200:
        raise Unreadable("is longer than 200 characters")
    return stripped or None


def _external_ids(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """`_each(values, _external_id)`, without its distinct values: ids are nearly all
    distinct, so finding the distinct ones costs more than reading them all."""
    stripped = [value.strip() for value in values]
    results = np.array([value or None for value in stripped], dtype=object)
    reasons = np.full(len(stripped), None, dtype=object)
    if stripped and max(map(len, stripped)) > 200:
        for position, value in enumerate(stripped):
            try:
                _external_id(value)
            except Unreadable as error:
                results[position] = None
                reasons[position] = str(error)
    return results, reasons


def _hmac_sha256(key: bytes) -> Callable[[bytes], str]:
    """HMAC-SHA256 with `key` (RFC 2104), as hex: `hmac.digest(key, message, "sha256").hex()`
    with the key's inner and outer hash states made once, not once per message (half the
    time for a short message)."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))

    def digest(message: bytes) -> str:
        inside = inner.copy()
        inside.update(message)
        outside = outer.copy()
        outside.update(inside.digest())
        return outside.hexdigest()

    return digest


def _reporter_hashes(values: Sequence[str], *, key: bytes) -> tuple[np.ndarray, np.ndarray]:
    """`hash_reporter` of each distinct value once, None for an empty cell: (hashes,
    reasons). An ASCII value (nearly all of them) is normalised here as `normalise_email`
    does, without its call per value; any other value goes through `normalise_email`."""
    if len(values) == 0:
        return np.zeros(0, dtype=object), np.zeros(0, dtype=object)
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    results: list[str | None] = []
    reasons: list[str | None] = []
    digest, matches = _hmac_sha256(key), _EMAIL.match
    for value in uniques:
        if not value.strip():
            results.append(None)
            reasons.append(None)
            continue
        if value.isascii():
            email = value.strip().lower()
            if email.startswith("mailto:"):
                email = email[len("mailto:") :]
            if matches(email) is None:
                results.append(None)
                reasons.append("is not an email address")
                continue
        else:
            try:
                email = normalise_email(value)
            except Unreadable as error:
                results.append(None)
                reasons.append(str(error))
                continue
        results.append(digest(email.encode("utf-8")))
        reasons.append(None)
    return np.array(results, dtype=object)[codes], np.array(reasons, dtype=object)[codes]


def _each(values: Sequence[str], parse: Callable[[str], T]) -> tuple[np.ndarray, np.ndarray]:
    """`parse` applied to each distinct value once: (results, reasons), None where it failed
    (results) or succeeded (reasons)."""
    if len(values) == 0:
        return np.zeros(0, dtype=object), np.zeros(0, dtype=object)
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    results: list[Any] = []
    reasons: list[str | None] = []
    for value in uniques:
        try:
            results.append(parse(value))
            reasons.append(None)
        except Unreadable as error:
            results.append(None)
            reasons.append(str(error))
    return np.array(results, dtype=object)[codes], np.array(reasons, dtype=object)[codes]


def report_frame(
    good: pd.DataFrame,
    *,
    occurrences: Occurrences,
    file_key: str = "",
    scope: str | None = None,
) -> pd.DataFrame:
    """Good readings as the frame `insert_reports` takes, each row with its dedupe key.

    `scope` names who vouches for the external ids (an intake source): the same id from two
    API sources is two reports, from one source one report."""
    index = good.index
    target_key = good["target_id"].fillna(0).astype("int64").to_numpy()
    day64 = good["action_date"].to_numpy(dtype="datetime64[D]")
    days = np.datetime_as_string(day64, unit="D").tolist()  # "2026-11-03"
    sources = good["source"].to_numpy()
    key_sources = sources if scope is None else np.array([f"{s}@{scope}" for s in sources])
    case_ids = good["case_id"].to_numpy()
    channels = good["channel"].to_numpy()
    counts = good["count"].astype("int64").to_numpy()
    externals = good["external_id"].to_numpy()
    reporters = good["reporter_hash"].to_numpy()
    has_external = pd.notna(externals)
    has_reporter = pd.notna(reporters)
    anonymous = ~has_external & ~has_reporter
    nth = np.zeros(len(good), dtype=np.int64)
    if anonymous.any():
        nth[anonymous] = occurrences.number(
            pd.DataFrame(
                {
                    "source": sources[anonymous],
                    "case_id": case_ids[anonymous],
                    "target": target_key[anonymous],
                    "channel": channels[anonymous],
                    "day": day64[anonymous],
                    "count": counts[anonymous],
                }
            )
        )
    # Plain Python values: indexing numpy arrays one element at a time cost more than hashing.
    columns = zip(
        key_sources.tolist(),
        case_ids.tolist(),
        target_key.tolist(),
        channels.tolist(),
        days,
        counts.tolist(),
        nth.tolist(),
        externals.tolist(),
        reporters.tolist(),
        has_external.tolist(),
        has_reporter.tolist(),
        strict=True,
    )
    # The texts of `external_key`, `reporter_key_of` and `anonymous_key`, written out here:
    # two function calls and a join per row cost more than the hash itself.
    # tests/test_import_actions.py checks that both give the same keys.
    blake2b = hashlib.blake2b
    tail = f"\x1f{file_key}" if file_key else ""
    keys = [
        blake2b(
            f"x\x1f{source}\x1f{case}\x1f{target}\x1f{channel}\x1f{external}".encode(),
            digest_size=16,
        ).hexdigest()
        if by_id
        else blake2b(
            f"r\x1f{source}\x1f{case}\x1f{target}\x1f{channel}\x1f{day}\x1f{reporter}".encode(),
            digest_size=16,
        ).hexdigest()
        if by_reporter
        else blake2b(
            f"a\x1f{source}\x1f{case}\x1f{target}\x1f{channel}\x1f{day}\x1f{count}"
            f"\x1f{number}{tail}".encode(),
            digest_size=16,
        ).hexdigest()
        for (
            source,
            case,
            target,
            channel,
            day,
            count,
            number,
            external,
            reporter,
            by_id,
            by_reporter,
        ) in columns
    ]
    return pd.DataFrame(
        {
            "case_id": good["case_id"].to_numpy(dtype=np.int64),
            "target_id": good["target_id"],
            "channel": _text(channels, index),
            "count": counts,
            "action_date": day64.astype("datetime64[s]"),
            "reported_at": good["reported_at"],
            "source": _text(sources, index),
            "external_id": _text(_or_none(externals, has_external), index),
            "reporter_hash": _text(_or_none(reporters, has_reporter), index),
            "dedupe_key": _text(keys, index),
            "note": _text(_or_none(good["note"].to_numpy(), pd.notna(good["note"])), index),
            ANONYMOUS: anonymous,
        },
        index=index,
    )


ANONYMOUS = "anonymous"  # a column of report_frame only the writer reads: not stored


FEW_REPORTS = 1_000  # up to this many reports (a live request), `read_few` reads them


def read_few(
    cells: Mapping[Field, Sequence[str]],
    *,
    directory: Directory,
    options: ReadOptions,
    scope: str | None = None,
    max_chars: int | None = limits.CSV.cell_chars,
) -> list[ReportRow] | None:
    """`read_cells` then `report_frame`, for the few reports of a live request, in plain Python
    with the same rules (`parse_moment`, `check_action_day`, `Directory.case` and `.target`,
    `parse_channel_text`, `parse_count`, the dedupe keys): what a frame's fixed costs would
    make a thousand times dearer than the reading itself.

    None when any cell breaks a rule, or a report has neither id nor reporter (those are
    numbered by `Occurrences`): the caller then reads the cells with `read_cells`, whose
    problems name every bad cell as they always do."""
    sizes = {len(values) for values in cells.values()}
    if len(sizes) != 1:
        return None
    (size,) = sizes
    if not 0 < size <= FEW_REPORTS:
        return None
    for values in cells.values():
        if next(iter(limits.column_problems(values, max_chars=max_chars)), None) is not None:
            return None
    empty = [""] * size
    # Each column once, by name: an Enum member hashes in Python, a str in C.
    (
        cases_text,
        updates,
        targets,
        channel_texts,
        count_texts,
        source_texts,
        day_texts,
        reported_texts,
        externals,
        emails,
        notes,
    ) = (
        cells.get(which, empty)
        for which in (
            Field.case,
            Field.update,
            Field.target,
            Field.channel,
            Field.count,
            Field.source,
            Field.action_date,
            Field.reported_at,
            Field.external_id,
            Field.reporter_email,
            Field.note,
        )
    )
    days: dict[str, date] = {}
    found_cases: dict[tuple[str, str, date], CaseEntry] = {}
    found_targets: dict[tuple[int, str], int | None] = {}
    channels: dict[str, str] = {}
    counts: dict[str, int] = {}
    sources: dict[str, str] = {}
    moments: dict[str, datetime] = {}
    now = options.now.replace(tzinfo=UTC)  # as read_cells takes it
    key = None
    if Field.reporter_email in cells:
        key = options.reporter_key or require_reporter_key()
    rows: list[ReportRow] = []
    try:
        for position in range(size):
            day_text = day_texts[position]
            day = days.get(day_text)
            if day is None:
                moment, _ = parse_moment(day_text, order=options.date_order, zone=options.zone)
                day = days[day_text] = moment.astimezone(options.zone).date()
                check_action_day(day, today=options.today)
            reference = (cases_text[position], updates[position], day)
            case = found_cases.get(reference)
            if case is None:
                case = found_cases[reference] = directory.case(*reference)
            name = targets[position]
            target_key = (case.id, name)
            if target_key in found_targets:
                target = found_targets[target_key]
            else:
                target = found_targets[target_key] = directory.target(case, name)
            channel_text = channel_texts[position]
            channel = channels.get(channel_text)
            if channel is None:
                channel = channels[channel_text] = parse_channel_text(
                    channel_text, options.channels
                ).value
            count_text = count_texts[position]
            count = counts.get(count_text)
            if count is None:
                count = counts[count_text] = parse_count(count_text)
            source_text = source_texts[position]
            source = sources.get(source_text)
            if source is None:
                source = sources[source_text] = parse_source(source_text, options.source).value
            reported = now
            reported_text = reported_texts[position]
            if reported_text.strip():
                reported = moments.get(reported_text) or _few_reported(reported_text, options)
                moments[reported_text] = reported
            external = _external_id(externals[position])
            email = emails[position]
            reporter = hash_reporter(email, key=key) if key and email.strip() else None
            note = notes[position].strip() or None
            key_source = source if scope is None else f"{source}@{scope}"
            if external is not None:
                dedupe = external_key(key_source, case.id, target or 0, channel, external)
            elif reporter is not None:
                dedupe = reporter_key_of(
                    key_source, case.id, target or 0, channel, day.isoformat(), reporter
                )
            else:
                return None  # anonymous: numbered by Occurrences, in report_frame
            rows.append(
                ReportRow(
                    case.id,
                    target,
                    channel,
                    count,
                    day,
                    reported,
                    source,
                    external,
                    reporter,
                    dedupe,
                    note,
                )
            )
    except Unreadable:
        return None
    return rows


def _few_reported(value: str, options: ReadOptions) -> datetime:
    """One reported time, by `_reported`'s rules; Unreadable where that would refuse it."""
    moment, _ = parse_moment(value, order=options.date_order, zone=options.zone)
    utc = moment.astimezone(UTC)
    if utc > options.now.replace(tzinfo=UTC) + timedelta(days=1):
        raise Unreadable("is in the future")
    if utc < datetime(EARLIEST_ACTION_YEAR, 1, 1, tzinfo=UTC):
        raise Unreadable(f"is before {EARLIEST_ACTION_YEAR}, when the first Urgent Action ran")
    return utc


def _text(values: Any, index: pd.Index | None = None) -> pd.Series:
    """Text as plain Python objects: pandas 3 would otherwise infer its string dtype, which
    costs a conversion here and another one back in `insert_reports`."""
    return pd.Series(values, dtype=object, index=index)


def _or_none(values: np.ndarray, present: Any) -> np.ndarray:
    """Object values with None (not NaN) where absent: the database driver wants None."""
    out = np.asarray(values, dtype=object).copy()
    out[~present] = None
    return out


# --- writing -------------------------------------------------------------------------------------


class ReportWriter:
    """Writes reports into one batch inside the caller's transaction, skipping the ones already
    in the database. The batch is created with the first report it writes, so an import that
    adds nothing leaves nothing behind."""

    def __init__(
        self,
        session: Session,
        *,
        result: ImportResult,
        actor: Actor,
        note: str | None = None,
        batch: ReportBatch | None = None,
    ) -> None:
        self.session = session
        self.result = result
        self.actor = actor
        self.note = note
        # An existing batch to add to (a live source's batch of the day), or None: a new one.
        self.batch: ReportBatch | None = batch

    def write(self, reports: pd.DataFrame) -> int:
        """Write the reports whose dedupe key is new; returns how many were written."""
        if reports.empty:
            return 0
        if "dedupe_key" in reports.columns:
            reports = self._new(reports)
        reports = reports.drop(columns=ANONYMOUS, errors="ignore")
        if reports.empty:
            return 0
        if len(reports) > KEY_ORDER_ROWS and "dedupe_key" in reports.columns:
            reports = _in_key_order(reports)
        if self.batch is None:
            self.batch = ReportBatch(
                source=self.result.source,
                filename=self.result.filename,
                actor=self.actor.identity,
                note=self.note,
            )
        written = insert_reports(self.session, reports, batch=self.batch)
        self.result.batch_id = self.batch.id
        self.result.written += written
        self.result.actions += int(reports["count"].sum())
        return written

    def write_rows(
        self, rows: Sequence[ReportRow], *, last_report_at: datetime | None = None
    ) -> int:
        """`write` for reports `read_few` read: the same dedupe and the same counts (a repeat
        within the request, or of this batch, is `repeated`; of an earlier batch,
        `already_imported`), without frames. Every row has a dedupe key. `last_report_at`:
        set on the batch with its count when anything is written."""
        fresh: dict[str, ReportRow] = {}
        for row in rows:
            if row.dedupe_key is None:
                raise ValueError("write_rows takes reports with dedupe keys only")
            if row.dedupe_key in fresh:
                self.result.repeated += 1
            else:
                fresh[row.dedupe_key] = row
        found = self._existing(list(fresh))
        mine = self.batch.id if self.batch is not None else None
        for dedupe_key, earlier in found.items():
            if fresh.pop(dedupe_key, None) is None:
                continue
            if earlier is not None and earlier == mine:
                self.result.repeated += 1
            else:
                self.result.already_imported += 1
                if earlier is not None:
                    self.result.earlier_batches.add(earlier)
        if not fresh:
            return 0
        if self.batch is None:
            self.batch = ReportBatch(
                source=self.result.source,
                filename=self.result.filename,
                actor=self.actor.identity,
                note=self.note,
            )
        written = insert_rows(
            self.session, list(fresh.values()), batch=self.batch, last_report_at=last_report_at
        )
        self.result.batch_id = self.batch.id
        self.result.written += written
        self.result.actions += sum(row.actions for row in fresh.values())
        return written

    def _new(self, reports: pd.DataFrame) -> pd.DataFrame:
        """The reports whose key is neither repeated in the frame nor stored already."""
        keyed = reports["dedupe_key"].notna().to_numpy()
        repeats = keyed & reports["dedupe_key"].duplicated(keep="first").to_numpy()
        self.result.repeated += int(repeats.sum())
        reports = reports[~repeats]
        found = self._existing(reports["dedupe_key"].dropna().tolist())
        if found:
            seen = reports["dedupe_key"].isin(list(found)).to_numpy()
            mine = self.batch.id if self.batch is not None else None
            anonymous = (
                reports[ANONYMOUS][seen].tolist()
                if ANONYMOUS in reports.columns
                else [False] * int(seen.sum())
            )
            for key, nameless in zip(reports["dedupe_key"][seen], anonymous, strict=True):
                if found[key] is not None and found[key] == mine:
                    self.result.repeated += 1
                else:
                    self.result.already_imported += 1
                    self.result.identical_before += int(bool(nameless))
                    earlier = found[key]
                    if earlier is not None:
                        self.result.earlier_batches.add(earlier)
            reports = reports[~seen]
        return reports

    def _existing(self, keys: list[str]) -> dict[str, int | None]:
        """The batch of each key already stored (this import's earlier chunks included).

        Straight through the driver: for a million keys, compiling a SQLAlchemy IN clause per
        lookup cost more than the lookups themselves. The keys are looked up in sorted order,
        so that the lookups of a chunk walk the unique index once, from one end to the other,
        rather than jump to a random page for every key."""
        found: dict[str, int | None] = {}
        if not keys:
            return found
        keys = sorted(keys)
        connection: Any = self.session.connection().connection.driver_connection
        postgres = self.session.get_bind().dialect.name == "postgresql"
        cursor = connection.cursor()
        try:
            for start in range(0, len(keys), KEY_LOOKUP_BATCH):
                part = keys[start : start + KEY_LOOKUP_BATCH]
                if postgres:
                    cursor.execute(f"{LOOKUP_SQL} = ANY(%s)", (part,))
                else:
                    cursor.execute(f"{LOOKUP_SQL} IN ({', '.join('?' * len(part))})", part)
                found.update({str(key): batch for key, batch in cursor.fetchall()})
        finally:
            cursor.close()
        return found


# Above this many reports, a chunk is written in the order of its dedupe keys (see below).
KEY_ORDER_ROWS = 1_000


def _in_key_order(reports: pd.DataFrame) -> pd.DataFrame:
    """The reports sorted by dedupe key (reports without one last, in their order).

    The keys are hashes, so in the file's order every report lands on a random page of the
    unique dedupe_key index: a million reports rewrote pages of that index far more often than
    SQLite's page cache could hold them (measured: 13.3 s of SQLite's CPU for a million
    inserts in file order, 7.5 s in key order, 5.4 s with no key at all). In key order one
    chunk walks the index once. The reports' ids follow the order they are written in, so
    within one chunk of a large import the ids are in key order, not the file's."""
    keys = reports["dedupe_key"].to_numpy(dtype=object)
    present = pd.notna(keys)
    if not present.any():
        return reports
    # Fixed-width text sorts in C; the keys are short ASCII hex (64 characters at most).
    text = np.where(present, keys, "").astype("U64")
    order = np.lexsort((text, ~present))
    return reports.iloc[order]


def settle(session: Session, result: ImportResult, *, all_or_nothing: bool) -> None:
    """End an import's transaction: commit what it wrote, or roll all of it back when it
    wrote nothing or when a row was refused and the import is all-or-nothing."""
    if (result.rejected and all_or_nothing) or result.written == 0:
        session.rollback()
        result.written = result.actions = 0
        result.batch_id = None
    else:
        session.commit()
        result.committed = True


def raise_if_raced(error: BaseException) -> None:
    """Turn the unique dedupe key's refusal into advice. Two imports of the same reports at
    the same moment both find them new; the second to write is refused by the key (on
    PostgreSQL once the first commits, on SQLite once it gets the write lock), and its whole
    transaction rolls back."""
    text = str(error)
    if "dedupe_key" in text and ("unique" in text.lower() or "duplicate" in text.lower()):
        raise IntakeError(
            "another import wrote some of the same reports while this one ran, so nothing "
            "of this one was written: run it again, and it will skip those reports"
        ) from error


# --- staff entry, undo, history -----------------------------------------------------------------


def enter_report(
    engine: Engine,
    *,
    actor: Actor,
    case_id: int,
    target_id: int | None,
    channel: Channel | str,
    count: int,
    action_date: date,
    note: str | None = None,
    today: date | None = None,
) -> ImportResult:
    """Record one report staff received by phone or post, as its own batch (so it can be
    undone like an import). Raises `IntakeError` naming the field that is wrong."""
    require(actor, Role.editor, to="enter action reports")
    today = today or config.today()
    try:
        chosen = parse_channel_text(str(channel))
    except Unreadable as error:
        raise IntakeError(f"channel {channel!r} {error}") from None
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise IntakeError(f"count {count!r} is not a positive whole number")
    try:
        check_action_day(action_date, today=today)
    except Unreadable as error:
        raise IntakeError(f"date {action_date.isoformat()} {error}") from None
    if note and (reason := limits.text_problem(note, max_chars=limits.PAGE_FIELD.cell_chars)):
        raise IntakeError(f"note {reason}")
    result = ImportResult(source=ReportSource.staff)
    with transaction(engine) as session:
        directory = Directory.load(session)
        case = directory.by_id.get(case_id)
        if case is None:
            raise IntakeError(f"case {case_id} is not on file")
        if target_id is not None and target_id not in {t.id for t in case.targets}:
            raise IntakeError(f"target {target_id} is not a target of {case.label}")
        frame = pd.DataFrame(
            {
                "case_id": [case_id],
                "target_id": pd.array([target_id], dtype="Int64"),
                "channel": [chosen.value],
                "count": [count],
                "action_date": [action_date],
                "reported_at": [datetime.now(UTC)],
                "source": [ReportSource.staff.value],
                "note": [note.strip() if note and note.strip() else None],
            }
        )
        ReportWriter(session, result=result, actor=actor, note="staff entry").write(frame)
        result.rows = 1
        result.committed = True
    return result


def undo_import(engine: Engine, batch_id: int, *, actor: Actor) -> int:
    """Delete an import (or staff entry) and its reports, taking them out of the totals in the
    same transaction; returns the number of reports deleted."""
    require(actor, Role.editor, to="undo an import")
    with transaction(engine) as session:
        try:
            return delete_batch(session, batch_id)
        except LookupError:
            raise IntakeError(f"there is no import #{batch_id}") from None


HISTORY_COLUMNS = ["id", "created_at", "source", "filename", "actor", "reports", "note"]


def import_history(engine: Engine, *, limit: int = 200) -> pd.DataFrame:
    """Past imports and staff entries, newest first."""
    query = (
        select(
            ReportBatch.id,
            ReportBatch.created_at,
            ReportBatch.source,
            ReportBatch.filename,
            ReportBatch.actor,
            ReportBatch.reports,
            ReportBatch.note,
        )
        .order_by(ReportBatch.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame.from_records(
        [
            (
                row.id,
                row.created_at,
                str(getattr(row.source, "value", row.source)),
                row.filename,
                row.actor,
                int(row.reports or 0),
                row.note,
            )
            for row in rows
        ],
        columns=HISTORY_COLUMNS,
    )
    return frame


def read_options(
    source: ReportSource,
    *,
    date_order: DateOrder = DateOrder.auto,
    needs_reporter_key: bool = False,
    channels: Mapping[str, Channel] | None = None,
) -> ReadOptions:
    """The options for an import that starts now, with the configured time zone and today."""
    return ReadOptions(
        source=source,
        date_order=date_order,
        zone=config.timezone(),
        today=config.today(),
        now=datetime.now(UTC),
        reporter_key=require_reporter_key() if needs_reporter_key else None,
        channels={fold(k): v for k, v in (channels or {}).items()},
    )
