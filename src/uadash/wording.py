"""How numbers, dates and deadlines are written for people."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from uadash.vocab import OUTCOME_LABELS, STATUS_LABELS, CaseStatus, Outcome


def long_date(day: date) -> str:
    """`18 March 2025`."""
    return f"{day.day} {day:%B %Y}"


def moment(at: datetime, zone: tzinfo) -> str:
    """`18 March 2025, 14:05` in `zone`."""
    local = at.astimezone(zone)
    return f"{long_date(local.date())}, {local:%H:%M}"


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


def day_range(start: date, end: date) -> str:
    """`5 March 2025`, `1–24 November 2026`, `1 October – 24 November 2026`,
    `15 December 2025 – 14 January 2026`."""
    if start == end:
        return long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{long_date(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {long_date(end)}"
    return f"{long_date(start)} – {long_date(end)}"


def between(start: date, end: date) -> str:
    """The period as a sentence says it: `on 5 March 2025`, `between 1 and 31 March 2025`,
    `between 1 January and 31 March 2025`, `between 15 December 2024 and 14 January 2025`."""
    if start == end:
        return f"on {long_date(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"between {start.day} and {long_date(end)}"
    if start.year == end.year:
        return f"between {start.day} {start:%B} and {long_date(end)}"
    return f"between {long_date(start)} and {long_date(end)}"


def listing(items: list[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
