"""The fuzz suite: generated and damaged CSV files, OSDI documents and case files through the
real command line, on each backend. For every example: the command exits 0 or 1 (never 2, the
unexpected-error path, and never an exception); a refusal writes nothing; an acceptance leaves
the daily totals exact (what `uadash check` verifies).

Short run: part of `make test`. Long run: `make fuzz` (docs/limits.md has its figures).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from hypothesis import given
from sqlalchemy import Engine, func, select

from tests.fuzz import strategies
from tests.intake_support import CHINA_CAMPAIGN
from uadash import cli
from uadash.reports.writer import rollup_differences
from uadash.store.engine import transaction
from uadash.store.models import ActionDaily, ActionReport, AuditEvent, Case, ReportBatch, Target


def run(engine: Engine, *argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(argv), engine=engine)
    text = out.getvalue() + err.getvalue()
    assert status in (0, 1), text
    assert "Traceback" not in text and "uadash: unexpected" not in text, text
    return status, text


def reports_state(engine: Engine) -> tuple[int, int, int]:
    with transaction(engine) as session:
        return (
            int(session.scalar(select(func.count()).select_from(ActionReport)) or 0),
            int(session.scalar(select(func.coalesce(func.sum(ActionDaily.actions), 0))) or 0),
            int(session.scalar(select(func.count()).select_from(ReportBatch)) or 0),
        )


def cases_state(engine: Engine) -> tuple[int, int, int, int]:
    with transaction(engine) as session:
        return (
            int(session.scalar(select(func.count()).select_from(Case)) or 0),
            int(session.scalar(select(func.count()).select_from(Target)) or 0),
            int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0),
            int(session.scalar(select(func.coalesce(func.sum(Case.version), 0))) or 0),
        )


def assert_exact(engine: Engine) -> None:
    with transaction(engine) as session:
        differences = rollup_differences(session)
    assert differences.empty, differences


def refused_or_exact(
    engine: Engine, before: tuple[int, ...], status: int, now: tuple[int, ...]
) -> None:
    if status == 1:
        assert now == before, "a refused import wrote something"
    assert_exact(engine)


@given(data=strategies.csv_files())
def test_csv_files(fuzz_engine: Engine, fuzz_dir: Path, data: bytes) -> None:
    path = fuzz_dir / "reports.csv"
    path.write_bytes(data)
    before = reports_state(fuzz_engine)
    status, _ = run(fuzz_engine, "import-actions", str(path))
    refused_or_exact(fuzz_engine, before, status, reports_state(fuzz_engine))


@given(data=strategies.osdi_files())
def test_osdi_files(fuzz_engine: Engine, fuzz_dir: Path, data: bytes) -> None:
    path = fuzz_dir / "outreaches.json"
    path.write_bytes(data)
    before = reports_state(fuzz_engine)
    status, _ = run(fuzz_engine, "import-osdi", str(path), "--campaign", f"{CHINA_CAMPAIGN}=44.22")
    refused_or_exact(fuzz_engine, before, status, reports_state(fuzz_engine))


@given(data=strategies.case_files())
def test_case_files(fuzz_engine: Engine, fuzz_dir: Path, data: bytes) -> None:
    path = fuzz_dir / "case.yaml"
    path.write_bytes(data)
    before = cases_state(fuzz_engine)
    status, _ = run(fuzz_engine, "load-cases", str(path))
    if status == 1:
        assert cases_state(fuzz_engine) == before, "a refused case file wrote something"
    assert_exact(fuzz_engine)
