"""The edit page with AppTest: it and its controls exist for editors only; a form save and a
table save land in the database and the history; a broken rule and a conflict save nothing
and say why; the refused editor can re-apply."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages.conftest import open_app
from uadash import queries
from uadash.access import SYSTEM, Actor
from uadash.cases import edits as case_edits
from uadash.cases.edits import CaseEdit
from uadash.vocab import CaseStatus, Outcome, Role

SEED = "44.22-2"
EDITOR = Actor("ed@example.org", Role.editor, "Ed")
ADMIN = Actor("root@example.org", Role.admin)
VIEWER = Actor("viola@example.org", Role.viewer)


def as_actor(actor: Actor | None, page: str | None = None, **query: str) -> AppTest:
    """The app as `actor` (None: nobody signed in), on `page` when given."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if actor is not None:
        app.session_state["uadash.actor"] = actor
    app.query_params.update(query)
    app.run()
    if page:
        app.switch_page(page)
        app.query_params.update(query)
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def widget(app: AppTest, kind: str, label: str) -> Any:
    found = [w for w in getattr(app, kind) if w.label == label]
    assert len(found) == 1, f"{len(found)} {kind} labelled {label!r}"
    return found[0]


def seed(engine: Engine) -> case_edits.CaseState:
    case = queries.find_case(engine, SEED)
    assert case is not None
    state = case_edits.case_state(engine, case.id)
    assert state is not None
    return state


# --- who sees it ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [None, VIEWER], ids=["anonymous", "viewer"])
def test_a_viewer_at_the_edit_page_is_asked_for_an_editors_sign_in(
    seed_database: Engine, actor: Actor | None
) -> None:
    app = as_actor(actor)
    app.switch_page("pages/edit.py").run()  # as a link to /edit: no "Page not found"
    assert not app.exception
    assert "needs an editor's sign-in" in app.error[0].value
    assert app.text_input(key="sign-in-page-email")  # the sign-in form, right there
    assert not [b for b in app.button if b.label.startswith("Save")]


def test_the_edit_page_refuses_a_viewer_who_reaches_its_script(seed_database: Engine) -> None:
    # As when a link to /edit is the first request a fresh server gets (Streamlit then runs
    # the page file itself, without app.py): the page checks the role too.
    app = AppTest.from_file(str(ROOT / "pages" / "edit.py"), default_timeout=30).run()
    assert not app.exception
    assert "needs an editor's sign-in" in app.error[0].value
    assert not app.selectbox and not app.data_editor
    assert [b.label for b in app.button] == ["Sign in"]


@pytest.mark.parametrize("actor", [EDITOR, ADMIN], ids=["editor", "admin"])
def test_editors_and_admins_get_the_page_and_its_controls(
    seed_database: Engine, actor: Actor
) -> None:
    app = as_actor(actor, "pages/edit.py", case=SEED)
    assert app.title[0].value == "Edit cases"
    assert widget(app, "selectbox", "Status").value == "active"
    assert widget(app, "selectbox", "Outcome").value is None
    assert widget(app, "date_input", "Deadline").value == date(2025, 3, 18)
    assert widget(app, "checkbox", "No end date").value is False
    assert widget(app, "number_input", "Update number").value == 2
    assert list(app.data_editor[0].value["ref"]) == [SEED]
    assert {"Save changes", "Save 0 changed cases", "Reload"} <= {b.label for b in app.button}


# --- saving --------------------------------------------------------------------------------


def test_an_editor_changes_status_in_the_form_and_it_is_saved_and_audited(
    seed_database: Engine,
) -> None:
    app = as_actor(EDITOR, "pages/edit.py", case=SEED)
    widget(app, "selectbox", "Status").set_value("paused")
    widget(app, "text_input", "Why (kept in the history)").input("family asked us to wait")
    widget(app, "button", "Save changes").click().run()

    assert not app.exception
    assert app.success[0].value == "Saved UA 44.22 (update 2): status → Paused."
    assert seed(seed_database).status is CaseStatus.paused
    history = case_edits.case_history(seed_database, seed(seed_database).case_id)
    assert list(history[["actor", "field", "old_value", "new_value", "note"]].iloc[0]) == [
        "ed@example.org",
        "status",
        "active",
        "paused",
        "family asked us to wait",
    ]
    # The form now starts from the saved case.
    assert widget(app, "selectbox", "Status").value == "paused"


def test_no_end_date_clears_the_deadline(seed_database: Engine) -> None:
    app = as_actor(EDITOR, "pages/edit.py", case=SEED)
    widget(app, "checkbox", "No end date").check()
    widget(app, "button", "Save changes").click().run()
    assert seed(seed_database).deadline is None


def test_saving_an_unchanged_form_saves_nothing(seed_database: Engine) -> None:
    app = as_actor(EDITOR, "pages/edit.py", case=SEED)
    widget(app, "button", "Save changes").click().run()
    assert app.info[0].value == "Nothing changed, so nothing was saved."
    assert seed(seed_database).version == 1


def test_closing_without_an_outcome_is_refused_and_names_case_and_field(
    seed_database: Engine,
) -> None:
    app = as_actor(EDITOR, "pages/edit.py", case=SEED)
    widget(app, "selectbox", "Status").set_value("closed")
    widget(app, "button", "Save changes").click().run()

    assert "Nothing was saved" in app.error[0].value
    assert "UA 44.22 (update 2), outcome: closing a case needs an outcome" in app.error[0].value
    assert seed(seed_database).status is CaseStatus.active
    assert case_edits.case_history(seed_database, seed(seed_database).case_id).empty


def test_a_table_edit_saves_the_changed_rows(seed_database: Engine) -> None:
    app = as_actor(EDITOR, "pages/edit.py", case=SEED)
    app.session_state["edit-table-0"] = {
        "edited_rows": {0: {"status": "closed", "outcome": "released"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    widget(app, "text_input", "Why (kept in the history of every case changed)").input("freed")
    widget(app, "button", "Save 1 changed case").click().run()

    assert not app.exception
    assert app.success[0].value == "Saved UA 44.22 (update 2): status → Closed; outcome → Released."
    state = seed(seed_database)
    assert (state.status, state.outcome) == (CaseStatus.closed, Outcome.released)
    history = case_edits.case_history(seed_database, state.case_id)
    assert sorted(history["field"]) == ["outcome", "status"]
    assert set(history["note"]) == {"freed"}
    assert list(app.data_editor[0].value["status"]) == ["closed"]  # the table was reloaded


def test_a_table_edit_breaking_a_rule_saves_nothing(seed_database: Engine) -> None:
    app = as_actor(EDITOR, "pages/edit.py", case=SEED)
    app.session_state["edit-table-0"] = {
        "edited_rows": {0: {"outcome": "released"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    widget(app, "button", "Save 1 changed case").click().run()
    assert "only a closed case has an outcome" in app.error[0].value
    assert seed(seed_database).outcome is None


# --- conflicts -----------------------------------------------------------------------------


def test_a_conflict_shows_the_current_values_and_who_then_reapplies(seed_database: Engine) -> None:
    app = as_actor(EDITOR, "pages/edit.py", case=SEED)  # Ed opens the case at version 1 …
    before = seed(seed_database)
    other = Actor("bo@example.org", Role.editor)
    case_edits.edit_case(  # … Bo saves a new deadline meanwhile …
        seed_database,
        CaseEdit(before.case_id, before.version, deadline=date(2026, 12, 31), note="extended"),
        actor=other,
    )
    widget(app, "selectbox", "Status").set_value("paused")  # … and Ed saves a status.
    widget(app, "button", "Save changes").click().run()

    assert not app.exception
    warning = app.warning[0].value
    assert warning.startswith("Nothing was saved: UA 44.22 (update 2) was changed by bo@example")
    assert warning.endswith("after you opened it.")
    assert "Now: Active, deadline 31 December 2026, update 2." in [m.value for m in app.markdown]
    assert "Your change: status → Paused." in [c.value for c in app.caption]
    changes = app.dataframe[0].value
    assert list(changes["Change"]) == ["deadline: 2025-03-18 → 2026-12-31"]
    assert list(changes["Who"]) == ["bo@example.org"]
    assert seed(seed_database).status is CaseStatus.active  # Ed's change is not saved

    widget(app, "button", "Re-apply my changes").click().run()

    assert app.success[0].value == "Saved UA 44.22 (update 2): status → Paused."
    after = seed(seed_database)
    assert (after.status, after.deadline, after.version) == (
        CaseStatus.paused,
        date(2026, 12, 31),  # Bo's deadline stays
        3,
    )


def test_discarding_after_a_conflict_shows_their_version(seed_database: Engine) -> None:
    app = as_actor(EDITOR, "pages/edit.py", case=SEED)
    before = seed(seed_database)
    case_edits.edit_case(
        seed_database,
        CaseEdit(before.case_id, before.version, status=CaseStatus.draft),
        actor=SYSTEM,
    )
    widget(app, "selectbox", "Status").set_value("paused")
    widget(app, "button", "Save changes").click().run()
    widget(app, "button", "Discard mine, show theirs").click().run()

    assert not app.warning
    assert widget(app, "selectbox", "Status").value == "draft"
    assert seed(seed_database).status is CaseStatus.draft


# --- the case page -------------------------------------------------------------------------


def test_the_case_page_lists_the_history(seed_database: Engine) -> None:
    case = open_app("pages/case.py", case=SEED)
    assert "History" in [h.value for h in case.subheader]
    assert "No changes recorded yet." in [c.value for c in case.caption]

    before = seed(seed_database)
    case_edits.edit_case(
        seed_database,
        CaseEdit(before.case_id, 1, status=CaseStatus.paused, deadline=None, note="on hold"),
        actor=EDITOR,
    )
    case = open_app("pages/case.py", case=SEED)
    history = case.dataframe[-1].value
    assert list(history.columns) == ["when", "who", "field", "from", "to", "note"]
    rows = history.set_index("field")
    assert list(rows.loc["status", ["who", "from", "to", "note"]]) == [
        "ed@example.org",
        "active",
        "paused",
        "on hold",
    ]
    assert list(rows.loc["deadline", ["from", "to"]]) == ["2025-03-18", "no end date"]
