"""The fuzz suite's profiles and its database: one real database per test (a SQLite file, or a
fresh PostgreSQL database), the shipped case files loaded, today and a reporter key pinned.

Profiles (`--hypothesis-profile NAME`): `default`, the short run of `make test` (a few dozen
examples per format); `fuzz`, the long run of `make fuzz` on SQLite (5,000 per format);
`fuzz-postgres`, its PostgreSQL part (1,000 per format).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from tests.conftest import BACKENDS, CASES_DIR, _postgres_database
from tests.intake_support import REPORTER_KEY, TODAY
from uadash.cases.files import case_files, load_case_files
from uadash.store.engine import make_engine, upgrade

_SHARED = {
    "deadline": None,
    "derandomize": False,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    "database": None,  # no example database in the checkout
    "print_blob": True,
}
# The short run inside `make test` is the same examples every time (a CI run never fails on
# luck); the long runs explore anew each time.
settings.register_profile(
    "default",
    max_examples=int(os.environ.get("UADASH_FUZZ_EXAMPLES", 25)),
    **{**_SHARED, "derandomize": True},
)
settings.register_profile("fuzz", max_examples=5_000, **_SHARED)
settings.register_profile("fuzz-postgres", max_examples=1_000, **_SHARED)


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database for a whole fuzz test: examples pile up in it, as imports do in real life."""
    if request.param == "sqlite":
        directory = tmp_path_factory.mktemp("fuzz")
        urls: Iterator[str] = iter([f"sqlite:///{directory / 'fuzz.db'}"])
    else:
        urls = _postgres_database()
    url = next(urls)
    engine = make_engine(url)
    upgrade(engine)
    load_case_files(engine, case_files(CASES_DIR), actor="fuzz", today=TODAY)
    yield engine
    engine.dispose()
    next(urls, None)  # drops the PostgreSQL database


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-files")


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch, fuzz_dir: Path) -> None:
    monkeypatch.chdir(fuzz_dir)  # no .streamlit/secrets.toml of the checkout
    monkeypatch.setenv("UADASH_TODAY", TODAY.isoformat())
    monkeypatch.setenv("UADASH_REPORTER_KEY", REPORTER_KEY)
    monkeypatch.setenv("UADASH_ERROR_LOG", str(fuzz_dir / "errors.log"))
    monkeypatch.delenv("UADASH_TIMEZONE", raising=False)
    monkeypatch.delenv("UADASH_DEBUG", raising=False)
