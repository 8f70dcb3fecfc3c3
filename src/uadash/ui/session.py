"""The app's database handle, and query results cached until the data changes.

Every widget click reruns a page; re-reading the same totals each time would make the
overview cost grow with the database. Results are cached under a stamp that changes with any
report batch or case edit (`queries.data_stamp`), so a new report shows on the next rerun —
on every replica, since the stamp is read from the shared database.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from uadash import config, queries
from uadash.database import Engine, open_database

T = TypeVar("T")


@st.cache_resource(show_spinner="Opening the database…")
def _engine(url: str) -> Engine:
    return open_database(url)


def engine() -> Engine:
    """The configured database, upgraded to the newest schema the first time it is opened.

    Every page asks for it first, so it is also where a page makes sure it runs inside
    app.py (see `_through_app_py`).
    """
    _through_app_py()
    return _engine(config.database_url())


def enter_app() -> None:
    """Called first by app.py: the app's own navigation is about to run, so Streamlit's older
    `pages/` mode (see `_through_app_py`) is over for this server."""
    PagesManager.uses_pages_directory = False


def _through_app_py() -> None:
    """Until some session has run app.py's `st.navigation`, Streamlit serves the files of
    `pages/` on their own (its older multipage mode): a shared link to `/case` opened first
    on a freshly started server would skip app.py, its page setup and its sign-in gate, and
    show Streamlit's file list as navigation. Leave that mode and run again through app.py.
    (app.py itself never gets here in that mode: it calls `enter_app` first.)
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def today() -> date:
    """Today in the organisation's time zone."""
    return config.today()


def cached(query: Callable[..., T], **arguments: Any) -> T:
    """`query(engine, **arguments)`, from the cache while the data has not changed.

    The arguments must be hashable values (filters, periods, dates, ids), not ORM objects.
    """
    stamp = queries.data_stamp(engine())
    items = tuple(sorted(arguments.items()))
    result: T = _run(query.__module__, query.__qualname__, config.database_url(), stamp, items)
    return result


@st.cache_data(max_entries=512, show_spinner=False)
def _run(module: str, name: str, url: str, stamp: tuple[Any, ...], items: tuple[Any, ...]) -> Any:
    query = getattr(importlib.import_module(module), name)
    return query(_engine(url), **dict(items))
