"""What any input may be: the size limits of every way data comes in, and the one rule for text.

Every importer, reader and form checks against these numbers (docs/limits.md lists them), and
answers anything beyond them with one line naming the file, row or record and field, writing
nothing. The text rule (`text_problem`) is applied before the database sees a value, so SQLite
and PostgreSQL give the same answer: PostgreSQL refuses a NUL byte that SQLite would store.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class Limits:
    """The limits of one input path; None where a limit does not apply."""

    what: str  # as docs/limits.md names it
    file_bytes: int | None = None
    rows: int | None = None  # rows of a CSV, records of an OSDI file, reports of a request
    cell_chars: int | None = None  # one cell or text field
    line_chars: int | None = None  # one physical line of a text file
    depth: int | None = None  # nesting of lists and mappings
    aliases: int | None = None  # YAML aliases (0: anchors and aliases are refused)


# A CSV is read a chunk at a time, so its size costs time, not memory.
CSV = Limits(
    "CSV import",
    file_bytes=2 * 1024 * MIB,
    rows=10_000_000,
    cell_chars=10_000,
    line_chars=1 * MIB,
)
# An OSDI document is parsed whole (JSON has no standard streaming form): its size is memory.
OSDI = Limits("OSDI import", file_bytes=32 * MIB, rows=200_000, cell_chars=10_000, depth=32)
# One case per file: a few kilobytes in practice.
CASE_FILE = Limits("case file", file_bytes=256 * KIB, cell_chars=100_000, depth=16, aliases=0)
# A pasted or uploaded Urgent Action text (the UA-text reader).
UA_TEXT = Limits("UA text", file_bytes=1 * MIB, cell_chars=200_000)
# The supporters' report form and the intake API: one request.
REPORT_FORM = Limits("report form", file_bytes=64 * KIB, cell_chars=2_000)
INTAKE_API = Limits("intake API", file_bytes=1 * MIB, rows=1_000, cell_chars=10_000, depth=8)
# Single fields typed into a page (a note, a reason for an edit).
PAGE_FIELD = Limits("page text field", cell_chars=10_000)

ALL = (CSV, OSDI, CASE_FILE, UA_TEXT, REPORT_FORM, INTAKE_API, PAGE_FIELD)

# --- the text rule ------------------------------------------------------------------------------

# Tab, line feed and carriage return are the only control characters text may hold. NUL is
# refused by PostgreSQL and truncates text in C tools; the rest (C0, DEL, C1) are invisible,
# and the C1 range is a sign of text decoded with the wrong encoding. Lone surrogates (from
# JSON's "\ud800") cannot be encoded as UTF-8 at all.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def describe_character(character: str) -> str:
    names = {"\x00": "a NUL byte", "\x7f": "a DEL character"}
    code = f"U+{ord(character):04X}"
    if character in names:
        return f"{names[character]} ({code})"
    if "\ud800" <= character <= "\udfff":
        return f"a lone surrogate ({code})"
    return f"a control character ({code})"


def text_problem(value: str, *, max_chars: int | None = None) -> str | None:
    """Why `value` may not be stored, or None: the one rule for text from outside.

    The reason reads after the field's name: "note: contains a NUL byte (U+0000) at
    character 5".
    """
    if max_chars is not None and len(value) > max_chars:
        return f"is {len(value):,} characters long; at most {max_chars:,} are allowed"
    found = FORBIDDEN.search(value)
    if found is not None:
        return f"contains {describe_character(found.group())} at character {found.start() + 1}"
    return None


def column_problems(
    values: Sequence[str], *, max_chars: int | None = None
) -> Iterator[tuple[int, str]]:
    """(position, reason) of every value of a column that breaks the text rule.

    One regular-expression search over the joined column finds the common case (nothing
    wrong) at C speed; only a column with a problem is looked at value by value.
    """
    if not values:
        return
    too_long = max_chars is not None and max(map(len, values)) > max_chars
    if not too_long and FORBIDDEN.search("\n".join(values)) is None:
        return
    for position, value in enumerate(values):
        reason = text_problem(value, max_chars=max_chars)
        if reason is not None:
            yield position, reason


def size_problem(size: int, limits: Limits) -> str | None:
    """Why a file of `size` bytes is refused for `limits`, or None."""
    if size == 0:
        return "is empty"
    if limits.file_bytes is not None and size > limits.file_bytes:
        return (
            f"is {size:,} bytes; a {limits.what} may be at most {_bytes(limits.file_bytes)} "
            "(split it into smaller files)"
        )
    return None


def file_problem(path: Path, limits: Limits) -> str | None:
    """Why the file at `path` cannot be read as a `limits.what`, or None. Checked before a
    byte is read: a folder, a device such as /dev/zero (endless) or /dev/null, a pipe, an
    empty or an over-large file."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return "no such file"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if stat.S_ISDIR(status.st_mode):
        return "is a folder"
    if not stat.S_ISREG(status.st_mode):
        return "is not a regular file"
    return size_problem(status.st_size, limits)


def _bytes(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:,.1f} MiB".replace(".0 MiB", " MiB")
    if size >= KIB:
        return f"{size / KIB:,.1f} KiB".replace(".0 KiB", " KiB")
    return f"{size:,} bytes"


def nesting_depth(value: object, *, limit: int) -> int:
    """How deeply lists and mappings nest in `value` (a scalar is 0), counting no further than
    `limit + 1`; without recursion, so that a hostile document cannot exhaust the stack."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Sequence[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest
