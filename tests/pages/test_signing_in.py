"""Signing in and out in the app, with AppTest on a real database: the sidebar form, the
one-time link, the lock, the gate when viewing needs sign-in, and the identity provider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from uadash import users
from uadash.access import SYSTEM
from uadash.users import LINK_REFUSED, POLICY, WRONG
from uadash.vocab import Role

PASSWORD = "correct horse battery"
PROVIDER = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback"}}


@pytest.fixture
def people(seed_database: Engine) -> Engine:
    users.add_user(
        seed_database, "ed@example.org", role=Role.editor, password=PASSWORD, actor=SYSTEM
    )
    users.add_user(
        seed_database, "vi@example.org", role=Role.viewer, password=PASSWORD, actor=SYSTEM
    )
    return seed_database


def start(**query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    app.query_params.update(query)
    return app.run()


def sign_in(app: AppTest, email: str, password: str, *, form: str = "sidebar") -> AppTest:
    app.text_input(key=f"sign-in-{form}-email").input(email)
    app.text_input(key=f"sign-in-{form}-password").input(password)
    button(app, "Sign in").click()
    return app.run()


def button(app: AppTest, label: str) -> Any:
    (found,) = [b for b in app.button if b.label == label]
    return found


def may_edit(app: AppTest) -> bool:
    """Whether the edit page lets this session edit (it exists for everyone, listed for
    editors only, and tells anyone else it needs an editor's sign-in)."""
    app.switch_page("pages/edit.py").run()
    allowed = not any("needs an editor's sign-in" in e.value for e in app.error)
    app.switch_page("pages/overview.py").run()
    return allowed


def actor_identity(app: AppTest) -> str | None:
    actor = app.session_state.get("uadash.actor")
    return actor.identity if actor else None


# --- the sidebar form ----------------------------------------------------------------------


def test_anonymous_viewers_see_the_pages_and_a_sign_in_form(people: Engine) -> None:
    app = start()
    assert not app.exception
    assert app.title[0].value == "Urgent Actions"  # the overview, no sign-in needed
    assert [e.label for e in app.sidebar.expander][:1] == ["Sign in"]
    assert not may_edit(app)


def test_an_editor_signs_in_gets_the_edit_page_and_signs_out(people: Engine) -> None:
    app = sign_in(start(), "Ed@Example.org", PASSWORD)
    assert not app.exception
    assert actor_identity(app) == "ed@example.org"
    assert "ed@example.org" in app.sidebar.markdown[0].value
    assert may_edit(app)

    button(app, "Sign out").click().run()
    assert actor_identity(app) is None
    assert not may_edit(app)


def test_a_viewer_signs_in_and_still_has_no_edit_page(people: Engine) -> None:
    app = sign_in(start(), "vi@example.org", PASSWORD)
    assert actor_identity(app) == "vi@example.org"
    assert not may_edit(app)


@pytest.mark.parametrize("email", ["ed@example.org", "nobody@example.org"])
def test_a_wrong_password_says_the_same_for_every_email(people: Engine, email: str) -> None:
    app = sign_in(start(), email, "not the password")
    assert [e.value for e in app.error] == [WRONG]
    assert actor_identity(app) is None


def test_a_locked_account_stays_locked_in_the_app(people: Engine) -> None:
    waits = sum((POLICY.wait_after(n) for n in range(POLICY.lock_after)), timedelta())
    now = datetime.now(UTC) - waits - timedelta(minutes=1)  # locked a minute ago
    for failures in range(POLICY.lock_after):  # each guess as soon as it is allowed
        now += POLICY.wait_after(failures)
        with pytest.raises(users.SignInRefused):
            users.sign_in(people, "ed@example.org", "guess", now=now)
    app = sign_in(start(), "ed@example.org", PASSWORD)
    assert app.error[0].value.endswith("it is locked for another 14 minutes.")
    assert actor_identity(app) is None


def test_a_role_change_applies_on_the_next_run(people: Engine) -> None:
    app = sign_in(start(), "ed@example.org", PASSWORD)
    assert may_edit(app)
    users.set_role(people, "ed@example.org", Role.viewer, actor=SYSTEM)
    app.run()
    assert not may_edit(app)
    users.remove_user(people, "ed@example.org", actor=SYSTEM)
    app.run()
    assert actor_identity(app) is None
    assert "Your account was removed" in app.sidebar.warning[0].value


# --- the one-time link ---------------------------------------------------------------------


def test_the_one_time_link_signs_in_once_and_leaves_the_address_bar(people: Engine) -> None:
    admin, _ = users.ensure_first_admin(people, actor=SYSTEM)
    token = users.issue_sign_in_token(people, admin.email, actor=SYSTEM)

    app = start(token=token)
    assert not app.exception
    assert actor_identity(app) == "admin@localhost"
    assert "token" not in app.query_params
    assert may_edit(app)

    again = start(token=token)  # the same link, in another browser
    assert actor_identity(again) is None
    assert [w.value for w in again.sidebar.warning] == [LINK_REFUSED]
    assert "token" not in again.query_params


# --- viewing needs sign-in -----------------------------------------------------------------


@pytest.fixture
def sign_in_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UADASH_REQUIRE_SIGN_IN", "yes")


def test_when_viewing_needs_sign_in_anonymous_gets_only_the_sign_in_page(
    people: Engine, sign_in_required: None
) -> None:
    app = start()
    assert not app.exception
    assert [t.value for t in app.title] == ["Sign in to uadash"]
    assert not app.dataframe and not app.metric  # nothing of the overview

    app = sign_in(app, "vi@example.org", PASSWORD, form="gate")
    assert [t.value for t in app.title] == ["Urgent Actions"]


def test_when_viewing_needs_sign_in_the_one_time_link_still_works(
    people: Engine, sign_in_required: None
) -> None:
    token = users.issue_sign_in_token(people, "vi@example.org", actor=SYSTEM)
    app = start(token=token)
    assert [t.value for t in app.title] == ["Urgent Actions"]


# --- the identity provider (OIDC) ----------------------------------------------------------


def with_provider(user: dict[str, Any]) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    app.secrets.update(PROVIDER)
    app.user = user
    return app.run()


def test_a_provider_sign_in_gets_the_role_stored_for_the_email(people: Engine) -> None:
    app = with_provider({"is_logged_in": True, "email": "ed@example.org", "name": "Ed"})
    assert not app.exception
    assert actor_identity(app) == "ed@example.org"
    assert may_edit(app)


def test_an_unknown_provider_email_is_a_viewer(people: Engine) -> None:
    app = with_provider({"is_logged_in": True, "email": "someone@gmail.com"})
    assert actor_identity(app) == "someone@gmail.com"
    assert not may_edit(app)


def test_an_unknown_provider_email_is_refused_when_viewing_needs_sign_in(
    people: Engine, sign_in_required: None
) -> None:
    app = with_provider({"is_logged_in": True, "email": "someone@gmail.com"})
    assert [t.value for t in app.title] == ["Sign in to uadash"]
    assert "someone@gmail.com has no uadash account" in app.warning[0].value
    assert actor_identity(app) is None


def test_the_provider_sign_in_offers_a_button_when_configured(people: Engine) -> None:
    app = with_provider({"is_logged_in": False})
    assert actor_identity(app) is None
    offered = [b.label for b in app.button] + [c.value for c in app.caption]
    assert any("organisation account" in text for text in offered)
