"""How numbers, dates and deadlines are written for people."""

from __future__ import annotations

from datetime import date

from uadash.vocab import OUTCOME_LABELS, STATUS_LABELS, CaseStatus, Outcome


def long_date(day: date) -> str:
    """`18 March 2025`."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """`18 Mar 2025`."""
    return f"{day.day} {day:%b %Y}"


def number(value: int) -> str:
    """`12,345`."""
    return f"{value:,}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 day`, `3 days`, `1,200 letters`."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{number(count)} {word}"


def deadline_phrase(deadline: date | None, *, today: date) -> str:
    """`no end date`, `due today`, `due in 5 days`, `3 days overdue`."""
    if deadline is None:
        return "no end date"
    days = (deadline - today).days
    if days == 0:
        return "due today"
    if days > 0:
        return f"due in {plural(days, 'day')}"
    return f"{plural(-days, 'day')} overdue"


def status_label(status: str | CaseStatus, outcome: str | Outcome | None = None) -> str:
    """`Active`, `Closed — released`."""
    label = STATUS_LABELS[CaseStatus(status)]
    if outcome:
        label += f" — {OUTCOME_LABELS[Outcome(outcome)].lower()}"
    return label
