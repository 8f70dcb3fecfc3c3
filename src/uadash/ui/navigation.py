"""Which pages a person sees: everyone reads; editing pages are listed only for editors."""

from __future__ import annotations

import streamlit as st

from uadash.access import Actor
from uadash.vocab import Role


def pages_for(actor: Actor) -> list[st.Page]:
    """The pages in the sidebar for this actor, the overview first (it is the landing page)."""
    pages = [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/case.py", title="Case", icon=":material/folder_open:", url_path="case"),
        st.Page(
            "pages/letters.py", title="Letter preview", icon=":material/mail:", url_path="letters"
        ),
        st.Page(
            "pages/present.py", title="Present", icon=":material/slideshow:", url_path="present"
        ),
    ]
    if actor.may(Role.editor):
        pages.append(
            st.Page(
                "pages/new_case.py",
                title="New case",
                icon=":material/note_add:",
                url_path="new-case",
            )
        )
        pages.append(
            st.Page("pages/edit.py", title="Edit cases", icon=":material/edit:", url_path="edit")
        )
        pages.append(
            st.Page(
                "pages/import.py",
                title="Import reports",
                icon=":material/upload_file:",
                url_path="import",
            )
        )
    return pages
