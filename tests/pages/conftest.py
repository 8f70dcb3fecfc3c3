"""Fixtures for AppTest: the real app on a real SQLite file, empty or with the case files
and generated demo reports, with "today" pinned so the numbers are reproducible."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import CASES_DIR, ROOT
from uadash.casefiles import case_files, load_case_files
from uadash.database import open_database
from uadash.demo import generate_demo_reports

TODAY = date(2026, 11, 24)
APP = str(ROOT / "app.py")


@pytest.fixture
def app_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An empty, migrated database that the app under test is configured to use."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("UADASH_DATABASE_URL", url)
    monkeypatch.setenv("UADASH_TODAY", TODAY.isoformat())
    engine = open_database(url)
    yield engine
    engine.dispose()


@pytest.fixture
def seed_database(app_database: Engine) -> Engine:
    """Only the real seed case, UA 44.22 (second update), and no reports at all."""
    seed = [path for path in case_files(CASES_DIR) if "44.22" in path.name]
    load_case_files(app_database, seed, actor="test", today=TODAY)
    return app_database


@pytest.fixture
def demo_database(app_database: Engine) -> Engine:
    """The shipped case files plus 20,000 generated demo reports."""
    load_case_files(app_database, case_files(CASES_DIR), actor="test", today=TODAY)
    generate_demo_reports(app_database, reports=20_000, seed=7, today=TODAY)
    return app_database


def open_app(page: str | None = None, **query: str) -> AppTest:
    """Run the app once (on `page`, e.g. "pages/case.py", when given)."""
    app = AppTest.from_file(APP, default_timeout=30)
    app.query_params.update(query)
    app.run()
    if page:
        app.switch_page(page)
        app.query_params.update(query)
        app.run()
    return app
