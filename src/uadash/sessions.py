"""Browser sessions: a sign-in that survives a reload, a new tab, a restart and several
replicas, because it is a row in the shared database named by a signed cookie.

The cookie holds only the session's random id and a signature. The database holds only the
id's SHA-256, who it is, when it started, was last seen and must end, and the browser's user
agent. Every run of the app resolves the session again (`resolve`), so a removed account, a
changed role or a sign-out anywhere applies at the person's next click.

A session begins in one of two places. The one-time link's route opens it and sets the
cookie itself (`open_session(..., for_browser=True)`). The app's script, which cannot set a
cookie, opens it without an id and hands it over (`handover`): a short-lived single-use
secret that the browser posts to a route of ours, which swaps it for the cookie (`claim`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from uadash import config
from uadash.access import Actor, require
from uadash.store.engine import transaction
from uadash.store.models import ServerSecret, SignInSession, User
from uadash.users import UserError, normalise_email
from uadash.vocab import Role

COOKIE_NAME: Final = "uadash_session"
# The routes (uadash.web.sign_in) that set and clear the cookie, below the app's base path.
LINK_PATH: Final = "/session/link"
HANDOVER_PATH: Final = "/session/handover"
SIGN_OUT_PATH: Final = "/session/sign-out"
METHODS: Final = ("password", "link", "provider")
HANDOVER_LIFETIME: Final = timedelta(seconds=60)
SEEN_EVERY: Final = timedelta(minutes=1)  # `last_seen_at` is written at most this often
KEEP_ENDED: Final = timedelta(days=30)  # ended sessions are kept this long, then deleted

SIGNED_OUT: Final = "You were signed out."
SIGNED_OUT_BY_ADMIN: Final = "An admin signed you out. Sign in again to go on."
EXPIRED: Final = "Your sign-in expired. Sign in again to go on."
UNREADABLE: Final = "Your sign-in could not be read (its cookie was changed). Sign in again."
GONE: Final = "Your account was removed or your sign-in ended; you are signed out."


class SessionEnded(Exception):
    """This browser is no longer signed in; the message says why and is safe to show.
    `session_id` names the ended session when there was one."""

    def __init__(self, message: str, *, session_id: int | None = None) -> None:
        super().__init__(message)
        self.session_id = session_id


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta  # ends after this long without a click
    lifetime: timedelta  # ends this long after it began, however busy


def policy() -> SessionPolicy:
    """The configured idle timeout and lifetime (`UADASH_SESSION_IDLE`, `…_LIFETIME`)."""
    return SessionPolicy(idle=config.session_idle_timeout(), lifetime=config.session_lifetime())


@dataclass(frozen=True)
class Opened:
    """A new session: its row id and, when opened for a browser, the id the cookie names."""

    session_id: int
    secret: str | None


@dataclass(frozen=True)
class Resolved:
    """The session behind a cookie (or a row id the app remembers), and who it signs in."""

    session_id: int
    actor: Actor
    method: str


@dataclass(frozen=True)
class SessionInfo:
    """One live session, as `uadash user sessions` shows it."""

    session_id: int
    method: str
    user_agent: str | None
    created_at: datetime
    last_seen_at: datetime
    ends_at: datetime  # the earlier of the idle end and the absolute end


def open_session(
    engine: Engine,
    email: str,
    *,
    method: str,
    user_agent: str | None = None,
    for_browser: bool = False,
    now: datetime | None = None,
    rules: SessionPolicy | None = None,
) -> Opened:
    """Start a session for the account (`SessionEnded` if it has none). With `for_browser`
    it gets its random id at once (for a route to set as the cookie); otherwise it gets one
    when `handover` / `claim` hand it to the browser."""
    if method not in METHODS:
        raise ValueError(f"unknown sign-in method {method!r}")
    now = now or _now()
    rules = rules or policy()
    secret = secrets.token_urlsafe(32) if for_browser else None
    with transaction(engine) as session:
        user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            raise SessionEnded(GONE)
        _forget_old(session, now)
        row = SignInSession(
            user_id=user.id,
            secret_hash=_hash(secret) if secret else None,
            method=method,
            user_agent=(user_agent or "")[:400] or None,
            created_at=now,
            last_seen_at=now,
            expires_at=now + rules.lifetime,
        )
        session.add(row)
        session.flush()
        return Opened(session_id=row.id, secret=secret)


def handover(engine: Engine, session_id: int, *, now: datetime | None = None) -> str:
    """A single-use secret, good for `HANDOVER_LIFETIME`, that `claim` swaps for the cookie
    of session `session_id` (a session the script opened for this person's browser)."""
    now = now or _now()
    nonce = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        changed = session.execute(
            update(SignInSession)
            .where(SignInSession.id == session_id, SignInSession.ended_at.is_(None))
            .values(handover_hash=_hash(nonce), handover_expires_at=now + HANDOVER_LIFETIME)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise SessionEnded(GONE)
    return nonce


def claim(engine: Engine, nonce: str, *, now: datetime | None = None) -> str:
    """Swap a handover secret for the session's new random id (what the cookie names).

    One conditional UPDATE: the secret works once, before it expires, for a live session.
    Each claim gives the session a new id, so a cookie set earlier stops working.
    """
    now = now or _now()
    secret = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        claimed = session.execute(
            update(SignInSession)
            .where(
                SignInSession.handover_hash == _hash(nonce.strip()),
                SignInSession.handover_expires_at > now,
                SignInSession.ended_at.is_(None),
            )
            .values(handover_hash=None, handover_expires_at=None, secret_hash=_hash(secret))
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise SessionEnded(GONE)
    return secret


def resolve(
    engine: Engine,
    *,
    secret: str | None = None,
    session_id: int | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
    rules: SessionPolicy | None = None,
) -> Resolved:
    """The live session named by the cookie's `secret` (or by the row id the app remembers
    for this tab) and the account's actor as it is now; `SessionEnded` when it has ended,
    expired, or its account is gone. Marks the session seen."""
    now = now or _now()
    rules = rules or policy()
    with transaction(engine) as session:
        query = select(SignInSession, User).join(User, User.id == SignInSession.user_id)
        if secret is not None:
            query = query.where(SignInSession.secret_hash == _hash(secret))
        elif session_id is not None:
            query = query.where(SignInSession.id == session_id)
        else:
            raise ValueError("resolve needs a secret or a session id")
        found = session.execute(query).first()
        if found is None:
            raise SessionEnded(GONE)
        row, user = found
        if row.ended_at is not None:
            message = {"admin": SIGNED_OUT_BY_ADMIN, "expired": EXPIRED}.get(
                row.end_reason or "", SIGNED_OUT
            )
            raise SessionEnded(message, session_id=row.id)
        idle_end = _aware(row.last_seen_at) + rules.idle
        if now >= _aware(row.expires_at) or now >= idle_end:
            row.ended_at = now  # committed as the block ends; then refused below
            row.end_reason = "expired"
            live = None
        else:
            if now - _aware(row.last_seen_at) >= SEEN_EVERY:
                row.last_seen_at = now
            if user_agent and not row.user_agent:
                row.user_agent = user_agent[:400]
            live = Resolved(
                session_id=row.id,
                actor=Actor(identity=user.email, role=user.role, name=user.name),
                method=row.method,
            )
    if live is None:
        raise SessionEnded(EXPIRED, session_id=row.id)
    return live


def session_of(engine: Engine, secret: str) -> int | None:
    """The row id of the session a cookie's id names, live or ended; None if none."""
    with Session(engine) as session:
        found: int | None = session.scalar(
            select(SignInSession.id).where(SignInSession.secret_hash == _hash(secret))
        )
        return found


def end_session(
    engine: Engine,
    *,
    secret: str | None = None,
    session_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Sign this session out (every tab of it, at its next click); whether one was live."""
    if secret is None and session_id is None:
        return False
    now = now or _now()
    which = (
        SignInSession.secret_hash == _hash(secret)
        if secret is not None
        else SignInSession.id == session_id
    )
    with transaction(engine) as session:
        ended = session.execute(
            update(SignInSession)
            .where(which, SignInSession.ended_at.is_(None))
            .values(ended_at=now, end_reason="signed out", handover_hash=None)
            .execution_options(synchronize_session=False)
        )
        return bool(ended.rowcount)  # type: ignore[attr-defined]


def list_sessions(
    engine: Engine, email: str, *, actor: Actor, now: datetime | None = None
) -> list[SessionInfo]:
    """The account's live sessions, most recently seen first."""
    require(actor, Role.admin, to="list sessions")
    now = now or _now()
    rules = policy()
    with Session(engine) as session:
        user = _user(session, email)
        rows = session.scalars(
            select(SignInSession)
            .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
            .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
        )
        found = []
        for row in rows:
            ends = min(_aware(row.expires_at), _aware(row.last_seen_at) + rules.idle)
            if ends > now:
                found.append(
                    SessionInfo(
                        session_id=row.id,
                        method=row.method,
                        user_agent=row.user_agent,
                        created_at=_aware(row.created_at),
                        last_seen_at=_aware(row.last_seen_at),
                        ends_at=ends,
                    )
                )
        return found


def end_sessions(engine: Engine, email: str, *, actor: Actor, now: datetime | None = None) -> int:
    """Sign the account out everywhere; how many sessions were live."""
    require(actor, Role.admin, to="sign people out")
    now = now or _now()
    with transaction(engine) as session:
        user = _user(session, email)
        ended = session.execute(
            update(SignInSession)
            .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
            .values(ended_at=now, end_reason="admin", handover_hash=None)
            .execution_options(synchronize_session=False)
        )
        return int(ended.rowcount)  # type: ignore[attr-defined]


# --- the cookie --------------------------------------------------------------------------------


def cookie_value(engine: Engine, secret: str) -> str:
    """What the cookie holds: the session's random id and its signature."""
    return f"{secret}.{_signature(engine, secret)}"


def read_cookie(engine: Engine, value: str) -> str:
    """The session id in a cookie, if its signature is ours; otherwise `SessionEnded`."""
    secret, _, signature = value.strip().rpartition(".")
    if not secret or not hmac.compare_digest(signature, _signature(engine, secret)):
        raise SessionEnded(UNREADABLE)
    return secret


def _signature(engine: Engine, secret: str) -> str:
    digest = hmac.new(_cookie_key(engine), f"session:{secret}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


_KEYS: dict[str, bytes] = {}


def _cookie_key(engine: Engine) -> bytes:
    """The key that signs cookies: made once and kept in the database, so that every replica
    on it signs alike and a restart keeps everyone signed in."""
    where = engine.url.render_as_string(hide_password=False)
    if where not in _KEYS:
        _KEYS[where] = stored_secret(engine, "session_cookie_key").encode()
    return _KEYS[where]


def stored_secret(engine: Engine, name: str) -> str:
    """A random secret of the app's own, made on first use and kept in the database."""
    for _ in range(2):  # another replica may create it at the same moment
        with Session(engine) as session:
            found = session.get(ServerSecret, name)
            if found is not None:
                return found.value
        try:
            with transaction(engine) as session:
                session.add(
                    ServerSecret(name=name, value=secrets.token_urlsafe(48), created_at=_now())
                )
        except IntegrityError:
            continue
    with Session(engine) as session:
        return session.get_one(ServerSecret, name).value


# --- helpers -----------------------------------------------------------------------------------


def _user(session: Session, email: str) -> User:
    address = normalise_email(email)
    user = session.scalars(select(User).where(User.email == address)).first()
    if user is None:
        raise UserError(f"{address} has no account (see `uadash user list`)")
    return user


def _forget_old(session: Session, now: datetime) -> None:
    """Delete sessions that ended (or ran out) more than `KEEP_ENDED` ago."""
    session.execute(
        delete(SignInSession).where(
            or_(
                SignInSession.ended_at < now - KEEP_ENDED,
                SignInSession.expires_at < now - KEEP_ENDED,
            )
        )
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
