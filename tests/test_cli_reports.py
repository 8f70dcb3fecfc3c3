"""The report commands of the README: import-actions, import-osdi, imports, undo-import,
check, export, and the reporter key a first local `uadash init` makes."""

from __future__ import annotations

import json
import stat
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import CASES_DIR
from tests.intake_support import (
    CHINA_CAMPAIGN,
    OSDI_SAMPLE,
    VIETNAM_CAMPAIGN,
    batch_count,
    prepare,
    report_count,
)
from uadash import cli, config
from uadash.reports.osdi import read_outreaches

GOOD = (
    "UA,Target,Channel,Count,Date\nUA 44/22,Zhang Rui,Phone,2,2026-11-03\n44.22,,post,,2026-11-04\n"
)


@pytest.fixture
def loaded(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


def uadash(engine: Engine, *argv: str) -> int:
    return cli.main(["--database-url", engine.url.render_as_string(hide_password=False), *argv])


def test_import_actions_imports_lists_and_undoes(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "reports.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert uadash(loaded, "import-actions", str(path)) == 0
    out = capsys.readouterr().out
    assert "Read " in out and "as UTF-8, columns separated by comma" in out
    assert "Imported 2 reports (3 actions) as import #" in out
    assert uadash(loaded, "import-actions", str(path)) == 0
    assert "Nothing new" in capsys.readouterr().out
    assert uadash(loaded, "imports") == 0
    listing = capsys.readouterr().out
    assert "reports.csv" in listing and "(command line)" in listing and "form" in listing
    batch = listing.splitlines()[1].split()[0]
    assert uadash(loaded, "undo-import", batch) == 0
    assert f"Undid import #{batch}: 2 reports deleted" in capsys.readouterr().out
    assert report_count(loaded) == 0 and batch_count(loaded) == 0
    assert uadash(loaded, "undo-import", batch) == 1
    assert f"there is no import #{batch}" in capsys.readouterr().err


def test_a_bad_file_exits_non_zero_with_its_problems_and_can_write_them_all(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "".join(f"44.22,,pigeon,{i},2026-11-05\n" for i in range(25)))
    errors = tmp_path / "problems.csv"
    assert uadash(loaded, "import-actions", str(path), "--errors", str(errors)) == 1
    captured = capsys.readouterr()
    assert "Nothing was imported: 25 rows of 27 rows have problems" in captured.out
    assert "row 4, column Channel: 'pigeon' is not a channel" in captured.err
    assert f"… and 6 more (all in {errors})" in captured.err
    assert len(errors.read_text(encoding="utf-8-sig").splitlines()) == 1 + 26
    assert report_count(loaded) == 0
    assert uadash(loaded, "import-actions", str(path), "--allow-partial") == 1
    assert "Imported 2 reports" in capsys.readouterr().out
    assert report_count(loaded) == 2


def test_columns_and_date_order_are_given_on_the_command_line(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "de.csv"
    path.write_text("Fall;Kanal;Datum\n44.22;Brief;03/11/2026\n", encoding="utf-8")
    assert uadash(loaded, "import-actions", str(path)) == 1
    assert "no column holds case" in capsys.readouterr().err
    mapped = ["--map", "Fall=case", "--map", "Kanal=channel", "--map", "Datum=date"]
    assert uadash(loaded, "import-actions", str(path), *mapped, "--day-first") == 1
    assert "'Brief' is not a channel" in capsys.readouterr().err
    path.write_text("Fall;Kanal;Datum\n44.22;letter;03/11/2026\n", encoding="utf-8")
    assert uadash(loaded, "import-actions", str(path), *mapped) == 1
    assert "could be day/month or month/day" in capsys.readouterr().err
    assert uadash(loaded, "import-actions", str(path), *mapped, "--day-first") == 0
    assert uadash(loaded, "import-actions", str(path), "--map", "oops") == 1
    assert "--map 'oops': write it as --map COLUMN=FIELD" in capsys.readouterr().err


def test_import_osdi_asks_for_the_campaign_mapping_then_imports(
    loaded: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert uadash(loaded, "import-osdi", str(OSDI_SAMPLE)) == 1
    err = capsys.readouterr().err
    assert f"{CHINA_CAMPAIGN}  (5 outreaches)" in err and VIETNAM_CAMPAIGN in err
    args = ["--campaign", f"{CHINA_CAMPAIGN}=44.22-2", "--campaign", f"{VIETNAM_CAMPAIGN}=39.26"]
    assert uadash(loaded, "import-osdi", str(OSDI_SAMPLE), *args) == 0
    out = capsys.readouterr().out
    assert "Imported 7 reports" in out and "1 record with no targets" in out
    assert uadash(loaded, "check") == 0


def test_import_osdi_names_one_outreach_in_the_singular(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = read_outreaches(OSDI_SAMPLE)
    one = tmp_path / "one.json"
    one.write_text(json.dumps([next(r for r in records if VIETNAM_CAMPAIGN in json.dumps(r))]))
    assert uadash(loaded, "import-osdi", str(one)) == 1
    assert f"{VIETNAM_CAMPAIGN}  (1 outreach)\n" in capsys.readouterr().err


def test_a_first_local_init_creates_a_reporter_key_and_keeps_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UADASH_DATABASE_URL", raising=False)
    monkeypatch.delenv("UADASH_REPORTER_KEY", raising=False)
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n')
    assert cli.main(["init", "--cases", str(CASES_DIR)]) == 0
    assert "Created a reporter key in .streamlit/secrets.toml" in capsys.readouterr().out
    settings = tomllib.loads(secrets.read_text())
    key = settings["reporter_key"]
    assert len(key) == 64 and settings["auth"]["redirect_uri"].endswith("oauth2callback")
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert config.reporter_key() == key.encode()
    assert cli.main(["init", "--cases", str(CASES_DIR)]) == 0
    assert "reporter key" not in capsys.readouterr().out
    assert tomllib.loads(secrets.read_text())["reporter_key"] == key


def test_init_on_a_shared_database_does_not_invent_a_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("UADASH_REPORTER_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    assert cli.main(["--database-url", url, "init", "--cases", str(CASES_DIR)]) == 0
    assert "No reporter key is set" in capsys.readouterr().out
    assert not (tmp_path / ".streamlit" / "secrets.toml").exists()
