"""Opening the configured database: one engine, schema upgraded to the newest migration."""

from __future__ import annotations

from sqlalchemy import Engine

from uadash import config
from uadash.store.engine import make_engine, upgrade


def open_database(url: str | None = None) -> Engine:
    """An engine on `url` (default: the configured database), its schema brought up to date."""
    engine = make_engine(url or config.database_url())
    upgrade(engine)
    return engine
