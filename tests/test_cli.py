"""The `uadash` command, one test per promise of the README's "The command line": init,
load-cases, demo-actions and cases on a real SQLite file, and errors as one line, no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from tests.conftest import CASES_DIR, ROOT
from uadash.cases.files import case_files
from uadash.cli import main
from uadash.store.engine import make_engine
from uadash.store.models import ActionDaily, ActionReport, Base, Case, ReportBatch

TODAY = "2026-11-24"
SEED_FILE = CASES_DIR / "ua-44.22-2-china.yaml"
SHIPPED_LABELS = [
    "UA 101.26",
    "UA 110.26",
    "UA 39.26",
    "UA 44.22 (update 2)",
    "UA 52.26 (update 2)",
    "UA 64.26",
    "UA 88.26 (update 1)",
    "UA 97.26",
]


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def pinned_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed "today", and no database or case folder from the caller's environment."""
    monkeypatch.setenv("UADASH_TODAY", TODAY)
    for name in ("UADASH_DATABASE_URL", "UADASH_CASES_DIR", "UADASH_DEBUG", "UADASH_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)


Uadash = Callable[..., Run]


@pytest.fixture
def uadash(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> Uadash:
    """`uadash --database-url <tmp SQLite file> ARGS…`, run in-process."""

    def run(*args: str) -> Run:
        code = main(["--database-url", sqlite_url, *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def count(url: str, what: type[Base]) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(what)) or 0
    finally:
        engine.dispose()


def rollup_reports(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.sum(ActionDaily.reports))) or 0)
    finally:
        engine.dispose()


def assert_one_line_error(run: Run) -> None:
    assert "Traceback" not in run.err
    assert run.err.startswith("uadash: ")
    assert run.err.count("\n") == 1


def test_the_shipped_case_folder_holds_eight_files() -> None:
    assert len(case_files(CASES_DIR)) == len(SHIPPED_LABELS) == 8


# --- init ----------------------------------------------------------------------------------


def test_init_creates_the_schema_and_loads_the_shipped_case_files(
    uadash: Uadash, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the default case folder is data/cases, as in `make run`

    run = uadash("init")

    assert run.code == 0, run.err
    assert "Database ready" in run.out
    assert "Case files: 8 created, 0 updated, 0 unchanged." in run.out
    for label in SHIPPED_LABELS:
        assert f"  created {label}\n" in run.out
    engine = make_engine(sqlite_url)
    try:
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert count(sqlite_url, Case) == 8
    assert count(sqlite_url, ActionReport) == 0  # demo reports only when asked for


def test_init_with_demo_reports_generates_them_once(uadash: Uadash, sqlite_url: str) -> None:
    first = uadash("init", "--cases", str(CASES_DIR), "--demo-reports", "5000")

    assert first.code == 0, first.err
    assert "Demo data: 5,000 reports" in first.out
    assert count(sqlite_url, ActionReport) == 5000
    assert rollup_reports(sqlite_url) == 5000

    second = uadash("init", "--cases", str(CASES_DIR), "--demo-reports", "5000")

    assert second.code == 0, second.err
    assert "Case files: 0 created, 0 updated, 8 unchanged." in second.out
    assert "Action reports already present; no demo reports added." in second.out
    assert "Demo data" not in second.out
    assert count(sqlite_url, ActionReport) == 5000
    assert count(sqlite_url, ReportBatch) == 1  # the first run's reports, not new ones


def test_init_with_a_missing_case_folder_exits_1(uadash: Uadash, tmp_path: Path) -> None:
    missing = tmp_path / "no-cases-here"

    run = uadash("init", "--cases", str(missing))

    assert run.code == 1
    assert run.err == f"uadash: {missing}: no such file or folder\n"


# --- load-cases ----------------------------------------------------------------------------


def test_load_cases_twice_reports_everything_unchanged_the_second_time(
    uadash: Uadash, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the README's own command line

    first = uadash("load-cases", "data/cases")
    second = uadash("load-cases", "data/cases")

    assert first.code == second.code == 0
    assert first.out.startswith("Case files: 8 created, 0 updated, 0 unchanged.\n")
    assert second.out == "Case files: 0 created, 0 updated, 8 unchanged.\n"
    assert count(sqlite_url, Case) == 8


def test_load_cases_takes_a_single_file(uadash: Uadash, sqlite_url: str) -> None:
    run = uadash("load-cases", str(SEED_FILE))

    assert run.code == 0, run.err
    assert run.out == (
        "Case files: 1 created, 0 updated, 0 unchanged.\n  created UA 44.22 (update 2)\n"
    )
    assert count(sqlite_url, Case) == 1


def test_load_cases_with_a_missing_path_exits_1_and_names_it(
    uadash: Uadash, sqlite_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "cases" / "ua-1.26.yaml"

    run = uadash("load-cases", str(missing))

    assert run.code == 1
    assert run.out == ""
    assert run.err == f"uadash: {missing}: no such file or folder\n"
    assert count(sqlite_url, Case) == 0


def test_load_cases_from_a_folder_without_case_files_exits_1(
    uadash: Uadash, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("not a case\n", encoding="utf-8")

    run = uadash("load-cases", str(tmp_path))

    assert run.code == 1
    assert run.err == f"uadash: {tmp_path}: no case files (*.yaml) found\n"


def test_bad_case_file_exits_1_names_the_line_and_loads_nothing(
    uadash: Uadash, sqlite_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    shutil.copy(SEED_FILE, folder / "a-good.yaml")
    good_lines = SEED_FILE.read_text(encoding="utf-8").splitlines()
    bad_lines = [
        line.replace('"44.22"', '"45.22"') if line.startswith("ua_number:") else line
        for line in good_lines
    ]
    bad_line = bad_lines.index("status: active") + 2  # the line after status, 1-based
    bad_lines.insert(bad_line - 1, "priority: high")
    bad = folder / "b-bad.yaml"
    bad.write_text("\n".join(bad_lines) + "\n", encoding="utf-8")

    run = uadash("load-cases", str(folder))

    assert run.code == 1
    assert "Traceback" not in run.err
    assert run.err.startswith("uadash: nothing was loaded; 1 problem(s):\n")
    assert f"  {bad}:{bad_line}: priority: unknown field" in run.err
    assert str(folder / "a-good.yaml") not in run.err
    assert count(sqlite_url, Case) == 0  # not even the good file


# --- demo-actions --------------------------------------------------------------------------


def test_demo_actions_replaces_the_demo_reports(uadash: Uadash, sqlite_url: str) -> None:
    assert uadash("load-cases", str(CASES_DIR)).code == 0

    for first in (True, False):
        run = uadash("demo-actions", "--reports", "3000", "--seed", "1")

        assert run.code == 0, run.err
        assert "Demo data: 3,000 reports" in run.out
        # Said only when there were some to replace.
        assert ("the 3,000 earlier demo reports were replaced" in run.out) is not first
        assert "replaced" not in run.out or not first
        assert count(sqlite_url, ActionReport) == 3000
        assert count(sqlite_url, ReportBatch) == 1
        assert rollup_reports(sqlite_url) == 3000  # the rollup lost the old ones too


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "'0' must be at least 1"), ("-5", "'-5' must be at least 1"),
     ("lots", "'lots' is not a whole number")],
)  # fmt: skip
def test_demo_actions_refuses_a_report_count_below_one_with_exit_2(
    uadash: Uadash, sqlite_url: str, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        uadash("demo-actions", "--reports", value)

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --reports: {message}" in err
    assert "Traceback" not in err
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()  # refused before opening


# --- cases ---------------------------------------------------------------------------------


def test_cases_lists_every_case_and_the_seed_deadline(uadash: Uadash) -> None:
    assert uadash("init", "--cases", str(CASES_DIR)).code == 0

    run = uadash("cases")

    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split() == [
        "case",
        "status",
        "deadline",
        "actions",
        "last",
        "7",
        "days",
        "title",
    ]
    assert len(lines) == 1 + 8
    for label in SHIPPED_LABELS:
        assert sum(line.lstrip().startswith(f"{label} ") for line in lines) == 1, label
    seed = next(line for line in lines if "UA 44.22 (update 2)" in line)
    # 2025-03-18 is the real deadline of UA 44.22; 616 days before the pinned today. Its
    # action "has no end date": the date was a suggestion, and the case is still open.
    assert "2025-03-18 (suggested; 616 days ago)" in seed
    assert "Past the suggested date" in seed and "overdue" not in seed
    assert "Two activists faced unjust conviction" in seed
    assert "due in 5 days" in next(line for line in lines if "UA 101.26" in line)
    assert "no end date" in next(line for line in lines if "UA 64.26" in line)


def test_cases_on_an_empty_database_says_how_to_load_some(uadash: Uadash) -> None:
    run = uadash("cases")

    assert run.code == 0
    assert run.out == "No cases. Load some with `uadash load-cases data/cases`.\n"


# --- the database ----------------------------------------------------------------------------


def test_commands_use_uadash_database_url_without_the_flag(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "elsewhere" / "from-env.db"
    monkeypatch.setenv("UADASH_DATABASE_URL", f"sqlite:///{database}")

    assert main(["init", "--cases", str(SEED_FILE)]) == 0

    assert f"Database ready: sqlite:///{database}" in capsys.readouterr().out
    assert count(f"sqlite:///{database}", Case) == 1
    assert not (tmp_path / "data").exists()  # not the default file


def test_unreachable_postgresql_exits_1_with_database_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/none", "cases"])

    run = Run(code, *capsys.readouterr())
    assert run.code == 1
    assert run.out == ""
    assert run.err.startswith("uadash: database error: ")
    assert_one_line_error(run)


def test_broken_secrets_toml_exits_1_naming_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text("database_url = sqlite:///oops.db\n", encoding="utf-8")

    run = Run(main(["cases"]), *capsys.readouterr())

    assert run.code == 1
    assert run.err.startswith(f"uadash: {Path('.streamlit') / 'secrets.toml'}: ")
    assert_one_line_error(run)
    assert not (tmp_path / "data").exists()  # no default database was made instead


# --- the installed command -----------------------------------------------------------------


def console_script() -> list[str]:
    script = shutil.which("uadash", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip(f"no uadash console script next to {sys.executable}; pip install -e .")
    return [script]


@pytest.mark.parametrize(
    "command",
    [console_script, lambda: [sys.executable, "-m", "uadash.cli"]],
    ids=["console script", "python -m uadash.cli"],
)
def test_installed_command_lists_cases(
    uadash: Uadash, sqlite_url: str, command: Callable[[], list[str]], tmp_path: Path
) -> None:
    assert uadash("init", "--cases", str(CASES_DIR)).code == 0
    environment = {key: value for key, value in os.environ.items() if not key.startswith("UADASH_")}
    environment["UADASH_TODAY"] = TODAY

    result = subprocess.run(
        [*command(), "--database-url", sqlite_url, "cases"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    for label in SHIPPED_LABELS:
        assert label in result.stdout
    assert "2025-03-18 (suggested; 616 days ago)" in result.stdout


def test_export_case_then_load_cases_on_the_command_line(uadash: Uadash, tmp_path: Path) -> None:
    assert uadash("load-cases", str(SEED_FILE)).code == 0
    out = tmp_path / "44.yaml"
    run = uadash("export-case", "44.22-2", "-o", str(out))
    assert run.code == 0 and f"Wrote UA 44.22 (update 2) to {out}" in run.out
    again = uadash("load-cases", str(out))
    assert again.code == 0 and "0 created, 0 updated, 1 unchanged" in again.out
    missing = uadash("export-case", "99.99")
    assert missing.code != 0 and "99.99: no such case" in missing.err
