"""The presentation view's Streamlit pieces: full-screen mode from `?present=1`, the filters
(kept in the URL, so one link opens the same view on the projector), and large type.

A URL such as `/present?present=1&period=this-quarter&case=44.22-2` opens the present page
with the sidebar collapsed, showing this quarter for UA 44.22 (update 2) against the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import streamlit as st

from uadash import figures, queries
from uadash.periods import Comparison
from uadash.queries import CaseFilter
from uadash.ui import session, state
from uadash.ui.filters import period_picker

PRESENT_PARAM = "present"


def presenting() -> bool:
    """Whether the URL asks for the full-screen presentation (`?present=1`)."""
    return st.query_params.get(PRESENT_PARAM, "").lower() in ("1", "true", "yes")


def initial_sidebar_state() -> Literal["collapsed", "auto"]:
    """For `st.set_page_config` in app.py, before navigation: collapsed when presenting.

    It is sent on every run, "auto" included, because the setting carries over to the next
    run when left out: a page opened after the presentation would keep its sidebar hidden."""
    return "collapsed" if presenting() else "auto"


@dataclass(frozen=True)
class Shown:
    """What the present page shows: which cases, which period, and both in words."""

    filters: CaseFilter
    comparison: Comparison
    scope: str  # "All cases", "UA 44.22 (update 2)", "China · tag: metoo"


def present_filters(*, today: date) -> Shown:
    """Case, country and tag pickers and the period, in the sidebar and in the URL."""
    choices = session.cached(queries.case_choices)
    labels = {choice.ref: f"{choice.label} — {choice.title}" for choice in choices}
    by_ref = {choice.ref: choice.id for choice in choices}
    options = session.cached(queries.filter_options)
    with st.sidebar:
        st.subheader("What to show")
        refs = state.multiselect(
            "Case",
            list(labels),
            name="case",
            format_func=labels.__getitem__,
            placeholder="All cases",
        )
        countries = state.multiselect(
            "Country", options.countries, name="country", placeholder="All countries"
        )
        tags = state.multiselect("Tag", options.tags, name="tag", placeholder="All tags")
        whole_ua = st.toggle(
            "Count each UA across all its updates",
            key="present-whole-ua",
            help="On: a chosen update counts with every other update of its UA. Off: alone.",
        )
    filters = CaseFilter(
        countries=tuple(countries),
        tags=tuple(tags),
        case_ids=tuple(by_ref[ref] for ref in refs),
        whole_ua=whole_ua,
    )
    lifetime = session.cached(figures.campaign_lifetime, filters=filters, today=today)
    comparison = period_picker(today=today, lifetime=lifetime)
    names = {choice.ref: choice.label for choice in choices}
    scope = [names[ref] for ref in refs] + countries + [f"tag: {tag}" for tag in tags]
    return Shown(filters, comparison, " · ".join(scope) or "All cases")


# Type that grows with the screen but never past what its card holds (st.metric cuts a value
# that does not fit with "…"): the total's card and the channels' cards share a row where it
# is wide enough and wrap onto more rows where it is not, each card at least as wide as its
# change ("+26,074 (+1158%)"). Checked from 390 px to 1920 px wide by tests/browser.
PROJECTOR_CSS = """
<style>
  [data-testid="stLayoutWrapper"]:has(> .st-key-present-total) { flex: 1 1 13rem; }
  [data-testid="stLayoutWrapper"]:has(> .st-key-present-channels) { flex: 3 1 52rem; }
  .st-key-present-channels > [data-testid="stElementContainer"] {
    flex: 1 1 10rem; min-width: 10rem; }
  .st-key-present-total [data-testid="stMetricValue"] {
    font-size: clamp(2.2rem, 3.4vw, 4.2rem); line-height: 1.1; }
  .st-key-present-channels [data-testid="stMetricValue"] {
    font-size: clamp(1.5rem, 2.1vw, 2.8rem); line-height: 1.15; }
  [data-testid="stMetricLabel"] p { font-size: clamp(1rem, 1.1vw, 1.3rem); }
  [data-testid="stMetricDelta"] { font-size: clamp(0.85rem, 0.95vw, 1.15rem); }
  [data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
</style>
"""


def projector_style() -> None:
    """Large numbers and a small top margin, on this page only."""
    st.html(PROJECTOR_CSS)
