"""Failures nobody foresaw reach no user as a traceback: the command line and every page log
it with an error id and say one line with that id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.intake_support import prepare
from uadash import cli
from uadash.cli import reports as report_commands


def test_the_command_line_logs_an_unexpected_error_and_prints_its_id(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prepare(engine, monkeypatch, tmp_path)
    log = tmp_path / "errors.log"
    monkeypatch.setenv("UADASH_ERROR_LOG", str(log))
    monkeypatch.delenv("UADASH_DEBUG", raising=False)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug nobody foresaw")

    # A stand-in for a bug in the importer (not for the store): the failure path is the test.
    monkeypatch.setattr(report_commands, "import_csv", broken)
    path = tmp_path / "r.csv"
    path.write_text("UA,Channel,Date\n44.22,email,2026-11-03\n")
    url = engine.url.render_as_string(hide_password=False)
    assert cli.main(["--database-url", url, "import-actions", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "a bug nobody foresaw" not in err
    found = re.search(
        r"unexpected RuntimeError \(error id ([0-9a-f]{8}); the traceback is in ", err
    )
    assert found, err
    logged = log.read_text(encoding="utf-8")
    assert f"error {found.group(1)} in uadash " in logged
    assert "Traceback (most recent call last)" in logged and "a bug nobody foresaw" in logged


def _page_that_fails() -> None:
    import streamlit as st

    from uadash.ui.errors import guarded

    st.title("A page")
    with guarded("page test"):
        st.write("before")
        raise ValueError("/srv/uadash/secret/path.py went wrong")


def test_a_page_shows_one_line_with_an_error_id_and_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = AppTest.from_function(_page_that_fails, default_timeout=30)
    with caplog.at_level("ERROR", logger="uadash.errors"):
        app.run()
    assert not app.exception
    [error] = app.error
    found = re.search(r"error id ([0-9a-f]{8})", error.value)
    assert found and "/srv/uadash" not in error.value and "ValueError" not in error.value
    assert any(found.group(1) in record.getMessage() for record in caplog.records)
    assert any(record.exc_info for record in caplog.records)
