"""How numbers, dates and deadlines are written for people."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from uadash.vocab import OUTCOME_LABELS, STATUS_LABELS, CaseStatus, Outcome

DUE_SOON_DAYS = 7  # "due soon": today or within the next 6 days


def iso_date(day: date | None) -> str:
    """`2025-03-18` for tables and files; `—` for none."""
    return day.isoformat() if day else "—"


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


def number(value: int | float | None) -> str:
    """`12,345`; `—` for a missing value (never "None" or "nan")."""
    if _missing(value):
        return "—"
    return f"{round(value or 0):,}"


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is not equal to itself
    except TypeError:  # pd.NA refuses to be a bool
        return True


def signed(value: int | None, percent: float | None = None) -> str:
    """A change as people read it: `+1,234 (+12%)`, `-56 (-3%)`, `no change`; `—` for none.

    A change of zero is words, not a green "+0". (The minus stays a hyphen-minus: that is
    what Streamlit's metric reads to colour a fall red.)"""
    if value is None or _missing(value):
        return "—"
    if value == 0:
        return "no change"
    text = f"{value:+,}"
    if percent is not None:
        text += f" ({percent:+.0f}%)"
    return text


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


SUGGESTED_DATE = "Past the suggested date"


def suggested_only(deadline_note: str | None) -> bool:
    """Whether the case's deadline is only a suggested date: the UA says the action "has no
    end date" (UA 44.22 says both that and "take action … until 18 March 2025")."""
    return "no end date" in (deadline_note or "").lower()


def attention_word(
    status: str | CaseStatus,
    outcome: str | Outcome | None = None,
    *,
    days_left: int | None,
    suggested: bool = False,
) -> str:
    """The one phrase that says what a case needs, the same on every page and in the CLI:
    `Deadline passed`, `Past the suggested date` (still open: the action has no end date),
    `Due soon`, `Active`, `Paused`, `Draft`, `Closed — released`."""
    status = CaseStatus(status)
    if status == CaseStatus.active and days_left is not None and days_left < 0:
        return SUGGESTED_DATE if suggested else "Deadline passed"
    if status == CaseStatus.active and days_left is not None and days_left < DUE_SOON_DAYS:
        return "Due soon"
    return status_label(status, outcome if status == CaseStatus.closed else None)


def days_left_text(days_left: int | None) -> str:
    """`12`, `0`, `-3`, `-1,024` for a table cell; `—` without a deadline."""
    if days_left is None or _missing(days_left):
        return "—"
    return f"{days_left:,}"


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
