"""Choosing a case (kept in the URL as `?case=44.22-2`, so a page can be shared) and a target."""

from __future__ import annotations

import streamlit as st

from uadash import queries
from uadash.database import Engine
from uadash.queries import Case, Target
from uadash.ui.text import md
from uadash.vocab import TargetRole

PICKER_KEY = "case-picker"


def case_picker(engine: Engine, *, label: str = "Case") -> Case | None:
    """A case selectbox that follows `?case=` in the URL and writes the choice back to it.

    Returns None, after saying why, when there are no cases at all.
    """
    choices = queries.case_choices(engine)
    if not choices:
        st.info("There are no cases yet. Load the case files with `uadash init`.")
        return None
    labels = {choice.ref: f"{choice.label} — {choice.title}" for choice in choices}

    wanted = st.query_params.get("case")
    if wanted:
        found = queries.find_case(engine, wanted)
        if found is None:
            st.warning(f"There is no case “{md(wanted, inline=True)}”. Choose one below.")
        else:
            st.session_state[PICKER_KEY] = queries.case_ref(found.ua_number, found.update_number)
    if st.session_state.get(PICKER_KEY) not in labels:
        st.session_state[PICKER_KEY] = choices[0].ref

    ref = st.selectbox(
        label, list(labels), format_func=labels.__getitem__, key=PICKER_KEY, on_change=_to_url
    )
    st.query_params["case"] = ref
    return queries.find_case(engine, ref)


def _to_url() -> None:
    st.query_params["case"] = st.session_state[PICKER_KEY]


def target_picker(case: Case, *, key: str) -> Target | None:
    """One of the case's targets, primary targets first as in the case file."""
    current = [target for target in case.targets if target.retired_at is None]
    if not current:
        st.warning(f"{case.label} has no targets on file.")
        return None
    by_id = {target.id: target for target in current}
    chosen = st.radio(
        "Target",
        list(by_id),
        format_func=lambda i: md(_target_label(by_id[i])),  # radio labels are Markdown
        key=f"{key}-target-{case.id}",
    )
    return by_id[chosen]


def _target_label(target: Target) -> str:
    parts = [target.name]
    if target.title:
        parts.append(target.title)
    label = " — ".join(parts)
    return f"{label} (CC)" if target.role == TargetRole.cc else label
