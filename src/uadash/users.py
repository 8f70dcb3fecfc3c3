"""People and sign-in: accounts with roles, argon2 password hashes, one-time sign-in links,
and a slow-down then a lock after repeated failed sign-ins.

Roles live in the database whichever way someone signs in: with a local password, with a
one-time link, or through the organisation's identity provider (OpenID Connect, `st.login`).
No account has a default password. Sign-in messages never tell whether an account exists:
an unknown email is refused, slowed down and locked exactly as a known one with a wrong
password, and takes as long to refuse.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Final, NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from uadash.access import Actor, require
from uadash.store.engine import transaction
from uadash.store.models import SignInFailure, SignInToken, User
from uadash.vocab import Role

FIRST_ADMIN_EMAIL: Final = "admin@localhost"
MIN_PASSWORD_LENGTH: Final = 12
LINK_LIFETIME: Final = timedelta(hours=24)
WRONG: Final = "Wrong email or password."
LINK_REFUSED: Final = (
    "This sign-in link has already been used, has expired or was replaced by a newer one. "
    "Ask an admin for a new link."
)

_HASHER: Final = PasswordHasher()
_EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+$")


class UserError(ValueError):
    """A people-management request that cannot be done; the message says why."""


class SignInRefused(Exception):
    """Sign-in failed. The message is safe to show: it never says whether the account
    exists."""


@dataclass(frozen=True)
class SignInPolicy:
    """How repeated failed sign-ins for one email are slowed down, then locked."""

    free_attempts: int = 3  # failures before each further attempt has to wait
    lock_after: int = 10  # failures in a row that lock the email
    lock_for: timedelta = timedelta(minutes=15)
    longest_wait: timedelta = timedelta(seconds=60)
    forget_after: timedelta = timedelta(days=1)  # failures older than this no longer count

    def wait_after(self, failures: int) -> timedelta:
        """How long the next attempt must wait after `failures` failures: 0, then 2 s, 4 s,
        8 s … up to `longest_wait`."""
        if failures < self.free_attempts:
            return timedelta(0)
        seconds = 2 ** min(failures - self.free_attempts + 1, 16)
        return min(timedelta(seconds=seconds), self.longest_wait)


POLICY: Final = SignInPolicy()


@dataclass(frozen=True)
class UserInfo:
    """An account as `uadash user list` shows it; never the password hash."""

    email: str
    name: str | None
    role: Role
    has_password: bool
    created_at: datetime
    last_sign_in_at: datetime | None


# --- accounts --------------------------------------------------------------------------------


def normalise_email(text: str) -> str:
    """`" Ana@Example.ORG "` -> `"ana@example.org"`; raises `UserError` for a non-email."""
    email = unicodedata.normalize("NFKC", text).strip().lower()
    if not _EMAIL.match(email) or len(email) > 320:
        raise UserError(f"{text.strip()!r} is not an email address")
    return email


def check_password(password: str) -> None:
    """Refuse a password too short to be one; uadash never makes one up."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def add_user(
    engine: Engine,
    email: str,
    *,
    role: Role,
    password: str | None,
    name: str | None = None,
    actor: Actor,
) -> UserInfo:
    """A new account. With `password=None` it signs in through the identity provider or
    with one-time links only."""
    require(actor, Role.admin, to="add people")
    email = normalise_email(email)
    if password is not None:
        check_password(password)
    user = User(
        email=email,
        name=(name or "").strip() or None,
        role=role,
        password_hash=_HASHER.hash(password) if password is not None else None,
        created_at=_now(),
    )
    try:
        with transaction(engine) as session:
            if _find(session, email) is not None:
                raise UserError(f"{email} already has an account")
            session.add(user)
    except IntegrityError:
        raise UserError(f"{email} already has an account") from None
    return _info(user)


def set_password(engine: Engine, email: str, password: str | None, *, actor: Actor) -> None:
    """Give an account a new password, or none (`None`): identity provider or links only."""
    require(actor, Role.admin, to="set passwords")
    if password is not None:
        check_password(password)
    with transaction(engine) as session:
        user = _existing(session, email)
        user.password_hash = _HASHER.hash(password) if password is not None else None


def set_role(engine: Engine, email: str, role: Role, *, actor: Actor) -> UserInfo:
    require(actor, Role.admin, to="change roles")
    with transaction(engine) as session:
        user = _existing(session, email)
        if user.role is Role.admin and role is not Role.admin:
            _keep_an_admin(session, user)
        user.role = role
        return _info(user)


def remove_user(engine: Engine, email: str, *, actor: Actor) -> None:
    """Delete an account and its sign-in links. Audit entries keep the email they name."""
    require(actor, Role.admin, to="remove people")
    with transaction(engine) as session:
        user = _existing(session, email)
        if user.role is Role.admin:
            _keep_an_admin(session, user)
        session.delete(user)


def list_users(engine: Engine, *, actor: Actor) -> list[UserInfo]:
    require(actor, Role.admin, to="list people")
    with Session(engine) as session:
        return [_info(user) for user in session.scalars(select(User).order_by(User.email))]


def ensure_first_admin(engine: Engine, *, actor: Actor) -> tuple[UserInfo, bool]:
    """The first admin account, creating `admin@localhost` (no password: it signs in with
    one-time links) when there is no admin at all. Returns it, and whether it was created."""
    require(actor, Role.admin, to="create the first admin")
    for _ in range(2):  # a second replica may create it at the same moment
        with Session(engine) as session:
            query = select(User).where(User.role == Role.admin).order_by(User.id).limit(1)
            found = session.scalars(query).first()
            if found is not None:
                return _info(found), False
        try:
            info = add_user(
                engine,
                FIRST_ADMIN_EMAIL,
                role=Role.admin,
                password=None,
                name="Administrator",
                actor=actor,
            )
            return info, True
        except UserError:
            continue
    raise UserError(f"could not find or create an admin; is {FIRST_ADMIN_EMAIL} not an admin?")


def actor_for(engine: Engine, email: str) -> Actor | None:
    """The account's actor as the database has it now, or None when there is no account."""
    with Session(engine) as session:
        user = _find(session, _loose_email(email))
        return _actor(user) if user is not None else None


def oidc_actor(
    engine: Engine, *, email: str, name: str | None, require_known: bool
) -> Actor | None:
    """Someone the identity provider signed in, with the role the database gives them.

    An email without an account is a viewer, unless `require_known` (viewing needs sign-in),
    when it is None: refused, since a provider such as Google vouches for anyone.
    """
    known = actor_for(engine, email)
    if known is not None:
        return known if known.name else Actor(known.identity, known.role, name)
    if require_known:
        return None
    return Actor(identity=_loose_email(email), role=Role.viewer, name=name)


# --- signing in with a password --------------------------------------------------------------


def sign_in(
    engine: Engine,
    email: str,
    password: str,
    *,
    now: datetime | None = None,
    policy: SignInPolicy = POLICY,
) -> Actor:
    """The account's actor if the password is right; otherwise `SignInRefused`.

    After `policy.free_attempts` failures for an email, each further attempt must wait
    longer; after `policy.lock_after` the email is locked for `policy.lock_for`, and even
    the right password is refused until then. All of it applies alike to emails without
    an account.
    """
    now = now or _now()
    address = _loose_email(email)
    key = _email_key(address)
    # Counted as a failure before the password is checked, in one statement: N parallel
    # guesses make N failures, and none past the limit is checked at all.
    failed = _claim_attempt(engine, key, now, policy)
    with Session(engine) as session:
        user = _find(session, address)
        stored = user.password_hash if user is not None else None
    right = _verify(stored, password)  # also for unknown emails: the same time either way
    if user is None or not right:
        raise SignInRefused(failed)
    with transaction(engine) as session:
        session.execute(delete(SignInFailure).where(SignInFailure.email_key == key))
        fresh = session.get(User, user.id)
        if fresh is None:  # removed a moment ago
            raise SignInRefused(WRONG)
        fresh.last_sign_in_at = now
        if stored and _HASHER.check_needs_rehash(stored):
            fresh.password_hash = _HASHER.hash(password)
        return _actor(fresh)


def _verify(stored: str | None, password: str) -> bool:
    try:
        # An account without a password is checked against a dummy hash, so that refusing
        # it takes as long as refusing a wrong password.
        return _HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def _claim_attempt(engine: Engine, key: str, now: datetime, policy: SignInPolicy) -> str:
    """Let one attempt for `key` through, counting it as a failure in advance (a right
    password forgets it again), or raise `SignInRefused` while the email must wait or is
    locked. Returns the message for this attempt should the password be wrong.

    The check and the count are one conditional UPDATE on the email's row: on PostgreSQL
    the row lock makes parallel attempts queue and re-check the condition, on SQLite the
    database-wide write lock does; so the count is exact and the limit is never overrun.
    """
    after = SignInFailure.failures + 1
    locks = after >= policy.lock_after
    lock_end = now + policy.lock_for
    waits = [
        (after == failures, now + policy.wait_after(failures))
        for failures in range(policy.free_attempts, policy.lock_after)
    ]
    with transaction(engine) as session:
        session.execute(
            delete(SignInFailure).where(
                SignInFailure.last_failed_at < now - policy.forget_after,
                or_(SignInFailure.locked_until.is_(None), SignInFailure.locked_until < now),
            )
        )
        session.execute(_insert_missing(engine, key, now))
        claimed = session.execute(
            update(SignInFailure)
            .where(
                SignInFailure.email_key == key,
                or_(SignInFailure.next_attempt_at.is_(None), SignInFailure.next_attempt_at <= now),
            )
            .values(
                failures=case((locks, 0), else_=after),
                last_failed_at=now,
                locked_until=case((locks, lock_end), else_=None),
                next_attempt_at=case((locks, lock_end), *waits, else_=None),
            )
            .execution_options(synchronize_session=False)
        )
        row = session.get(SignInFailure, key, populate_existing=True)
        assert row is not None
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            _refuse_throttled(row, now)
        if row.locked_until is not None:
            minutes = math.ceil(policy.lock_for.total_seconds() / 60)
            return (
                f"{WRONG} That was too many failed sign-ins: this email is locked for "
                f"{minutes} minutes."
            )
        wait = policy.wait_after(row.failures)
    if wait:
        return f"{WRONG} Wait {_seconds(math.ceil(wait.total_seconds()))} before you try again."
    return WRONG


def _insert_missing(engine: Engine, key: str, now: datetime) -> Any:
    """INSERT the email's row with no failures unless it exists (a race-free upsert)."""
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    return (
        insert(SignInFailure)
        .values(email_key=key, failures=0, last_failed_at=now)
        .on_conflict_do_nothing(index_elements=[SignInFailure.email_key])
    )


def _refuse_throttled(row: SignInFailure, now: datetime) -> NoReturn:
    if row.locked_until is not None and _aware(row.locked_until) > now:
        minutes = math.ceil((_aware(row.locked_until) - now).total_seconds() / 60)
        raise SignInRefused(
            "Too many failed sign-ins with this email: it is locked for another "
            f"{minutes} minute{'s' if minutes != 1 else ''}."
        )
    ready = _aware(row.next_attempt_at) if row.next_attempt_at else now
    seconds = max(1, math.ceil((ready - now).total_seconds()))
    raise SignInRefused(
        f"Too many failed sign-ins with this email. Wait {_seconds(seconds)}, then try again."
    )


# --- one-time sign-in links ------------------------------------------------------------------


def issue_sign_in_token(
    engine: Engine,
    email: str,
    *,
    actor: Actor,
    lifetime: timedelta = LINK_LIFETIME,
    now: datetime | None = None,
) -> str:
    """A new one-time sign-in token for the account; only its hash is stored. The
    account's earlier unused tokens stop working: only the newest link does."""
    require(actor, Role.admin, to="issue sign-in links")
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        user = _existing(session, email)
        session.execute(
            delete(SignInToken).where(
                or_(
                    SignInToken.user_id == user.id,
                    SignInToken.expires_at < now,
                    SignInToken.used_at.is_not(None),
                )
            )
        )
        session.add(
            SignInToken(
                user_id=user.id,
                token_hash=_token_hash(token),
                created_at=now,
                expires_at=now + lifetime,
            )
        )
    return token


def sign_in_link(token: str, *, port: int = 8501, app_url: str | None = None) -> str:
    """`http://localhost:8501/session/link?token=…` (or under `app_url`): the route swaps the
    token for a session once and sends the browser on to the app without it."""
    base = (app_url or f"http://localhost:{port}").rstrip("/")
    return f"{base}/session/link?token={token}"


def redeem_sign_in_token(engine: Engine, token: str, *, now: datetime | None = None) -> Actor:
    """Sign in with a one-time token: it works once, before it expires; otherwise
    `SignInRefused`. Marking it used is one conditional UPDATE, so two tabs opening the same
    link at once cannot both get in."""
    now = now or _now()
    digest = _token_hash(token.strip())
    with transaction(engine) as session:
        claimed = session.execute(
            update(SignInToken)
            .where(
                SignInToken.token_hash == digest,
                SignInToken.used_at.is_(None),
                SignInToken.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise SignInRefused(LINK_REFUSED)
        user = session.scalars(
            select(User).join(SignInToken).where(SignInToken.token_hash == digest)
        ).one()
        user.last_sign_in_at = now
        return _actor(user)


# --- helpers ---------------------------------------------------------------------------------


def _find(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).first()


def _existing(session: Session, email: str) -> User:
    address = normalise_email(email)
    user = _find(session, address)
    if user is None:
        raise UserError(f"{address} has no account (see `uadash user list`)")
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    others = session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.admin, User.id != user.id)
    )
    if not others:
        raise UserError(f"{user.email} is the only admin; make someone else admin first")


def _seconds(count: int) -> str:
    return f"{count} second{'s' if count != 1 else ''}"


def _loose_email(text: str) -> str:
    """The email as accounts store it, without refusing malformed input: sign-in must
    answer a typo the same way it answers a wrong password."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def _email_key(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


def _token_hash(token: str) -> str:
    # The token is 256 random bits: a plain SHA-256 cannot be reversed, no salt needed.
    return hashlib.sha256(token.encode()).hexdigest()


def _actor(user: User) -> Actor:
    return Actor(identity=user.email, role=user.role, name=user.name)


def _info(user: User) -> UserInfo:
    return UserInfo(
        email=user.email,
        name=user.name,
        role=user.role,
        has_password=user.password_hash is not None,
        created_at=_aware(user.created_at),
        last_sign_in_at=_aware(user.last_sign_in_at) if user.last_sign_in_at else None,
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; uadash writes them in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
