"""The filter widgets pages share: which cases, which period, which resolution."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from uadash import queries
from uadash.database import Engine
from uadash.queries import Bucket, CaseFilter, Period
from uadash.vocab import STATUS_LABELS, CaseStatus

PRESETS = ["Last 7 days", "Last 30 days", "Last 90 days", "Last 12 months", "This year", "Dates…"]


def case_filter(engine: Engine, *, key: str) -> CaseFilter:
    """Status, country and tag pickers in the sidebar; empty pickers mean "all"."""
    options = queries.filter_options(engine)
    with st.sidebar:
        st.subheader("Cases")
        statuses = st.multiselect(
            "Status",
            list(CaseStatus),
            format_func=lambda s: STATUS_LABELS[CaseStatus(s)],
            placeholder="All statuses",
            key=f"{key}-status",
        )
        countries = st.multiselect(
            "Country", options.countries, placeholder="All countries", key=f"{key}-country"
        )
        tags = st.multiselect("Tag", options.tags, placeholder="All tags", key=f"{key}-tag")
    return CaseFilter(statuses=tuple(statuses), countries=tuple(countries), tags=tuple(tags))


def updates_toggle(*, key: str) -> bool:
    """Whether a UA counts across all its updates (on) or each update alone (off)."""
    with st.sidebar:
        return st.toggle(
            "Count each UA across all its updates",
            key=f"{key}-whole-ua",
            help="On: one row per UA, with the reports of every update. Off: each update "
            "counts only its own reports, and a superseded update has its own row.",
        )


def period_picker(
    *, today: date, key: str, default: str = "Last 90 days", whole: Period | None = None
) -> Period:
    """A preset period ending today, or two dates; shown in the sidebar.

    With `whole`, a first choice "Whole campaign" covers that period and is the default.
    """
    presets = (["Whole campaign"] if whole else []) + PRESETS
    with st.sidebar:
        st.subheader("Period")
        index = 0 if whole else presets.index(default)
        preset = st.selectbox("Period", presets, index=index, key=f"{key}-preset")
        if preset == "Whole campaign" and whole:
            return whole
        if preset != "Dates…":
            return preset_period(preset, today=today)
        chosen = st.date_input(
            "From – to",
            value=(today - timedelta(days=89), today),
            max_value=today,
            format="YYYY-MM-DD",
            key=f"{key}-dates",
        )
    # While the user has picked only the first day of the range, show that day alone.
    days = [d for d in (chosen if isinstance(chosen, tuple) else (chosen,)) if d is not None]
    if not days:
        return preset_period(default, today=today)
    return Period(min(days), max(days))


def preset_period(preset: str, *, today: date) -> Period:
    if preset == "This year":
        return Period(date(today.year, 1, 1), today)
    days = {"Last 7 days": 7, "Last 30 days": 30, "Last 90 days": 90, "Last 12 months": 365}
    return Period(today - timedelta(days=days[preset] - 1), today)


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
