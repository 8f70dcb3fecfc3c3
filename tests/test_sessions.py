"""Sessions that last: a row per sign-in named by a signed cookie, that ends on sign-out,
after the idle time or the lifetime, or when an admin signs the person out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from uadash import sessions, users
from uadash.access import SYSTEM
from uadash.sessions import SessionEnded, SessionPolicy
from uadash.store.models import SignInSession
from uadash.vocab import Role
from uadash.web.server import routes

RULES = SessionPolicy(idle=timedelta(hours=2), lifetime=timedelta(days=1))
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(engine: Engine) -> Engine:
    users.add_user(engine, "ed@example.org", role=Role.editor, password=None, actor=SYSTEM)
    users.add_user(engine, "admin@example.org", role=Role.admin, password=None, actor=SYSTEM)
    return engine


def _open(engine: Engine, **options: object) -> sessions.Opened:
    return sessions.open_session(
        engine,
        "ed@example.org",
        method="link",
        for_browser=True,
        now=START,
        rules=RULES,
        **options,  # type: ignore[arg-type]
    )


def test_a_session_resolves_to_the_account_as_it_is_now(people: Engine) -> None:
    opened = _open(people, user_agent="Firefox")
    assert opened.secret
    found = sessions.resolve(people, secret=opened.secret, now=START, rules=RULES)
    assert (found.actor.identity, found.actor.role, found.method) == (
        "ed@example.org",
        Role.editor,
        "link",
    )
    users.set_role(people, "ed@example.org", Role.viewer, actor=SYSTEM)
    later = sessions.resolve(people, session_id=opened.session_id, now=START, rules=RULES)
    assert later.actor.role is Role.viewer  # a changed role applies at the next click


def test_only_a_hash_of_the_session_id_is_stored(people: Engine) -> None:
    opened = _open(people)
    with Session(people) as session:
        row = session.scalars(select(SignInSession)).one()
    assert opened.secret and opened.secret not in (row.secret_hash or "")
    assert row.user_agent is None and row.method == "link"


def test_the_idle_time_and_the_lifetime_end_a_session(people: Engine) -> None:
    opened = _open(people)
    assert opened.secret
    step = START
    for _ in range(11):  # a click every 110 minutes keeps it alive ...
        step += timedelta(minutes=110)
        sessions.resolve(people, secret=opened.secret, now=step, rules=RULES)
    with pytest.raises(SessionEnded, match="expired"):  # ... until the lifetime ends it
        sessions.resolve(people, secret=opened.secret, now=START + RULES.lifetime, rules=RULES)

    idle = _open(people)
    assert idle.secret
    with pytest.raises(SessionEnded, match="expired"):
        sessions.resolve(people, secret=idle.secret, now=START + timedelta(hours=2), rules=RULES)


def test_sign_out_ends_the_session_for_every_tab(people: Engine) -> None:
    opened = _open(people)
    assert opened.secret and sessions.end_session(people, secret=opened.secret)
    with pytest.raises(SessionEnded, match="You were signed out"):
        sessions.resolve(people, session_id=opened.session_id, now=START, rules=RULES)
    assert not sessions.end_session(people, secret=opened.secret)  # once


def test_an_admin_lists_and_ends_every_session_of_a_person(people: Engine) -> None:
    first, second = _open(people), _open(people)
    now = START + timedelta(minutes=5)
    listed = sessions.list_sessions(people, "ed@example.org", actor=SYSTEM, now=now)
    assert sorted(s.session_id for s in listed) == sorted([first.session_id, second.session_id])
    assert sessions.end_sessions(people, "Ed@Example.org", actor=SYSTEM, now=now) == 2
    for opened in (first, second):
        with pytest.raises(SessionEnded, match="An admin signed you out"):
            sessions.resolve(people, session_id=opened.session_id, now=now, rules=RULES)
    assert sessions.list_sessions(people, "ed@example.org", actor=SYSTEM, now=now) == []


def test_a_removed_account_has_no_session(people: Engine) -> None:
    opened = _open(people)
    users.remove_user(people, "ed@example.org", actor=SYSTEM)
    with pytest.raises(SessionEnded, match="account was removed"):
        sessions.resolve(people, session_id=opened.session_id, now=START, rules=RULES)


def test_a_handover_works_once_and_gives_the_session_a_new_id(people: Engine) -> None:
    opened = sessions.open_session(people, "ed@example.org", method="password", now=START)
    assert opened.secret is None  # the script's session: no cookie yet
    nonce = sessions.handover(people, opened.session_id, now=START)
    secret = sessions.claim(people, nonce, now=START + timedelta(seconds=5))
    assert sessions.resolve(people, secret=secret, now=START).session_id == opened.session_id
    with pytest.raises(SessionEnded):
        sessions.claim(people, nonce, now=START + timedelta(seconds=6))  # spent
    late = sessions.handover(people, opened.session_id, now=START)
    with pytest.raises(SessionEnded):
        sessions.claim(people, late, now=START + sessions.HANDOVER_LIFETIME)  # too late


def test_a_tampered_cookie_is_not_read(people: Engine) -> None:
    opened = _open(people)
    assert opened.secret
    value = sessions.cookie_value(people, opened.secret)
    assert sessions.read_cookie(people, value) == opened.secret
    for tampered in (value[:-1] + ("A" if value[-1] != "A" else "B"), "x" + value, "", "abc"):
        with pytest.raises(SessionEnded, match="could not be read"):
            sessions.read_cookie(people, tampered)


# --- the routes --------------------------------------------------------------------------


def test_the_link_route_swaps_the_token_for_a_cookie_and_drops_the_token(people: Engine) -> None:
    client = TestClient(Starlette(routes=routes(people)), base_url="https://ua.example.org")
    token = users.issue_sign_in_token(people, "ed@example.org", actor=SYSTEM)
    page = client.get(f"/session/link?token={token}")
    assert page.status_code == 200 and 'method="post"' in page.text  # a fetch spends nothing

    answer = client.post("/session/link", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    value = client.cookies[sessions.COOKIE_NAME]
    found = sessions.resolve(people, secret=sessions.read_cookie(people, value))
    assert found.actor.identity == "ed@example.org" and found.method == "link"

    again = client.post("/session/link", data={"token": token}, follow_redirects=False)
    assert again.headers["location"] == "/?notice=link-refused"


def test_routes_refuse_posts_from_another_site(people: Engine) -> None:
    client = TestClient(Starlette(routes=routes(people)))
    token = users.issue_sign_in_token(people, "ed@example.org", actor=SYSTEM)
    forced = client.post(
        "/session/link",
        data={"token": token},
        headers={"origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert forced.status_code == 403
    assert sessions.COOKIE_NAME not in client.cookies


def test_handover_then_sign_out_through_the_routes(people: Engine) -> None:
    client = TestClient(Starlette(routes=routes(people)))
    opened = sessions.open_session(people, "ed@example.org", method="password")
    nonce = sessions.handover(people, opened.session_id)
    assert client.post("/session/handover", content=nonce).status_code == 204
    assert client.post("/session/handover", content=nonce).status_code == 403  # once
    value = client.cookies[sessions.COOKIE_NAME]
    assert sessions.resolve(people, secret=sessions.read_cookie(people, value))

    # A tab whose older session ended must not sign out this newer one:
    assert client.post("/session/sign-out", content="999999").status_code == 204
    assert sessions.resolve(people, session_id=opened.session_id)

    assert client.post("/session/sign-out").status_code == 204
    assert sessions.COOKIE_NAME not in client.cookies
    with pytest.raises(SessionEnded):
        sessions.resolve(people, session_id=opened.session_id)
