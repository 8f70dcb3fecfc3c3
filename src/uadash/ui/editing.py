"""The edit page's widget groups: one case in a form, several in a table, and what happened
to the last save (saved, refused by a rule, or in conflict with someone else's save).

Each editor works on a snapshot of the cases taken when they opened them: the versions in
it are what a save names, so a save made over someone else's is refused by the domain, and
shown here with the current values, who changed them, and a way to re-apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pandas as pd
import streamlit as st

from uadash.access import Actor, PermissionDenied
from uadash.cases import edits as case_edits
from uadash.cases.edits import CaseEdit, CaseState, ConflictError, EditRefused
from uadash.ui import session
from uadash.ui.history import history_table
from uadash.ui.pickers import case_picker
from uadash.ui.text import md
from uadash.vocab import OUTCOME_LABELS, STATUS_LABELS, CaseStatus, Outcome

Origin = Literal["form", "table"]
LAST_SAVE = "edit.last-save"
FORM_BASE = "edit.form.base"
TABLE_BASE = "edit.table.base"
TABLE_ROUND = "edit.table.round"  # a new data_editor key drops the edits of the old one


@dataclass
class LastSave:
    """What became of the latest save, shown at the top of the page after the rerun."""

    origin: Origin
    saved: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    conflict: ConflictError | None = None
    edits: list[CaseEdit] = field(default_factory=list)  # kept to re-apply after a conflict


def save(edits: list[CaseEdit], *, actor: Actor, origin: Origin) -> None:
    """Hand the edits to the domain, remember the outcome, and rerun to show it."""
    outcome = LastSave(origin=origin, edits=edits)
    try:
        states = case_edits.edit_cases(session.engine(), edits, actor=actor)
    except ConflictError as error:
        outcome.conflict = error
    except EditRefused as error:
        outcome.problems = [str(problem) for problem in error.problems]
    except PermissionDenied as error:
        outcome.problems = [str(error)]
    else:
        by_case = {edit.case_id: edit for edit in edits}
        outcome.saved = [
            f"{state.label}: {'; '.join(_describe_edit(by_case[state.case_id]))}"
            for state in states
        ]
        reload()
    st.session_state[LAST_SAVE] = outcome
    st.rerun()


def reload() -> None:
    """Drop the snapshots (and the table's unsaved edits): the next run reads the cases anew."""
    st.session_state.pop(FORM_BASE, None)
    st.session_state.pop(TABLE_BASE, None)
    st.session_state[TABLE_ROUND] = st.session_state.get(TABLE_ROUND, 0) + 1


def last_save(*, actor: Actor) -> None:
    """The outcome of the previous save: a success line, the broken rules, or the conflict
    with the current values, who changed them, and buttons to re-apply or discard."""
    outcome: LastSave | None = st.session_state.get(LAST_SAVE)
    if outcome is None:
        return
    if outcome.saved:
        st.session_state.pop(LAST_SAVE)
        if len(outcome.saved) == 1:
            text = f"Saved {md(outcome.saved[0], inline=True)}."
        else:
            text = f"Saved {len(outcome.saved)} cases:\n" + "\n".join(
                f"- {md(line, inline=True)}" for line in outcome.saved
            )
        st.success(text, icon=":material/check_circle:")
    elif outcome.problems:
        st.session_state.pop(LAST_SAVE)
        lines = "\n".join(f"- {md(problem, inline=True)}" for problem in outcome.problems)
        st.error(f"Nothing was saved:\n{lines}", icon=":material/block:")
    elif outcome.conflict is not None:
        _conflict(outcome, outcome.conflict, actor=actor)


def _conflict(outcome: LastSave, error: ConflictError, *, actor: Actor) -> None:
    conflicts = error.conflicts
    with st.container(border=True):
        if len(conflicts) == 1:
            headline = f"{conflicts[0].headline}."
        else:
            headline = f"{len(conflicts)} of these cases were changed after you opened them."
        st.warning(f"Nothing was saved: {headline}", icon=":material/sync_problem:")
        for conflict in conflicts:
            if len(conflicts) > 1:
                st.markdown(f"**{conflict.headline}.**")
            st.markdown(md(conflict.now))
            if conflict.changes:
                changes = pd.DataFrame(
                    {
                        "When": [c.when for c in conflict.changes],
                        "Who": [c.actor for c in conflict.changes],
                        "Change": [c.describe() for c in conflict.changes],
                        "Note": [c.note or "" for c in conflict.changes],
                    }
                )
                st.dataframe(changes, hide_index=True)
            mine = "; ".join(_describe_edit(conflict.edit)) or "nothing"
            st.caption(md(f"Your change: {mine}."))
        reapply, discard = st.columns(2, width=520)
        if reapply.button("Re-apply my changes", type="primary", key="edit-reapply"):
            st.session_state.pop(LAST_SAVE)
            save(error.reapply(outcome.edits), actor=actor, origin=outcome.origin)
        if discard.button("Discard mine, show theirs", key="edit-discard"):
            st.session_state.pop(LAST_SAVE)
            reload()
            st.rerun()


def _describe_edit(edit: CaseEdit) -> list[str]:
    return [
        f"{case_edits.FIELD_LABELS[name]} → {_shown(name, value)}"
        for name, value in edit.changes().items()
    ]


def _shown(name: str, value: object) -> str:
    if name == "targets" and isinstance(value, tuple):
        return f"{len(value)} target change{'s' if len(value) != 1 else ''}"
    if isinstance(value, tuple):
        return ", ".join(
            str(item.get("name") if isinstance(item, dict) else item) for item in value
        )
    if isinstance(value, str) and len(value) > 60:
        return value[:59] + "…"
    if value is None:
        return "no end date" if name == "deadline" else "none"
    if isinstance(value, CaseStatus):
        return STATUS_LABELS[value]
    if isinstance(value, Outcome):
        return OUTCOME_LABELS[value]
    return str(value)


# --- one case ----------------------------------------------------------------------------------


def case_form(*, actor: Actor, today: date) -> CaseState | None:
    """Pick a case, change its status fields in a form, save with a note; returns the case
    as the editor loaded it (None when there is none), for the rest of its fields."""
    engine = session.engine()
    case = case_picker(engine)
    if case is None:
        return None
    base: CaseState | None = st.session_state.get(FORM_BASE)
    if base is None or base.case_id != case.id:
        base = case_edits.case_state(engine, case.id)
        if base is None:
            return None
        st.session_state[FORM_BASE] = base
    suffix = f"{base.case_id}-{base.version}"  # fresh widgets for a fresh snapshot

    with st.form(f"edit-case-{suffix}"):
        left, right = st.columns(2)
        status = left.selectbox(
            "Status",
            list(CaseStatus),
            index=list(CaseStatus).index(base.status),
            format_func=lambda s: STATUS_LABELS[CaseStatus(s)],
            key=f"edit-status-{suffix}",
        )
        outcomes: list[Outcome | None] = [None, *Outcome]
        outcome = right.selectbox(
            "Outcome",
            outcomes,
            index=outcomes.index(base.outcome),
            format_func=lambda o: "— none —" if o is None else OUTCOME_LABELS[Outcome(o)],
            help="Only a closed case has an outcome, and a closed case needs one.",
            key=f"edit-outcome-{suffix}",
        )
        deadline = right.date_input(
            "Deadline",
            value=base.deadline or today,
            format="YYYY-MM-DD",
            help="Ignored when “No end date” is ticked.",
            key=f"edit-deadline-{suffix}",
        )
        no_end = right.checkbox(
            "No end date", value=base.deadline is None, key=f"edit-no-end-{suffix}"
        )
        update_number = left.number_input(
            "Update number",
            min_value=0,
            step=1,
            value=base.update_number,
            help="0 for a new UA, 1 for its first update …",
            key=f"edit-update-{suffix}",
        )
        note = st.text_input(
            "Why (kept in the history)",
            placeholder="e.g. released on 3 December, confirmed by the family",
            key=f"edit-note-{suffix}",
        )
        submitted = st.form_submit_button("Save changes", type="primary", icon=":material/save:")
    st.caption(
        f"Editing {base.label} as loaded (version {base.version}). If someone saves it before "
        "you do, you will see their change and can re-apply yours."
    )
    if submitted:
        edit = case_edits.edit_from(
            base,
            status=CaseStatus(str(status)),
            outcome=Outcome(outcome) if outcome else None,
            deadline=None if no_end or not isinstance(deadline, date) else deadline,
            update_number=int(update_number),
            note=note,
        )
        if edit is None:
            st.info("Nothing changed, so nothing was saved.")
        else:
            save([edit], actor=actor, origin="form")
    with st.expander("History of this case"):
        history_table(base.case_id, key=f"edit-history-{base.case_id}")
    return base


# --- several cases ------------------------------------------------------------------------------


def case_table(*, actor: Actor) -> None:
    """Every case in an editable table; the changed cells are saved together, or none."""
    base: pd.DataFrame | None = st.session_state.get(TABLE_BASE)
    if base is None:
        base = case_edits.editable_cases(session.engine())
        st.session_state[TABLE_BASE] = base
    if base.empty:
        st.info("There are no cases yet. Load the case files with `uadash init`.")
        return
    edited = st.data_editor(
        base,
        column_order=["label", "title", "status", "outcome", "deadline", "update_number"],
        column_config={
            "label": st.column_config.TextColumn("Case", width="small"),
            "title": st.column_config.TextColumn("Title", width="medium"),
            "status": st.column_config.SelectboxColumn(
                "Status",
                options=[s.value for s in CaseStatus],
                format_func=lambda s: STATUS_LABELS[CaseStatus(str(s))],
                required=True,
            ),
            "outcome": st.column_config.SelectboxColumn(
                "Outcome",
                options=[o.value for o in Outcome],
                format_func=lambda o: OUTCOME_LABELS[Outcome(str(o))],
                help="Only for closed cases. Clear the cell when you reopen a case.",
            ),
            "deadline": st.column_config.DateColumn(
                "Deadline", format="YYYY-MM-DD", help="Empty: no end date."
            ),
            "update_number": st.column_config.NumberColumn(
                "Update", min_value=0, step=1, required=True
            ),
        },
        disabled=["label", "title"],
        hide_index=True,
        placeholder="—",
        key=f"edit-table-{st.session_state.get(TABLE_ROUND, 0)}",
    )
    edits = case_edits.edits_from_table(base, edited)
    left, middle, right = st.columns([5, 2, 1], vertical_alignment="bottom")
    note = left.text_input("Why (kept in the history of every case changed)", key="edit-table-note")
    if middle.button(
        f"Save {len(edits)} changed case{'s' if len(edits) != 1 else ''}",
        type="primary",
        icon=":material/save:",
        disabled=not edits,
        key="edit-table-save",
        width="stretch",
    ):
        save(case_edits.edits_from_table(base, edited, note=note), actor=actor, origin="table")
    right.button(
        "Reload",
        icon=":material/refresh:",
        on_click=reload,
        key="edit-table-reload",
        help="Drop unsaved changes and show the cases as they are now",
        width="stretch",
    )
