"""Edit cases (editors only): one case in a form, several in a table. Every save names the
versions it was made from, is checked against the rules, and lands in each case's history."""

import streamlit as st

from uadash.ui import session
from uadash.ui.auth import current_actor, needs_editor
from uadash.ui.case_details import details_form
from uadash.ui.editing import case_form, case_table, last_save
from uadash.vocab import Role

session.engine()  # first, as on every page: it makes sure that app.py (the gate) ran
actor = current_actor()
st.title("Edit cases")
if not actor.may(Role.editor):
    # Navigation lists this page for editors only; this is for a link followed by anyone.
    needs_editor("Changing cases needs an editor's sign-in.")

st.caption(
    f"Signed in as {actor.label} ({actor.role.value}). Every change is saved under your name "
    "in the case's history."
)
last_save(actor=actor)
one, several, whole = st.tabs(["One case", "Several cases", "Whole case"])
with one:
    base = case_form(actor=actor, today=session.today())
with several:
    case_table(actor=actor)
with whole:
    if base is not None:
        details_form(base, actor=actor)
