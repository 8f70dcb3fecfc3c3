"""The filter widgets pages share, all kept in the URL (`ui.state`): which cases, which
period, which resolution."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from uadash import queries
from uadash.database import Engine
from uadash.periods import DEFAULT_SPAN, SPAN_LABELS, Comparison, Span, compare
from uadash.queries import Bucket, CaseFilter, Period
from uadash.ui import state
from uadash.vocab import STATUS_LABELS, CaseStatus


def case_filter(engine: Engine, *, statuses: bool = True) -> CaseFilter:
    """Status, country and tag pickers in the sidebar; empty pickers mean "all"."""
    options = queries.filter_options(engine)
    with st.sidebar:
        st.subheader("Cases")
        chosen = (
            state.multiselect(
                "Status",
                [status.value for status in CaseStatus],
                name="status",
                format_func=lambda s: STATUS_LABELS[CaseStatus(s)],
                placeholder="All statuses",
            )
            if statuses
            else []
        )
        countries = state.multiselect(
            "Country", options.countries, name="country", placeholder="All countries"
        )
        tags = state.multiselect("Tag", options.tags, name="tag", placeholder="All tags")
    return CaseFilter(
        statuses=tuple(CaseStatus(s) for s in chosen), countries=tuple(countries), tags=tuple(tags)
    )


def updates_toggle(*, key: str) -> bool:
    """Whether a UA counts across all its updates (on) or each update alone (off)."""
    with st.sidebar:
        return st.toggle(
            "Count each UA across all its updates",
            key=f"{key}-whole-ua",
            help="On: one row per UA, with the reports of every update. Off: each update "
            "counts only its own reports, and a superseded update has its own row.",
        )


def period_picker(*, today: date, lifetime: Period) -> Comparison:
    """The one period picker of every page (`?period=`, and `?from=&to=` for dates), in the
    sidebar: the chosen period and the one it is compared with (`periods.compare`).

    `lifetime` is what "Campaign lifetime" covers on this page: the chosen cases' days."""
    with st.sidebar:
        st.subheader("Period")
        span = Span(
            state.selectbox(
                "Period",
                [span.value for span in Span],
                name="period",
                default=DEFAULT_SPAN.value,
                format_func=lambda s: SPAN_LABELS[Span(s)],
            )
        )
        dates = _dates(today) if span == Span.dates else None
    return compare(span, today=today, dates=dates, lifetime=lifetime)


def _dates(today: date) -> Period:
    """Two date fields, each applied as soon as it is typed or picked (a range picker waits
    for its second day, and a typed range only applies after a click elsewhere)."""
    fallback = Period(today - timedelta(days=89), today)
    given = {name: _day(st.query_params.get(name)) for name in ("from", "to")}
    days = {"from": given["from"] or fallback.start, "to": given["to"] or fallback.end}
    for name, label in (("from", "From"), ("to", "To")):
        key = f"url-{name}"
        st.session_state[key] = days[name]
        days[name] = (
            st.date_input(
                label,
                format="YYYY-MM-DD",
                key=key,
                on_change=_write_day,
                args=(name, key),
            )
            or days[name]
        )
    start, end = days["from"], days["to"]
    return Period(min(start, end), max(start, end))


def _write_day(name: str, key: str) -> None:
    day = st.session_state.get(key)
    state.write(name, [day.isoformat()] if day else [])


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def bucket_picker(*, key: str, default: Bucket = Bucket.week) -> Bucket:
    """Day, week or month, as a row of buttons."""
    chosen = st.segmented_control(
        "Resolution",
        list(Bucket),
        default=default,
        format_func=lambda b: Bucket(b).value.capitalize(),
        required=True,
        key=f"{key}-bucket",
    )
    return Bucket(chosen)
