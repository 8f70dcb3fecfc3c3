"""The intake routes alone — the report form, the intake API and /healthz — as a plain
Starlette app under uvicorn, with no Streamlit: `uadash serve-intake`.

Streamlit's runtime is one per process, and one process runs Python on one core at a time.
The form and the API keep no state between requests but their rate limits, so they can run in
several processes of their own, beside `uadash serve`, behind a reverse proxy that sends
`/report/` and `/api/` to them. Each worker process keeps its own rate limits (in memory), so
with N workers a client can make up to N times the configured rate.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from types import ModuleType

from starlette.applications import Starlette

from uadash import config
from uadash.database import Engine
from uadash.store.engine import make_engine
from uadash.web import health, intake_api, report_form
from uadash.web.routing import base_path, routes_of

ROUTE_MODULES: Sequence[ModuleType] = (health, report_form, intake_api)
BASE_PATH = "UADASH_INTAKE_BASE_PATH"  # how serve_intake tells its worker processes


def build_app(engine: Engine, *, base_url: str | None = None) -> Starlette:
    """The intake routes (below the base URL's path, as `uadash serve` puts them)."""
    return Starlette(routes=routes_of(ROUTE_MODULES, engine, prefix=base_path(base_url)))


def app_from_environment() -> Starlette:
    """The app of one worker process: uvicorn calls this in each (the database from
    UADASH_DATABASE_URL, as everywhere)."""
    return build_app(make_engine(config.database_url()), base_url=os.environ.get(BASE_PATH))


def serve_intake(
    database_url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8510,
    workers: int = 1,
    base_url: str | None = None,
) -> None:
    """Run `workers` processes sharing one listening socket until interrupted."""
    import uvicorn

    os.environ["UADASH_DATABASE_URL"] = database_url
    os.environ[BASE_PATH] = base_url or ""
    uvicorn.run(
        "uadash.web.intake_server:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        server_header=False,
    )
