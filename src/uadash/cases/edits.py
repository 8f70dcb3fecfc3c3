"""The write side for cases: every field of a case (status, outcome, deadline, update number,
title, summary, people, tags, country, language, issue date, the letter) and its targets, one
case or a batch, checked against the rules, guarded by the case's version, and audited in the
same transaction.

An edit names only the fields it changes and the version of the case it was made from. If
the case has moved on since, nothing is saved and `ConflictError` says what changed and who
changed it; the editor can look, then re-apply the edit on the current version with
`reapply()`. A batch is all or nothing: one broken rule or one conflict saves none of it.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Final

import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from uadash import config, queries
from uadash.access import Actor, require
from uadash.cases.targets import (
    TARGET_LABELS,
    Person,
    TargetChange,
    TargetState,
    apply_target_changes,
    target_problems,
    target_state,
)
from uadash.store.engine import transaction
from uadash.store.models import AuditEvent, Case
from uadash.vocab import OUTCOME_LABELS, CaseStatus, Outcome, Role
from uadash.wording import listing, long_date, short_date, status_label


class Keep(enum.Enum):
    """The value of an edit's field that it leaves as it is."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP

# The fields an edit may change, in the order messages and the history name them.
FIELDS: Final = (
    "status",
    "outcome",
    "deadline",
    "update_number",
    "title",
    "country",
    "people_at_risk",
    "tags",
    "language",
    "issued",
    "deadline_note",
    "summary",
    "sample_letter",
    "sign_off",
    "targets",
)
FIELD_LABELS: Final = {
    "status": "status",
    "outcome": "outcome",
    "deadline": "deadline",
    "update_number": "update number",
    "title": "title",
    "country": "country",
    "people_at_risk": "people at risk",
    "tags": "tags",
    "language": "language",
    "issued": "issue date",
    "deadline_note": "deadline note",
    "summary": "summary",
    "sample_letter": "sample letter",
    "sign_off": "sign-off",
    "targets": "targets",
    "case": "case",
    **{f"target.{name}": f"target {label}" for name, label in TARGET_LABELS.items()},
}
# The columns whose value is the field itself (targets are edited one by one, see targets.py).
SIMPLE_FIELDS: Final = tuple(name for name in FIELDS if name != "targets")


@dataclass(frozen=True)
class CaseEdit:
    """What an editor changed in one case, and the version of the case they changed it from.

    A field left at `KEEP` is not touched. `outcome=None` clears the outcome and
    `deadline=None` means "no end date".
    """

    case_id: int
    expected_version: int
    status: CaseStatus | Keep = KEEP
    outcome: Outcome | Keep | None = KEEP
    deadline: date | Keep | None = KEEP
    update_number: int | Keep = KEEP
    title: str | Keep = KEEP
    country: str | Keep = KEEP
    people_at_risk: tuple[Person, ...] | Keep = KEEP
    tags: tuple[str, ...] | Keep = KEEP
    language: str | Keep = KEEP
    issued: date | Keep | None = KEEP
    deadline_note: str | Keep | None = KEEP
    summary: str | Keep = KEEP
    sample_letter: str | Keep | None = KEEP
    sign_off: str | Keep | None = KEEP
    # Only the targets this edit changes, adds or removes; the others stay as they are.
    targets: tuple[TargetChange, ...] | Keep = KEEP
    note: str | None = None  # why; kept with every audit entry of this edit

    def changes(self) -> dict[str, Any]:
        """The fields this edit sets, by name."""
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name) is not KEEP}


@dataclass(frozen=True)
class CaseState:
    """The editable side of a case as stored, with the version that guards it."""

    case_id: int
    ref: str
    label: str
    title: str
    status: CaseStatus
    outcome: Outcome | None
    deadline: date | None
    issued: date | None
    update_number: int
    version: int
    country: str = ""
    people_at_risk: tuple[Person, ...] = ()
    tags: tuple[str, ...] = ()
    language: str = "en"
    deadline_note: str | None = None
    summary: str = ""
    sample_letter: str | None = None
    sign_off: str | None = None
    targets: tuple[TargetState, ...] = ()  # the current targets, in order; retired ones left out

    @property
    def status_text(self) -> str:
        """`Active`, `Closed — released`."""
        return status_label(self.status, self.outcome)

    @property
    def deadline_text(self) -> str:
        return long_date(self.deadline) if self.deadline else "no end date"


@dataclass(frozen=True)
class Change:
    """One audit entry: who changed which field from what to what, when and why."""

    at: datetime
    actor: str
    field: str
    old: str | None
    new: str | None
    note: str | None

    @property
    def when(self) -> str:
        """`24 Nov 2026 14:02`, in the organisation's time zone."""
        return _when(self.at)

    def describe(self) -> str:
        """`status: active → closed`."""
        label = FIELD_LABELS.get(self.field, self.field)
        return f"{label}: {_shown(self.field, self.old)} → {_shown(self.field, self.new)}"


@dataclass(frozen=True)
class Problem:
    """A rule an edit breaks, naming the case and the field."""

    case: str  # the case's label, `UA 44.22 (update 2)`, or `case 17` when it is gone
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.case}, {FIELD_LABELS.get(self.field, self.field)}: {self.message}"


class EditError(Exception):
    """An edit that was not saved; nothing of its batch was."""


class EditRefused(EditError):
    """The edits break rules; every problem is listed, and nothing was saved."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Conflict:
    """An edit made from a version of the case that someone else has since changed."""

    edit: CaseEdit
    current: CaseState
    changes: tuple[Change, ...] = field(default_factory=tuple)  # since the edit's version

    @property
    def changed_by(self) -> list[str]:
        return list(dict.fromkeys(change.actor for change in self.changes))

    @property
    def headline(self) -> str:
        """`UA 44.22 (update 2) was changed by bo@example.org at 24 Nov 2026 09:19 after you
        opened it`."""
        who = listing(self.changed_by) or "someone"
        when = f" at {self.changes[-1].when}" if self.changes else ""
        return f"{self.current.label} was changed by {who}{when} after you opened it"

    @property
    def now(self) -> str:
        """`Now: Paused, deadline 31 March 2027, update 2.`"""
        current = self.current
        return (
            f"Now: {current.status_text}, deadline {current.deadline_text}, "
            f"update {current.update_number}."
        )

    def __str__(self) -> str:
        return (
            f"{self.headline} (you had version {self.edit.expected_version}, it is now at "
            f"{self.current.version}). {self.now}"
        )


class ConflictError(EditError):
    """Someone saved the case in between: nothing was saved. Holds the current values and
    the changes made since each edit's version, with who made them."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = list(conflicts)
        super().__init__(" ".join(str(conflict) for conflict in self.conflicts))

    def reapply(self, edits: Iterable[CaseEdit]) -> list[CaseEdit]:
        """The same edits, those in conflict now made from the current versions."""
        return reapply(edits, self)


def reapply(edits: Iterable[CaseEdit], error: ConflictError) -> list[CaseEdit]:
    """`edits` with the conflicting ones moved onto the current version of their case.

    Only the fields the editor changed are set again; what the other person changed in the
    other fields stays. The rules are checked again when the result is saved.
    """
    current = {conflict.current.case_id: conflict.current.version for conflict in error.conflicts}
    return [
        replace(edit, expected_version=current[edit.case_id]) if edit.case_id in current else edit
        for edit in edits
    ]


# --- reading ---------------------------------------------------------------------------------


def case_state(engine: Engine, case_id: int) -> CaseState | None:
    with Session(engine) as session:
        case = session.get(Case, case_id)
        return _state(case) if case is not None else None


EDITABLE_COLUMNS: Final = [
    "case_id",
    "version",
    "ref",
    "label",
    "title",
    "status",
    "outcome",
    "deadline",
    "issued",
    "update_number",
]


def editable_cases(engine: Engine) -> pd.DataFrame:
    """Every case's editable fields and version, newest UA first: the batch editor's table.

    `status` and `outcome` hold the vocabulary values (`"closed"`, `"released"` or None).
    """
    with Session(engine) as session:
        cases = session.scalars(select(Case)).all()
        states = [_state(case) for case in cases]
    states.sort(key=lambda s: (*_ua_key(s.ref), s.update_number), reverse=True)
    records = [
        {
            "case_id": s.case_id,
            "version": s.version,
            "ref": s.ref,
            "label": s.label,
            "title": s.title,
            "status": s.status.value,
            "outcome": s.outcome.value if s.outcome else None,
            "deadline": s.deadline,
            "issued": s.issued,
            "update_number": s.update_number,
        }
        for s in states
    ]
    return pd.DataFrame.from_records(records, columns=EDITABLE_COLUMNS)


def _ua_key(ref: str) -> tuple[int, int]:
    number, _, rest = ref.partition(".")
    year = rest.split("-", 1)[0]
    return (int(year) if year.isdigit() else 0, int(number) if number.isdigit() else 0)


def case_history(engine: Engine, case_id: int) -> pd.DataFrame:
    """The case's audit trail, newest first: at (in the organisation's time zone), actor,
    field, old_value, new_value, note."""
    query = (
        select(
            AuditEvent.at,
            AuditEvent.actor,
            AuditEvent.field,
            AuditEvent.old_value,
            AuditEvent.new_value,
            AuditEvent.note,
        )
        .where(AuditEvent.case_id == case_id)
        .order_by(AuditEvent.id.desc())
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    zone = config.timezone()
    frame = pd.DataFrame(
        [
            {
                "at": _aware(row.at).astimezone(zone),
                "actor": row.actor,
                "field": row.field,
                "old_value": row.old_value,
                "new_value": row.new_value,
                "note": row.note,
            }
            for row in rows
        ],
        columns=["at", "actor", "field", "old_value", "new_value", "note"],
    )
    return frame


# --- writing ---------------------------------------------------------------------------------


def edit_case(engine: Engine, edit: CaseEdit, *, actor: Actor) -> CaseState:
    """Save one edit; see `edit_cases`."""
    return edit_cases(engine, [edit], actor=actor)[0]


def edit_cases(engine: Engine, edits: Sequence[CaseEdit], *, actor: Actor) -> list[CaseState]:
    """Save a batch of edits in one transaction, each with one audit entry per changed field.

    Raises `PermissionDenied` unless `actor` is an editor, `ConflictError` when a case changed
    since the version its edit was made from, `EditRefused` when an edit breaks a rule. In
    every one of those cases nothing at all is saved. Returns the cases as now stored.
    """
    require(actor, Role.editor, to="edit cases")
    if not edits:
        return []
    try:
        with transaction(engine) as session:
            return _save(session, list(edits), actor=actor)
    except StaleDataError:
        # SQLite: another editor's save landed between our read and our write. The version
        # in the UPDATE's WHERE clause caught it; tell the editor what it was.
        conflicts = _conflicts_now(engine, edits)
        if conflicts:
            raise ConflictError(conflicts) from None
        raise
    except IntegrityError:
        # The (UA, update number) pair is unique row by row: two cases swapping numbers in one
        # batch, or two editors giving two cases the same number at the same moment.
        labels = listing([f"case {edit.case_id}" for edit in edits if edit.update_number != KEEP])
        raise EditRefused(
            [
                Problem(
                    labels or "these cases",
                    "update_number",
                    "two cases of one UA cannot take each other's update number in one save; "
                    "save one change at a time",
                )
            ]
        ) from None


def _save(session: Session, edits: list[CaseEdit], *, actor: Actor) -> list[CaseState]:
    ids = sorted({edit.case_id for edit in edits})
    # Row locks on PostgreSQL, taken in id order so two batches never deadlock; SQLite takes
    # its write lock at the UPDATE, where the version check catches a save in between.
    query = select(Case).where(Case.id.in_(ids)).order_by(Case.id).with_for_update()
    cases = {case.id: case for case in session.scalars(query)}

    problems = _unknown_or_repeated(edits, cases)
    if problems:
        raise EditRefused(problems)
    conflicts = [
        Conflict(
            edit=edit,
            current=_state(cases[edit.case_id]),
            changes=tuple(_changes_since(session, edit.case_id, edit.expected_version)),
        )
        for edit in edits
        if cases[edit.case_id].version != edit.expected_version
    ]
    if conflicts:
        raise ConflictError(conflicts)
    problems = [
        problem
        for edit in edits
        for problem in _broken_rules(session, cases[edit.case_id], edit, edits, cases)
    ]
    if problems:
        raise EditRefused(problems)

    now = datetime.now(UTC)
    changed: list[tuple[Case, CaseEdit, list[tuple[str, Any, Any, str | None]]]] = []
    for edit in edits:
        case = cases[edit.case_id]
        wanted = edit.changes()
        differences: list[tuple[str, Any, Any, str | None]] = []
        if "targets" in wanted:
            differences.extend(apply_target_changes(session, case, wanted.pop("targets"), at=now))
        for name, value in wanted.items():
            stored = _stored_value(case, name)
            if stored != value:
                differences.append((name, stored, value, None))
                setattr(case, name, _column_value(value))
        if differences:
            # Target changes alone do not touch the case row; its version must still go up
            # so that whoever edits the case next from an older version is told.
            case.updated_at = now
            changed.append((case, edit, differences))
    session.flush()  # writes the cases, bumping each changed case's version once
    session.add_all(
        AuditEvent(
            case_id=case.id,
            actor=actor.identity,
            at=now,
            field=name,
            old_value=audit_text(old),
            new_value=audit_text(new),
            note="; ".join(part for part in (where, (edit.note or "").strip()) if part) or None,
            case_version=case.version,
        )
        for case, edit, differences in changed
        for name, old, new, where in differences
    )
    return [_state(cases[edit.case_id]) for edit in edits]


def _stored_value(case: Case, name: str) -> Any:
    """A case's field as an edit gives it: JSON lists as tuples."""
    value = getattr(case, name)
    if name == "people_at_risk":
        return tuple(_person(person) for person in value or [])
    if name == "tags":
        return tuple(value or [])
    return value


def _column_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [dict(item) if isinstance(item, dict) else item for item in value]
    return value


def _person(raw: Any) -> Person:
    raw = raw if isinstance(raw, dict) else {"name": str(raw)}
    return {
        "name": str(raw.get("name") or ""),
        "native_name": raw.get("native_name") or None,
        "description": raw.get("description") or None,
    }


def _unknown_or_repeated(edits: list[CaseEdit], cases: dict[int, Case]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[int] = set()
    for edit in edits:
        case = cases.get(edit.case_id)
        if case is None:
            problems.append(Problem(f"case {edit.case_id}", "case", "no such case; reload"))
        elif edit.case_id in seen:
            problems.append(Problem(case.label, "case", "is edited twice in one save"))
        seen.add(edit.case_id)
    return problems


def _broken_rules(
    session: Session,
    case: Case,
    edit: CaseEdit,
    edits: list[CaseEdit],
    cases: dict[int, Case],
) -> list[Problem]:
    """The rules the case would break after `edit`. Only rules that involve a field the
    edit sets are checked: an old inconsistency does not block an unrelated change."""
    changes = edit.changes()
    problems: list[Problem] = []

    def refuse(field_name: str, message: str) -> None:
        problems.append(Problem(case.label, field_name, message))

    for name, message in _wrong_types(changes):
        refuse(name, message)
    if problems:
        return problems
    status: CaseStatus = changes.get("status", case.status)
    outcome: Outcome | None = changes.get("outcome", case.outcome)
    deadline: date | None = changes.get("deadline", case.deadline)

    if "status" in changes or "outcome" in changes:
        if status is CaseStatus.closed and outcome is None:
            refuse("outcome", f"closing a case needs an outcome: {_OUTCOME_CHOICES}")
        if status is not CaseStatus.closed and outcome is not None:
            refuse(
                "outcome",
                f"only a closed case has an outcome, and the status is {status.value}: "
                "clear the outcome or close the case",
            )
    if "deadline" in changes and deadline is not None and case.issued and deadline < case.issued:
        refuse(
            "deadline",
            f"{long_date(deadline)} is before the issue date, {long_date(case.issued)}",
        )
    problems.extend(Problem(case.label, name, message) for name, message in text_problems(changes))
    issued = changes.get("issued")
    deadline_kept = case.deadline if "deadline" not in changes else None
    if isinstance(issued, date) and deadline_kept and deadline_kept < issued:
        refuse("issued", f"{long_date(issued)} is after the deadline, {long_date(deadline_kept)}")
    if "targets" in changes:
        problems.extend(
            Problem(case.label, name, message)
            for name, message in target_problems(case, changes["targets"], status=status)
        )
    if "update_number" in changes:
        number = changes["update_number"]
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            refuse("update_number", f"must be a whole number, 0 (new) or more, not {number!r}")
        elif number != case.update_number:
            refuse_update = _update_number_taken(session, case, number, edits, cases)
            if refuse_update:
                refuse("update_number", refuse_update)
    return problems


_OUTCOME_CHOICES: Final = ", ".join(label.lower() for label in OUTCOME_LABELS.values())


def _wrong_types(changes: dict[str, Any]) -> list[tuple[str, str]]:
    """Values that are not of the field's kind at all (a blank status cell, say)."""
    wrong = []
    if "status" in changes and not isinstance(changes["status"], CaseStatus):
        choices = ", ".join(CaseStatus)
        wrong.append(("status", f"choose one of {choices}, not {changes['status']!r}"))
    outcome = changes.get("outcome")
    if outcome is not None and not isinstance(outcome, Outcome):
        wrong.append(("outcome", f"choose one of {_OUTCOME_CHOICES}, or none, not {outcome!r}"))
    deadline = changes.get("deadline")
    if deadline is not None and (not isinstance(deadline, date) or isinstance(deadline, datetime)):
        wrong.append(("deadline", f"must be a date or no end date, not {deadline!r}"))
    return wrong


# How long a one-line field may be: the column's length.
_MAX_LENGTHS: Final = {"title": 300, "country": 100, "language": 16}
_LANGUAGE: Final = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def text_problems(changes: dict[str, Any]) -> list[tuple[str, str]]:
    """The rules of the text fields: required ones given, one-line ones on one line and
    short enough, people named, a language code; each as (field, message)."""
    problems: list[tuple[str, str]] = []
    for name in ("title", "country"):
        if name in changes:
            value = changes[name]
            if not isinstance(value, str) or not value.strip():
                problems.append((name, "is required"))
    for name, limit in _MAX_LENGTHS.items():
        value = changes.get(name)
        if isinstance(value, str):
            if "\n" in value.strip():
                problems.append((name, "must be on one line"))
            if len(value) > limit:
                problems.append((name, f"is {len(value)} characters long; at most {limit} fit"))
    if "language" in changes:
        value = changes["language"]
        if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
            problems.append(("language", f"expected a language code such as en, not {value!r}"))
    for position, person in enumerate(changes.get("people_at_risk") or (), start=1):
        if not str(person.get("name") or "").strip():
            problems.append(("people_at_risk", f"person {position} has no name"))
    for position, tag in enumerate(changes.get("tags") or (), start=1):
        if not isinstance(tag, str) or not tag.strip():
            problems.append(("tags", f"tag {position} is empty"))
    issued = changes.get("issued")
    if issued is not None and (not isinstance(issued, date) or isinstance(issued, datetime)):
        problems.append(("issued", f"must be a date or none, not {issued!r}"))
    return problems


def _update_number_taken(
    session: Session, case: Case, number: int, edits: list[CaseEdit], cases: dict[int, Case]
) -> str | None:
    """Why `number` cannot be `case`'s update number, taking the batch's own moves into
    account; None when it is free."""
    after_batch: dict[int, int] = {}
    for edit in edits:
        if isinstance(edit.update_number, int) and edit.case_id != case.id:
            after_batch[edit.case_id] = edit.update_number
    others = session.execute(
        select(Case.id, Case.update_number, Case.title).where(
            Case.ua_number == case.ua_number, Case.id != case.id
        )
    ).all()
    for other_id, other_number, title in others:
        if after_batch.get(other_id, other_number) == number:
            return f"UA {case.ua_number} already has an update {number} (“{title}”)"
    return None


def _changes_since(session: Session, case_id: int, version: int) -> list[Change]:
    """The audit entries written after `version` of the case, oldest first (the latest 20).

    Entries without a version (the case-file loader writes none) count when they come after
    the last entry that `version` includes: as good a guess as the trail allows.
    """
    anchor = session.scalar(
        select(func.max(AuditEvent.id)).where(
            AuditEvent.case_id == case_id, AuditEvent.case_version <= version
        )
    )
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.case_id == case_id,
            or_(
                AuditEvent.case_version > version,
                and_(AuditEvent.case_version.is_(None), AuditEvent.id > (anchor or 0)),
            ),
        )
        .order_by(AuditEvent.id.desc())
        .limit(20)
    )
    return [_change(event) for event in reversed(list(session.scalars(query)))]


def _conflicts_now(engine: Engine, edits: Sequence[CaseEdit]) -> list[Conflict]:
    with Session(engine) as session:
        conflicts = []
        for edit in edits:
            case = session.get(Case, edit.case_id)
            if case is not None and case.version != edit.expected_version:
                changes = _changes_since(session, edit.case_id, edit.expected_version)
                conflicts.append(Conflict(edit, _state(case), tuple(changes)))
        return conflicts


# --- from what an editor sees to an edit -----------------------------------------------------


def edit_from(
    base: CaseState,
    *,
    status: CaseStatus,
    outcome: Outcome | None,
    deadline: date | None,
    update_number: int,
    note: str | None = None,
) -> CaseEdit | None:
    """The edit that turns `base` (the case as the editor loaded it) into these values,
    naming only what differs; None when nothing does."""
    wanted: dict[str, Any] = {
        "status": status,
        "outcome": outcome,
        "deadline": deadline,
        "update_number": update_number,
    }
    changes = {name: value for name, value in wanted.items() if getattr(base, name) != value}
    if not changes:
        return None
    return CaseEdit(base.case_id, base.version, note=note, **changes)


# --- the batch editor's table ----------------------------------------------------------------


def edits_from_table(
    before: pd.DataFrame, after: pd.DataFrame, *, note: str | None = None
) -> list[CaseEdit]:
    """The edits an editor made in a table of `editable_cases`: one per row that differs,
    holding only the cells that differ, made from the row's version in `before`."""
    edits = []
    after_by_id = {int(row["case_id"]): row for _, row in after.iterrows()}
    for _, old in before.iterrows():
        new = after_by_id.get(int(old["case_id"]))
        if new is None:
            continue
        changes: dict[str, Any] = {}
        for name, parse in _CELL_PARSERS.items():
            old_value, new_value = parse(old[name]), parse(new[name])
            if old_value != new_value:
                changes[name] = new_value
        if changes:
            edits.append(
                CaseEdit(
                    case_id=int(old["case_id"]),
                    expected_version=int(old["version"]),
                    note=note,
                    **changes,
                )
            )
    return edits


def _cell_status(value: Any) -> Any:
    value = _blank_to_none(value)
    return CaseStatus(value) if value in set(CaseStatus) else value


def _cell_outcome(value: Any) -> Any:
    value = _blank_to_none(value)
    return Outcome(value) if value in set(Outcome) else value


def _cell_date(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _cell_number(value: Any) -> Any:
    value = _blank_to_none(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else value


_CELL_PARSERS: Final = {
    "status": _cell_status,
    "outcome": _cell_outcome,
    "deadline": _cell_date,
    "update_number": _cell_number,
}


def _blank_to_none(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


# --- helpers ---------------------------------------------------------------------------------


def _state(case: Case) -> CaseState:
    return CaseState(
        case_id=case.id,
        ref=queries.case_ref(case.ua_number, case.update_number),
        label=case.label,
        title=case.title,
        status=case.status,
        outcome=case.outcome,
        deadline=case.deadline,
        issued=case.issued,
        update_number=case.update_number,
        version=case.version,
        country=case.country,
        people_at_risk=_stored_value(case, "people_at_risk"),
        tags=_stored_value(case, "tags"),
        language=case.language,
        deadline_note=case.deadline_note,
        summary=case.summary or "",
        sample_letter=case.sample_letter,
        sign_off=case.sign_off,
        targets=tuple(target_state(target) for target in case.targets if target.retired_at is None),
    )


def _change(event: AuditEvent) -> Change:
    return Change(
        at=_aware(event.at),
        actor=event.actor,
        field=event.field,
        old=event.old_value,
        new=event.new_value,
        note=event.note,
    )


def audit_text(value: Any) -> str | None:
    """How a value is written in the audit trail: enum values, ISO dates, plain numbers."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list | dict):
        return json.dumps(_column_value(value), ensure_ascii=False)
    return str(value)


def _shown(field_name: str, text: str | None) -> str:
    if text is None:
        return "no end date" if field_name == "deadline" else "none"
    return text


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; uadash writes them in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _when(moment: datetime) -> str:
    local = moment.astimezone(config.timezone())
    return f"{short_date(local.date())} {local:%H:%M}"
