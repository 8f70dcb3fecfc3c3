"""Accounts and roles: argon2 hashes and never a password in clear, no default password,
roles for identity-provider sign-ins, admins only may manage people."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text

from uadash import users
from uadash.access import SYSTEM, Actor, PermissionDenied
from uadash.store.models import User
from uadash.users import UserError
from uadash.vocab import Role

PASSWORD = "correct horse battery"
EDITOR = Actor("ed@example.org", Role.editor)


def test_passwords_are_stored_as_argon2_hashes_only(engine: Engine) -> None:
    users.add_user(engine, "Ana@Example.org ", role=Role.editor, password=PASSWORD, actor=SYSTEM)
    with engine.connect() as connection:
        row = connection.execute(text("select * from users")).mappings().one()
    assert row["email"] == "ana@example.org"
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in " ".join(str(value) for value in row.values())
    assert users.sign_in(engine, "ANA@example.org", PASSWORD).role is Role.editor


def test_the_same_password_hashes_differently_for_two_people(engine: Engine) -> None:
    for email in ("a@example.org", "b@example.org"):
        users.add_user(engine, email, role=Role.viewer, password=PASSWORD, actor=SYSTEM)
    with engine.connect() as connection:
        hashes = list(connection.scalars(select(User.password_hash)))
    assert len(set(hashes)) == 2


def test_short_passwords_and_non_emails_are_refused(engine: Engine) -> None:
    with pytest.raises(UserError, match="at least 12 characters"):
        users.add_user(engine, "a@example.org", role=Role.viewer, password="short", actor=SYSTEM)
    with pytest.raises(UserError, match="not an email address"):
        users.add_user(engine, "ana", role=Role.viewer, password=None, actor=SYSTEM)
    assert users.list_users(engine, actor=SYSTEM) == []


def test_an_email_has_one_account(engine: Engine) -> None:
    users.add_user(engine, "a@example.org", role=Role.viewer, password=None, actor=SYSTEM)
    with pytest.raises(UserError, match=r"a@example\.org already has an account"):
        users.add_user(engine, "A@example.org", role=Role.admin, password=None, actor=SYSTEM)


def test_only_an_admin_manages_people(engine: Engine) -> None:
    for call in (
        lambda: users.add_user(engine, "x@x.org", role=Role.admin, password=None, actor=EDITOR),
        lambda: users.list_users(engine, actor=EDITOR),
        lambda: users.remove_user(engine, "x@example.org", actor=EDITOR),
        lambda: users.set_role(engine, "x@example.org", Role.admin, actor=EDITOR),
        lambda: users.issue_sign_in_token(engine, "x@example.org", actor=EDITOR),
    ):
        with pytest.raises(PermissionDenied, match="only an admin may"):
            call()


def test_first_admin_is_created_once_without_a_password(engine: Engine) -> None:
    admin, created = users.ensure_first_admin(engine, actor=SYSTEM)
    assert (admin.email, admin.role, admin.has_password, created) == (
        "admin@localhost",
        Role.admin,
        False,
        True,
    )
    again, created = users.ensure_first_admin(engine, actor=SYSTEM)
    assert (again.email, created) == ("admin@localhost", False)
    # Without a password, no password opens it: not even an empty one.
    for guess in ("", "admin", "password"):
        with pytest.raises(users.SignInRefused):
            users.sign_in(engine, "admin@localhost", guess)


def test_an_existing_admin_is_the_first_admin(engine: Engine) -> None:
    users.add_user(engine, "boss@example.org", role=Role.admin, password=None, actor=SYSTEM)
    admin, created = users.ensure_first_admin(engine, actor=SYSTEM)
    assert (admin.email, created) == ("boss@example.org", False)
    assert [u.email for u in users.list_users(engine, actor=SYSTEM)] == ["boss@example.org"]


def test_the_last_admin_cannot_be_removed_or_demoted(engine: Engine) -> None:
    users.add_user(engine, "boss@example.org", role=Role.admin, password=None, actor=SYSTEM)
    with pytest.raises(UserError, match="only admin"):
        users.remove_user(engine, "boss@example.org", actor=SYSTEM)
    with pytest.raises(UserError, match="only admin"):
        users.set_role(engine, "boss@example.org", Role.editor, actor=SYSTEM)
    users.add_user(engine, "deputy@example.org", role=Role.admin, password=None, actor=SYSTEM)
    users.remove_user(engine, "boss@example.org", actor=SYSTEM)
    assert [u.email for u in users.list_users(engine, actor=SYSTEM)] == ["deputy@example.org"]


def test_removing_someone_ends_their_password_and_links(engine: Engine) -> None:
    users.add_user(engine, "a@example.org", role=Role.editor, password=PASSWORD, actor=SYSTEM)
    token = users.issue_sign_in_token(engine, "a@example.org", actor=SYSTEM)
    users.remove_user(engine, "a@example.org", actor=SYSTEM)
    with pytest.raises(users.SignInRefused):
        users.sign_in(engine, "a@example.org", PASSWORD)
    with pytest.raises(users.SignInRefused):
        users.redeem_sign_in_token(engine, token)
    assert users.actor_for(engine, "a@example.org") is None
    with pytest.raises(UserError, match="has no account"):
        users.remove_user(engine, "a@example.org", actor=SYSTEM)


def test_a_role_change_shows_in_the_actor_at_once(engine: Engine) -> None:
    users.add_user(engine, "a@example.org", role=Role.viewer, password=None, actor=SYSTEM)
    users.set_role(engine, "a@example.org", Role.editor, actor=SYSTEM)
    assert users.actor_for(engine, "A@example.org") == Actor("a@example.org", Role.editor)


def test_set_password_replaces_the_hash(engine: Engine) -> None:
    users.add_user(engine, "a@example.org", role=Role.viewer, password=None, actor=SYSTEM)
    users.set_password(engine, "a@example.org", PASSWORD, actor=SYSTEM)
    assert users.sign_in(engine, "a@example.org", PASSWORD).identity == "a@example.org"
    users.set_password(engine, "a@example.org", None, actor=SYSTEM)
    with pytest.raises(users.SignInRefused):
        users.sign_in(engine, "a@example.org", PASSWORD)


# --- identity provider (OIDC) ----------------------------------------------------------------


def test_an_identity_provider_user_gets_the_role_stored_for_their_email(engine: Engine) -> None:
    users.add_user(engine, "ed@example.org", role=Role.editor, password=None, actor=SYSTEM)
    actor = users.oidc_actor(engine, email="Ed@Example.org", name="Ed", require_known=True)
    assert actor == Actor("ed@example.org", Role.editor, "Ed")


def test_an_unknown_identity_provider_user_views_or_is_refused(engine: Engine) -> None:
    open_app = users.oidc_actor(engine, email="who@gmail.com", name=None, require_known=False)
    assert open_app == Actor("who@gmail.com", Role.viewer)
    assert users.oidc_actor(engine, email="who@gmail.com", name=None, require_known=True) is None
