"""Real databases for the tests: a SQLite file in `tmp_path`, and PostgreSQL when
`UADASH_TEST_POSTGRES_URL` is set (a fresh database per test, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from uadash.store.engine import make_engine, upgrade

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CASES_DIR = ROOT / "data" / "cases"
SEED_SAMPLE = SHARED / "samples" / "ua" / "ua-44-22-china-second-update.txt"

POSTGRES_URL = os.environ.get("UADASH_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def _postgres_database() -> Iterator[str]:
    assert POSTGRES_URL
    admin_url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"uadash_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend: the store tests run once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'uadash.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite file, for tests that are about something other than the backend."""
    return f"sqlite:///{tmp_path / 'uadash.db'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    yield engine
    engine.dispose()
