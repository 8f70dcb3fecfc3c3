"""The import page, given each bad file of issue 13, shows a message and no traceback, and
writes nothing (AppTest; the same files in Chromium: tests/browser/test_import_hostile.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.hostile_files import BAD_FILES
from tests.intake_support import CHINA_CAMPAIGN, REPORTER_KEY, report_count
from uadash.access import Actor
from uadash.vocab import Role

EDITOR = Actor("ed@example.org", Role.editor, "Ed")


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_gets_a_message_and_no_traceback(
    seed_database: Engine, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setenv("UADASH_REPORTER_KEY", REPORTER_KEY)
    name, data, expected = BAD_FILES[case]
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    app.session_state["uadash.actor"] = EDITOR
    app.run()
    app.switch_page("pages/import.py")
    app.run()
    app.file_uploader[0].upload(name, data, "text/csv").run()
    assert not app.exception, [e.value for e in app.exception]
    campaign = [s for s in app.selectbox if s.label.startswith(CHINA_CAMPAIGN)]
    if campaign:
        campaign[0].select("44.22-2").run()
    buttons = [b for b in app.button if b.label == "Import" and not b.disabled]
    if buttons and not any(expected in m.value for m in [*app.error, *app.warning]):
        buttons[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    shown = [m.value for m in [*app.error, *app.warning]]
    tables = " ".join(t.value.to_string() for t in app.dataframe)
    assert any(expected in m for m in shown) or (shown and expected in tables), (shown, tables)
    assert not any("Traceback" in m or "error id" in m for m in shown)
    assert report_count(seed_database) == 0
