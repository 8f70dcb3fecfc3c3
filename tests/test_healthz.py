"""`/healthz` says whether the database answers and its schema is current: 200, else 503."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from uadash.store.engine import make_engine
from uadash.web.server import routes


def _client(engine: Engine) -> TestClient:
    return TestClient(Starlette(routes=routes(engine)))


def test_healthz_is_200_with_the_database_up_and_the_schema_current(engine: Engine) -> None:
    answer = _client(engine).get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["database"] == "up"
    assert body["schema"] == "current"
    assert body["revision"] == body["expected_revision"]


def test_healthz_is_503_when_the_schema_is_not_migrated(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    answer = _client(engine).get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "unavailable",
        "database": "up",
        "schema": "not current",
        "revision": None,
        "expected_revision": answer.json()["expected_revision"],
    }
    assert answer.json()["expected_revision"]


def test_healthz_is_503_when_the_database_does_not_answer() -> None:
    engine = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:9/uadash", connect_args={"connect_timeout": 2}
    )
    answer = _client(engine).get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "unavailable",
        "database": "down",
        "schema": "not current",
    }
    assert "127.0.0.1" not in answer.text  # where the database lives is not told


def test_routes_follow_the_base_path(engine: Engine) -> None:
    client = TestClient(Starlette(routes=routes(engine, prefix="uadash")))
    assert client.get("/uadash/healthz").status_code == 200
    assert client.get("/healthz").status_code == 404
