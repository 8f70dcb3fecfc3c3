"""`/healthz`: whether the database answers and its schema is current, for a load balancer or
a container's health check. 200 when both hold, 503 otherwise; the JSON body says which."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from uadash.database import Engine, health


def routes(engine: Engine) -> list[BaseRoute]:
    def healthz(_request: Request) -> JSONResponse:
        found = health(engine)
        return JSONResponse(found.as_json(), status_code=200 if found.ok else 503)

    return [Route("/healthz", healthz, methods=["GET", "HEAD"])]
