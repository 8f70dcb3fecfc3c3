"""The import page with AppTest: editors import (with a preview, a mapping by hand and the
problem list), enter reports, undo imports and download exports; viewers see none of it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.intake_support import (
    CHINA_CAMPAIGN,
    OSDI_SAMPLE,
    REPORTER_KEY,
    assert_exact,
    csv_bytes_of,
    report_count,
    stored_reports,
)
from uadash.access import Actor
from uadash.vocab import Role

EDITOR = Actor("ed@example.org", Role.editor, "Ed")
VIEWER = Actor("viola@example.org", Role.viewer)
PAGE = "pages/import.py"
GOOD = csv_bytes_of(
    """
    UA,Target,Channel,Count,Date
    UA 44/22,Director Zhang Rui,Phone,2,2026-11-03
    44.22,,letter,1,2026-11-04
    """
)


@pytest.fixture
def database(seed_database: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("UADASH_REPORTER_KEY", REPORTER_KEY)
    return seed_database


def as_actor(actor: Actor | None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if actor is not None:
        app.session_state["uadash.actor"] = actor
    app.run()
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def widget(app: AppTest, kind: str, label: str) -> Any:
    found = [w for w in getattr(app, kind) if w.label == label]
    assert len(found) == 1, f"{len(found)} {kind} labelled {label!r}"
    return found[0]


def upload(app: AppTest, name: str, data: bytes) -> AppTest:
    app.file_uploader[0].upload(name, data, "text/csv").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize("actor", [None, VIEWER], ids=["anonymous", "viewer"])
def test_a_viewer_following_a_link_to_the_page_is_asked_to_sign_in(
    database: Engine, actor: Actor | None
) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if actor is not None:
        app.session_state["uadash.actor"] = actor
    app.run()
    app.switch_page(PAGE).run()  # the page exists (unlisted), so no "Page not found"
    assert "needs an editor's sign-in" in app.error[0].value
    assert app.text_input(key="sign-in-page-email")


@pytest.mark.parametrize("actor", [None, VIEWER], ids=["anonymous", "viewer"])
def test_a_viewer_who_reaches_the_page_gets_no_controls(
    database: Engine, actor: Actor | None
) -> None:
    app = AppTest.from_file(str(ROOT / PAGE), default_timeout=30)
    if actor is not None:
        app.session_state["uadash.actor"] = actor
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert "needs an editor's sign-in" in app.error[0].value
    assert not app.file_uploader and not app.tabs
    assert [b.label for b in app.button] == ["Sign in"]  # the form to sign in as an editor


def test_editor_previews_and_imports_a_file(database: Engine) -> None:
    app = upload(as_actor(EDITOR), "reports.csv", GOOD)
    preview = app.dataframe[0].value
    assert list(preview["Case"]) == ["UA 44.22 (update 2)"] * 2
    assert list(preview["Target"].fillna("")) == ["Zhang Rui", ""]
    assert list(preview["Channel"]) == ["call", "letter"]
    assert report_count(database) == 0  # a preview writes nothing
    widget(app, "button", "Import").click().run()
    assert next(s.value for s in app.success).startswith("Imported 2 reports (3 actions)")
    assert report_count(database) == 2
    widget(app, "button", "Import").click().run()
    assert app.warning[0].value.startswith("Nothing new: every report in this file")
    assert report_count(database) == 2
    assert_exact(database)


def test_a_bad_file_lists_every_problem_and_offers_them_as_a_download(database: Engine) -> None:
    bad = GOOD + b"44.22,Minister Wang,pigeon,0,2026-11-03\r\n"
    app = upload(as_actor(EDITOR), "bad.csv", bad)
    widget(app, "button", "Import").click().run()
    assert app.error[0].value.startswith("Nothing was imported: 1 row of 3 rows has problems")
    problems = app.dataframe[1].value
    assert problems[["row", "column"]].values.tolist() == [
        [4, "Target"],
        [4, "Channel"],
        [4, "Count"],
    ]
    assert widget(app, "download_button", "Download the problem list (CSV)")
    assert report_count(database) == 0


def test_an_unknown_column_is_mapped_by_hand(database: Engine) -> None:
    data = csv_bytes_of("UA;Wie;Datum\n44.22;Fax;2026-11-05")
    app = upload(as_actor(EDITOR), "de.csv", data)
    assert any("no column holds channel" in w.value for w in app.warning)
    assert widget(app, "button", "Import").disabled
    widget(app, "selectbox", "Channel *").select("Wie").run()
    widget(app, "selectbox", "Date of the action *").select("Datum").run()
    assert not app.warning
    assert app.dataframe[0].value["Channel"].tolist() == ["fax"]
    widget(app, "button", "Import").click().run()
    assert stored_reports(database)["channel"].tolist() == ["fax"]


def test_an_osdi_file_is_imported_with_its_campaigns_mapped(database: Engine) -> None:
    app = as_actor(EDITOR)
    app.file_uploader[0].upload("outreaches.json", OSDI_SAMPLE.read_bytes(), "application/json")
    app.run()
    assert widget(app, "button", "Import").disabled  # nothing mapped yet
    china = next(s for s in app.selectbox if s.label.startswith(CHINA_CAMPAIGN))
    china.select("44.22-2").run()
    widget(app, "checkbox", "Allow a partial import").check().run()
    widget(app, "button", "Import").click().run()
    # The Vietnam case is not in this database: its two records are left out.
    assert app.warning[0].value.startswith("Imported 5 reports")
    assert report_count(database) == 5


def test_editor_enters_a_report_received_by_phone(database: Engine) -> None:
    app = as_actor(EDITOR)
    widget(app, "selectbox", "Target").select_index(1)
    widget(app, "selectbox", "Channel").select("call")
    widget(app, "number_input", "Count").set_value(3)
    widget(app, "text_input", "Note").input("rang the office")
    widget(app, "button", "Add report").click().run()
    assert app.success[0].value.startswith("Added 3 call action(s) for UA 44.22 (update 2)")
    reports = stored_reports(database)
    assert reports[["target", "channel", "count", "source", "note"]].values.tolist() == [
        ["Zhang Rui", "call", 3, "staff", "rang the office"]
    ]


def test_editor_undoes_an_import_from_the_list(database: Engine) -> None:
    app = upload(as_actor(EDITOR), "reports.csv", GOOD)
    widget(app, "button", "Import").click().run()
    assert report_count(database) == 2
    undo = widget(app, "button", "Undo import")
    assert undo.disabled  # until the editor confirms
    next(box for box in app.checkbox if box.label.startswith("Yes: delete")).check().run()
    widget(app, "button", "Undo import").click().run()
    assert app.success[0].value.startswith("Undid import #")
    assert report_count(database) == 0
    assert_exact(database)


def test_export_tab_shows_totals_and_offers_both_downloads(database: Engine) -> None:
    app = upload(as_actor(EDITOR), "reports.csv", GOOD)
    widget(app, "button", "Import").click().run()
    totals = next(frame.value for frame in app.dataframe if "actions" in frame.value.columns)
    assert totals["actions"].sum() == 3
    assert widget(app, "download_button", "Download totals (CSV)")
    assert widget(app, "download_button", "Download reports (CSV)")
