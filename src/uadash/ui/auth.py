"""The signed-in person of this browser session, as an `Actor` the domain understands, and the
sign-in gate `app.py` runs before navigation: one-time links, the sign-in form, the identity
provider (`st.login`, when `[auth]` is configured in secrets), signing out.

Being shown a page proves nothing: every write in the domain checks the actor's role again.
"""

from __future__ import annotations

import importlib.util

import streamlit as st

from uadash import config, users
from uadash.access import ANONYMOUS, Actor
from uadash.ui import session

ACTOR_KEY = "uadash.actor"
# How this session's actor signed in: "password", "link" or "provider". An actor placed there
# by our sign-in is re-read from the database on every run, so a role change or a removed
# account applies at once.
SOURCE_KEY = "uadash.actor.source"
NOTICE_KEY = "uadash.auth.notice"


def current_actor() -> Actor:
    """The session's actor; the anonymous viewer until someone signs in."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else ANONYMOUS


def sign_in_gate() -> Actor:
    """Work out who is here, show the account box in the sidebar, and stop the run with a
    sign-in page when viewing needs sign-in and nobody is signed in. Call before navigation."""
    _redeem_link()
    _follow_provider()
    _recheck()
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


# --- ways in -----------------------------------------------------------------------------------


def _redeem_link() -> None:
    """`?token=…` signs in once; the token leaves the address bar either way."""
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
            _forget()
        return
    if source in ("password", "link"):
        return  # signed in here by other means: that wins for this session
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
    st.session_state[ACTOR_KEY] = actor
    st.session_state[SOURCE_KEY] = "provider"


def _recheck() -> None:
    """Re-read a password or link sign-in's role, so that changes apply from the next run."""
    if st.session_state.get(SOURCE_KEY) not in ("password", "link"):
        return
    actor = current_actor()
    now = users.actor_for(session.engine(), actor.identity)
    if now is None:
        _forget()
        st.session_state[NOTICE_KEY] = "Your account was removed; you are signed out."
    elif now != actor:
        st.session_state[ACTOR_KEY] = now


def _sign_in_as(actor: Actor, *, source: str) -> None:
    st.session_state[ACTOR_KEY] = actor
    st.session_state[SOURCE_KEY] = source
    st.session_state.pop(NOTICE_KEY, None)


def _forget() -> None:
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state.pop(SOURCE_KEY, None)


def _sign_out() -> None:
    provider = st.session_state.get(SOURCE_KEY) == "provider"
    _forget()
    if provider:
        st.logout()


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
    st.divider()
