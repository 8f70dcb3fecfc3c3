"""The presentation view's Streamlit pieces: full-screen mode from `?present=1`, the filters
(kept in the URL, so one link opens the same view on the projector), and large type.

A URL such as `/present?present=1&period=this-quarter&case=44.22-2` opens the present page
with the sidebar collapsed, showing this quarter for UA 44.22 (update 2) against the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import streamlit as st

from uadash import figures, queries
from uadash.periods import SPAN_LABELS, Comparison, Span, compare
from uadash.queries import CaseFilter, Period
from uadash.ui import session

PRESENT_PARAM = "present"
DEFAULT_SPAN = Span.this_quarter
KEY = "present"


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
    _seed("case", [ref for ref in st.query_params.get_all("case") if ref in labels])
    _seed("country", _allowed("country", options.countries))
    _seed("tag", _allowed("tag", options.tags))
    _seed("period", _span_from_url() or DEFAULT_SPAN)
    with st.sidebar:
        st.subheader("What to show")
        refs = st.multiselect(
            "Case",
            list(labels),
            format_func=labels.__getitem__,
            placeholder="All cases",
            key=f"{KEY}-case",
        )
        countries = st.multiselect(
            "Country", options.countries, placeholder="All countries", key=f"{KEY}-country"
        )
        tags = st.multiselect("Tag", options.tags, placeholder="All tags", key=f"{KEY}-tag")
        whole_ua = st.toggle(
            "Count each UA across all its updates",
            key=f"{KEY}-whole-ua",
            help="On: a chosen update counts with every other update of its UA. Off: alone.",
        )
        chosen = st.selectbox(
            "Period", list(Span), format_func=SPAN_LABELS.__getitem__, key=f"{KEY}-period"
        )
        span = Span(chosen or DEFAULT_SPAN)
        filters = CaseFilter(
            countries=tuple(countries),
            tags=tuple(tags),
            case_ids=tuple(by_ref[ref] for ref in refs),
            whole_ua=whole_ua,
        )
        dates = _dates(today) if span == Span.dates else None
    lifetime = session.cached(figures.campaign_lifetime, filters=filters, today=today)
    comparison = compare(span, today=today, dates=dates, lifetime=lifetime)
    _to_url("case", refs)
    _to_url("country", countries)
    _to_url("tag", tags)
    _to_url("period", [] if span == DEFAULT_SPAN else [span.value])
    _to_url("from", [dates.start.isoformat()] if dates else [])
    _to_url("to", [dates.end.isoformat()] if dates else [])
    names = {choice.ref: choice.label for choice in choices}
    scope = [names[ref] for ref in refs] + countries + [f"tag: {tag}" for tag in tags]
    return Shown(filters, comparison, " · ".join(scope) or "All cases")


def _dates(today: date) -> Period:
    default = _period_from_url() or Period(today - timedelta(days=89), today)
    chosen = st.date_input(
        "From – to",
        value=(default.start, default.end),
        format="YYYY-MM-DD",
        key=f"{KEY}-dates",
    )
    # While only the first day of the range is picked, show that day alone.
    days = [d for d in (chosen if isinstance(chosen, tuple) else (chosen,)) if d is not None]
    return Period(min(days), max(days)) if days else default


def _seed(name: str, value: list[str] | Span | None) -> None:
    """Start a widget from the URL the first time the page runs in this session."""
    key = f"{KEY}-{name}"
    if key in st.session_state or not value:
        return
    st.session_state[key] = value


def _allowed(name: str, known: list[str]) -> list[str]:
    return [value for value in st.query_params.get_all(name) if value in known]


def _span_from_url() -> Span | None:
    try:
        return Span(st.query_params.get("period", ""))
    except ValueError:
        return None


def _period_from_url() -> Period | None:
    try:
        start = date.fromisoformat(st.query_params.get("from", ""))
        end = date.fromisoformat(st.query_params.get("to", ""))
        return Period(min(start, end), max(start, end))
    except ValueError:
        return None


def _to_url(name: str, values: list[str]) -> None:
    """Write a filter back to the URL (only when it changed: each write is a message)."""
    if st.query_params.get_all(name) == values:
        return
    if values:
        st.query_params[name] = values
    else:
        del st.query_params[name]


PROJECTOR_CSS = """
<style>
  [data-testid="stMetricValue"] { font-size: 3.4rem; line-height: 1.1; }
  [data-testid="stMetricLabel"] p { font-size: 1.25rem; }
  [data-testid="stMetricDelta"] { font-size: 1.2rem; }
  [data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
</style>
"""


def projector_style() -> None:
    """Large numbers and a small top margin, on this page only."""
    st.html(PROJECTOR_CSS)
