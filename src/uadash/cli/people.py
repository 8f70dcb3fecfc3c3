"""`uadash user …`: the people who may sign in, their roles, passwords and one-time links."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from uadash import sessions
from uadash.access import SYSTEM
from uadash.cli.common import CommandError, link_options, print_link
from uadash.users import (
    UserError,
    add_user,
    check_password,
    list_users,
    remove_user,
    set_password,
    set_role,
)
from uadash.vocab import Role


def add_commands(commands: Any) -> None:
    user = commands.add_parser("user", help="add, list and remove the people who may sign in")
    people = user.add_subparsers(title="user commands", required=True, metavar="COMMAND")
    add = people.add_parser("add", help="add an account (asks for a password unless --oidc)")
    add.add_argument("email")
    add.add_argument("--role", type=Role, choices=list(Role), default=Role.viewer)
    add.add_argument("--name", help="how the app greets them")
    _password_options(add, none="signs in through the identity provider ([auth] in secrets)")
    add.set_defaults(run=_user_add)
    listing = people.add_parser("list", help="every account with its role")
    listing.set_defaults(run=_user_list)
    remove = people.add_parser("remove", help="delete an account and its sign-in links")
    remove.add_argument("email")
    remove.set_defaults(run=_user_remove)
    role = people.add_parser("role", help="give an account another role")
    role.add_argument("email")
    role.add_argument("role", type=Role, choices=list(Role))
    role.set_defaults(run=_user_role)
    password = people.add_parser("password", help="set an account's password (or none)")
    password.add_argument("email")
    _password_options(password, none="removes the password")
    password.set_defaults(run=_user_password)
    link = people.add_parser("link", help="print a one-time sign-in link for an account")
    link.add_argument("email")
    link_options(link)
    link.set_defaults(run=_user_link)
    listed = people.add_parser("sessions", help="an account's signed-in browsers")
    listed.add_argument("email")
    listed.set_defaults(run=_user_sessions)
    out = people.add_parser("sign-out", help="end every session of an account, at its next click")
    out.add_argument("email")
    out.set_defaults(run=_user_sign_out)


def _password_options(parser: argparse.ArgumentParser, *, none: str) -> None:
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--oidc", action="store_true", help=f"no password: {none}")
    how.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )


def _read_password(args: argparse.Namespace) -> str | None:
    if args.oidc:
        return None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.email}: ")
        try:
            check_password(password)
        except UserError as error:
            raise CommandError(str(error)) from None
        if getpass.getpass("The same password again: ") != password:
            raise CommandError("the two passwords differ; nothing was changed")
    return password


def _user_add(engine: Engine, args: argparse.Namespace) -> int:
    password = _read_password(args)
    try:
        info = add_user(
            engine, args.email, role=args.role, password=password, name=args.name, actor=SYSTEM
        )
    except UserError as error:
        raise CommandError(str(error)) from None
    how = "a password" if info.has_password else "no password (identity provider or links)"
    print(f"Added {info.email} as {info.role.value}, with {how}.")
    return 0


def _user_list(engine: Engine, _args: argparse.Namespace) -> int:
    people = list_users(engine, actor=SYSTEM)
    if not people:
        print("No accounts yet. `uadash init` creates the first admin.")
        return 0
    table = pd.DataFrame(
        {
            "email": [p.email for p in people],
            "role": [p.role.value for p in people],
            "signs in with": ["password" if p.has_password else "provider or link" for p in people],
            "last sign-in": [
                p.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if p.last_sign_in_at else "never"
                for p in people
            ],
            "name": [p.name or "" for p in people],
        }
    )
    print(table.to_string(index=False))
    return 0


def _user_remove(engine: Engine, args: argparse.Namespace) -> int:
    try:
        remove_user(engine, args.email, actor=SYSTEM)
    except UserError as error:
        raise CommandError(str(error)) from None
    print(f"Removed {args.email.strip().lower()}; their sign-in links no longer work.")
    return 0


def _user_role(engine: Engine, args: argparse.Namespace) -> int:
    try:
        info = set_role(engine, args.email, args.role, actor=SYSTEM)
    except UserError as error:
        raise CommandError(str(error)) from None
    print(f"{info.email} is now {info.role.value}; it applies from their next page view.")
    return 0


def _user_password(engine: Engine, args: argparse.Namespace) -> int:
    password = _read_password(args)
    try:
        set_password(engine, args.email, password, actor=SYSTEM)
    except UserError as error:
        raise CommandError(str(error)) from None
    print(f"{'Set' if password is not None else 'Removed'} the password of {args.email}.")
    return 0


def _user_link(engine: Engine, args: argparse.Namespace) -> int:
    try:
        print_link(engine, args.email, args)
    except UserError as error:
        raise CommandError(str(error)) from None
    return 0


def _user_sessions(engine: Engine, args: argparse.Namespace) -> int:
    try:
        found = sessions.list_sessions(engine, args.email, actor=SYSTEM)
    except UserError as error:
        raise CommandError(str(error)) from None
    if not found:
        print(f"{args.email.strip().lower()} is signed in nowhere.")
        return 0
    stamp = "%Y-%m-%d %H:%M"
    table = pd.DataFrame(
        {
            "session": [s.session_id for s in found],
            "signed in with": [s.method for s in found],
            "since": [s.created_at.strftime(stamp) for s in found],
            "last seen": [s.last_seen_at.strftime(stamp) for s in found],
            "ends": [s.ends_at.strftime(stamp) for s in found],
            "browser": [(s.user_agent or "unknown")[:60] for s in found],
        }
    )
    print(table.to_string(index=False))
    return 0


def _user_sign_out(engine: Engine, args: argparse.Namespace) -> int:
    try:
        ended = sessions.end_sessions(engine, args.email, actor=SYSTEM)
    except UserError as error:
        raise CommandError(str(error)) from None
    email = args.email.strip().lower()
    print(f"Signed {email} out of {ended} session{'s' if ended != 1 else ''} (at the next click).")
    return 0
