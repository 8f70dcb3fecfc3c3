"""The one guard every page runs inside: an unforeseen failure is logged on the server with an
error id, and the page shows one line naming that id instead of Streamlit's traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from uadash import errors


@contextmanager
def guarded(where: str) -> Iterator[None]:
    """Run a page (or part of one); `st.stop` and `st.rerun` pass through (they are not
    `Exception`s)."""
    try:
        yield
    except Exception as error:
        error_id = errors.report(error, where=where)
        st.error(
            f"Something went wrong here, and nothing of it was saved (error id {error_id}). "
            "Try again; if it happens again, give the error id to whoever runs uadash: the "
            "details are in the server's log.",
            icon=":material/error:",
        )
