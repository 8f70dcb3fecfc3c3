"""Opening the configured database: one engine, schema upgraded to the newest migration.

The UI holds the engine only to hand it back to the domain; it imports the type from here,
so that nothing above the domain imports SQLAlchemy.
"""

from __future__ import annotations

from sqlalchemy import Engine

__all__ = ["Engine", "open_database"]

from uadash import config
from uadash.store.engine import make_engine, upgrade


def open_database(url: str | None = None) -> Engine:
    """An engine on `url` (default: the configured database), its schema brought up to date."""
    engine = make_engine(url or config.database_url())
    upgrade(engine)
    return engine
