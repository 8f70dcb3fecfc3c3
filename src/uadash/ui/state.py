"""What a view shows, kept in the URL: the period, the filters, the case and the target.

The URL is the one source of truth. Before a widget is drawn its value is set from the URL
(or its default when the URL says nothing); a change is written back to the URL by the
widget's callback, before the page runs again. So a shared link opens exactly the same
view, and the sidebar's links (which copy these parameters) open the next page on the same
case, period and filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

# The parameters every page understands and the sidebar's links carry from page to page.
CARRIED = ("period", "from", "to", "case", "country", "tag", "status", "target")


def carried() -> dict[str, list[str]]:
    """The carried parameters of the current URL, for a link to another page."""
    found = {name: st.query_params.get_all(name) for name in CARRIED}
    return {name: values for name, values in found.items() if values}


def write(name: str, values: Sequence[str]) -> None:
    """Put `name` in the URL (only when it changed: each write is a message to the browser)."""
    values = list(values)
    if st.query_params.get_all(name) == values:
        return
    if values:
        st.query_params[name] = values
    else:
        del st.query_params[name]


def multiselect(
    label: str,
    options: Sequence[str],
    *,
    name: str,
    placeholder: str,
    format_func: Callable[[Any], str] = str,
) -> list[str]:
    """A multiselect whose choice is `?name=a&name=b` in the URL."""
    key = f"url-{name}"
    st.session_state[key] = [value for value in st.query_params.get_all(name) if value in options]
    return st.multiselect(
        label,
        list(options),
        format_func=format_func,
        placeholder=placeholder,
        key=key,
        on_change=lambda: write(name, st.session_state[key]),
    )


def selectbox(
    label: str,
    options: Sequence[str],
    *,
    name: str,
    default: str,
    format_func: Callable[[Any], str] = str,
    help: str | None = None,
) -> str:
    """A selectbox whose choice is `?name=value` in the URL (the default when it has none,
    so a link without it keeps meaning the default)."""
    key = f"url-{name}"
    wanted = st.query_params.get(name)
    st.session_state[key] = wanted if wanted in options else default
    chosen = st.selectbox(
        label,
        list(options),
        format_func=format_func,
        key=key,
        help=help,
        on_change=lambda: write(name, _unless(default, st.session_state[key])),
    )
    return str(chosen)


def _unless(default: str, value: str) -> list[str]:
    return [] if value == default else [value]
