"""`uadash parse-ua FILE [--json]`: the UA-text reader on the command line.

It reads only the file: it opens and creates no database (`needs_database=False`), and this
module imports nothing heavy (no SQLAlchemy, no pandas), so `uadash parse-ua` starts through
`main`'s fast path in a fraction of the time the database commands take.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from uadash.cases.documents import DocumentError, document_text
from uadash.cases.uatext import UaDraft, read_ua

COMMANDS = ("parse-ua",)  # the commands of this module: `main` runs them without the others


def add_commands(commands: Any) -> None:
    parse = commands.add_parser(
        "parse-ua",
        help="read a UA's text (.txt, .html, .pdf, .docx) into a case draft; no database",
        description="Read an Urgent Action document into a case draft and print it.",
    )
    parse.add_argument("file", type=Path, help="the UA document ('-' reads standard input)")
    parse.add_argument(
        "--json", action="store_true", help="print one JSON object (the draft) on standard output"
    )
    parse.set_defaults(run=_parse_ua, needs_database=False)


def main(argv: Sequence[str]) -> int:
    """Run one of COMMANDS on its own (the fast path): errors are one line, exit 1."""
    parser = argparse.ArgumentParser(prog="uadash")
    add_commands(parser.add_subparsers(required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    try:
        result: int = args.run(None, args)
        return result
    except DocumentError as error:
        print(f"uadash: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `uadash parse-ua … | head`: the reader stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        if os.environ.get("UADASH_DEBUG"):
            raise
        print(
            f"uadash: unexpected {type(error).__name__}: {error} "
            "(set UADASH_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 2


def _parse_ua(_engine: object, args: argparse.Namespace) -> int:
    path: Path = args.file
    if str(path) == "-":
        data, name = sys.stdin.buffer.read(), "standard input"
    else:
        try:
            data, name = path.read_bytes(), str(path)
        except OSError as error:
            raise DocumentError(f"cannot read {path}: {error.strerror or error}") from None
    draft = read_ua(document_text(data, name))
    if args.json:
        print(json.dumps(draft.to_json(), ensure_ascii=False, indent=2))
    else:
        print(draft_summary(draft))
    return 0


def draft_summary(draft: UaDraft) -> str:
    """The readable summary `parse-ua` prints without --json: each field, its source lines."""

    def show(value: Any, sep: str = ", ") -> str:
        if value in (None, "", []):
            return "—"
        if isinstance(value, list):
            return sep.join(map(str, value))
        return str(value)

    def source(name: str) -> str:
        lines = draft.sources.get(name)
        if not lines:
            return ""
        shown = ", ".join(map(str, lines[:4])) + ("…" if len(lines) > 4 else "")
        return f"  (line {shown})" if len(lines) == 1 else f"  (lines {shown})"

    update = draft.update
    update_text = "not stated" if update is None else ("new UA" if update == 0 else str(update))
    deadline = show(draft.deadline) + (" (no end date)" if draft.no_end_date else "")
    rows = [
        ("UA number", show(draft.ua_number), "ua_number"),
        ("Update", update_text, "update"),
        ("Title", show(draft.title), "title"),
        ("Country", show(draft.country), "country"),
        ("People at risk", show(draft.people), "people"),
        ("Deadline", deadline, "deadline"),
        ("Issued", show(draft.issued), "issued"),
        ("No further action", "yes" if draft.no_further_action else "no", "no_further_action"),
        ("Outcome", show(draft.outcome.value if draft.outcome else None), "outcome"),
        ("Languages", show(draft.languages), "languages"),
        ("Letter", f"{len(draft.letter.split())} words" if draft.letter else "—", "letter"),
        ("Letter opens", show(draft.letter_salutations, " / "), "letter_salutations"),
    ]
    out = [f"{label + ':':19}{value}{source(key)}" for label, value, key in rows]
    out.append(f"Targets ({len(draft.targets)}):")
    fields = ("organisation", "address", "email", "phone", "fax", "social_handle", "salutation")
    for n, target in enumerate(draft.targets, 1):
        who = ", ".join(filter(None, [target.title, target.name])) or "(no name)"
        out.append(f"  {n}. [{target.role}] {who}" + source(f"targets.{n - 1}"))
        for label in fields:
            value = getattr(target, label)
            if value:
                out.append(f"       {label.replace('_', ' ')}: {value.replace(chr(10), ' / ')}")
    if draft.warnings:
        out.append(f"Warnings ({len(draft.warnings)}):")
        out.extend(f"  - {warning}" for warning in draft.warnings)
    return "\n".join(out)
