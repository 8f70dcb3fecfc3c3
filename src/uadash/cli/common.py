"""What every `uadash` subcommand shares: the error a user can act on, argument types, links."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine

from uadash.access import SYSTEM, Actor
from uadash.users import issue_sign_in_token, sign_in_link
from uadash.vocab import Role


class CommandError(Exception):
    """A failure the user can act on: printed as one line, exit status 1."""


def cli_actor() -> Actor:
    """Whoever runs the command: they hold the database itself, so they act as an admin."""
    user = f"{getpass.getuser()} (command line)"
    return Actor(identity=user, role=Role.admin, name=user)


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def positive(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def link_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=8501, help="the app's port, for the link (default: 8501)"
    )
    parser.add_argument(
        "--app-url", metavar="URL", help="the app's address, for the link (default: localhost)"
    )


def print_link(engine: Engine, email: str, args: argparse.Namespace) -> None:
    token = issue_sign_in_token(engine, email, actor=SYSTEM)
    link = sign_in_link(token, port=args.port, app_url=args.app_url)
    print(f"Sign in as {email.strip().lower()} (once, within 24 hours; earlier links stop):")
    print(f"    {link}")


def describe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def progress_printer() -> Callable[[int, int], None]:
    interactive = sys.stdout.isatty()

    def show(done: int, total: int) -> None:
        if interactive:
            print(f"\rGenerating demo reports: {done * 100 // max(total, 1)}%", end="", flush=True)

    return show
