"""A UA's updates on its case page: the superseded mark, and the updates as a timeline, each
with its own count of actions and the count of the whole UA."""

from __future__ import annotations

import streamlit as st

from uadash import queries
from uadash.cases import create
from uadash.database import Engine
from uadash.queries import Case
from uadash.ui.text import md
from uadash.wording import long_date, number, status_label


def superseded_mark(engine: Engine, case: Case) -> None:
    """Says so when a later update replaced this case; its reports stay with it."""
    newer = create.is_superseded(engine, case.id)
    if newer is None:
        return
    latest = queries.find_case(engine, case.ua_number)
    st.warning(
        f"**Superseded** by {md(newer, inline=True)}: a later update of this UA replaced "
        "it. Its reports stay here and count for the UA.",
        icon=":material/history:",
    )
    if latest is not None:
        st.page_link(
            "pages/case.py",
            label=f"Open {latest.label}, the latest update",
            query_params={"case": queries.case_ref(latest.ua_number, latest.update_number)},
            icon=":material/arrow_forward:",
        )


def updates_timeline(engine: Engine, case: Case) -> None:
    """Every update of the case's UA, first to latest, this one marked."""
    entries = create.timeline(engine, case.ua_number)
    if len(entries) < 2 and not any(entry.superseded_by for entry in entries):
        st.caption(f"{md(case.label, inline=True)} is the only update of this UA on file.")
        return
    ids = [entry.case_id for entry in entries]
    whole = queries.total_actions(engine, ids)
    st.caption(
        f"UA {md(case.ua_number, inline=True)}: {len(entries)} updates, "
        f"{number(whole)} actions reported across all of them."
    )
    for entry in entries:
        here = entry.case_id == case.id
        actions = queries.total_actions(engine, [entry.case_id])
        facts = [
            status_label(entry.status, None),
            f"deadline {long_date(entry.deadline)}" if entry.deadline else "no end date",
            f"{number(actions)} actions",
        ]
        if entry.issued:
            facts.insert(1, f"issued {long_date(entry.issued)}")
        if entry.superseded_by:
            facts.append(f"superseded by {entry.superseded_by}")
        if entry.created_from_text:
            facts.append("created from text")
        with st.container(border=here):
            left, right = st.columns([3, 1], vertical_alignment="center")
            left.markdown(
                f"{'**' if here else ''}{md(entry.label, inline=True)} — "
                f"{md(entry.title, inline=True)}{'**' if here else ''}  \n"
                f":gray[{md(' · '.join(facts), inline=True)}]"
            )
            if here:
                right.caption("This update")
            else:
                right.page_link("pages/case.py", label="Open", query_params={"case": entry.ref})
