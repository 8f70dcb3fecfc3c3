"""New case (editors only): paste a UA's text or upload its file, check the draft the reader
made of it (every field with the line it came from), fix what is wrong, save. A UA already in
the database is saved as its next update, superseding the latest."""

import streamlit as st

from uadash.ui import new_case, session
from uadash.ui.auth import current_actor, needs_editor
from uadash.vocab import Role

session.engine()  # first, as on every page: it makes sure that app.py (the gate) ran
actor = current_actor()
st.title("New case")
if not actor.may(Role.editor):
    needs_editor("Creating cases needs an editor's sign-in.")

st.caption(
    "The reader fills in what the text says and leaves the rest empty; nothing is saved "
    "until you press Save, and then it is saved under your name."
)
new_case.last_save()
new_case.source_input()
draft = new_case.current_draft()
if draft is None:
    st.stop()

st.subheader("The draft")
new_case.warnings(draft)
case = new_case.draft_form(draft, today=session.today())

st.subheader("The letter each target gets")
new_case.letter_previews(case, today=session.today())

st.subheader("Save")
case = new_case.save_as(case)
new_case.save_button(case, actor=actor)
