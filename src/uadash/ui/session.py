"""The app's database handle: one engine per process, schema upgraded on first use."""

from __future__ import annotations

from datetime import date

import streamlit as st
from sqlalchemy import Engine

from uadash import config
from uadash.database import open_database


@st.cache_resource(show_spinner="Opening the database…")
def _engine(url: str) -> Engine:
    return open_database(url)


def engine() -> Engine:
    """The configured database, upgraded to the newest schema the first time it is opened."""
    return _engine(config.database_url())


def today() -> date:
    """Today in the organisation's time zone."""
    return config.today()
