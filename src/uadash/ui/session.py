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
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from uadash import config, queries
from uadash.database import Engine, open_database

T = TypeVar("T")


@st.cache_resource(show_spinner="Opening the database…")
def _engine(url: str) -> Engine:
    return open_database(url)


def engine() -> Engine:
    """The configured database, upgraded to the newest schema the first time it is opened.

    Every page asks for it first, so it also makes sure the page runs inside app.py.
    """
    leave_pages_folder_mode()
    return _engine(config.database_url())


def leave_pages_folder_mode() -> None:
    """Run every page through app.py, from the first request a server gets.

    Until some session has run app.py's `st.navigation`, Streamlit is in its older multipage
    mode: it serves the files of `pages/` on their own (a shared link to `/case`, opened first
    on a freshly started server, would skip app.py, its page setup and its sign-in gate), and
    widgets drawn in that mode get other ids than in later runs (the first click on them is
    lost). So leave the mode, and start the run again before anything is drawn. app.py calls
    this first; `engine()` calls it for a page reached without app.py.

    Under `uadash serve` the server leaves the mode before any session starts
    (uadash.web.server.build_app), so this never fires there; it stays for `streamlit run`.
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
    stamp = _stamp()
    items = tuple(sorted(arguments.items()))
    result: T = _run(query.__module__, query.__qualname__, config.database_url(), stamp, items)
    return result


def _stamp() -> tuple[Any, ...]:
    """`queries.data_stamp`, read once per script run, not once per cached query (two
    queries each time: 7% of the server's time per page view, nine times on the overview).

    A run that changes data reruns the page (`st.rerun`) before showing the result, so every
    run still sees the data as it was when it began, and the next run sees any change, from
    this replica or another."""
    context = get_script_run_ctx()
    if context is None:
        return queries.data_stamp(engine())
    # `cursors` is a new dict at the start of every run (and of every fragment's run).
    memo = getattr(context, "_uadash_stamp", None)
    if memo is not None and memo[0] is context.cursors:
        stamp: tuple[Any, ...] = memo[1]
        return stamp
    stamp = queries.data_stamp(engine())
    context._uadash_stamp = (context.cursors, stamp)  # type: ignore[attr-defined]
    return stamp


@st.cache_data(max_entries=512, show_spinner=False)
def _run(module: str, name: str, url: str, stamp: tuple[Any, ...], items: tuple[Any, ...]) -> Any:
    query = getattr(importlib.import_module(module), name)
    return query(_engine(url), **dict(items))
