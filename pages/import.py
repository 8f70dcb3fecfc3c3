"""Import reports (editors only): bring in a form export or OSDI file, enter a report received
by phone or post, undo an import, and download reports and totals."""

import streamlit as st

from uadash.ui import session
from uadash.ui.auth import current_actor, needs_editor
from uadash.ui.importing import export_downloads, import_file, notice, past_imports, staff_entry
from uadash.vocab import Role

actor = current_actor()
st.title("Import reports")
if not actor.may(Role.editor):
    # Navigation lists this page for editors only; this is for a link followed by anyone.
    needs_editor("Importing reports needs an editor's sign-in.")

st.caption(
    f"Signed in as {actor.label} ({actor.role.value}). Imports are saved under your name and "
    "can be undone."
)
notice()
file_tab, entry_tab, history_tab, export_tab = st.tabs(
    ["Import a file", "Enter a report", "Past imports", "Export"]
)
with file_tab:
    import_file(actor=actor)
with entry_tab:
    staff_entry(actor=actor, today=session.today())
with history_tab:
    past_imports(actor=actor)
with export_tab:
    export_downloads(today=session.today())
