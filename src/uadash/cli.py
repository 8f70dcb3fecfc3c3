"""The `uadash` command: prepare the database, load case files, make demo data, list cases.

Every command works on the configured database (`UADASH_DATABASE_URL`, else the SQLite file
under `data/`) unless `--database-url` says otherwise. Errors print a short message, never a
traceback, and exit non-zero.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from uadash import config, queries, summary
from uadash.access import SYSTEM, Actor, PermissionDenied
from uadash.actions import rebuild_rollup, rollup_differences
from uadash.casefiles import CaseFileError, case_files, load_case_files
from uadash.cases import case_history
from uadash.database import open_database
from uadash.demo import NoDemoCases, generate_demo_reports
from uadash.exports import csv_bytes
from uadash.imports import CsvOptions, import_csv
from uadash.intake import (
    DateOrder,
    ImportResult,
    IntakeError,
    Progress,
    import_history,
    problems_frame,
    undo_import,
)
from uadash.osdi import OsdiOptions, campaigns_in, import_osdi, read_outreaches
from uadash.queries import Bucket
from uadash.report_exports import ReportFilter, write_reports_csv
from uadash.report_exports import totals as report_totals
from uadash.store.engine import transaction
from uadash.users import (
    UserError,
    add_user,
    check_password,
    ensure_first_admin,
    issue_sign_in_token,
    list_users,
    remove_user,
    set_password,
    set_role,
    sign_in_link,
)
from uadash.vocab import ReportSource, Role, parse_channel
from uadash.wording import deadline_phrase, number, status_label

DEFAULT_DEMO_REPORTS = 200_000


class CommandError(Exception):
    """A failure the user can act on: printed as one line, exit status 1."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        engine = open_database(args.database_url)
        result: int = args.run(engine, args)
        return result
    except CaseFileError as error:
        print(f"uadash: nothing was loaded; {len(error.problems)} problem(s):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (CommandError, config.ConfigError, IntakeError, PermissionDenied) as error:
        print(f"uadash: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"uadash: database error: {detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("uadash: interrupted; the unfinished transaction was rolled back", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get("UADASH_DEBUG"):
            raise
        print(
            f"uadash: unexpected {type(error).__name__}: {error} "
            "(set UADASH_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="uadash", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="database to use (default: UADASH_DATABASE_URL or data/uadash.db)"
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    init = commands.add_parser(
        "init", help="upgrade the database, load the case files, add demo reports if none"
    )
    init.add_argument("--cases", type=Path, help="case file or folder (default: data/cases)")
    init.add_argument(
        "--demo-reports",
        type=int,
        default=0,
        metavar="N",
        help="when the database holds no action reports yet, generate N demo reports",
    )
    _link_options(init)
    init.set_defaults(run=_init)

    load = commands.add_parser("load-cases", help="load or update cases from YAML case files")
    load.add_argument("path", type=Path, help="a case file, or a folder of them")
    load.set_defaults(run=_load_cases)

    demo = commands.add_parser(
        "demo-actions", help="replace the demo action reports with N generated ones"
    )
    demo.add_argument("--reports", type=_positive, default=DEFAULT_DEMO_REPORTS, metavar="N")
    demo.add_argument("--seed", type=int, default=4422, metavar="S")
    demo.set_defaults(run=_demo_actions)

    history = commands.add_parser("history", help="who changed what in a case, newest first")
    history.add_argument("case", metavar="UA", help="44.22-2, or 44.22 for its latest update")
    history.set_defaults(run=_history)

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
    _link_options(link)
    link.set_defaults(run=_user_link)

    cases = commands.add_parser("cases", help="list cases with status, deadline and totals")
    cases.set_defaults(run=_cases)

    sentence = commands.add_parser(
        "summary", help="the sentence for a report: a case's actions in a period, by channel"
    )
    sentence.add_argument("case", metavar="UA", help="44.22-2, or 44.22 for its latest update")
    sentence.add_argument(
        "--from",
        dest="start",
        type=_day,
        metavar="DATE",
        help="first day counted, YYYY-MM-DD (default: the case's first day)",
    )
    sentence.add_argument(
        "--to", dest="end", type=_day, metavar="DATE", help="last day counted (default: today)"
    )
    sentence.add_argument("--target", metavar="NAME", help="also say how many went to NAME")
    sentence.set_defaults(run=_summary)
    _add_report_commands(commands)
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _positive(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _load(engine: Engine, path: Path) -> None:
    if not path.exists():
        raise CommandError(f"{path}: no such file or folder")
    paths = case_files(path)
    if not paths:
        raise CommandError(f"{path}: no case files (*.yaml) found")
    report = load_case_files(engine, paths, actor="uadash load-cases", today=config.today())
    print(
        f"Case files: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )
    for label in report.created:
        print(f"  created {label}")
    for label in report.updated:
        print(f"  updated {label}")


def _init(engine: Engine, args: argparse.Namespace) -> int:
    print(f"Database ready: {_describe(engine)}")
    _load(engine, args.cases or config.cases_dir())
    _ensure_reporter_key(engine)
    if args.demo_reports > 0:
        if sum(queries.reports_by_source(engine).values()):
            print("Action reports already present; no demo reports added.")
        else:
            _generate(engine, reports=args.demo_reports, seed=4422)
    admin, created = ensure_first_admin(engine, actor=SYSTEM)
    if created:
        print(f"Created the admin account {admin.email}. It has no password: it signs in")
        print("with one-time links like the one below (`uadash user link` prints another).")
    _print_link(engine, admin.email, args)
    return 0


def _load_cases(engine: Engine, args: argparse.Namespace) -> int:
    _load(engine, args.path)
    return 0


def _demo_actions(engine: Engine, args: argparse.Namespace) -> int:
    _generate(engine, reports=args.reports, seed=args.seed)
    return 0


def _generate(engine: Engine, *, reports: int, seed: int) -> None:
    started = time.perf_counter()
    try:
        result = generate_demo_reports(
            engine, reports=reports, seed=seed, today=config.today(), progress=_progress_printer()
        )
    except NoDemoCases as error:
        raise CommandError(str(error)) from None
    seconds = time.perf_counter() - started
    print(
        f"\rDemo data: {number(result.reports)} reports ({number(result.actions)} actions) "
        f"across {result.cases} cases in {seconds:.1f} s; earlier demo reports were replaced."
    )


def _progress_printer() -> Callable[[int, int], None]:
    interactive = sys.stdout.isatty()

    def show(done: int, total: int) -> None:
        if interactive:
            print(f"\rGenerating demo reports: {done * 100 // max(total, 1)}%", end="", flush=True)

    return show


def _cases(engine: Engine, _args: argparse.Namespace) -> int:
    today = config.today()
    frame = queries.list_cases(engine, queries.CaseFilter(), today=today)
    if frame.empty:
        print("No cases. Load some with `uadash load-cases data/cases`.")
        return 0
    outcomes = [None if pd.isna(outcome) else outcome for outcome in frame["outcome"]]
    statuses = zip(frame["status"], outcomes, strict=True)
    table = pd.DataFrame(
        {
            "case": frame["label"],
            "status": [status_label(status, outcome) for status, outcome in statuses],
            "deadline": [
                _deadline_cell(deadline, today, active=status == "active")
                for deadline, status in zip(frame["deadline"], frame["status"], strict=True)
            ],
            "actions": frame["total_actions"].map(number),
            "last 7 days": frame["actions_last_7_days"].map(number),
            "title": frame["title"].str.slice(0, 48),
        }
    )
    print(table.to_string(index=False))
    return 0


def _summary(engine: Engine, args: argparse.Namespace) -> int:
    case = queries.find_case(engine, args.case)
    if case is None:
        raise CommandError(f"there is no case {args.case!r} (`uadash cases` lists them)")
    today = config.today()
    start = args.start or queries.case_period(engine, case, today=today).start
    end = args.end or today
    if end < start:
        raise CommandError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    try:
        target = summary.find_target(case, args.target) if args.target else None
    except summary.TargetNotFound as error:
        raise CommandError(str(error)) from None
    period = queries.Period(start, end)
    print(summary.case_sentence(engine, case, period=period, target=target))
    return 0


def _deadline_cell(deadline: date | None, today: date, *, active: bool) -> str:
    if deadline is None or pd.isna(deadline):
        return "no end date"
    if not active:  # "35 days overdue" means nothing for a closed or paused case
        return deadline.isoformat()
    return f"{deadline.isoformat()} ({deadline_phrase(deadline, today=today)})"


def _history(engine: Engine, args: argparse.Namespace) -> int:
    case = queries.find_case(engine, args.case)
    if case is None:
        raise CommandError(f"there is no case {args.case!r} (`uadash cases` lists them)")
    frame = case_history(engine, case.id)
    print(f"{case.label}: {case.title}")
    if frame.empty:
        print("No changes recorded.")
        return 0
    table = pd.DataFrame(
        {
            "when": [moment.strftime("%Y-%m-%d %H:%M") for moment in frame["at"]],
            "who": frame["actor"],
            "field": frame["field"],
            "from": frame["old_value"].fillna("—"),
            "to": frame["new_value"].fillna("—"),
            "note": frame["note"].fillna(""),
        }
    )
    print(table.to_string(index=False))
    return 0


def _password_options(parser: argparse.ArgumentParser, *, none: str) -> None:
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--oidc", action="store_true", help=f"no password: {none}")
    how.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )


def _link_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=8501, help="the app's port, for the link (default: 8501)"
    )
    parser.add_argument(
        "--app-url", metavar="URL", help="the app's address, for the link (default: localhost)"
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
        _print_link(engine, args.email, args)
    except UserError as error:
        raise CommandError(str(error)) from None
    return 0


def _print_link(engine: Engine, email: str, args: argparse.Namespace) -> None:
    token = issue_sign_in_token(engine, email, actor=SYSTEM)
    link = sign_in_link(token, port=args.port, app_url=args.app_url)
    print(f"Sign in as {email.strip().lower()} (once, within 24 hours; earlier links stop):")
    print(f"    {link}")


def _describe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


# --- action reports: imports, undo, check, exports --------------------------------------------


def _add_report_commands(commands: Any) -> None:
    """`import-actions`, `import-osdi`, `imports`, `undo-import`, `check` and `export`."""
    csv_import = commands.add_parser(
        "import-actions", help="import action reports from a CSV file (all or nothing)"
    )
    csv_import.add_argument("file", type=Path, help="the CSV file (UTF-8, or Windows-1252)")
    csv_import.add_argument(
        "--source",
        choices=[ReportSource.form.value, ReportSource.file.value],
        default=ReportSource.form.value,
        help="where the reports came from: a web form's export (default), or another file; "
        "the source is part of what tells reports apart, so choose it the same way each time",
    )
    csv_import.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="read COLUMN as FIELD (case, update, target, channel, count, action_date, "
        "reported_at, external_id, source, reporter_email, note), or COLUMN=ignore",
    )
    order = csv_import.add_mutually_exclusive_group()
    order.add_argument("--day-first", action="store_true", help="read 03/11/2026 as 3 November")
    order.add_argument("--month-first", action="store_true", help="read 03/11/2026 as 11 March")
    csv_import.add_argument("--encoding", help="the file's encoding (default: detected)")
    _import_options(csv_import)
    csv_import.set_defaults(run=_import_actions)

    osdi_import = commands.add_parser(
        "import-osdi", help="import OSDI outreach records (JSON) for mapped campaigns"
    )
    osdi_import.add_argument("file", type=Path, help="osdi:outreaches JSON")
    osdi_import.add_argument(
        "--campaign",
        action="append",
        default=[],
        metavar="URI=UA",
        help="the case an advocacy campaign's outreaches are for (44.22 or 44.22-2)",
    )
    osdi_import.add_argument(
        "--type",
        action="append",
        default=[],
        metavar="TYPE=CHANNEL",
        help="read an outreach type as a channel, e.g. in-person=letter",
    )
    _import_options(osdi_import)
    osdi_import.set_defaults(run=_import_osdi)

    history = commands.add_parser("imports", help="list past imports and staff entries")
    history.add_argument("--limit", type=_positive, default=50, metavar="N")
    history.set_defaults(run=_imports)

    undo = commands.add_parser(
        "undo-import", help="delete an import's reports and take them out of the totals"
    )
    undo.add_argument("batch_id", type=_positive, metavar="ID", help="as `uadash imports` shows")
    undo.set_defaults(run=_undo_import)

    check = commands.add_parser(
        "check", help="recompute the daily totals from the raw reports; non-zero if they differ"
    )
    check.add_argument(
        "--repair", action="store_true", help="rebuild the totals from the reports if they differ"
    )
    check.set_defaults(run=_check)

    export = commands.add_parser("export", help="export reports or totals as CSV")
    kinds = export.add_subparsers(title="what", required=True, metavar="WHAT")
    reports = kinds.add_parser("reports", help="one row per report, nothing personal")
    _export_options(reports)
    reports.add_argument("--import", dest="batch_id", type=_positive, metavar="ID")
    reports.add_argument(
        "--notes", action="store_true", help="include staff notes (free text: check them first)"
    )
    reports.set_defaults(run=_export_reports)
    sums = kinds.add_parser("totals", help="actions by case, target, channel and period")
    _export_options(sums)
    sums.add_argument(
        "--by",
        default="case,target,channel",
        help="any of case, target, channel, comma-separated (default: all three)",
    )
    sums.add_argument("--bucket", choices=[b.value for b in Bucket], help="per day, week or month")
    sums.set_defaults(run=_export_totals)


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        help="write the good rows even if some are refused (default: all or nothing)",
    )
    parser.add_argument(
        "--errors", type=Path, metavar="CSV", help="also write every problem to this CSV file"
    )


def _export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--case", action="append", default=[], metavar="UA")
    parser.add_argument("--from", dest="start", type=_iso_day, metavar="DATE")
    parser.add_argument("--to", dest="end", type=_iso_day, metavar="DATE")


def _iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _pairs(values: Sequence[str], what: str, form: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, equals, field = value.rpartition("=")
        if not equals or not key:
            raise CommandError(f"{what} {value!r}: write it as {what} {form}")
        pairs[key] = field
    return pairs


def _cli_actor() -> Actor:
    """Whoever runs the command: they hold the database itself, so they act as an admin."""
    user = f"{getpass.getuser()} (command line)"
    return Actor(identity=user, role=Role.admin, name=user)


def _bar(label: str) -> Progress | None:
    if not sys.stderr.isatty():
        return None

    def show(fraction: float, rows: int) -> None:
        filled = int(fraction * 30)
        print(
            f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%}  {number(rows)} rows",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def _finish_import(result: ImportResult, args: argparse.Namespace, started: float) -> int:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    if result.encoding:
        delimiter = {"\t": "tab", ",": "comma", ";": "semicolon"}.get(result.delimiter or ",")
        print(f"Read {args.file} as {result.encoding}, columns separated by {delimiter}.")
    print(f"{result.summary()} ({time.perf_counter() - started:.1f} s)")
    for problem in result.problems[:20]:
        print(f"  {problem}", file=sys.stderr)
    if result.problem_count > 20:
        more = result.problem_count - 20
        hint = f" (all in {args.errors})" if args.errors else " (--errors FILE lists them all)"
        print(f"  … and {number(more)} more{hint}", file=sys.stderr)
    if args.errors:
        args.errors.write_bytes(csv_bytes(problems_frame(result.problems)))
    return 1 if result.rejected else 0


def _import_actions(engine: Engine, args: argparse.Namespace) -> int:
    order = (
        DateOrder.day_first
        if args.day_first
        else DateOrder.month_first
        if args.month_first
        else DateOrder.auto
    )
    options = CsvOptions(
        source=ReportSource(args.source),
        mapping=_pairs(args.map, "--map", "COLUMN=FIELD"),
        date_order=order,
        all_or_nothing=not args.allow_partial,
        encoding=args.encoding,
        filename=args.file.name,
    )
    started = time.perf_counter()
    result = import_csv(
        engine, args.file, actor=_cli_actor(), options=options, progress=_bar(args.file.name)
    )
    return _finish_import(result, args, started)


def _import_osdi(engine: Engine, args: argparse.Namespace) -> int:
    records = read_outreaches(args.file)
    campaigns = _pairs(args.campaign, "--campaign", "URI=UA")
    if not campaigns:
        found = "\n".join(
            f"  {c.uri or '(none)'}  ({number(c.outreaches)} outreaches)"
            for c in campaigns_in(records)
        )
        raise CommandError(
            "map each advocacy campaign to a case with --campaign URI=UA; the file's "
            f"campaigns:\n{found}"
        )
    types = {}
    for key, value in _pairs(args.type, "--type", "TYPE=CHANNEL").items():
        channel = parse_channel(value)
        if channel is None:
            raise CommandError(f"--type {key}={value}: {value!r} is not a channel")
        types[key] = channel
    options = OsdiOptions(
        campaigns=campaigns,
        types=types,
        all_or_nothing=not args.allow_partial,
        filename=args.file.name,
    )
    started = time.perf_counter()
    result = import_osdi(
        engine, records, actor=_cli_actor(), options=options, progress=_bar(args.file.name)
    )
    return _finish_import(result, args, started)


def _imports(engine: Engine, args: argparse.Namespace) -> int:
    history = import_history(engine, limit=args.limit)
    if history.empty:
        print("No imports yet.")
        return 0
    table = history.assign(
        created_at=history["created_at"].map(lambda t: f"{t:%Y-%m-%d %H:%M}"),
        reports=history["reports"].map(number),
    ).fillna("")
    print(table.rename(columns={"created_at": "when", "actor": "by"}).to_string(index=False))
    return 0


def _undo_import(engine: Engine, args: argparse.Namespace) -> int:
    deleted = undo_import(engine, args.batch_id, actor=_cli_actor())
    print(f"Undid import #{args.batch_id}: {number(deleted)} reports deleted; totals updated.")
    return 0


def _check(engine: Engine, args: argparse.Namespace) -> int:
    with transaction(engine) as session:
        differences = rollup_differences(session)
        if differences.empty:
            print("Totals are exact: the daily rollup equals the raw reports.")
            return 0
        print(f"Totals differ from the raw reports in {number(len(differences))} rollup rows:")
        print(differences.head(50).to_string(index=False))
        if not args.repair:
            print("Run `uadash check --repair` to rebuild the totals from the reports.")
            return 1
        rows = rebuild_rollup(session)
    print(f"Rebuilt the totals from the raw reports: {number(rows)} rollup rows.")
    return 1


def _case_ids(engine: Engine, references: Sequence[str]) -> tuple[int, ...]:
    ids = []
    for reference in references:
        case = queries.find_case(engine, reference)
        if case is None:
            raise CommandError(f"there is no case {reference!r} (`uadash cases` lists them)")
        ids.append(case.id)
    return tuple(ids)


def _period(args: argparse.Namespace) -> queries.Period | None:
    if args.start is None and args.end is None:
        return None
    start, end = args.start or date(1973, 1, 1), args.end or config.today()
    if end < start:
        raise CommandError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    return queries.Period(start, end)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)


def _export_reports(engine: Engine, args: argparse.Namespace) -> int:
    filters = ReportFilter(
        case_ids=_case_ids(engine, args.case), period=_period(args), batch_id=args.batch_id
    )
    if args.output is None:
        write_reports_csv(engine, sys.stdout.buffer, filters, notes=args.notes)
        sys.stdout.flush()
        return 0
    with args.output.open("wb") as handle:
        written = write_reports_csv(engine, handle, filters, notes=args.notes)
    print(f"Wrote {number(written)} reports to {args.output}.", file=sys.stderr)
    return 0


def _export_totals(engine: Engine, args: argparse.Namespace) -> int:
    by = [part.strip() for part in args.by.split(",") if part.strip()]
    try:
        frame = report_totals(
            engine,
            by=by,
            bucket=Bucket(args.bucket) if args.bucket else None,
            case_ids=_case_ids(engine, args.case),
            period=_period(args),
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    _write(csv_bytes(frame), args.output)
    if args.output is not None:
        print(f"Wrote {number(len(frame))} rows to {args.output}.", file=sys.stderr)
    return 0


def _ensure_reporter_key(engine: Engine) -> None:
    """A first local run gets a reporter key of its own, written to .streamlit/secrets.toml; a
    shared deployment must set one itself (every replica needs the same key)."""
    if config.reporter_key() is not None:
        return
    if engine.url.render_as_string(hide_password=False) == config.default_database_url():
        config.create_local_reporter_key()
        print(f"Created a reporter key in {config.SECRETS_FILE} (keep it with the database).")
    else:
        print(
            "No reporter key is set: imports that give reporter emails will be refused until "
            "UADASH_REPORTER_KEY (or reporter_key in secrets.toml) is set."
        )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
