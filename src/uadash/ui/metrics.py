"""A figure and its change as a Streamlit metric, written the same way on every page."""

from __future__ import annotations

from typing import Any

from uadash.figures import Change
from uadash.periods import Comparison
from uadash.wording import day_range, number


def versus(comparison: Comparison) -> str | None:
    """`vs 1 January – 1 December 2025`; None without a previous period."""
    previous = comparison.previous
    return f"vs {day_range(previous.start, previous.end)}" if previous else None


def change_metric(
    where: Any,
    label: str,
    change: Change,
    *,
    description: str | None = None,
    help: str | None = None,
) -> None:
    """`12,345` with `+1,234 (+12%)` under it, green or red; a change of zero is a grey
    "no change" with no arrow, and a period with nothing before it shows no change at all."""
    moved = bool(change.difference)
    where.metric(
        label,
        number(change.current),
        change.describe(),
        delta_color="normal" if moved else "off",
        delta_arrow="auto" if moved else "off",
        delta_description=description,
        help=help,
        border=True,
    )
