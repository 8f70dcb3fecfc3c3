"""The routes that put a session cookie in the browser, and take it out again.

- `GET /session/link?token=…` is where a one-time link leads: a tiny page that posts the token
  at once (and takes it out of the address bar and the history); `POST /session/link` swaps
  it for a session, sets the cookie and sends the browser to the app, without the token. A
  link preview or a mail scanner that only fetches the link does not spend it.
- `POST /session/handover` swaps the single-use secret the app's script made after a password
  sign-in for the cookie (the script itself cannot set one).
- `POST /session/sign-out` ends the session the cookie names and clears the cookie.

The cookie is HttpOnly, SameSite=Lax, Secure when the browser came over HTTPS (behind a proxy:
`X-Forwarded-Proto`, see the README), and holds only the session's random id, signed.
"""

from __future__ import annotations

import contextlib
import html
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from uadash import sessions, users
from uadash.database import Engine

LINK = sessions.LINK_PATH
HANDOVER = sessions.HANDOVER_PATH
SIGN_OUT = sessions.SIGN_OUT_PATH
LINK_REFUSED_NOTICE = "link-refused"  # `?notice=` the app turns into users.LINK_REFUSED


def routes(engine: Engine) -> list[BaseRoute]:
    def link_page(request: Request) -> Response:
        token = request.query_params.get("token", "")
        return HTMLResponse(_LINK_PAGE.format(token=html.escape(token, quote=True)))

    async def redeem_link(request: Request) -> Response:
        if not _same_origin(request):
            return Response("This sign-in came from another site.", status_code=403)
        form = await request.form()
        token = str(form.get("token") or "")
        home = _app_root(request, LINK)
        try:
            actor = users.redeem_sign_in_token(engine, token)
            opened = sessions.open_session(
                engine,
                actor.identity,
                method="link",
                user_agent=request.headers.get("user-agent"),
                for_browser=True,
            )
        except (users.SignInRefused, sessions.SessionEnded):
            return RedirectResponse(f"{home}?notice={LINK_REFUSED_NOTICE}", status_code=303)
        assert opened.secret is not None
        answer = RedirectResponse(home, status_code=303)
        _set_cookie(answer, request, engine, opened.secret, root=home)
        return answer

    async def take_handover(request: Request) -> Response:
        if not _same_origin(request):
            return Response(status_code=403)
        nonce = (await request.body()).decode("utf-8", "replace")
        try:
            secret = sessions.claim(engine, nonce)
        except sessions.SessionEnded:
            return Response(status_code=403)
        answer = Response(status_code=204)
        _set_cookie(answer, request, engine, secret, root=_app_root(request, HANDOVER))
        return answer

    async def sign_out(request: Request) -> Response:
        """Ends the cookie's session and clears the cookie. With a session id as the body,
        only if the cookie still names that session: a tab that found its session ended
        must not sign out a newer sign-in of the same browser."""
        if not _same_origin(request):
            return Response(status_code=403)
        expected = (await request.body()).decode("utf-8", "replace").strip()
        value = request.cookies.get(sessions.COOKIE_NAME)
        if value:
            # A cookie that is not ours names no session: clearing it is enough.
            with contextlib.suppress(sessions.SessionEnded):
                secret = sessions.read_cookie(engine, value)
                if expected and str(sessions.session_of(engine, secret)) != expected:
                    return Response(status_code=204)
                sessions.end_session(engine, secret=secret)
        answer = Response(status_code=204)
        answer.delete_cookie(
            sessions.COOKIE_NAME,
            path=_app_root(request, SIGN_OUT),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return answer

    return [
        Route(LINK, link_page, methods=["GET"]),
        Route(LINK, redeem_link, methods=["POST"]),
        Route(HANDOVER, take_handover, methods=["POST"]),
        Route(SIGN_OUT, sign_out, methods=["POST"]),
    ]


def _set_cookie(
    answer: Response, request: Request, engine: Engine, secret: str, *, root: str
) -> None:
    answer.set_cookie(
        sessions.COOKIE_NAME,
        sessions.cookie_value(engine, secret),
        max_age=int(sessions.policy().lifetime.total_seconds()),
        path=root,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _app_root(request: Request, route: str) -> str:
    """The app's own address path (`/` or `/uadash/`), from the route's path under it."""
    path = request.url.path
    base = path[: -len(route)] if path.endswith(route) else ""
    return base.rstrip("/") + "/"


def _same_origin(request: Request) -> bool:
    """Refuse a post another site made this browser send (a sign-in forced on someone is an
    attack too). Browsers always send `Origin` on a POST; a script without one is no browser."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


_LINK_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signing in to uadash</title>
<meta name="referrer" content="same-origin">
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; margin: 3rem">
<form method="post" id="sign-in">
<input type="hidden" name="token" value="{token}">
<p>Signing you in to uadash…</p>
<noscript><button type="submit">Sign in</button></noscript>
</form>
<script>
history.replaceState(null, "", location.pathname);
document.getElementById("sign-in").submit();
</script>
</body></html>
"""
