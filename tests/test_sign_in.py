"""Signing in: with a password (slowed down, then locked, after failures, and never telling
whether an account exists), and with one-time links (single use, expiring, stored hashed)."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from uadash import users
from uadash.access import SYSTEM, Actor
from uadash.store.models import SignInToken
from uadash.users import POLICY, WRONG, SignInRefused
from uadash.vocab import Role

PASSWORD = "correct horse battery"
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def account(engine: Engine) -> str:
    users.add_user(engine, "ana@example.org", role=Role.editor, password=PASSWORD, actor=SYSTEM)
    return "ana@example.org"


def refusal(engine: Engine, email: str, password: str, now: datetime) -> str:
    with pytest.raises(SignInRefused) as refused:
        users.sign_in(engine, email, password, now=now)
    return str(refused.value)


def fail_until_locked(engine: Engine, email: str) -> list[str]:
    """Wrong passwords, each as soon as allowed, until the email locks; the messages."""
    messages, now = [], T0
    for failures in range(POLICY.lock_after):
        now += POLICY.wait_after(failures)
        messages.append(refusal(engine, email, "wrong password!", now))
    return messages


# --- passwords -------------------------------------------------------------------------------


def test_right_password_signs_in_and_is_remembered(engine: Engine, account: str) -> None:
    actor = users.sign_in(engine, account, PASSWORD, now=T0)
    assert actor == Actor("ana@example.org", Role.editor)
    (info,) = users.list_users(engine, actor=SYSTEM)
    assert info.last_sign_in_at == T0


def test_wrong_password_and_unknown_email_get_the_same_message(
    engine: Engine, account: str
) -> None:
    assert refusal(engine, account, "nope nope nope", T0) == WRONG
    assert refusal(engine, "nobody@example.org", PASSWORD, T0) == WRONG
    assert refusal(engine, "not even an email", PASSWORD, T0) == WRONG


def test_failures_slow_down_then_lock_alike_for_known_and_unknown_emails(
    engine: Engine, account: str
) -> None:
    known = fail_until_locked(engine, account)
    unknown = fail_until_locked(engine, "nobody@example.org")

    assert known == unknown  # nothing tells the two apart
    assert known[:2] == [WRONG, WRONG]
    assert known[2] == f"{WRONG} Wait 2 seconds before you try again."
    assert known[3] == f"{WRONG} Wait 4 seconds before you try again."
    assert known[-1].endswith("this email is locked for 15 minutes.")


def test_an_attempt_before_the_wait_is_over_is_refused_unchecked(
    engine: Engine, account: str
) -> None:
    for n in range(POLICY.free_attempts):
        refusal(engine, account, "wrong password!", T0 + timedelta(seconds=n))
    early = T0 + timedelta(seconds=POLICY.free_attempts - 1, milliseconds=500)
    message = refusal(engine, account, PASSWORD, early)  # even the right password
    assert message == "Too many failed sign-ins with this email. Wait 2 seconds, then try again."
    later = T0 + timedelta(seconds=POLICY.free_attempts + 2)
    assert users.sign_in(engine, account, PASSWORD, now=later).role is Role.editor


def test_a_locked_account_stays_locked_even_for_the_right_password(
    engine: Engine, account: str
) -> None:
    fail_until_locked(engine, account)
    locked_at = T0 + sum((POLICY.wait_after(n) for n in range(POLICY.lock_after)), timedelta())

    for after in (timedelta(seconds=1), timedelta(minutes=7), timedelta(minutes=14, seconds=59)):
        message = refusal(engine, account, PASSWORD, locked_at + after)
        assert message.startswith("Too many failed sign-ins with this email: it is locked")
    seven_minutes_in = locked_at + timedelta(minutes=7)
    assert "another 8 minutes" in refusal(engine, account, PASSWORD, seven_minutes_in)

    after_lock = locked_at + POLICY.lock_for + timedelta(seconds=1)
    assert users.sign_in(engine, account, PASSWORD, now=after_lock).identity == account


def test_a_successful_sign_in_forgets_earlier_failures(engine: Engine, account: str) -> None:
    for n in range(POLICY.free_attempts):
        refusal(engine, account, "wrong password!", T0 + timedelta(seconds=n))
    users.sign_in(engine, account, PASSWORD, now=T0 + timedelta(minutes=1))
    assert refusal(engine, account, "wrong password!", T0 + timedelta(minutes=2)) == WRONG
    with engine.connect() as connection:
        stored = connection.execute(text("select email_key, failures from sign_in_failures")).all()
    # Failures are kept under a hash of the email, never the email itself.
    assert stored == [(hashlib.sha256(account.encode()).hexdigest(), 1)]


def parallel_guesses(engine: Engine, email: str, count: int, **options: object) -> list[str]:
    """`count` wrong passwords from as many threads at the same instant; the messages."""
    barrier = threading.Barrier(count)

    def guess(_: int) -> str:
        barrier.wait()
        try:
            users.sign_in(engine, email, "wrong password!", now=T0, **options)  # type: ignore[arg-type]
        except SignInRefused as refused:
            return str(refused)
        return "signed in"

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(guess, range(count)))


def checked(messages: list[str]) -> int:
    """How many of the attempts had their password checked (the rest were refused unchecked)."""
    return sum(message.startswith(WRONG) for message in messages)


def test_a_hundred_parallel_guesses_make_exactly_the_failures_the_rules_allow(
    engine: Engine, account: str
) -> None:
    messages = parallel_guesses(engine, account, 100)
    assert "signed in" not in messages
    assert checked(messages) == POLICY.free_attempts  # then everyone has to wait
    assert all(m.startswith("Too many failed sign-ins") for m in messages if WRONG not in m)
    with engine.connect() as connection:
        failures = connection.execute(text("select failures from sign_in_failures")).scalar()
    assert failures == POLICY.free_attempts  # the count equals the guesses checked


def test_a_hundred_parallel_guesses_lock_the_email_after_exactly_the_limit(
    engine: Engine, account: str
) -> None:
    no_waits = users.SignInPolicy(free_attempts=10, lock_after=10)  # only the lock holds them
    messages = parallel_guesses(engine, account, 100, policy=no_waits)
    assert checked(messages) == no_waits.lock_after
    assert sum("this email is locked for 15 minutes" in m for m in messages) == 1
    assert sum("it is locked for another" in m for m in messages) == 100 - no_waits.lock_after
    for later in (timedelta(minutes=1), timedelta(minutes=14)):  # the right password waits too
        with pytest.raises(SignInRefused, match="it is locked for another"):
            users.sign_in(engine, account, PASSWORD, now=T0 + later, policy=no_waits)
    after = T0 + no_waits.lock_for + timedelta(seconds=1)
    assert users.sign_in(engine, account, PASSWORD, now=after, policy=no_waits).identity == account


# --- one-time links --------------------------------------------------------------------------


def test_a_sign_in_link_works_once(engine: Engine, account: str) -> None:
    token = users.issue_sign_in_token(engine, account, actor=SYSTEM, now=T0)
    assert users.redeem_sign_in_token(engine, token, now=T0).identity == account
    with pytest.raises(SignInRefused, match="already been used"):
        users.redeem_sign_in_token(engine, token, now=T0 + timedelta(seconds=5))


def test_a_sign_in_link_is_stored_hashed(engine: Engine, account: str) -> None:
    token = users.issue_sign_in_token(engine, account, actor=SYSTEM)
    with engine.connect() as connection:
        stored = connection.scalar(select(SignInToken.token_hash))
        everything = connection.execute(text("select * from sign_in_tokens")).all()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(everything)


def test_a_sign_in_link_expires(engine: Engine, account: str) -> None:
    token = users.issue_sign_in_token(engine, account, actor=SYSTEM, now=T0)
    with pytest.raises(SignInRefused):
        users.redeem_sign_in_token(engine, token, now=T0 + users.LINK_LIFETIME)


def test_a_new_link_replaces_the_unused_old_one(engine: Engine, account: str) -> None:
    old = users.issue_sign_in_token(engine, account, actor=SYSTEM, now=T0)
    new = users.issue_sign_in_token(engine, account, actor=SYSTEM, now=T0)
    with pytest.raises(SignInRefused):
        users.redeem_sign_in_token(engine, old, now=T0)
    assert users.redeem_sign_in_token(engine, new, now=T0).identity == account


def test_made_up_tokens_are_refused(engine: Engine, account: str) -> None:
    users.issue_sign_in_token(engine, account, actor=SYSTEM)
    for token in ("", "x", "a" * 43):
        with pytest.raises(SignInRefused, match="Ask an admin for a new link"):
            users.redeem_sign_in_token(engine, token)


def test_two_tabs_opening_one_link_at_once_sign_in_once(engine: Engine, account: str) -> None:
    for _ in range(10):
        token = users.issue_sign_in_token(engine, account, actor=SYSTEM)
        barrier = threading.Barrier(2)

        def redeem(_: int, token: str = token, barrier: threading.Barrier = barrier) -> bool:
            barrier.wait()
            try:
                users.redeem_sign_in_token(engine, token)
            except SignInRefused:
                return False
            return True

        with ThreadPoolExecutor(max_workers=2) as pool:
            assert sorted(pool.map(redeem, [0, 1])) == [False, True]


def test_the_link_is_the_app_address_with_the_token() -> None:
    assert users.sign_in_link("abc", port=8502) == "http://localhost:8502/session/link?token=abc"
    link = users.sign_in_link("abc", app_url="https://ua.example.org/dash/")
    assert link == "https://ua.example.org/dash/session/link?token=abc"
