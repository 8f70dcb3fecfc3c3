"""The app as `st.App` under uvicorn: Streamlit's pages, and beside them the routes of the
modules in `ROUTE_MODULES`. `uadash serve` runs it; Streamlit's own settings still come from
`.streamlit/config.toml` (and `--server.*` style overrides given here)."""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import streamlit as st
from starlette.routing import BaseRoute
from streamlit.runtime.pages_manager import PagesManager

from uadash.database import Engine
from uadash.web import calendar_feed, health, intake_api, report_form, sign_in
from uadash.web.routing import base_path, routes_of

# Every module of routes, each with `routes(engine) -> list[BaseRoute]`. Add yours here.
ROUTE_MODULES: Sequence[ModuleType] = (health, sign_in, calendar_feed, report_form, intake_api)

APP_SCRIPT = Path(__file__).resolve().parents[3] / "app.py"


def script_path() -> Path:
    """app.py next to the package's source (an editable install), else in the current folder."""
    return APP_SCRIPT if APP_SCRIPT.is_file() else Path.cwd() / "app.py"


def routes(engine: Engine, *, prefix: str = "") -> list[BaseRoute]:
    """Every module's routes, under `/prefix` when the app is served below a base path."""
    return routes_of(ROUTE_MODULES, engine, prefix=prefix)


def build_app(engine: Engine, *, base_url: str | None = None) -> st.App:
    """app.py as an ASGI application with our routes.

    Streamlit decides once per process whether it is in its older "pages folder" mode, from
    whether a `pages/` folder sits next to the script; in that mode the first request after
    a start lists the raw page files (`edit` and `import` included) to whoever comes first.
    app.py always navigates with `st.navigation`, so tell Streamlit before any session starts.
    """
    PagesManager.uses_pages_directory = False
    return st.App(str(script_path()), routes=routes(engine, prefix=base_path(base_url)))


def serve(
    engine: Engine,
    *,
    host: str | None = None,
    port: int | None = None,
    base_url: str | None = None,
) -> None:
    """Run the app until interrupted (Ctrl+C or SIGTERM). Unset options keep the values of
    `.streamlit/config.toml` (or Streamlit's defaults: every address, port 8501)."""
    overrides: dict[str, Any] = {"server.headless": True}
    if host is not None:
        overrides["server.address"] = host
    if port is not None:
        overrides["server.port"] = port
    if base_url is not None:
        overrides["server.baseUrlPath"] = base_path(base_url)
    else:
        base_url = _configured_base_path()
    app = build_app(engine, base_url=base_url)
    # `App.run` treats sys.argv[0] as the launcher and looks for .streamlit/config.toml next
    # to it: name app.py, so that the project's config.toml is read, as `streamlit run` does.
    sys.argv = [str(script_path())]
    app.run(config=overrides)


def _configured_base_path() -> str:
    """`server.baseUrlPath` from the project's .streamlit/config.toml (read here, before
    Streamlit loads its config, which it would otherwise load twice and warn about)."""
    path = script_path().parent / ".streamlit" / "config.toml"
    try:
        with path.open("rb") as handle:
            found = tomllib.load(handle).get("server", {}).get("baseUrlPath")
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    return str(found or "")
