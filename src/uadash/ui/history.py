"""A case's audit trail as a table: who changed which field, from what to what, when, why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from uadash.cases import edits as case_edits
from uadash.ui import session


def history_table(case_id: int, *, key: str) -> None:
    """The case's history, newest first, or a line saying there is none yet."""
    history = case_edits.case_history(session.engine(), case_id)
    if history.empty:
        st.caption("No changes recorded yet.")
        return
    table = pd.DataFrame(
        {
            "when": history["at"].dt.tz_localize(None),  # already in the organisation's zone
            "who": history["actor"],
            "field": [case_edits.FIELD_LABELS.get(name, name) for name in history["field"]],
            "from": _values(history["field"], history["old_value"]),
            "to": _values(history["field"], history["new_value"]),
            "note": history["note"].fillna(""),
        }
    )
    st.dataframe(
        table,
        column_config={
            "when": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
            "who": "Who",
            "field": "Field",
            "from": "From",
            "to": "To",
            "note": st.column_config.TextColumn("Note", width="large"),
        },
        hide_index=True,
        key=key,
    )


def _values(fields: pd.Series, values: pd.Series) -> list[str]:
    """Audit values as people read them: an empty deadline is "no end date"."""
    return [
        ("no end date" if field == "deadline" else "—") if pd.isna(value) else str(value)
        for field, value in zip(fields, values, strict=True)
    ]
