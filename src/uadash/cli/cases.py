"""`uadash init`, `load-cases`, `export-case`, `demo-actions`, `cases`, `history` and `summary`."""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from uadash import config, figures, queries, summary
from uadash.access import SYSTEM
from uadash.cases.edits import case_history
from uadash.cases.files import case_files, export_case, load_case_files
from uadash.cli.common import (
    CommandError,
    day,
    describe,
    link_options,
    positive,
    print_link,
    progress_printer,
)
from uadash.cli.reports import ensure_reporter_key
from uadash.periods import Span, compare
from uadash.reports.demo import NoDemoCases, generate_demo_reports
from uadash.users import ensure_first_admin
from uadash.wording import SUGGESTED_DATE, day_range, deadline_phrase, number, plural

DEFAULT_DEMO_REPORTS = 200_000


def add_commands(commands: Any) -> None:
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
    link_options(init)
    init.set_defaults(run=_init)

    load = commands.add_parser("load-cases", help="load or update cases from YAML case files")
    load.add_argument("path", type=Path, help="a case file, or a folder of them")
    load.add_argument(
        "--take-file",
        action="store_true",
        help="take the file's values even for fields changed in the app since the last load",
    )
    load.set_defaults(run=_load_cases)

    export = commands.add_parser(
        "export-case", help="write a case as a YAML case file that load-cases reads back"
    )
    export.add_argument("case", metavar="UA", help="44.22-2, or 44.22 for its latest update")
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="where (default: ua-<ref>.yaml here)"
    )
    export.set_defaults(run=_export_case)

    demo = commands.add_parser(
        "demo-actions", help="replace the demo action reports with N generated ones"
    )
    demo.add_argument("--reports", type=positive, default=DEFAULT_DEMO_REPORTS, metavar="N")
    demo.add_argument("--seed", type=int, default=4422, metavar="S")
    demo.set_defaults(run=_demo_actions)

    history = commands.add_parser("history", help="who changed what in a case, newest first")
    history.add_argument("case", metavar="UA", help="44.22-2, or 44.22 for its latest update")
    history.set_defaults(run=_history)

    cases = commands.add_parser("cases", help="list cases with status, deadline and totals")
    cases.set_defaults(run=_cases)

    sentence = commands.add_parser(
        "summary", help="the sentence for a report: a case's actions in a period, by channel"
    )
    sentence.add_argument("case", metavar="UA", help="44.22-2, or 44.22 for its latest update")
    sentence.add_argument(
        "--from",
        dest="start",
        type=day,
        metavar="DATE",
        help="first day counted, YYYY-MM-DD (default: the case's first day)",
    )
    sentence.add_argument(
        "--to", dest="end", type=day, metavar="DATE", help="last day counted (default: today)"
    )
    sentence.add_argument(
        "--period",
        choices=[span.value for span in Span if span != Span.dates],
        help="a period as the pages name it (this-year, last-90-days, lifetime …), with its "
        "change against the previous period; instead of --from/--to",
    )
    sentence.add_argument("--target", metavar="NAME", help="also say how many went to NAME")
    sentence.set_defaults(run=_summary)


def _load(engine: Engine, path: Path, *, take_file: bool = False) -> None:
    if not path.exists():
        raise CommandError(f"{path}: no such file or folder")
    paths = case_files(path)
    if not paths:
        raise CommandError(f"{path}: no case files (*.yaml) found")
    report = load_case_files(
        engine, paths, actor="uadash load-cases", today=config.today(), take_file=take_file
    )
    print(
        f"Case files: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )
    for label in report.created:
        print(f"  created {label}")
    for label in report.updated:
        print(f"  updated {label}")


def _init(engine: Engine, args: argparse.Namespace) -> int:
    print(f"Database ready: {describe(engine)}")
    _load(engine, args.cases or config.cases_dir())
    ensure_reporter_key(engine)
    if args.demo_reports > 0:
        if sum(queries.reports_by_source(engine).values()):
            print("Action reports already present; no demo reports added.")
        else:
            _generate(engine, reports=args.demo_reports, seed=4422)
    admin, created = ensure_first_admin(engine, actor=SYSTEM)
    if created:
        print(f"Created the admin account {admin.email}. It has no password: it signs in")
        print("with one-time links like the one below (`uadash user link` prints another).")
    print_link(engine, admin.email, args)
    return 0


def _load_cases(engine: Engine, args: argparse.Namespace) -> int:
    _load(engine, args.path, take_file=args.take_file)
    return 0


def _export_case(engine: Engine, args: argparse.Namespace) -> int:
    case = queries.find_case(engine, args.case)
    if case is None:
        raise CommandError(f"{args.case}: no such case (try `uadash cases`)")
    ref = queries.case_ref(case.ua_number, case.update_number)
    path = args.output or Path(f"ua-{ref}.yaml")
    label = export_case(engine, case.id, path)
    print(f"Wrote {label} to {path}")
    return 0


def _demo_actions(engine: Engine, args: argparse.Namespace) -> int:
    _generate(engine, reports=args.reports, seed=args.seed)
    return 0


def _generate(engine: Engine, *, reports: int, seed: int) -> None:
    earlier = queries.reports_by_source(engine).get("demo", 0)
    started = time.perf_counter()
    try:
        result = generate_demo_reports(
            engine, reports=reports, seed=seed, today=config.today(), progress=progress_printer()
        )
    except NoDemoCases as error:
        raise CommandError(str(error)) from None
    seconds = time.perf_counter() - started
    replaced = f"; the {number(earlier)} earlier demo reports were replaced" if earlier else ""
    print(
        f"\rDemo data: {number(result.reports)} reports ({number(result.actions)} actions) "
        f"across {result.cases} cases in {seconds:.1f} s{replaced}."
    )


def _cases(engine: Engine, _args: argparse.Namespace) -> int:
    today = config.today()
    frame = queries.list_cases(engine, queries.CaseFilter(), today=today)
    if frame.empty:
        print("No cases. Load some with `uadash load-cases data/cases`.")
        return 0
    table = pd.DataFrame(
        {
            "case": frame["label"],
            "status": frame["attention"],  # the same words as the pages'
            "deadline": [
                _deadline_cell(deadline, today, active=status == "active", suggested=word)
                for deadline, status, word in zip(
                    frame["deadline"], frame["status"], frame["attention"], strict=True
                )
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
    lifetime = queries.case_period(engine, case, today=today)
    if args.period and (args.start or args.end):
        raise CommandError("--period and --from/--to choose the same thing: give one")
    try:
        target = summary.find_target(case, args.target) if args.target else None
    except summary.TargetNotFound as error:
        raise CommandError(str(error)) from None
    if args.period:
        comparison = compare(Span(args.period), today=today, lifetime=lifetime)
        period = comparison.period
    else:
        start = args.start or lifetime.start
        end = args.end or today
        if end < start:
            raise CommandError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
        period = queries.Period(start, end)
        comparison = compare(Span.dates, today=today, dates=period)
    print(summary.case_sentence(engine, case, period=period, target=target))
    if comparison.previous is not None:
        # The same figure and change the pages show for this choice.
        only = queries.CaseFilter(case_ids=(case.id,))
        total = figures.figures(engine, only, comparison).total
        before = comparison.previous
        print(f"Change against {day_range(before.start, before.end)}: {total.describe()}.")
    return 0


def _deadline_cell(deadline: date | None, today: date, *, active: bool, suggested: str) -> str:
    if deadline is None or pd.isna(deadline):
        return "no end date"
    if not active:  # "35 days overdue" means nothing for a closed or paused case
        return deadline.isoformat()
    if suggested == SUGGESTED_DATE:  # the action has no end date: this was a suggestion
        days = (today - deadline).days
        return f"{deadline.isoformat()} (suggested; {plural(days, 'day')} ago)"
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
