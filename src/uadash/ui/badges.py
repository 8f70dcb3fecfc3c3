"""Readable status badges, the same wording and colours on every page."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, Literal

from uadash.wording import deadline_phrase, status_label

BadgeColour = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray"]


def attention(status: str, days_left: int | None) -> tuple[str, BadgeColour]:
    """The one word that says what a case needs, and its colour."""
    if status == "active" and days_left is not None and days_left < 0:
        return "Deadline passed", "red"
    if status == "active" and days_left is not None and days_left < 7:
        return "Due soon", "orange"
    return {
        "active": ("Active", "green"),
        "paused": ("Paused", "yellow"),
        "draft": ("Draft", "gray"),
        "closed": ("Closed", "blue"),
    }.get(status, (status, "gray"))  # type: ignore[return-value]


# Background and text colours for a status cell: light tints that keep the text readable.
CELL_STYLES: dict[str, str] = {
    "red": "background-color: #fde2e1; color: #8a1c1c",
    "orange": "background-color: #fff0d6; color: #7a4a00",
    "green": "background-color: #e3f5e9; color: #1d5e34",
    "yellow": "background-color: #f6f3d4; color: #5c5500",
    "gray": "background-color: #eeeeee; color: #444444",
    "blue": "background-color: #e3eefb; color: #1b4a7a",
}


_CELL_BACKGROUND = {
    style: style.split(";")[0].split(":")[1].strip() for style in CELL_STYLES.values()
}


def status_cell(row: Any) -> str:
    """A status for a table cell: `Deadline passed`, `Closed — released`."""
    days_left = None if row["days_left"] is None or _isna(row["days_left"]) else row["days_left"]
    word, _ = attention(str(row["status"]), days_left)
    outcome = row.get("outcome")
    if row["status"] == "closed" and outcome and not _isna(outcome):
        word = status_label("closed", outcome)
    return str(word)


def status_cells(frame: Any) -> list[list[str]]:
    """`status_cell` of every row of a cases frame, each as a one-item list: the cell of a
    read-only `MultiselectColumn`, which draws it as a coloured label (`status_column`)."""
    return [
        [_status_word(str(status), None if _isna(days) else int(days), _text(outcome))]
        for status, days, outcome in zip(
            frame["status"], frame["days_left"], frame["outcome"], strict=True
        )
    ]


@lru_cache(maxsize=4096)
def _status_word(status: str, days_left: int | None, outcome: str | None) -> str:
    return status_cell({"status": status, "days_left": days_left, "outcome": outcome})


def _text(value: Any) -> str | None:
    return None if value is None or _isna(value) else str(value)


def status_column_colours(cells: list[list[str]]) -> tuple[list[str], list[str]]:
    """The options and their colours for a `MultiselectColumn` of `status_cells`.

    Coloured labels in the table, without a pandas Styler: styling every cell of a table of
    1,200 cases took about a second per rerun.
    """
    options = sorted({cell[0] for cell in cells})
    return options, [_CELL_BACKGROUND[status_cell_style(option)] for option in options]


def status_cell_style(text: str) -> str:
    """The CSS for a status cell written by `status_cell`."""
    colour = next((c for w, c in _WORD_COLOURS.items() if text.startswith(w)), "gray")
    return CELL_STYLES[colour]


_WORD_COLOURS: dict[str, BadgeColour] = {
    "Deadline passed": "red",
    "Due soon": "orange",
    "Active": "green",
    "Paused": "yellow",
    "Draft": "gray",
    "Closed": "blue",
}


def _isna(value: Any) -> bool:
    try:
        return bool(value != value)  # NaN and pd.NA are not equal to themselves
    except TypeError:
        return True


def status_badges(status: str, outcome: str | None, deadline: date | None, *, today: date) -> str:
    """The status and deadline of one case as inline Markdown badges, side by side."""
    days_left = (deadline - today).days if deadline else None
    word, colour = attention(status, days_left)
    badges = [_badge(status_label(status, outcome), "blue" if status == "closed" else colour)]
    if word in ("Deadline passed", "Due soon"):
        badges.append(_badge(word, colour))
    badges.append(_badge(deadline_phrase(deadline, today=today).capitalize(), "gray"))
    return " ".join(badges)


def _badge(text: str, colour: BadgeColour) -> str:
    safe = text.replace("[", "(").replace("]", ")")
    return f":{colour}-badge[{safe}]"
