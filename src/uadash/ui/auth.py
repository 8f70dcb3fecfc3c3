"""The signed-in person of this browser session, as an `Actor` the domain understands, and the
sign-in gate `app.py` runs before navigation: the session cookie, the sign-in form, the
identity provider (`st.login`, when `[auth]` is configured in secrets), signing out.

A sign-in is a session row in the database (`uadash.sessions`) named by an HttpOnly cookie;
every run resolves it again, so a sign-out in another tab, an admin's `uadash user sign-out`,
a removed account or a changed role applies at the next click. The script cannot set a
cookie: after a password sign-in it hands the session to the browser with a single-use secret
that the browser posts to `/session/handover` (uadash.web.sign_in), which sets the cookie.

Being shown a page proves nothing: every write in the domain checks the actor's role again.
"""

from __future__ import annotations

import importlib.util
import json
from typing import NoReturn
from urllib.parse import urlsplit

import streamlit as st

from uadash import config, deadlines, sessions, users
from uadash.access import ANONYMOUS, Actor
from uadash.ui import session

ACTOR_KEY = "uadash.actor"
# How this session's actor signed in: "password", "link" or "provider". An actor placed there
# by our sign-in is re-read from the database on every run, so a role change or a removed
# account applies at once.
SOURCE_KEY = "uadash.actor.source"
NOTICE_KEY = "uadash.auth.notice"
SESSION_KEY = "uadash.session"  # the id of this tab's session row (kept on the server only)
SPENT_KEY = "uadash.session.spent"  # the cookie value already found ended: told once
BROWSER_KEY = "uadash.auth.browser"  # a cookie change for the browser to make on the next draw
ENDED_KEY = "uadash.session.ended"  # this run found the session ended


def current_actor() -> Actor:
    """The session's actor; the anonymous viewer until someone signs in."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else ANONYMOUS


def sign_in_gate() -> Actor:
    """Work out who is here, show the account box in the sidebar, and stop the run with a
    sign-in page when viewing needs sign-in and nobody is signed in. Call before navigation."""
    _notice_from_link_route()
    _redeem_link()
    _resolve()
    _follow_provider()
    _tell_browser()
    actor = current_actor()
    if config.require_sign_in() and actor == ANONYMOUS:
        st.title("Sign in to uadash")
        st.write("Viewing this dashboard needs an account. Ask an admin if you have none.")
        _notice()
        with st.container(width=420):
            _sign_in_form(key="gate")
            _provider_button()
        st.stop()
    with st.sidebar:
        _account_box()
    return actor


def needs_editor(message: str) -> NoReturn:
    """For a page only editors may use, opened by someone else: say so, offer the sign-in
    form right there, and stop the page."""
    st.error(message, icon=":material/lock:")
    actor = current_actor()
    if actor != ANONYMOUS:
        st.caption(f"You are signed in as {actor.label}, a {actor.role.value}.")
    with st.container(width=420):
        _sign_in_form(key="page")
        _provider_button()
    st.stop()


# --- ways in -----------------------------------------------------------------------------------


def _notice_from_link_route() -> None:
    """`/session/link` sends a refused link here with `?notice=link-refused`."""
    if st.query_params.get("notice") == "link-refused":
        del st.query_params["notice"]
        st.session_state[NOTICE_KEY] = users.LINK_REFUSED


def _redeem_link() -> None:
    """`?token=…` (links printed before `/session/link` existed) signs in once; the token
    leaves the address bar either way."""
    token = st.query_params.get("token")
    if token is None:
        return
    del st.query_params["token"]
    try:
        actor = users.redeem_sign_in_token(session.engine(), token)
    except users.SignInRefused as refused:
        st.session_state[NOTICE_KEY] = str(refused)
        return
    _sign_in_as(actor, source="link")


def _resolve() -> None:
    """Find this tab's session (its row id, else the browser's cookie) and who it is now."""
    st.session_state.pop(ENDED_KEY, None)
    remembered = st.session_state.get(SESSION_KEY)
    cookie = _cookie()
    agent = _user_agent()
    engine = session.engine()
    try:
        if remembered is not None:
            found = sessions.resolve(engine, session_id=remembered, user_agent=agent)
        elif cookie and cookie != st.session_state.get(SPENT_KEY):
            secret = sessions.read_cookie(engine, cookie)
            found = sessions.resolve(engine, secret=secret, user_agent=agent)
        else:
            return
    except sessions.SessionEnded as ended:
        _forget()
        st.session_state[SPENT_KEY] = cookie
        st.session_state[ENDED_KEY] = True
        st.session_state[NOTICE_KEY] = str(ended)
        if cookie and ended.session_id is not None:  # clear the cookie, if still that one
            st.session_state[BROWSER_KEY] = (sessions.SIGN_OUT_PATH, str(ended.session_id))
        return
    st.session_state[ACTOR_KEY] = found.actor
    st.session_state[SESSION_KEY] = found.session_id
    st.session_state[SOURCE_KEY] = found.method


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(sessions.COOKIE_NAME)
    except Exception:  # no browser behind this run
        return None
    return value if isinstance(value, str) else None  # AppTest hands back a stand-in


def _user_agent() -> str | None:
    try:
        value = st.context.headers.get("user-agent")
    except Exception:
        return None
    return value if isinstance(value, str) else None


def _sign_in_form(*, key: str) -> None:
    with st.form(f"sign-in-{key}", clear_on_submit=True, border=False):
        email = st.text_input("Email", key=f"sign-in-{key}-email", autocomplete="username")
        password = st.text_input(
            "Password",
            type="password",
            key=f"sign-in-{key}-password",
            autocomplete="current-password",
        )
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            actor = users.sign_in(session.engine(), email, password)
        except users.SignInRefused as refused:
            st.error(str(refused), icon=":material/block:")
        else:
            _sign_in_as(actor, source="password")
            st.rerun()


def provider_configured() -> bool:
    """Whether `[auth]` is set in secrets, so that `st.login()` can sign people in."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def _provider_button() -> None:
    if not provider_configured():
        return
    if importlib.util.find_spec("authlib") is None:
        st.caption(
            "Signing in with your organisation account needs Authlib: `pip install Authlib`."
        )
        return
    st.button(
        "Sign in with your organisation account",
        icon=":material/account_circle:",
        on_click=st.login,
        key="sign-in-provider",
    )


def _follow_provider() -> None:
    """Map the identity provider's signed-in email to the role the database gives it.

    An unknown email is a viewer, or refused when viewing needs sign-in.
    """
    if not provider_configured():
        return
    source = st.session_state.get(SOURCE_KEY)
    if not st.user.get("is_logged_in"):
        if source == "provider":
            _end_session()
            _forget()
        return
    if st.session_state.pop(ENDED_KEY, False):
        st.logout()  # signed out here, elsewhere or by an admin: out of the provider too
        return
    if source in ("password", "link", "provider"):
        return  # signed in already: that wins for this session
    email = str(st.user.get("email") or "")
    name = st.user.get("name")
    actor = users.oidc_actor(
        session.engine(),
        email=email,
        name=str(name) if name else None,
        require_known=config.require_sign_in(),
    )
    if actor is None:
        st.session_state[NOTICE_KEY] = (
            f"{email or 'Your account'} has no uadash account. Ask an admin to add it."
        )
        _forget()
        return
    _sign_in_as(actor, source="provider")


def _sign_in_as(actor: Actor, *, source: str) -> None:
    """Start a session for `actor` and hand it to the browser as its cookie. An email the
    provider vouches for without an account (a viewer) gets no session: nothing to end."""
    st.session_state[ACTOR_KEY] = actor
    st.session_state[SOURCE_KEY] = source
    st.session_state.pop(NOTICE_KEY, None)
    engine = session.engine()
    try:
        opened = sessions.open_session(
            engine, actor.identity, method=source, user_agent=_user_agent()
        )
        nonce = sessions.handover(engine, opened.session_id)
    except sessions.SessionEnded:
        return
    st.session_state[SESSION_KEY] = opened.session_id
    st.session_state[BROWSER_KEY] = (sessions.HANDOVER_PATH, nonce)


def _forget() -> None:
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state.pop(SOURCE_KEY, None)
    st.session_state.pop(SESSION_KEY, None)


def _end_session() -> None:
    remembered = st.session_state.get(SESSION_KEY)
    if remembered is not None:
        sessions.end_session(session.engine(), session_id=remembered)
        st.session_state[BROWSER_KEY] = (sessions.SIGN_OUT_PATH, str(remembered))
    st.session_state[SPENT_KEY] = _cookie()


def _sign_out() -> None:
    provider = st.session_state.get(SOURCE_KEY) == "provider"
    _end_session()
    _forget()
    st.session_state[NOTICE_KEY] = sessions.SIGNED_OUT
    if provider:
        st.logout()


def _tell_browser() -> None:
    """Post a handover secret (or a sign-out) to our route from the browser, so that the
    route can set (or clear) the HttpOnly cookie the script cannot touch."""
    pending = st.session_state.pop(BROWSER_KEY, None)
    if pending is None:
        return
    path, body = pending
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    url = f"/{base}{path}" if base else path
    script = (
        f"<script>fetch({json.dumps(url)}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'text/plain'}}, body: {json.dumps(body)}}});</script>"
    )
    with st.sidebar:
        st.html(script, width="content", unsafe_allow_javascript=True)


# --- the sidebar -------------------------------------------------------------------------------


def _notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(notice, icon=":material/info:")


def _account_box() -> None:
    actor = current_actor()
    _notice()
    if actor == ANONYMOUS:
        with st.expander("Sign in", icon=":material/login:"):
            st.caption("Editors sign in to change cases.")
            _sign_in_form(key="sidebar")
            _provider_button()
        return
    st.markdown(f"**{actor.label}**  \n:gray[{actor.role.value.capitalize()}]")
    st.button("Sign out", icon=":material/logout:", on_click=_sign_out, key="sign-out")
    _calendar_address(actor)
    st.divider()


def _calendar_address(actor: Actor) -> None:
    """The person's own address of the deadline calendar, for their calendar app."""
    key = deadlines.feed_key(session.engine(), actor)
    if key is None:
        return
    try:
        here = urlsplit(str(st.context.url or ""))
    except Exception:  # no browser behind this run
        return
    if not here.netloc:
        return
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    root = f"{here.scheme}://{here.netloc}" + (f"/{base}" if base else "")
    with st.expander("Deadline calendar", icon=":material/calendar_month:"):
        st.caption(
            "Every active case's deadline, for your calendar app (subscribe by URL). "
            "The address is yours alone: keep it private."
        )
        st.code(f"{root}{deadlines.FEED_PATH}?key={key}", language=None, wrap_lines=True)
