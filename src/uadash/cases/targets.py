"""Editing a case's targets: change any field, add, remove, reorder, change the role.

An edit names only the targets it touches (and, for each, only the fields it changes), so
re-applying it after someone else's save leaves their changes to other targets alone. A
target that reports name is never deleted: it is retired, keeps its totals, and drops out
of the letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from uadash.store.models import ActionReport, Case, Target
from uadash.vocab import CaseStatus, TargetRole

# A person at risk as a case keeps them: {"name": …, "native_name": …, "description": …}.
Person = dict[str, str | None]

TARGET_COLUMNS: Final = (
    "name",
    "title",
    "organisation",
    "address",
    "email",
    "phone",
    "fax",
    "social_handle",
    "salutation",
    "language",
    "role",
    "note",
)
TARGET_LABELS: Final = {
    "name": "name",
    "title": "title",
    "organisation": "organisation",
    "address": "address",
    "email": "email",
    "phone": "phone",
    "fax": "fax",
    "social_handle": "social handle",
    "salutation": "salutation",
    "language": "language",
    "role": "role",
    "note": "note",
}
_MULTILINE: Final = {"address", "note"}
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class TargetState:
    """A target as stored, for a form to start from."""

    target_id: int
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

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in TARGET_COLUMNS}


@dataclass(frozen=True)
class TargetChange:
    """One target added (`target_id=None`, `values` gives its fields), changed (`values`
    holds only the changed fields), moved (`position`: its place among the case's current
    targets, 0 first) or removed (`remove=True`)."""

    target_id: int | None
    values: dict[str, Any] = field(default_factory=dict)
    position: int | None = None
    remove: bool = False


def target_state(target: Target) -> TargetState:
    return TargetState(
        target_id=target.id, **{name: getattr(target, name) for name in TARGET_COLUMNS}
    )


def target_changes(
    before: tuple[TargetState, ...], after: list[dict[str, Any]]
) -> tuple[TargetChange, ...]:
    """The changes that turn the targets an editor loaded into the rows they now have.

    Each row of `after` is a dict of target columns plus `target_id` (None for a new row);
    the order of `after` is the order wanted. Rows without a name are ignored.
    """
    rows = [row for row in after if str(row.get("name") or "").strip()]
    loaded = {state.target_id: state for state in before}
    kept_ids = [row.get("target_id") for row in rows if row.get("target_id") in loaded]
    order_changed = kept_ids != [state.target_id for state in before if state.target_id in kept_ids]
    changes: list[TargetChange] = []
    for position, row in enumerate(rows):
        values = {name: _clean(name, row.get(name)) for name in TARGET_COLUMNS}
        values["role"] = _role(values["role"])
        target_id = row.get("target_id")
        if target_id not in loaded:
            changes.append(TargetChange(None, values=values, position=position))
            continue
        old = loaded[target_id].values()
        differing = {name: value for name, value in values.items() if old[name] != value}
        moved = order_changed
        if differing or moved:
            changes.append(
                TargetChange(target_id, values=differing, position=position if moved else None)
            )
    changes.extend(
        TargetChange(state.target_id, remove=True)
        for state in before
        if state.target_id not in {row.get("target_id") for row in rows}
    )
    return tuple(changes)


def _clean(name: str, value: Any) -> Any:
    if value is None:
        return None
    try:
        if value != value:  # NaN from a data editor's empty cell
            return None
    except (TypeError, ValueError):
        pass
    text = str(value)
    text = text.strip() if name not in _MULTILINE else text.strip("\n").rstrip()
    return text or None


def _role(value: Any) -> Any:
    if value is None:
        return TargetRole.primary
    lowered = str(value).strip().lower()
    if lowered in {"cc", "copy", "copy to", "embassy"}:
        return TargetRole.cc
    if lowered == "primary":
        return TargetRole.primary
    return value


def target_problems(
    case: Case, changes: tuple[TargetChange, ...], *, status: CaseStatus
) -> list[tuple[str, str]]:
    """What is wrong with these target changes of `case`, as (field, message)."""
    problems: list[tuple[str, str]] = []
    current = {target.id: target for target in case.targets if target.retired_at is None}
    result: dict[Any, dict[str, Any]] = {
        target.id: {name: getattr(target, name) for name in TARGET_COLUMNS}
        for target in current.values()
    }
    for number, change in enumerate(changes, start=1):
        if change.target_id is not None and change.target_id not in current:
            problems.append(
                ("targets", f"target {change.target_id} is no longer on the case; reload")
            )
            continue
        if change.remove:
            result.pop(change.target_id, None)
            continue
        key: Any = change.target_id if change.target_id is not None else f"new {number}"
        merged = dict(result.get(key, {name: None for name in TARGET_COLUMNS}))
        merged.update(change.values)
        result[key] = merged
        label = merged.get("name") or f"new target {number}"
        for name, value in change.values.items():
            if name not in TARGET_COLUMNS:
                problems.append((f"target.{name}", f"{label}: no such target field"))
            elif name in {"name"} and not str(value or "").strip():
                problems.append(("target.name", f"{label}: a target needs a name"))
            elif name == "role" and not isinstance(value, TargetRole):
                problems.append(("target.role", f"{label}: choose primary or cc, not {value!r}"))
            elif name == "email" and value and not _EMAIL.fullmatch(str(value)):
                problems.append(("target.email", f"{label}: {value!r} is not an email address"))
            elif isinstance(value, str) and name not in _MULTILINE and "\n" in value:
                problems.append((f"target.{name}", f"{label}: must be on one line"))
            else:
                limit = getattr(Target.__table__.c[name].type, "length", None)
                if isinstance(limit, int) and isinstance(value, str) and len(value) > limit:
                    problems.append(
                        (f"target.{name}", f"{label}: {len(value)} characters; at most {limit} fit")
                    )
        if change.target_id is None and not str(merged.get("name") or "").strip():
            problems.append(("target.name", f"new target {number} needs a name"))
    names = [
        " ".join(str(values.get("name") or "").split()).casefold() for values in result.values()
    ]
    for name in sorted({name for name in names if name and names.count(name) > 1}):
        problems.append(("targets", f"two targets are called {name!r}; keep one"))
    if status is not CaseStatus.draft and not any(
        values.get("role") is TargetRole.primary for values in result.values()
    ):
        problems.append(
            ("targets", f"needs at least one primary target (status is {status.value})")
        )
    return problems


def apply_target_changes(
    session: Session, case: Case, changes: tuple[TargetChange, ...], *, at: datetime
) -> list[tuple[str, Any, Any, str | None]]:
    """Apply checked changes to `case`'s targets; returns (field, old, new, where) per change
    for the audit trail."""
    events: list[tuple[str, Any, Any, str | None]] = []
    active = [target for target in case.targets if target.retired_at is None]
    retired = [target for target in case.targets if target.retired_at is not None]
    by_id = {target.id: target for target in active}
    old_order = [target.name for target in active]
    wanted: dict[int, int] = {}  # id(target) -> position asked for

    for change in changes:
        if change.remove:
            target = by_id[change.target_id]  # type: ignore[index]
            active.remove(target)
            if _has_reports(session, target.id):
                target.retired_at = at
                retired.append(target)
                events.append(
                    (
                        "targets",
                        target.name,
                        None,
                        f"target {target.name!r} retired: it has reports, which keep counting",
                    )
                )
            else:
                case.targets.remove(target)
                events.append(("targets", target.name, None, f"target {target.name!r} removed"))
            continue
        if change.target_id is None:
            target = Target(**{name: change.values.get(name) for name in TARGET_COLUMNS})
            target.role = change.values.get("role") or TargetRole.primary
            active.append(target)
            events.append(("targets", None, target.name, f"target {target.name!r} added"))
        else:
            target = by_id[change.target_id]
            for name, value in change.values.items():
                old = getattr(target, name)
                if old != value:
                    events.append((f"target.{name}", old, value, f"target {target.name!r}"))
                    setattr(target, name, value)
        if change.position is not None:
            wanted[id(target)] = change.position

    order = sorted(
        enumerate(active),
        key=lambda pair: (wanted.get(id(pair[1]), pair[0]), pair[0]),
    )
    active = [target for _, target in order]
    new_order = [target.name for target in active]
    if [name for name in old_order if name in new_order] != [
        name for name in new_order if name in old_order
    ]:
        events.append(("targets", ", ".join(old_order), ", ".join(new_order), "order"))
    # (case_id, position) is unique row by row: park every stored target on a negative
    # position first, so that no move collides halfway.
    for parking, target in enumerate(case.targets, start=1):
        if target.id is not None:
            target.position = -parking
    session.flush()
    final = [*active, *retired]
    for position, target in enumerate(final):
        target.position = position
    case.targets = final
    return events


def _has_reports(session: Session, target_id: int) -> bool:
    return bool(session.scalar(select(exists().where(ActionReport.target_id == target_id))))
