"""Case text from outside (a pasted UA, a case file) shown as text: never as Markdown or HTML.

Streamlit reads Markdown in `st.markdown`, `st.caption`, titles, alerts, tab, expander and
radio labels, with its own additions (`:red[…]`, `:material/…:`, `$…$`). `md()` escapes a
value for any of those; `show()` writes a paragraph of it as plain text. Every page shows
outside text through one of the two.
"""

from __future__ import annotations

import re

import streamlit as st

# What can start formatting anywhere in a line: emphasis, code, links and Streamlit's
# directives (`:red[`), inline HTML and entities, tables, strikethrough, maths.
_INLINE = re.compile(r"([\\`*_\[\]<>|~$&])")
# A colon before a non-space: emoji and icon shortcodes (`:smile:`) and bare links (`http://`).
_COLON = re.compile(r":(?=\S)")
# What formats only at the start of a line: headings, quotes, lists, rules.
_LINE_START = re.compile(r"^(\s*)(#|>|[-+=]|\d+(?=[.)]))")


def md(value: object, *, inline: bool = False) -> str:
    """`value` escaped for a Markdown context: `[link](http://x)` and `:red[x]` stay those
    characters. Line breaks are kept as breaks; text without special characters is
    unchanged. `inline=True` for a value set inside a line, where it starts no list or
    heading."""
    text = "" if value is None else str(value)
    lines = []
    for line in text.split("\n"):
        line = _COLON.sub(r"\\:", _INLINE.sub(r"\\\1", line))
        match = None if inline else _LINE_START.match(line)
        if match:
            lead, mark = match.groups()
            line = (
                f"{lead}{mark}\\{line[match.end() :]}"
                if mark[0].isdigit()
                else (f"{lead}\\{line[len(lead) :]}")
            )
        lines.append(line)
    return "  \n".join(lines)


def show(value: object) -> None:
    """A block of outside text, as written (line breaks kept, no Markdown)."""
    st.text("" if value is None else str(value))
