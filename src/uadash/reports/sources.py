"""Intake sources: who may send reports live. The report form is one; each form tool that posts
to the intake API is another, with its own API key (only the key's SHA-256 is kept)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from uadash.access import Actor, require
from uadash.store.engine import transaction
from uadash.store.models import IntakeSource, ReportBatch
from uadash.vocab import Role

FORM_SOURCE = "report-form"  # the built-in source of the public report form
KEY_PREFIX = "uadash_"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


class SourceError(ValueError):
    """A source cannot be added or revoked; the message says why."""


@dataclass(frozen=True)
class LiveSource:
    """An intake source as the write path needs it."""

    id: int
    name: str


@dataclass(frozen=True)
class SourceInfo:
    name: str
    created_at: datetime
    revoked_at: datetime | None
    reports: int
    last_report_at: datetime | None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def add_source(engine: Engine, name: str, *, actor: Actor) -> str:
    """Create a source and return its API key: shown once, never stored."""
    require(actor, Role.admin, to="add an intake source")
    name = name.strip().lower()
    if not _NAME.match(name):
        raise SourceError(
            f"source name {name!r}: use lower-case letters, digits, '.', '_' or '-' "
            "(up to 100), starting with a letter or digit"
        )
    if name == FORM_SOURCE:
        raise SourceError(f"source name {name!r} is the report form's own")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction(engine) as session:
        if session.scalar(select(IntakeSource.id).where(IntakeSource.name == name)) is not None:
            raise SourceError(f"there is already a source named {name!r}")
        session.add(IntakeSource(name=name, key_hash=hash_key(key)))
    return key


def revoke_source(engine: Engine, name: str, *, actor: Actor) -> None:
    """Refuse the source's key from now on; its reports stay (undo them on the import page)."""
    require(actor, Role.admin, to="revoke an intake source")
    with transaction(engine) as session:
        source = session.scalar(select(IntakeSource).where(IntakeSource.name == name.strip()))
        if source is None or source.key_hash is None:
            raise SourceError(f"there is no API source named {name!r}")
        if source.revoked_at is None:
            source.revoked_at = datetime.now(UTC)


def list_sources(engine: Engine) -> list[SourceInfo]:
    """Every source, with how many reports it sent and when the last one arrived."""
    query = (
        select(
            IntakeSource.name,
            IntakeSource.created_at,
            IntakeSource.revoked_at,
            func.coalesce(func.sum(ReportBatch.reports), 0),
            func.max(ReportBatch.last_report_at),
        )
        .outerjoin(ReportBatch, ReportBatch.intake_source_id == IntakeSource.id)
        .group_by(IntakeSource.id, IntakeSource.name, IntakeSource.created_at)
        .group_by(IntakeSource.revoked_at)
        .order_by(IntakeSource.name)
    )
    with engine.connect() as connection:
        return [
            SourceInfo(name, created, revoked, int(reports), last)
            for name, created, revoked, reports, last in connection.execute(query)
        ]


def source_for_key(engine: Engine, key: str) -> LiveSource | None:
    """The live source an API key belongs to; None for an unknown or revoked key."""
    if not key:
        return None
    query = select(IntakeSource.id, IntakeSource.name).where(
        IntakeSource.key_hash == hash_key(key), IntakeSource.revoked_at.is_(None)
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return LiveSource(row.id, row.name) if row else None


def form_source(session: Session) -> LiveSource:
    """The report form's source, created on first use (it has no key)."""
    found = session.execute(
        select(IntakeSource.id, IntakeSource.name).where(IntakeSource.name == FORM_SOURCE)
    ).first()
    if found is None:
        source = IntakeSource(name=FORM_SOURCE, key_hash=None)
        session.add(source)
        session.flush()
        return LiveSource(source.id, source.name)
    return LiveSource(found.id, found.name)
