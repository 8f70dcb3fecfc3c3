"""Two blocks side by side that wrap, one under the other, when the screen is too narrow for
both: `st.columns` keeps its columns in a row down to a phone's width, so on a tablet or a
window beside another (with the sidebar open) a chart in the narrow column was cut."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator


def side_by_side(
    key: str, *, grow: tuple[int, int] = (3, 2), least: tuple[str, str] = ("26rem", "18rem")
) -> tuple[DeltaGenerator, DeltaGenerator]:
    """A wide and a narrow block in the proportions `grow`, each at least `least` wide:
    when both do not fit, the narrow one moves under the wide one and both take the width."""
    wide, narrow = f"{key}-wide", f"{key}-narrow"
    st.html(
        "<style>"
        f'[data-testid="stLayoutWrapper"]:has(> .st-key-{wide})'
        f" {{ flex: {grow[0]} 1 {least[0]}; min-width: 0; }}"
        f'[data-testid="stLayoutWrapper"]:has(> .st-key-{narrow})'
        f" {{ flex: {grow[1]} 1 {least[1]}; min-width: 0; }}"
        "</style>"
    )
    with st.container(key=key, horizontal=True, gap="large"):
        return st.container(key=wide), st.container(key=narrow)


def card_row(key: str, *, least: str = "11.5rem", first: str = "15rem") -> DeltaGenerator:
    """A row of cards (`st.metric`) that wraps onto more rows rather than cut a card's label
    or digits: each card at least `least` wide, the first (the one with a comparison under
    its figure, which wraps onto a line of its own when it does not fit) at least `first` and
    half as wide again as the others."""
    cards = f'.st-key-{key} > [data-testid="stElementContainer"]'
    st.html(
        "<style>"
        f"{cards} {{ flex: 1 1 {least}; min-width: {least}; }}"
        f"{cards}:first-child {{ flex: 1.5 1 {first}; min-width: {first}; }}"
        # The comparison under a figure goes onto a line of its own rather than be cut.
        f'.st-key-{key} div:has(> [data-testid="stMetricDeltaDescription"])'
        " { flex-wrap: wrap; row-gap: 0.25rem; }"
        f'.st-key-{key} [data-testid="stMetricDeltaDescription"] * {{ white-space: normal; }}'
        "</style>"
    )
    return st.container(key=key, horizontal=True, gap="medium")
