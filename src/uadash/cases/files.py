"""Case files: one Urgent Action per YAML file (`data/cases/*.yaml`), read, checked and loaded.

Every problem names the file, the line and the field, and a load writes every file or none.
The format is described field by field in `docs/case-files.md`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session, selectinload

from uadash import limits
from uadash.store.engine import transaction
from uadash.store.models import ActionReport, AuditEvent, Case, Target
from uadash.vocab import CaseStatus, Outcome, TargetRole

# Where a value sits in the file: ("targets", 1, "email") is the email of the second target.
Key = tuple[str | int, ...]
Change = tuple[str, Any, Any, str]  # field, old value, new value, audit note
E = TypeVar("E", bound=Enum)

# Any constant will do; it only has to be the same for every replica sharing a database.
LOAD_LOCK_ID = 44_22_0001

CASE_KEYS = (
    "ua_number",
    "update",
    "title",
    "country",
    "status",
    "outcome",
    "deadline",
    "deadline_note",
    "issued",
    "people_at_risk",
    "tags",
    "summary",
    "sample_letter",
    "sign_off",
    "language",
    "source_text",
    "demo",
    "targets",
)
PERSON_KEYS = ("name", "native_name", "description")

UA_NUMBER = re.compile(r"(?:0|[1-9]\d{0,3})\.\d{2}")  # "44.22"; no leading zero
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_DEPTH = limits.CASE_FILE.depth or 16
MAX_TEXT = limits.CASE_FILE.cell_chars
RELATIVE_DATE = re.compile(r"today(?:([+-])(\d{1,4}))?")
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A letter body that starts "Dear …" or ends "Yours sincerely …" would print the salutation
# or the closing twice once the letter is put together with the target's salutation.
SALUTATION_LINE = re.compile(r"dear\b", re.IGNORECASE)
CLOSING_LINE = re.compile(
    r"(yours\b|sincerely|kind regards|best regards|respectfully|\[your name\])", re.IGNORECASE
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a case file, with where it is."""

    path: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class CaseFileError(Exception):
    """One or more case files are unusable; `problems` lists everything found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class TargetSpec:
    """A target as the file gives it; the field names are those of `Target`'s columns."""

    name: str
    title: str | None = None
    organisation: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    fax: str | None = None
    social_handle: str | None = None
    salutation: str | None = None
    language: str | None = None
    role: TargetRole = TargetRole.primary
    note: str | None = None

    def column_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in TARGET_FIELDS}


TARGET_FIELDS = tuple(spec_field.name for spec_field in fields(TargetSpec))
TARGET_KEYS = TARGET_FIELDS


@dataclass(frozen=True)
class CaseSpec:
    """A checked case file, its relative dates resolved; the field names are `Case`'s columns."""

    ua_number: str
    update_number: int
    title: str
    country: str
    status: CaseStatus
    outcome: Outcome | None
    deadline: date | None
    deadline_note: str | None
    issued: date | None
    people_at_risk: tuple[dict[str, str | None], ...]
    tags: tuple[str, ...]
    summary: str
    sample_letter: str | None
    sign_off: str | None
    language: str
    source_text: str | None
    is_demo: bool
    targets: tuple[TargetSpec, ...]
    source_file: str
    source_hash: str
    # The line of each top-level key, so that problems found while loading can point at it.
    lines: Mapping[str, int]

    @property
    def label(self) -> str:
        """The same label as `Case.label`: `UA 44.22 (update 2)`."""
        if self.update_number:
            return f"UA {self.ua_number} (update {self.update_number})"
        return f"UA {self.ua_number}"

    def column_values(self) -> dict[str, Any]:
        """The `Case` columns a file decides (JSON columns as lists, as SQLAlchemy reads them)."""
        return {
            "ua_number": self.ua_number,
            "update_number": self.update_number,
            "title": self.title,
            "country": self.country,
            "status": self.status,
            "outcome": self.outcome,
            "deadline": self.deadline,
            "deadline_note": self.deadline_note,
            "issued": self.issued,
            "people_at_risk": [dict(person) for person in self.people_at_risk],
            "tags": list(self.tags),
            "summary": self.summary,
            "sample_letter": self.sample_letter,
            "sign_off": self.sign_off,
            "language": self.language,
            "source_text": self.source_text,
            "is_demo": self.is_demo,
        }


@dataclass
class LoadReport:
    """What a load did, as case labels (`UA 44.22 (update 2)`)."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]


# --- reading -------------------------------------------------------------------------------


class _CaseLoader(yaml.SafeLoader):
    """`yaml.SafeLoader`, except that an impossible date such as 2025-02-30 stays text.

    The stock loader raises a bare ValueError for it, without a line, and gives up on the
    whole file; kept as text, it is reported with its line next to every other problem.
    """


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_CaseLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def case_files(path: Path) -> list[Path]:
    """`path` itself if it is not a directory, else its `*.yaml` and `*.yml` files, sorted."""
    if not path.is_dir():
        return [path]
    found = [
        child
        for child in path.iterdir()
        if child.suffix in {".yaml", ".yml"}
        and child.is_file()
        # Editors leave hidden lock and backup files next to the ones being edited.
        and not child.name.startswith(".")
    ]
    return sorted(found)


def read_case_file(path: Path, *, today: date) -> CaseSpec:
    """The case in `path`, checked; relative dates of demo files are resolved against `today`.

    Raises `CaseFileError` listing every problem of the file.
    """
    if problem := limits.file_problem(path, limits.CASE_FILE):
        raise CaseFileError([Problem(path, None, "", problem)])
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CaseFileError([Problem(path, None, "", f"cannot read: {error.strerror}")]) from None
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CaseFileError([Problem(path, line, "", "not UTF-8 text")]) from None
    try:
        if shape := _shape_problem(path, source):
            raise CaseFileError([shape])
        # Composed separately for line numbers and duplicate keys; values come from the loader.
        root = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.load(source, Loader=_CaseLoader)
    except yaml.YAMLError as error:
        raise CaseFileError([_syntax_problem(path, error)]) from None
    except RecursionError:
        raise CaseFileError([Problem(path, None, "YAML syntax", _TOO_DEEP)]) from None
    reader = _Reader(path, today=today)
    if root is not None:
        reader.index(root, ())
    reader.text_rule(data)
    spec = reader.case(data, source_file=str(path), source_hash=hashlib.sha256(raw).hexdigest())
    if spec is None or reader.problems:
        raise CaseFileError(sorted(reader.problems, key=lambda problem: problem.line or 0))
    return spec


_OPENING = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
# libyaml's scanner where it is installed: the tokens are the same, ten times sooner.
_SCANNER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _shape_problem(path: Path, source: str) -> Problem | None:
    """Anchors, aliases or nesting beyond the limits, found from the file's tokens alone.

    Nothing is built first: a "billion laughs" file of nested aliases expands to gigabytes
    once loaded, and composing `[` nested 100,000 deep exhausts Python's stack."""
    depth = 0
    try:
        for token in yaml.scan(source, Loader=_SCANNER):
            problem = _token_problem(path, token, depth)
            if problem is not None:
                return problem
            if isinstance(token, _OPENING):
                depth += 1
            elif isinstance(token, _CLOSING):
                depth -= 1
    except yaml.YAMLError:
        return None  # composing the file reports it, with the context the parser gives
    return None


def _token_problem(path: Path, token: yaml.Token, depth: int) -> Problem | None:
    line = token.start_mark.line + 1
    if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
        what = "YAML anchor" if isinstance(token, yaml.AnchorToken) else "YAML alias"
        return Problem(
            path,
            line,
            what,
            "anchors (&name) and aliases (*name) are not allowed in case files; "
            "write each value out",
        )
    if isinstance(token, _OPENING) and depth + 1 > MAX_DEPTH:
        return Problem(path, line, "YAML syntax", _TOO_DEEP)
    return None


_TOO_DEEP = f"lists and mappings are nested more than {MAX_DEPTH} levels deep (a case file needs 3)"


def _syntax_problem(path: Path, error: yaml.YAMLError) -> Problem:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "not valid YAML"
        if error.context and error.problem:
            # "while parsing a flow sequence" helps only with where that sequence began.
            context_mark = error.context_mark
            began = ""
            if context_mark is not None and mark is not None and context_mark.line != mark.line:
                began = f" that began on line {context_mark.line + 1}"
            message = f"{message} ({error.context}{began})"
        line = mark.line + 1 if mark is not None else None
        return Problem(path, line, "YAML syntax", message)
    return Problem(path, None, "YAML syntax", str(error))


def _field_name(key: Key) -> str:
    """("targets", 1, "email") -> "targets[1].email"."""
    name = ""
    for part in key:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false (YAML reads yes, no, on, off as true/false)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def _max_length(model: type[Case] | type[Target], column: str) -> int | None:
    # Checked here because SQLite would store an over-long value that PostgreSQL refuses.
    length = getattr(model.__table__.c[column].type, "length", None)
    return length if isinstance(length, int) else None


class _Reader:
    """Checks one parsed file, collecting every problem instead of stopping at the first."""

    def __init__(self, path: Path, *, today: date) -> None:
        self.path = path
        self.today = today
        self.problems: list[Problem] = []
        self.lines: dict[Key, int] = {}
        self.raw: dict[Key, str] = {}  # the text of each scalar as written, for messages

    # -- where things are

    def index(self, node: yaml.Node, key: Key) -> None:
        """Record the line of every key and item under `node`, and report duplicate keys."""
        self.lines.setdefault(key, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            self.raw[key] = node.value
        elif isinstance(node, yaml.SequenceNode):
            for position, item in enumerate(node.value):
                self.index(item, (*key, position))
        elif isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                name = str(key_node.value)
                child = (*key, name)
                if name in seen:
                    # safe_load would silently keep the later value.
                    self.problems.append(
                        Problem(
                            self.path,
                            key_node.start_mark.line + 1,
                            _field_name(child),
                            "given twice; keep one",
                        )
                    )
                    continue
                seen.add(name)
                self.lines[child] = key_node.start_mark.line + 1
                self.index(value_node, child)

    def text_rule(self, data: Any) -> None:
        """Every text in the file, keys included, against the one rule for text (`limits`):
        a double-quoted "\\0" is a NUL byte, which PostgreSQL would refuse."""
        stack: list[tuple[Any, Key]] = [(data, ())]
        while stack:
            value, key = stack.pop()
            if isinstance(value, str):
                if reason := limits.text_problem(value, max_chars=MAX_TEXT):
                    self.report(key, reason)
            elif isinstance(value, dict):
                for name, item in value.items():
                    if isinstance(name, str) and (reason := limits.text_problem(name)):
                        self.report((*key, name), f"the field name {reason}")
                    stack.append((item, (*key, str(name))))
            elif isinstance(value, list):
                stack.extend((item, (*key, position)) for position, item in enumerate(value))

    def line(self, key: Key) -> int:
        while key not in self.lines and key:
            key = key[:-1]
        return self.lines.get(key, 1)

    def report(self, key: Key, message: str, *, at: Key | None = None) -> None:
        line = self.line(at if at is not None else key)
        self.problems.append(Problem(self.path, line, _field_name(key), message))

    def unknown_keys(self, data: dict[Any, Any], key: Key, allowed: tuple[str, ...]) -> None:
        for name in data:
            if name in allowed:
                continue
            close = difflib.get_close_matches(str(name), allowed, n=1)
            hint = (
                f"did you mean '{close[0]}'?" if close else "expected one of " + ", ".join(allowed)
            )
            self.report((*key, str(name)), f"unknown field; {hint}")

    # -- single values

    def text(
        self,
        value: Any,
        key: Key,
        *,
        multiline: bool = False,
        max_length: int | None = None,
    ) -> str | None:
        """Optional text: one line is trimmed; several lines lose only trailing blanks."""
        if value is None:
            return None
        if not isinstance(value, str):
            # Quoting is the fix for what YAML read as a number, a date or true/false.
            advice = "" if isinstance(value, list | dict) else "; write it in quotes"
            self.report(key, f"expected text, got {_describe(value)}{advice}")
            return None
        cleaned = value.rstrip() if multiline else value.strip()
        if not multiline and "\n" in cleaned:
            self.report(key, "must be on one line")
        if max_length is not None and len(cleaned) > max_length:
            self.report(key, f"is {len(cleaned)} characters long; at most {max_length} fit")
        return cleaned or None

    def required_text(self, value: Any, key: Key, *, max_length: int | None = None) -> str:
        cleaned = self.text(value, key, max_length=max_length)
        if cleaned is None and (value is None or isinstance(value, str)):
            self.report(key, "is required")
        return cleaned or ""

    def whole_number(self, value: Any, key: Key, *, default: int) -> int:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.report(key, f"expected a whole number 0 or more, got {_describe(value)}")
            return default
        return value

    def flag(self, value: Any, key: Key, *, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.report(key, f"expected true or false, got {_describe(value)}")
            return default
        return value

    def choice(self, value: Any, key: Key, vocabulary: type[E]) -> E | None:
        if value is None:
            return None
        allowed = [str(member.value) for member in vocabulary]
        if not isinstance(value, str) or value.strip() not in allowed:
            self.report(key, f"{value!r} is not one of: {', '.join(allowed)}")
            return None
        return vocabulary(value.strip())

    def day(self, value: Any, key: Key, *, demo: bool) -> date | None:
        """A YAML date, a quoted ISO date, or in a demo file `today`, `today+5`, `today-40`."""
        if value is None:
            return None
        if isinstance(value, datetime):
            self.report(key, f"expected a date without a time, got {self.raw.get(key, value)!r}")
            return None
        if isinstance(value, date):
            return value
        written = value.strip() if isinstance(value, str) else self.raw.get(key, str(value))
        relative = RELATIVE_DATE.fullmatch(written)
        if relative:
            if not demo:
                self.report(
                    key,
                    f"{written!r}: relative dates are for demo files only (demo: true); "
                    "write a date (YYYY-MM-DD)",
                )
                return None
            sign, days = relative.groups()
            offset = int(days or 0) * (-1 if sign == "-" else 1)
            return self.today + timedelta(days=offset)
        if isinstance(value, str) and ISO_DATE.fullmatch(written):
            try:
                return date.fromisoformat(written)
            except ValueError:
                pass
        self.report(key, f"{written!r} is not a valid date (YYYY-MM-DD)")
        return None

    def language(self, value: Any, key: Key, *, model: type[Case] | type[Target]) -> str | None:
        code = self.text(value, key, max_length=_max_length(model, "language"))
        if code is not None and not LANGUAGE.fullmatch(code):
            self.report(key, f"{code!r} is not a language code such as en, es, fr, zh-Hans")
        return code

    def email(self, value: Any, key: Key) -> str | None:
        address = self.text(value, key, max_length=_max_length(Target, "email"))
        if address is not None and "protected]" in address:
            self.report(
                key,
                f"{address!r} is the web page hiding the address, not an address; "
                "leave email empty and say so in note",
            )
        elif address is not None and not EMAIL.fullmatch(address):
            self.report(key, f"{address!r} is not an email address")
        return address

    def ua_number(self, value: Any) -> str:
        key: Key = ("ua_number",)
        if isinstance(value, int | float) and not isinstance(value, bool):
            written = self.raw.get(key, str(value))
            self.report(
                key,
                f"{written} is read as a number, which drops trailing zeros (44.10 -> 44.1); "
                f'write it in quotes: ua_number: "{written}"',
            )
            return ""
        number = self.required_text(value, key)
        if number and not UA_NUMBER.fullmatch(number):
            self.report(key, f'{number!r} is not a UA number such as "44.22"')
        return number

    # -- the whole file

    def case(self, data: Any, *, source_file: str, source_hash: str) -> CaseSpec | None:
        if data is None:
            self.report((), "the file is empty; expected the fields of one case")
            return None
        if not isinstance(data, dict):
            self.report(
                (), f"expected the fields of one case (ua_number: …), got {_describe(data)}"
            )
            return None
        self.unknown_keys(data, (), CASE_KEYS)
        demo = self.flag(data.get("demo"), ("demo",), default=False)
        status = self.choice(data.get("status"), ("status",), CaseStatus)
        if "status" not in data or data["status"] is None:
            self.report(("status",), "is required: " + ", ".join(CaseStatus))
        spec = CaseSpec(
            ua_number=self.ua_number(data.get("ua_number")),
            update_number=self.whole_number(data.get("update"), ("update",), default=0),
            title=self.required_text(
                data.get("title"), ("title",), max_length=_max_length(Case, "title")
            ),
            country=self.required_text(
                data.get("country"), ("country",), max_length=_max_length(Case, "country")
            ),
            status=status or CaseStatus.draft,
            outcome=self.choice(data.get("outcome"), ("outcome",), Outcome),
            deadline=self.day(data.get("deadline"), ("deadline",), demo=demo),
            deadline_note=self.text(data.get("deadline_note"), ("deadline_note",), multiline=True),
            issued=self.day(data.get("issued"), ("issued",), demo=demo),
            people_at_risk=self.people(data.get("people_at_risk")),
            tags=self.tags(data.get("tags")),
            summary=self.text(data.get("summary"), ("summary",), multiline=True) or "",
            sample_letter=self.letter(data.get("sample_letter")),
            sign_off=self.text(data.get("sign_off"), ("sign_off",), multiline=True),
            language=self.language(data.get("language"), ("language",), model=Case) or "en",
            source_text=self.verbatim(data.get("source_text"), ("source_text",)),
            is_demo=demo,
            targets=self.targets(data.get("targets")),
            source_file=source_file,
            source_hash=source_hash,
            lines={str(key[0]): line for key, line in self.lines.items() if len(key) == 1},
        )
        if status is not None:
            self.consistency(spec, outcome_given=data.get("outcome") is not None)
        return spec

    def verbatim(self, value: Any, key: Key) -> str | None:
        # The source text is kept exactly as written, trailing blanks and all.
        if value is None or isinstance(value, str):
            return value or None
        self.report(key, f"expected text, got {_describe(value)}")
        return None

    def letter(self, value: Any) -> str | None:
        key: Key = ("sample_letter",)
        body = self.text(value, key, multiline=True)
        if body is None:
            return None
        paragraphs = [part.strip() for part in body.split("\n\n") if part.strip()]
        if paragraphs and SALUTATION_LINE.match(paragraphs[0]):
            self.report(
                key,
                "starts with a salutation; give the body only (each target has its salutation)",
            )
        if paragraphs and CLOSING_LINE.match(paragraphs[-1].splitlines()[-1]):
            self.report(key, "ends with a closing; give the body only and put it in sign_off")
        return body

    def people(self, value: Any) -> tuple[dict[str, str | None], ...]:
        key: Key = ("people_at_risk",)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report(key, f"expected a list of people (- name: …), got {_describe(value)}")
            return ()
        people = []
        for position, item in enumerate(value):
            at = (*key, position)
            if not isinstance(item, dict):
                self.report(at, f"expected name, native_name, description; got {_describe(item)}")
                continue
            self.unknown_keys(item, at, PERSON_KEYS)
            people.append(
                {
                    "name": self.required_text(item.get("name"), (*at, "name")),
                    "native_name": self.text(item.get("native_name"), (*at, "native_name")),
                    "description": self.text(
                        item.get("description"), (*at, "description"), multiline=True
                    ),
                }
            )
        return tuple(people)

    def tags(self, value: Any) -> tuple[str, ...]:
        key: Key = ("tags",)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report(key, f"expected a list of tags ([metoo, health]), got {_describe(value)}")
            return ()
        tags = [self.required_text(item, (*key, position)) for position, item in enumerate(value)]
        return tuple(tag for tag in tags if tag)

    def targets(self, value: Any) -> tuple[TargetSpec, ...]:
        key: Key = ("targets",)
        if value is None or value == []:
            self.report(key, "at least one target is required")
            return ()
        if not isinstance(value, list):
            self.report(key, f"expected a list of targets (- name: …), got {_describe(value)}")
            return ()
        targets: list[TargetSpec] = []
        seen: set[str] = set()
        for position, item in enumerate(value):
            target = self.target(item, (*key, position))
            if target is None:
                continue
            if target.name and name_key(target.name) in seen:
                # Targets are matched by name when a file is loaded again.
                self.report((*key, position, "name"), f"{target.name!r} is already a target")
            seen.add(name_key(target.name))
            targets.append(target)
        return tuple(targets)

    def target(self, item: Any, key: Key) -> TargetSpec | None:
        if not isinstance(item, dict):
            self.report(key, f"expected a target (name: …, title: …), got {_describe(item)}")
            return None
        self.unknown_keys(item, key, TARGET_KEYS)

        def one_line(name: str) -> str | None:
            return self.text(item.get(name), (*key, name), max_length=_max_length(Target, name))

        def lines(name: str) -> str | None:
            return self.text(item.get(name), (*key, name), multiline=True)

        role = self.choice(item.get("role"), (*key, "role"), TargetRole)
        return TargetSpec(
            name=self.required_text(
                item.get("name"), (*key, "name"), max_length=_max_length(Target, "name")
            ),
            title=one_line("title"),
            organisation=one_line("organisation"),
            address=lines("address"),
            email=self.email(item.get("email"), (*key, "email")),
            phone=one_line("phone"),
            fax=one_line("fax"),
            social_handle=one_line("social_handle"),
            salutation=one_line("salutation"),
            language=self.language(item.get("language"), (*key, "language"), model=Target),
            role=role or TargetRole.primary,
            note=lines("note"),
        )

    def consistency(self, spec: CaseSpec, *, outcome_given: bool) -> None:
        """The rules between fields: outcome and status, deadline and issue date, targets."""
        if spec.status is CaseStatus.closed and not outcome_given:
            outcomes = ", ".join(Outcome)
            self.report(("outcome",), f"a closed case needs an outcome: {outcomes}", at=("status",))
        if spec.status is not CaseStatus.closed and outcome_given:
            self.report(("outcome",), f"only a closed case has an outcome; status is {spec.status}")
        if spec.deadline and spec.issued and spec.deadline < spec.issued:
            self.report(("deadline",), f"{spec.deadline} is before the issue date ({spec.issued})")
        has_primary = any(target.role is TargetRole.primary for target in spec.targets)
        if spec.targets and spec.status is not CaseStatus.draft and not has_primary:
            self.report(
                ("targets",),
                f"needs at least one target with role: primary (status is {spec.status})",
            )


def name_key(name: str) -> str:
    """How target names are matched between loads: case and spacing do not count."""
    return " ".join(name.split()).casefold()


# --- loading -------------------------------------------------------------------------------


def load_case_files(
    engine: Engine,
    paths: Iterable[Path],
    *,
    actor: str,
    today: date,
    take_file: bool = False,
) -> LoadReport:
    """Create or update the cases of `paths` in one transaction; unchanged files are skipped.

    Every file is checked first: if any has a problem, `CaseFileError` lists them all and
    nothing is written. A changed file that would overwrite a field changed in the app since
    the file was last loaded (or the case exported) is refused, naming the case and the
    fields, unless `take_file` says to take the file's values.
    """
    specs = _read_all(paths, today=today)
    report = LoadReport(created=[], updated=[], unchanged=[])
    with transaction(engine) as session:
        if engine.dialect.name == "postgresql":
            # Replicas starting together would otherwise both insert the same new case.
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOAD_LOCK_ID})
        plans = [(spec, _stored_case(session, spec)) for spec in specs]
        problems = [
            problem
            for spec, case in plans
            if case is not None and case.source_hash != spec.source_hash
            for problem in _targets_that_must_stay(session, spec, case)
        ]
        if not take_file:
            problems.extend(
                problem
                for spec, case in plans
                if case is not None and case.source_hash != spec.source_hash
                for problem in _app_edits_in_the_way(session, spec, case)
            )
        if problems:
            raise CaseFileError(problems)  # leaving the block rolls everything back
        created: list[Case] = []
        for spec, case in plans:
            if case is None:
                new = _new_case(spec)
                session.add(new)
                created.append(new)
                report.created.append(spec.label)
            elif case.source_hash != spec.source_hash and _update_case(
                session,
                case,
                spec,
                actor=actor,
                keep=set() if take_file else _app_edits_to_keep(session, spec, case),
            ):
                report.updated.append(spec.label)
            else:
                report.unchanged.append(spec.label)
        _link_updates(session, sorted(created, key=lambda case: case.update_number))
    return report


def _link_updates(session: Session, created: list[Case]) -> None:
    """A new update of a UA supersedes the latest earlier update not yet superseded, as when
    it is created from text on the New case page."""
    if not created:
        return
    session.flush()
    for case in created:
        taken = select(Case.supersedes_id).where(Case.supersedes_id.is_not(None))
        earlier = session.scalars(
            select(Case)
            .where(
                Case.ua_number == case.ua_number,
                Case.update_number < case.update_number,
                Case.id.not_in(taken),
            )
            .order_by(Case.update_number.desc())
            .limit(1)
        ).first()
        if earlier is not None:
            # Not through the ORM: that would count as a second version of a case just made.
            session.execute(
                update(Case)
                .where(Case.id == case.id)
                .values(supersedes_id=earlier.id)
                .execution_options(synchronize_session=False)
            )


def _read_all(paths: Iterable[Path], *, today: date) -> list[CaseSpec]:
    specs: list[CaseSpec] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, int], CaseSpec] = {}
    for path in dict.fromkeys(paths):  # the same file named twice is read once
        try:
            spec = read_case_file(path, today=today)
        except CaseFileError as error:
            problems.extend(error.problems)
            continue
        other = seen.get((spec.ua_number, spec.update_number))
        if other is not None:
            problems.append(
                Problem(
                    path,
                    spec.lines.get("ua_number"),
                    "ua_number",
                    f"{spec.label} is also in {other.source_file}; one file per case and update",
                )
            )
            continue
        seen[(spec.ua_number, spec.update_number)] = spec
        specs.append(spec)
    if problems:
        raise CaseFileError(problems)
    return specs


def _stored_case(session: Session, spec: CaseSpec) -> Case | None:
    query = (
        select(Case)
        .where(Case.ua_number == spec.ua_number, Case.update_number == spec.update_number)
        .options(selectinload(Case.targets))
    )
    return session.scalars(query).one_or_none()


def _new_case(spec: CaseSpec) -> Case:
    return Case(
        **spec.column_values(),
        source_file=spec.source_file,
        source_hash=spec.source_hash,
        file_values=file_values_of_spec(spec),
        targets=[
            Target(position=position, **target.column_values())
            for position, target in enumerate(spec.targets)
        ],
    )


def _targets_that_must_stay(session: Session, spec: CaseSpec, case: Case) -> list[Problem]:
    """Problems for targets the file drops although reports name them (the reports would
    lose their target, and the database refuses it anyway)."""
    kept = {name_key(target.name) for target in spec.targets}
    dropped = {
        target.id: target.name for target in case.targets if name_key(target.name) not in kept
    }
    if not dropped:
        return []
    query = (
        select(ActionReport.target_id).where(ActionReport.target_id.in_(list(dropped))).distinct()
    )
    reported = sorted(dropped[target_id] for target_id in session.scalars(query) if target_id)
    return [
        Problem(
            Path(spec.source_file),
            spec.lines.get("targets"),
            "targets",
            f"target {name!r} has reports and cannot be removed; keep it in the file",
        )
        for name in reported
    ]


def _update_case(
    session: Session, case: Case, spec: CaseSpec, *, actor: str, keep: set[str]
) -> bool:
    """Make `case` what the file says, one audit event per changed field, except the fields
    in `keep` (changed in the app, not in the file); False if the file changed but not in
    anything stored (a comment, say)."""
    note = f"loaded from {spec.source_file}"
    # Targets first: reordering them needs a flush, and the case row must be written only
    # once, after it, or its version would go up twice.
    events = [] if "targets" in keep else _sync_targets(session, case, spec.targets, note=note)
    for column, new in spec.column_values().items():
        if column in keep:
            continue
        old = getattr(case, column)
        if old != new:
            events.append((column, old, new, note))
            setattr(case, column, new)
    values = file_values_of_spec(spec)
    if not events:
        # Remember the new hash without bumping the version, which would tell someone
        # editing the case in the app that it changed. Keeping the old hash is no option:
        # the next load would take the file to be edited and undo that person's edits.
        session.execute(
            update(Case)
            .where(Case.id == case.id)
            .values(source_hash=spec.source_hash, source_file=spec.source_file, file_values=values)
            .execution_options(synchronize_session=False)
        )
        return False
    case.source_file = spec.source_file
    case.source_hash = spec.source_hash
    case.file_values = values
    session.add_all(
        AuditEvent(
            case_id=case.id,
            actor=actor,
            field=field,
            old_value=_audit_text(old),
            new_value=_audit_text(new),
            note=event_note,
        )
        for field, old, new, event_note in events
    )
    return True


# --- the app's edits and the file ------------------------------------------------------------

# A case field, and the key a case file writes it under.
FILE_KEYS = {"update_number": "update", "is_demo": "demo"}


def _comparable(value: Any) -> Any:
    """A value as JSON holds it, so that stored snapshots and live values compare."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_comparable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _comparable(item) for key, item in value.items()}
    return value


def _targets_values(targets: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {name: _comparable(getattr(target, name)) for name in TARGET_FIELDS} for target in targets
    ]


def file_values_of_spec(spec: CaseSpec) -> dict[str, Any]:
    """What a file gives for each field, as remembered in `Case.file_values`."""
    values = {name: _comparable(value) for name, value in spec.column_values().items()}
    values["targets"] = _targets_values(spec.targets)
    return values


def file_values_of_case(case: Case) -> dict[str, Any]:
    """The same, for a case as stored (retired targets are not in a file)."""
    values = {name: _comparable(getattr(case, name)) for name in _SPEC_COLUMNS}
    values["targets"] = _targets_values(t for t in case.targets if t.retired_at is None)
    return values


_SPEC_COLUMNS = (
    "ua_number",
    "update_number",
    "title",
    "country",
    "status",
    "outcome",
    "deadline",
    "deadline_note",
    "issued",
    "people_at_risk",
    "tags",
    "summary",
    "sample_letter",
    "sign_off",
    "language",
    "source_text",
    "is_demo",
)


def app_changed_fields(session: Session, case: Case) -> set[str]:
    """The fields changed in the app since the case's file was last loaded or exported.

    Compared with the values the file gave then (`file_values`); a case created in the app
    has none, so each of its fields counts as the app's. Cases loaded before `file_values`
    existed fall back on the audit trail: the app's edits carry the case version, the
    loader's do not.
    """
    now = file_values_of_case(case)
    if case.file_values is not None:
        return {name for name, value in now.items() if case.file_values.get(name) != value}
    if case.source_hash is None:
        return set(now)
    fields = session.scalars(
        select(AuditEvent.field)
        .where(AuditEvent.case_id == case.id, AuditEvent.case_version.is_not(None))
        .distinct()
    )
    return {"targets" if name.startswith("target") else name for name in fields}


def _file_changed_fields(spec: CaseSpec, case: Case) -> set[str]:
    """The fields the file gives differently from when it was last loaded (every field
    that differs from the stored case, when that is not known)."""
    wanted = file_values_of_spec(spec)
    before = case.file_values if case.file_values is not None else file_values_of_case(case)
    return {name for name, value in wanted.items() if before.get(name) != value}


def _app_edits_to_keep(session: Session, spec: CaseSpec, case: Case) -> set[str]:
    """Fields changed in the app that the file leaves as it was: the app's value stays."""
    return app_changed_fields(session, case) - _file_changed_fields(spec, case)


def _app_edits_in_the_way(session: Session, spec: CaseSpec, case: Case) -> list[Problem]:
    """A problem naming the case and every field that both the file and the app changed
    since the last load, to different values."""
    now = file_values_of_case(case)
    wanted = file_values_of_spec(spec)
    changed = app_changed_fields(session, case) & _file_changed_fields(spec, case)
    clashing = [
        name
        for name in (*_SPEC_COLUMNS, "targets")
        if name in changed and wanted[name] != now[name]
    ]
    if not clashing:
        return []
    names = ", ".join(FILE_KEYS.get(name, name) for name in clashing)
    line = min(spec.lines.get(FILE_KEYS.get(name, name), 1) for name in clashing)
    return [
        Problem(
            Path(spec.source_file),
            line,
            "",
            f"{spec.label}: {names} changed both in the app and in this file since it was "
            f"last loaded; the file would overwrite the app's "
            f"{'change' if len(clashing) == 1 else 'changes'}. Export the "
            f"case (uadash export-case {_ref_of(case)}) and edit that, or load with "
            "--take-file to take the file's values",
        )
    ]


def _ref_of(case: Case) -> str:
    return f"{case.ua_number}-{case.update_number}" if case.update_number else case.ua_number


def _sync_targets(
    session: Session, case: Case, wanted: tuple[TargetSpec, ...], *, note: str
) -> list[Change]:
    """Match targets by name: update those kept, add the new, delete the dropped."""
    stored = {name_key(target.name): target for target in case.targets}
    positions = {name_key(target.name): position for position, target in enumerate(wanted)}
    changes: list[Change] = []
    old_names = [target.name for target in case.targets]
    new_names = [target.name for target in wanted]
    if [name_key(name) for name in old_names] != list(positions):
        changes.append(("targets", old_names, new_names, note))

    dropped = [target for key, target in stored.items() if key not in positions]
    moved = [t for key, t in stored.items() if key in positions and t.position != positions[key]]
    for target in dropped:
        case.targets.remove(target)
    # (case_id, position) is unique and checked row by row: park moved targets on negative
    # positions first, so that swapping two targets never collides halfway.
    for parking, target in enumerate(moved, start=1):
        target.position = -parking
    if dropped or moved:
        session.flush()

    targets = []
    for position, spec in enumerate(wanted):
        found = stored.get(name_key(spec.name))
        if found is None:
            target = Target(**spec.column_values())
        else:
            target = found
            for column, new in spec.column_values().items():
                old = getattr(target, column)
                if old != new:
                    changes.append((f"target.{column}", old, new, f"{note}; target {spec.name!r}"))
                    setattr(target, column, new)
        target.position = position
        targets.append(target)
    case.targets = targets
    return changes


def _audit_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# --- writing a case file ---------------------------------------------------------------------


class _CaseDumper(yaml.SafeDumper):
    """Multi-line text as literal blocks, as people write case files by hand."""


def _text_block(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CaseDumper.add_representer(str, _text_block)


def case_file_text(case: Case) -> str:
    """The case as a case file that `read_case_file` reads back to the same values."""
    data: dict[str, Any] = {
        "ua_number": case.ua_number,
        "update": case.update_number,
        "title": case.title,
        "country": case.country,
        "status": case.status.value,
        "outcome": case.outcome.value if case.outcome else None,
        "deadline": case.deadline,
        "deadline_note": case.deadline_note,
        "issued": case.issued,
        "language": case.language,
        "people_at_risk": [
            {key: person.get(key) for key in PERSON_KEYS if person.get(key) is not None}
            for person in case.people_at_risk or []
        ],
        "tags": list(case.tags or []),
        "summary": case.summary or None,
        "targets": [
            {
                name: (value.value if isinstance(value, Enum) else value)
                for name in TARGET_FIELDS
                if (value := getattr(target, name)) is not None
            }
            for target in case.targets
            if target.retired_at is None
        ],
        "sample_letter": case.sample_letter,
        "sign_off": case.sign_off,
        "demo": case.is_demo or None,
        "source_text": case.source_text,
    }
    kept = {key: value for key, value in data.items() if value is not None}
    header = f"# {case.label}: exported from uadash. `uadash load-cases` reads it back.\n"
    return header + yaml.dump(
        kept, Dumper=_CaseDumper, allow_unicode=True, sort_keys=False, width=100
    )


def export_case(engine: Engine, case_id: int, path: Path) -> str:
    """Write the case to `path` and remember it as the case's file: a later load of it (or of
    it edited) changes only what was changed in the file. Returns the case's label."""
    with transaction(engine) as session:
        case = session.get(Case, case_id, options=[selectinload(Case.targets)])
        if case is None:
            raise CaseFileError([Problem(path, None, "", f"case {case_id} does not exist")])
        written = case_file_text(case).encode("utf-8")
        try:
            path.write_bytes(written)
        except OSError as error:
            raise CaseFileError(
                [Problem(path, None, "", f"cannot write: {error.strerror}")]
            ) from None
        # As in a load: remembered without bumping the version, which would tell someone
        # editing the case in the app that it changed.
        session.execute(
            update(Case)
            .where(Case.id == case.id)
            .values(
                source_file=str(path),
                source_hash=hashlib.sha256(written).hexdigest(),
                file_values=file_values_of_case(case),
            )
            .execution_options(synchronize_session=False)
        )
        return case.label
