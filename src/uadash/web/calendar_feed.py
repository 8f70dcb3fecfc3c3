"""`/calendar.ics`: the deadline calendar (uadash.deadlines), behind the pages' sign-in rule.

When viewing needs sign-in, it needs a signed-in browser (the session cookie) or the person's
own secret feed address (`?key=…`, shown in the app's sidebar), for calendar apps that cannot
send cookies. A wrong key is refused whatever the rule.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from uadash import config, deadlines, sessions
from uadash.database import Engine


def routes(engine: Engine) -> list[BaseRoute]:
    def feed(request: Request) -> Response:
        key = request.query_params.get("key")
        if key is not None and deadlines.feed_owner(engine, key) is None:
            return PlainTextResponse(
                "This calendar address is not (or no longer) valid: copy it again from the app.",
                status_code=403,
            )
        if key is None and config.require_sign_in() and not _signed_in(engine, request):
            return PlainTextResponse(
                "Viewing uadash needs a sign-in: use the calendar address shown in the app.",
                status_code=401,
            )
        body = deadlines.calendar_feed(engine, app_url=_app_url(request))
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": 'inline; filename="uadash-deadlines.ics"'},
        )

    return [Route(deadlines.FEED_PATH, feed, methods=["GET", "HEAD"])]


def _signed_in(engine: Engine, request: Request) -> bool:
    value = request.cookies.get(sessions.COOKIE_NAME)
    if not value:
        return False
    try:
        sessions.resolve(engine, secret=sessions.read_cookie(engine, value))
    except sessions.SessionEnded:
        return False
    return True


def _app_url(request: Request) -> str:
    """The app's public address, for the links in the events (behind a proxy: its Host and
    X-Forwarded-Proto, see the README)."""
    path = request.url.path
    base = path[: -len(deadlines.FEED_PATH)] if path.endswith(deadlines.FEED_PATH) else ""
    host = request.headers.get("host") or request.url.netloc
    return f"{request.url.scheme}://{host}{base}"
