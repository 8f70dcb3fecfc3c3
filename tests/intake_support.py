"""What the import tests share: the shipped case files in a real database, a pinned "today",
a reporter key, and small readers of what the database holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from tests.conftest import CASES_DIR, ROOT
from uadash.access import Actor
from uadash.cases.files import case_files, load_case_files
from uadash.reports.writer import rollup_differences
from uadash.store.engine import transaction
from uadash.store.models import ActionDaily, ActionReport, Case, ReportBatch, Target
from uadash.vocab import Role

TODAY = date(2026, 11, 24)
REPORTER_KEY = "test-reporter-key-" + "0123456789abcdef" * 3
EDITOR = Actor("ed@example.org", Role.editor, "Ed")
VIEWER = Actor("viola@example.org", Role.viewer)
DATA = ROOT / "tests" / "data"
OSDI_SAMPLE = DATA / "osdi_outreaches.json"
# The sample's two advocacy campaigns and the cases they are for.
CHINA_CAMPAIGN = (
    "https://actionnetwork.org/api/v2/advocacy_campaigns/4e0f1a52-8c3d-4b7e-9a61-2f5d0c7b4422"
)
VIETNAM_CAMPAIGN = (
    "https://actionnetwork.org/api/v2/advocacy_campaigns/b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c3926"
)


def prepare(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    """The shipped case files loaded, today pinned, a reporter key set, no secrets.toml."""
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml of the checkout
    monkeypatch.setenv("UADASH_TODAY", TODAY.isoformat())
    monkeypatch.setenv("UADASH_REPORTER_KEY", REPORTER_KEY)
    monkeypatch.delenv("UADASH_TIMEZONE", raising=False)
    load_case_files(engine, case_files(CASES_DIR), actor="test", today=TODAY)
    return engine


def csv_bytes_of(text: str, encoding: str = "utf-8") -> bytes:
    """A CSV file's bytes from a readable literal (leading indentation and blank edges removed)."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def report_count(engine: Engine) -> int:
    with transaction(engine) as session:
        return int(session.scalar(select(func.count()).select_from(ActionReport)) or 0)


def batch_count(engine: Engine) -> int:
    with transaction(engine) as session:
        return int(session.scalar(select(func.count()).select_from(ReportBatch)) or 0)


def total_actions(engine: Engine) -> int:
    with transaction(engine) as session:
        return int(session.scalar(select(func.coalesce(func.sum(ActionDaily.actions), 0))) or 0)


def raw_actions(engine: Engine) -> int:
    with transaction(engine) as session:
        return int(session.scalar(select(func.coalesce(func.sum(ActionReport.count), 0))) or 0)


def assert_exact(engine: Engine) -> None:
    """The rollup equals a fresh tally of the raw reports."""
    with transaction(engine) as session:
        differences = rollup_differences(session)
    assert differences.empty, differences
    assert total_actions(engine) == raw_actions(engine)


def stored_reports(engine: Engine) -> pd.DataFrame:
    """Every report with its case reference and target name, in id order."""
    query = (
        select(
            ActionReport.id,
            Case.ua_number,
            Case.update_number,
            Target.name.label("target"),
            ActionReport.channel,
            ActionReport.count,
            ActionReport.action_date,
            ActionReport.source,
            ActionReport.external_id,
            ActionReport.reporter_hash,
            ActionReport.dedupe_key,
            ActionReport.note,
            ActionReport.batch_id,
        )
        .join(Case, Case.id == ActionReport.case_id)
        .outerjoin(Target, Target.id == ActionReport.target_id)
        .order_by(ActionReport.id)
    )
    with transaction(engine) as session:
        rows = session.execute(query).all()
    frame = pd.DataFrame([row._asdict() for row in rows])
    if not frame.empty:
        frame["channel"] = frame["channel"].map(lambda c: getattr(c, "value", c))
        frame["source"] = frame["source"].map(lambda s: getattr(s, "value", s))
    return frame


def case_id(engine: Engine, ua_number: str) -> int:
    with transaction(engine) as session:
        found = session.scalar(select(Case.id).where(Case.ua_number == ua_number))
    assert found is not None, ua_number
    return int(found)


def target_id(engine: Engine, name: str) -> int:
    with transaction(engine) as session:
        found = session.scalar(select(Target.id).where(Target.name == name))
    assert found is not None, name
    return int(found)
