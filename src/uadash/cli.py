"""The `uadash` command: prepare the database, load case files, make demo data, list cases.

Every command works on the configured database (`UADASH_DATABASE_URL`, else the SQLite file
under `data/`) unless `--database-url` says otherwise. Errors print a short message, never a
traceback, and exit non-zero.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from uadash import config, queries
from uadash.casefiles import CaseFileError, case_files, load_case_files
from uadash.database import open_database
from uadash.demo import generate_demo_reports
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
    except (CommandError, config.ConfigError) as error:
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

    cases = commands.add_parser("cases", help="list cases with status, deadline and totals")
    cases.set_defaults(run=_cases)
    return parser


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
    if args.demo_reports > 0:
        if sum(queries.reports_by_source(engine).values()):
            print("Action reports already present; no demo reports added.")
        else:
            _generate(engine, reports=args.demo_reports, seed=4422)
    return 0


def _load_cases(engine: Engine, args: argparse.Namespace) -> int:
    _load(engine, args.path)
    return 0


def _demo_actions(engine: Engine, args: argparse.Namespace) -> int:
    _generate(engine, reports=args.reports, seed=args.seed)
    return 0


def _generate(engine: Engine, *, reports: int, seed: int) -> None:
    started = time.perf_counter()
    result = generate_demo_reports(
        engine, reports=reports, seed=seed, today=config.today(), progress=_progress_printer()
    )
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


def _deadline_cell(deadline: date | None, today: date, *, active: bool) -> str:
    if deadline is None or pd.isna(deadline):
        return "no end date"
    if not active:  # "35 days overdue" means nothing for a closed or paused case
        return deadline.isoformat()
    return f"{deadline.isoformat()} ({deadline_phrase(deadline, today=today)})"


def _describe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
