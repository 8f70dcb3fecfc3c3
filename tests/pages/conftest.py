"""Fixtures for AppTest: the real app on a real SQLite file, empty or with the case files
and generated demo reports, with "today" pinned so the numbers are reproducible."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from tests.conftest import CASES_DIR, ROOT
from uadash.cases.files import case_files, load_case_files
from uadash.database import open_database
from uadash.reports.demo import generate_demo_reports
from uadash.ui import downloads

TODAY = date(2026, 11, 24)
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def warm_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every AppTest as a server that has served app.py once.

    AppTest starts each run like a freshly started server, in Streamlit's older `pages/` mode,
    and after `switch_page` runs the page file on its own; the app leaves that mode with a
    rerun (`uadash.ui.session.leave_pages_folder_mode`), and the rerun would drop the click
    or form submit being tested. The fresh-server path itself is tested in a real
    browser (tests/browser/test_pages.py).
    """
    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


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


@dataclass
class Export:
    """One chart a page drew with its downloads: the chart, the CSV's data, the file name."""

    chart: Any
    data: pd.DataFrame
    name: str


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Export]]:
    """Every chart a page hands to `chart_with_downloads`, with the data of its CSV."""
    seen: list[Export] = []
    draw = downloads.chart_with_downloads

    def recording(chart: Any, data: pd.DataFrame, name: str) -> None:
        seen.append(Export(chart, data, name))
        draw(chart, data, name)

    monkeypatch.setattr(downloads, "chart_with_downloads", recording)
    yield seen
