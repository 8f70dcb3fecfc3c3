"""Which pages a person sees: everyone reads; editing pages are listed only for editors."""

from __future__ import annotations

from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from uadash.access import Actor
from uadash.ui.state import carried
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
    # Editing pages are listed for editors only, but exist for everyone: a viewer who follows
    # a link to /edit gets that page's own "needs an editor's sign-in", not "Page not found".
    editing: Literal["visible", "hidden"] = "visible" if actor.may(Role.editor) else "hidden"
    for script, title, icon, url_path in (
        ("pages/new_case.py", "New case", ":material/note_add:", "new-case"),
        ("pages/edit.py", "Edit cases", ":material/edit:", "edit"),
        ("pages/import.py", "Import reports", ":material/upload_file:", "import"),
    ):
        pages.append(st.Page(script, title=title, icon=icon, url_path=url_path, visibility=editing))
    return pages


def sidebar_links(pages: list[st.Page], where: DeltaGenerator) -> None:
    """The page links, drawn in `where` (at the top of the sidebar). Unlike Streamlit's own
    navigation they carry the case, period and filters in view (`ui.state.CARRIED`), so
    "Letter preview" from UA 44.22 opens UA 44.22's letters for the same period."""
    params = carried()
    with where:
        for page in pages:
            if page.visibility == "visible":  # editing pages exist for everyone, listed for few
                st.page_link(page, query_params=params)
