"""Putting route modules together below a base path: what `uadash serve` and
`uadash serve-intake` share (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from urllib.parse import urlsplit

from starlette.routing import BaseRoute, Route

from uadash.database import Engine


def base_path(base_url: str | None) -> str:
    """The path part of a base URL, as Streamlit's `server.baseUrlPath` wants it:
    `https://example.org/uadash/` and `/uadash` both give `uadash`; none gives ``."""
    if not base_url:
        return ""
    return urlsplit(base_url).path.strip("/")


def routes_of(
    modules: Sequence[ModuleType], engine: Engine, *, prefix: str = ""
) -> list[BaseRoute]:
    """The routes of `modules`, under `/prefix` when served below a base path."""
    found: list[BaseRoute] = []
    for module in modules:
        make: Callable[[Engine], list[BaseRoute]] = module.routes
        found.extend(_under(prefix, route) for route in make(engine))
    return found


def _under(prefix: str, route: BaseRoute) -> BaseRoute:
    if not prefix:
        return route
    if not isinstance(route, Route):
        raise TypeError(f"{route!r}: only plain routes can be served below a base path")
    return Route(
        f"/{prefix}{route.path}",
        route.endpoint,
        methods=sorted(route.methods or ()),
        name=route.name,
    )
