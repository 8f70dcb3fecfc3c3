"""Choosing a case (kept in the URL as `?case=44.22-2`, so a page can be shared) and a target."""

from __future__ import annotations

import streamlit as st

from uadash import queries
from uadash.database import Engine
from uadash.queries import Case, Target
from uadash.ui import session, state
from uadash.ui.text import md
from uadash.vocab import TargetRole

PICKER_KEY = "case-picker"


def case_picker(engine: Engine, *, label: str = "Case") -> Case | None:
    """A case selectbox that follows `?case=` in the URL and writes the choice back to it.

    Returns None, after saying why, when there are no cases at all.
    """
    choices = session.cached(queries.case_choices)  # 1,200 cases: not on every click
    if not choices:
        st.info("There are no cases yet. Load the case files with `uadash init`.")
        return None
    labels = {choice.ref: f"{choice.label} — {choice.title}" for choice in choices}
    refs = {choice.id: choice.ref for choice in choices}  # `44.22-0` once 44.22 has updates

    wanted = st.query_params.get("case")
    found = None
    if wanted:
        found = queries.find_case(engine, wanted)
        if found is None:
            st.warning(f"There is no case “{md(wanted, inline=True)}”. Choose one below.")
        else:
            st.session_state[PICKER_KEY] = refs.get(found.id)
    if st.session_state.get(PICKER_KEY) not in labels:
        st.session_state[PICKER_KEY] = choices[0].ref

    ref = st.selectbox(
        label, list(labels), format_func=labels.__getitem__, key=PICKER_KEY, on_change=_to_url
    )
    st.query_params["case"] = ref
    if found is not None and refs.get(found.id) == ref:
        return found  # the case the URL named: no second read
    return queries.find_case(engine, ref)


def _to_url() -> None:
    st.query_params["case"] = st.session_state[PICKER_KEY]


def target_picker(case: Case, *, key: str) -> Target | None:
    """One of the case's targets, primary targets first as in the case file; kept in the URL
    by name (`?target=Zhang Rui`), so a shared link opens the same letter."""
    current = [target for target in case.targets if target.retired_at is None]
    if not current:
        st.warning(f"{case.label} has no targets on file.")
        return None
    by_name = {target.name: target for target in current}
    widget = f"{key}-target-{case.id}"
    wanted = st.query_params.get("target")
    st.session_state[widget] = wanted if wanted in by_name else current[0].name
    chosen = st.radio(
        "Target",
        list(by_name),
        format_func=lambda name: md(_target_label(by_name[name])),  # radio labels are Markdown
        key=widget,
        on_change=lambda: state.write("target", [st.session_state[widget]]),
    )
    return by_name[chosen]


def _target_label(target: Target) -> str:
    parts = [target.name]
    if target.title:
        parts.append(target.title)
    label = " — ".join(parts)
    return f"{label} (CC)" if target.role == TargetRole.cc else label
