"""Opening the configured database: one engine, schema upgraded to the newest migration.

The UI holds the engine only to hand it back to the domain; it imports the type from here,
so that nothing above the domain imports SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["Engine", "Health", "health", "open_database"]

from uadash import config
from uadash.store.engine import make_engine, schema_revisions, upgrade


def open_database(url: str | None = None) -> Engine:
    """An engine on `url` (default: the configured database), its schema brought up to date."""
    engine = make_engine(url or config.database_url())
    upgrade(engine)
    return engine


@dataclass(frozen=True)
class Health:
    """Whether the database answers, and whether its schema is the one this code expects."""

    database_up: bool
    schema_current: bool
    revision: str | None = None  # the database's migration revision
    expected: str | None = None  # the newest migration this code knows
    detail: str | None = None  # why the database did not answer

    @property
    def ok(self) -> bool:
        return self.database_up and self.schema_current

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {
            "status": "ok" if self.ok else "unavailable",
            "database": "up" if self.database_up else "down",
            "schema": "current" if self.schema_current else "not current",
        }
        if self.database_up:
            found["revision"] = self.revision
            found["expected_revision"] = self.expected
        return found  # not `detail`: it would tell anyone where the database lives


def health(engine: Engine) -> Health:
    """Ask the database for its schema revision: a down database or an old schema is not
    healthy. Never raises."""
    try:
        revision, expected = schema_revisions(engine)
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        return Health(
            database_up=False,
            schema_current=False,
            detail=(detail[0] if detail else type(error).__name__)[:200],
        )
    return Health(
        database_up=True,
        schema_current=revision == expected,
        revision=revision,
        expected=expected,
    )
