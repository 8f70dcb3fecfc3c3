"""The intake API, for form tools' webhooks: `POST /api/v1/reports` (reports with the fields
of a CSV import) and `POST /api/v1/osdi/outreaches` (OSDI outreach records). Each source sends
its own key (`Authorization: Bearer KEY`, or `X-API-Key: KEY`).

A request is all or nothing: 201 with what was added and what was already there, 400 for
JSON that cannot be read, 401 without a valid key, 404/405 for another path or method, 413
when too large, 422 naming every problem by report index and field.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from uadash import limits
from uadash.reports.live import Refused, Taken, TooMany, take_outreaches, take_reports
from uadash.reports.sources import source_for_key
from uadash.web.throttle import TooLarge, read_body

MAX_BODY_BYTES = limits.INTAKE_API.file_bytes or 1024 * 1024


ENDPOINTS = ("/api/v1/reports", "/api/v1/osdi/outreaches")
EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def routes(engine: Engine) -> list[BaseRoute]:
    api = IntakeApi(engine)
    return [
        Route(ENDPOINTS[0], api.reports, methods=["POST"], name="api_reports"),
        Route(ENDPOINTS[1], api.outreaches, methods=["POST"], name="api_osdi"),
        # Anything else under /api/ is answered here, in JSON, rather than by the dashboard's
        # page (a GET) or a plain-text 405 that names GET as allowed (a PUT).
        Route("/api/{rest:path}", elsewhere, methods=EVERY_METHOD, name="api_elsewhere"),
    ]


async def elsewhere(request: Request) -> Response:
    """405 with `Allow: POST` for another method on an endpoint; 404 for any other path."""
    if f"/api/{request.path_params['rest']}".rstrip("/") in ENDPOINTS:
        response = _error(405, f"{request.method} is not taken here: send a POST")
        response.headers["Allow"] = "POST"
        return response
    return _error(404, f"no such endpoint: the API has POST {' and POST '.join(ENDPOINTS)}")


class IntakeApi:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def reports(self, request: Request) -> Response:
        return await self._take(
            request, lambda body, source: take_reports(self.engine, body, source=source)
        )

    async def outreaches(self, request: Request) -> Response:
        campaigns = {}
        for pair in request.query_params.getlist("campaign"):
            uri, _, ref = pair.rpartition("=")
            if uri and ref:
                campaigns[uri] = ref
        return await self._take(
            request,
            lambda body, source: take_outreaches(
                self.engine, body, source=source, campaigns=campaigns
            ),
        )

    async def _take(self, request: Request, take: Any) -> Response:
        source = await run_in_threadpool(source_for_key, self.engine, _key(request))
        if source is None:
            response = _error(401, "a valid API key is needed (uadash source add NAME makes one)")
            response.headers["WWW-Authenticate"] = 'Bearer realm="uadash"'
            return response
        try:
            raw = await read_body(request, MAX_BODY_BYTES)
        except TooLarge as error:
            return _error(413, f"{error}: send fewer reports per request")
        try:
            body = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return _error(400, "the body is not UTF-8 text")
        except json.JSONDecodeError as error:
            return _error(
                400, f"not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}"
            )
        try:
            taken: Taken = await run_in_threadpool(take, body, source)
        except TooMany as refused:
            return _error(413, f"{refused}: send them in smaller parts")
        except Refused as refused:
            return JSONResponse(
                {
                    "error": "nothing was written: every problem is listed",
                    "problems": [
                        {"index": p.index, "field": p.field, "message": p.message}
                        for p in refused.problems
                    ],
                },
                status_code=422,
            )
        return JSONResponse(
            {
                "source": source.name,
                "received": taken.received,
                "added": taken.added,
                "already_there": taken.already_there,
                "actions_added": taken.actions,
                "batch": taken.batch_id,
            },
            status_code=201,
        )


def _key(request: Request) -> str:
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key", "").strip()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
