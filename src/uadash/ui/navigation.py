"""Which pages a person sees: everyone reads; editing pages are listed only for editors."""

from __future__ import annotations

import streamlit as st

from uadash.access import Actor


def pages_for(actor: Actor) -> list[st.Page]:
    """The pages in the sidebar for this actor, the overview first (it is the landing page)."""
    return [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/case.py", title="Case", icon=":material/folder_open:", url_path="case"),
        st.Page(
            "pages/letters.py", title="Letter preview", icon=":material/mail:", url_path="letters"
        ),
    ]
