"""Time the demo report generator: N reports into a database, then check the rollup is exact.

    .venv/bin/python benchmarks/demo_actions.py --reports 1000000
    .venv/bin/python benchmarks/demo_actions.py --reports 1000000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/uadash_bench

Without --database-url it uses a fresh SQLite file in a temporary directory. It migrates the
database, adds a dozen benchmark cases with targets (once), runs the generator (--runs times:
later runs also delete the demo they replace), prints the time and reports per second, and
exits non-zero if the rollup differs from the raw reports.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from uadash.reports.demo import generate_demo_reports
from uadash.reports.writer import rollup_differences
from uadash.store.engine import make_engine, transaction, upgrade
from uadash.store.models import ActionDaily, ActionReport, Case, Target
from uadash.vocab import CaseStatus, Outcome, TargetRole

BENCH_UA_PREFIX = "B"  # benchmark cases are UA B1 … B12


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    with tempfile.TemporaryDirectory(prefix="uadash-bench-") as scratch:
        url = options.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        engine = make_engine(url)
        try:
            return run(engine, options)
        finally:
            engine.dispose()


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--seed", type=int, default=44_22)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 11, 24))
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="run the generator this many times; each run after the first replaces the demo",
    )
    return parser.parse_args(argv)


def run(engine: Engine, options: argparse.Namespace) -> int:
    upgrade(engine)
    add_bench_cases(engine, today=options.today)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")

    def progress(done: int, total: int) -> None:
        print(f"\r  {done:>12,} / {total:,}", end="", file=sys.stderr, flush=True)

    for run_number in range(1, options.runs + 1):
        result = generate_demo_reports(
            engine,
            reports=options.reports,
            seed=options.seed,
            today=options.today,
            progress=progress,
        )
        print(file=sys.stderr)
        print(
            f"run {run_number}: generated {result.reports:,} reports ({result.actions:,} "
            f"actions, {result.cases} cases) in {result.seconds:.1f} s: "
            f"{result.reports / result.seconds:,.0f} reports/s"
        )
    return check(engine)


def check(engine: Engine) -> int:
    started = time.perf_counter()
    with transaction(engine) as session:
        differences = rollup_differences(session)
        reports = session.scalar(select(func.count()).select_from(ActionReport))
        rollup_rows = session.scalar(select(func.count()).select_from(ActionDaily))
    seconds = time.perf_counter() - started
    print(f"{reports:,} reports in the database, {rollup_rows:,} rollup rows")
    if not differences.empty:
        print(f"ROLLUP DIFFERS in {len(differences)} rows:\n{differences.head(20)}")
        return 1
    print(f"rollup exact (checked in {seconds:.1f} s)")
    return 0


def add_bench_cases(engine: Engine, *, today: date) -> None:
    """A dozen cases over the past year: mostly active, some closed, one paused, one draft."""
    with transaction(engine) as session:
        if session.scalar(select(Case.id).where(Case.ua_number.like(f"{BENCH_UA_PREFIX}%"))):
            return
        for number in range(1, 13):
            issued = today - timedelta(days=30 * (12 - number) + 5)
            status = (
                CaseStatus.draft
                if number == 12
                else CaseStatus.closed
                if number <= 3
                else CaseStatus.paused
                if number == 7
                else CaseStatus.active
            )
            case = Case(
                ua_number=f"{BENCH_UA_PREFIX}{number}",
                title=f"Benchmark case {number}",
                country="Benchland",
                status=status,
                outcome=Outcome.released if status is CaseStatus.closed else None,
                issued=issued,
                # Case 9 has "no end date"; the rest run six weeks.
                deadline=None if number == 9 else issued + timedelta(days=42),
                is_demo=True,
            )
            primaries = 1 + number % 4
            case.targets = [
                Target(position=i, name=f"Official {i + 1}", role=TargetRole.primary)
                for i in range(primaries)
            ]
            if number % 2:
                case.targets.append(Target(position=primaries, name="Embassy", role=TargetRole.cc))
            session.add(case)


if __name__ == "__main__":
    sys.exit(main())
