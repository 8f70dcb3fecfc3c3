"""Readable status badges, the same wording and colours on every page."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from uadash.wording import (
    SUGGESTED_DATE,
    attention_word,
    deadline_phrase,
    status_label,
    suggested_only,
)

BadgeColour = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray"]


def attention(
    status: str, days_left: int | None, *, suggested: bool = False
) -> tuple[str, BadgeColour]:
    """The one word that says what a case needs (`wording.attention_word`), and its colour."""
    word = attention_word(status, days_left=days_left, suggested=suggested)
    return word, next((c for w, c in _WORD_COLOURS.items() if word.startswith(w)), "gray")


# Background and text colours for a status cell: light tints that keep the text readable.
CELL_STYLES: dict[str, str] = {
    "red": "background-color: #fde2e1; color: #8a1c1c",
    "orange": "background-color: #fff0d6; color: #7a4a00",
    "green": "background-color: #e3f5e9; color: #1d5e34",
    "yellow": "background-color: #f6f3d4; color: #5c5500",
    "gray": "background-color: #eeeeee; color: #444444",
    "blue": "background-color: #e3eefb; color: #1b4a7a",
}


def status_cell(row: Any) -> str:
    """A status for a table cell (the `attention` column of `queries.list_cases`)."""
    return str(row["attention"])


def status_cell_style(text: str) -> str:
    """The CSS for a status cell written by `status_cell`."""
    colour = next((c for w, c in _WORD_COLOURS.items() if text.startswith(w)), "gray")
    return CELL_STYLES[colour]


_WORD_COLOURS: dict[str, BadgeColour] = {
    "Deadline passed": "red",
    SUGGESTED_DATE: "yellow",
    "Due soon": "orange",
    "Active": "green",
    "Paused": "yellow",
    "Draft": "gray",
    "Closed": "blue",
}


def status_badges(
    status: str,
    outcome: str | None,
    deadline: date | None,
    *,
    today: date,
    deadline_note: str | None = None,
) -> str:
    """The status and deadline of one case as inline Markdown badges, side by side."""
    days_left = (deadline - today).days if deadline else None
    suggested = suggested_only(deadline_note)
    word, colour = attention(status, days_left, suggested=suggested)
    own = "blue" if status == "closed" else attention(status, None)[1]
    badges = [_badge(status_label(status, outcome), own)]
    if word in ("Deadline passed", "Due soon", SUGGESTED_DATE):
        badges.append(_badge(word, colour))
    if not (suggested and days_left is not None and days_left < 0):
        badges.append(_badge(deadline_phrase(deadline, today=today).capitalize(), "gray"))
    return " ".join(badges)


def _badge(text: str, colour: BadgeColour) -> str:
    safe = text.replace("[", "(").replace("]", ")")
    return f":{colour}-badge[{safe}]"
