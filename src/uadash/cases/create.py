"""A new case from a checked draft: one transaction, audited "created from text" with who did
it, the source text kept. When the UA already has updates the case is saved as the next one,
linked to the latest (`supersedes_id`), which is then shown as superseded; its reports stay.

`UpdateDiff` is what a person sees before saving an update: what differs from the latest
update of the UA (status words, deadline, targets added or gone, letter changed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from uadash import queries
from uadash.access import Actor, require
from uadash.cases.edits import EditRefused, Problem, text_problems
from uadash.cases.files import TargetSpec, name_key
from uadash.cases.targets import Person, TargetChange, target_problems
from uadash.store.engine import transaction
from uadash.store.models import AuditEvent, Case, Target
from uadash.vocab import CaseStatus, Outcome, Role
from uadash.wording import long_date

UA_NUMBER: Final = re.compile(r"(?:0|[1-9]\d{0,3})\.\d{2}")  # "44.22"
CREATED_FROM_TEXT: Final = "created from text"


@dataclass(frozen=True)
class NewCase:
    """Every field of a case as a person checked it on the New case page."""

    ua_number: str
    update_number: int
    title: str
    country: str
    targets: tuple[TargetSpec, ...]
    status: CaseStatus = CaseStatus.active
    outcome: Outcome | None = None
    deadline: date | None = None
    deadline_note: str | None = None
    issued: date | None = None
    people_at_risk: tuple[Person, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    sample_letter: str | None = None
    sign_off: str | None = None
    language: str = "en"
    source_text: str | None = None

    @property
    def label(self) -> str:
        if self.update_number:
            return f"UA {self.ua_number} (update {self.update_number})"
        return f"UA {self.ua_number}"


@dataclass(frozen=True)
class Created:
    """The case just saved, and the update it supersedes (None for a UA's first case)."""

    case_id: int
    label: str
    ref: str
    supersedes: str | None


@dataclass(frozen=True)
class UpdateDiff:
    """How a draft differs from the latest update of its UA, in words."""

    latest_id: int
    latest_label: str
    next_update: int  # the update number the draft would be saved as
    lines: list[str] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------


def latest_update(engine: Engine, ua_number: str) -> Case | None:
    """The newest update of a UA (highest update number), with its targets; None if new."""
    query = (
        select(Case)
        .where(Case.ua_number == ua_number)
        .order_by(Case.update_number.desc())
        .limit(1)
        .options(selectinload(Case.targets))
    )
    with Session(engine) as session:
        return session.scalars(query).first()


def update_diff(engine: Engine, draft: NewCase) -> UpdateDiff | None:
    """What the draft changes against the latest update of its UA; None for a new UA."""
    latest = latest_update(engine, draft.ua_number)
    if latest is None:
        return None
    lines: list[str] = []
    if (latest.status, latest.outcome) != (draft.status, draft.outcome):
        lines.append(
            f"Status: {_status(latest.status, latest.outcome)} → "
            f"{_status(draft.status, draft.outcome)}"
        )
    if (latest.deadline_note or "") != (draft.deadline_note or ""):
        lines.append(
            f"Status words: “{latest.deadline_note or '—'}” → “{draft.deadline_note or '—'}”"
        )
    if latest.deadline != draft.deadline:
        lines.append(f"Deadline: {_day(latest.deadline)} → {_day(draft.deadline)}")
    old_names = {name_key(t.name): t.name for t in latest.targets if t.retired_at is None}
    new_names = {name_key(t.name): t.name for t in draft.targets}
    added = [name for key, name in new_names.items() if key not in old_names]
    gone = [name for key, name in old_names.items() if key not in new_names]
    if added:
        lines.append("Targets added: " + ", ".join(added))
    if gone:
        lines.append("Targets gone: " + ", ".join(gone))
    if _words(latest.sample_letter) != _words(draft.sample_letter):
        lines.append("The sample letter changed")
    if not lines:
        lines.append("Nothing differs from the latest update but the update number")
    return UpdateDiff(
        latest_id=latest.id,
        latest_label=latest.label,
        next_update=latest.update_number + 1,
        lines=lines,
    )


def _status(status: CaseStatus, outcome: Outcome | None) -> str:
    return f"{status.value} ({outcome.value})" if outcome else status.value


def _day(day: date | None) -> str:
    return long_date(day) if day else "no end date"


def _words(text: str | None) -> list[str]:
    return (text or "").split()


# --- checking ------------------------------------------------------------------------------


def problems_of(draft: NewCase) -> list[Problem]:
    """Every rule the draft breaks, each naming the field."""
    label = draft.label if UA_NUMBER.fullmatch(draft.ua_number or "") else "the new case"
    problems: list[Problem] = []

    def refuse(name: str, message: str) -> None:
        problems.append(Problem(label, name, message))

    if not UA_NUMBER.fullmatch(draft.ua_number or ""):
        refuse("ua_number", f"expected a UA number such as 44.22, not {draft.ua_number!r}")
    if draft.update_number < 0:
        refuse("update_number", "must be 0 (new) or more")
    values: dict[str, Any] = {
        "title": draft.title,
        "country": draft.country,
        "language": draft.language,
        "people_at_risk": draft.people_at_risk,
        "tags": draft.tags,
        "issued": draft.issued,
    }
    for name, message in text_problems(values):
        refuse(name, message)
    if draft.status is CaseStatus.closed and draft.outcome is None:
        refuse("outcome", "a closed case needs an outcome")
    if draft.status is not CaseStatus.closed and draft.outcome is not None:
        refuse("outcome", f"only a closed case has an outcome; the status is {draft.status.value}")
    if draft.deadline and draft.issued and draft.deadline < draft.issued:
        refuse(
            "deadline",
            f"{long_date(draft.deadline)} is before the issue date, {long_date(draft.issued)}",
        )
    if not draft.targets:
        refuse("targets", "at least one target is required")
        return problems
    changes = tuple(
        TargetChange(None, values=target.column_values(), position=position)
        for position, target in enumerate(draft.targets)
    )
    for name, message in target_problems(Case(targets=[]), changes, status=draft.status):
        refuse(name, message)
    return problems


# --- saving --------------------------------------------------------------------------------


def create_case(
    engine: Engine, draft: NewCase, *, actor: Actor, note: str | None = None
) -> Created:
    """Save the draft as a new case, or as the next update of its UA, in one transaction.

    Raises `EditRefused` (nothing saved) when a rule is broken, including an update number
    the UA already has: the message names the next free one.
    """
    require(actor, Role.editor, to="create cases")
    problems = problems_of(draft)
    if problems:
        raise EditRefused(problems)
    now = datetime.now(UTC)
    try:
        with transaction(engine) as session:
            taken = session.scalar(
                select(func.count()).where(
                    Case.ua_number == draft.ua_number, Case.update_number == draft.update_number
                )
            )
            if taken:
                newest = session.scalar(
                    select(func.max(Case.update_number)).where(Case.ua_number == draft.ua_number)
                )
                raise EditRefused(
                    [
                        Problem(
                            draft.label,
                            "update_number",
                            f"UA {draft.ua_number} already has an update {draft.update_number};"
                            f" save this text as update {(newest or 0) + 1}",
                        )
                    ]
                )
            latest = session.scalars(
                select(Case)
                .where(Case.ua_number == draft.ua_number)
                .order_by(Case.update_number.desc())
                .limit(1)
                .with_for_update()
            ).first()
            case = Case(
                ua_number=draft.ua_number,
                update_number=draft.update_number,
                title=draft.title.strip(),
                country=draft.country.strip(),
                status=draft.status,
                outcome=draft.outcome,
                deadline=draft.deadline,
                deadline_note=draft.deadline_note,
                issued=draft.issued,
                people_at_risk=[dict(person) for person in draft.people_at_risk],
                tags=list(draft.tags),
                summary=draft.summary,
                sample_letter=draft.sample_letter,
                sign_off=draft.sign_off,
                language=draft.language,
                source_text=draft.source_text,
                # An older update of the same UA is replaced only by a later one.
                supersedes_id=(
                    latest.id
                    if latest is not None and latest.update_number < draft.update_number
                    else None
                ),
                targets=[
                    Target(position=position, **target.column_values())
                    for position, target in enumerate(draft.targets)
                ],
            )
            session.add(case)
            session.flush()
            session.add(
                AuditEvent(
                    case_id=case.id,
                    actor=actor.identity,
                    at=now,
                    field="case",
                    old_value=None,
                    new_value=CREATED_FROM_TEXT,
                    note=(note or "").strip() or None,
                    case_version=case.version,
                )
            )
            supersedes = latest.label if case.supersedes_id and latest is not None else None
            return Created(
                case_id=case.id,
                label=case.label,
                ref=queries.case_ref(case.ua_number, case.update_number),
                supersedes=supersedes,
            )
    except IntegrityError:
        # Two editors saving the same update of a UA at the same moment, or two updates
        # both superseding the same one: the unique constraints let one through.
        raise EditRefused(
            [
                Problem(
                    draft.label,
                    "update_number",
                    f"someone saved UA {draft.ua_number} just now; reload and save as the "
                    "next update",
                )
            ]
        ) from None


def is_superseded(engine: Engine, case_id: int) -> str | None:
    """The label of the update that supersedes this case, or None when it is current."""
    with Session(engine) as session:
        newer = session.scalars(select(Case).where(Case.supersedes_id == case_id)).first()
        return newer.label if newer is not None else None


@dataclass(frozen=True)
class TimelineEntry:
    """One update of a UA, for the case page's timeline."""

    case_id: int
    ref: str
    label: str
    update_number: int
    title: str
    status: CaseStatus
    deadline: date | None
    issued: date | None
    created_at: datetime
    superseded_by: str | None
    created_from_text: bool


def timeline(engine: Engine, ua_number: str) -> list[TimelineEntry]:
    """Every update of the UA, first to latest, each with what supersedes it."""
    with Session(engine) as session:
        cases = list(
            session.scalars(
                select(Case).where(Case.ua_number == ua_number).order_by(Case.update_number)
            )
        )
        from_text = set(
            session.scalars(
                select(AuditEvent.case_id).where(
                    AuditEvent.case_id.in_([case.id for case in cases]),
                    AuditEvent.field == "case",
                    AuditEvent.new_value == CREATED_FROM_TEXT,
                )
            )
        )
    by_superseded = {case.supersedes_id: case for case in cases if case.supersedes_id}
    updated = any(case.update_number for case in cases)
    return [
        TimelineEntry(
            case_id=case.id,
            ref=queries.case_ref(case.ua_number, case.update_number, updated=updated),
            label=case.label,
            update_number=case.update_number,
            title=case.title,
            status=case.status,
            deadline=case.deadline,
            issued=case.issued,
            created_at=case.created_at,
            superseded_by=by_superseded[case.id].label if case.id in by_superseded else None,
            created_from_text=case.id in from_text,
        )
        for case in cases
    ]
