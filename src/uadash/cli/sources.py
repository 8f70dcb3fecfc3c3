"""`uadash source add | list | revoke` (the intake API's keys) and `uadash report-form`."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Engine

from uadash.cli.common import CommandError, cli_actor
from uadash.queries import find_case
from uadash.reports.live import set_report_form
from uadash.reports.sources import SourceError, add_source, list_sources, revoke_source
from uadash.wording import number


def add_commands(commands: Any) -> None:
    source = commands.add_parser("source", help="the intake API's sources and their keys")
    actions = source.add_subparsers(title="source commands", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a source and print its API key (once)")
    add.add_argument("name", help="e.g. actionnetwork (lower-case letters, digits, . _ -)")
    add.set_defaults(run=_add)
    listing = actions.add_parser("list", help="sources, their reports and last report")
    listing.set_defaults(run=_list)
    revoke = actions.add_parser("revoke", help="refuse a source's key from now on")
    revoke.add_argument("name")
    revoke.set_defaults(run=_revoke)

    form = commands.add_parser(
        "report-form", help="open or close a case's report form (/report/<case>)"
    )
    form.add_argument("case", help="a case reference, e.g. 44.22-2")
    form.add_argument("state", choices=["open", "close"])
    form.add_argument("--note", help="why, for the case's history")
    form.set_defaults(run=_report_form)


def _add(engine: Engine, args: argparse.Namespace) -> int:
    try:
        key = add_source(engine, args.name, actor=cli_actor())
    except SourceError as error:
        raise CommandError(str(error)) from None
    print(f"Added source {args.name.strip().lower()}. Its API key (shown only now; keep it):")
    print(f"    {key}")
    print("Send it as the header  Authorization: Bearer <key>")
    return 0


def _list(engine: Engine, args: argparse.Namespace) -> int:
    sources = list_sources(engine)
    if not sources:
        print("No sources yet: `uadash source add NAME` adds one.")
        return 0
    for source in sources:
        state = f"revoked {source.revoked_at:%Y-%m-%d}" if source.revoked_at else "active"
        last = f"{source.last_report_at:%Y-%m-%d %H:%M}" if source.last_report_at else "never"
        print(
            f"{source.name:<24} {state:<18} {number(source.reports):>12} reports"
            f"   last report: {last}"
        )
    return 0


def _revoke(engine: Engine, args: argparse.Namespace) -> int:
    try:
        revoke_source(engine, args.name, actor=cli_actor())
    except SourceError as error:
        raise CommandError(str(error)) from None
    print(f"Revoked {args.name}: its key is refused from now on; its reports stay.")
    return 0


def _report_form(engine: Engine, args: argparse.Namespace) -> int:
    case = find_case(engine, args.case)
    if case is None:
        raise CommandError(f"there is no case {args.case!r}")
    open_ = args.state == "open"
    changed = set_report_form(engine, case.id, open_=open_, actor=cli_actor(), note=args.note)
    state = "open" if open_ else "closed"
    print(f"The report form of {case.label} is {state}{'' if changed else ' (it was already)'}.")
    return 0
