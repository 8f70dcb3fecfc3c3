"""Time what the overview and case pages ask the query layer for, as reports grow.

    .venv/bin/python benchmarks/pages.py --cases 400 --reports 1000,1000000,10000000

For each report count it fills one database (a fresh SQLite file unless --database-url) with
the same synthetic cases — a year of UAs with 1–4 primary targets and an embassy CC — and
that many demo reports, then times every query the two pages run on a first visit (median of
--repeat runs). The design's promise is that these times do not grow with the reports, only
with the cases and days shown: every total is read from the daily rollup.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from uadash import queries
from uadash.queries import Bucket, CaseFilter, Period
from uadash.reports.demo import generate_demo_reports
from uadash.store.engine import make_engine, transaction, upgrade
from uadash.store.models import ActionDaily, Case, Target
from uadash.vocab import CaseStatus, Outcome, TargetRole

TODAY = date(2026, 11, 24)
STATUSES = [CaseStatus.active] * 5 + [CaseStatus.closed] * 3 + [CaseStatus.paused, CaseStatus.draft]


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    results: dict[int, dict[str, float]] = {}
    for reports in options.reports:
        with tempfile.TemporaryDirectory(prefix="uadash-pages-") as scratch:
            url = options.database_url or f"sqlite:///{Path(scratch) / 'pages.db'}"
            engine = make_engine(url)
            try:
                upgrade(engine)
                add_cases(engine, options.cases)
                generate_demo_reports(engine, reports=reports, seed=1, today=TODAY)
                results[reports] = time_pages(engine, repeat=options.repeat)
                print(f"{reports:>12,} reports, {rollup_rows(engine):,} rollup rows: done")
            finally:
                engine.dispose()
    print_table(results)
    return 0


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=400, help="synthetic cases (default 400)")
    parser.add_argument(
        "--reports",
        type=lambda text: [int(n) for n in text.replace("_", "").split(",")],
        default=[1_000, 1_000_000],
        help="comma-separated report counts, one database each",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="default: a fresh SQLite file per count")
    return parser.parse_args(argv)


def add_cases(engine: Engine, count: int) -> None:
    """`count` cases issued over the year before TODAY, deadlines six weeks after issue."""
    with transaction(engine) as session:
        for number in range(1, count + 1):
            issued = TODAY - timedelta(days=(number * 365) // count)
            status = STATUSES[number % len(STATUSES)]
            case = Case(
                ua_number=f"{number}.26",
                update_number=0,
                title=f"Benchmark case {number}",
                country=f"Country {number % 40}",
                tags=[f"tag {number % 12}"],
                status=status,
                outcome=Outcome.released if status == CaseStatus.closed else None,
                issued=issued,
                deadline=issued + timedelta(days=42),
            )
            targets = [
                Target(name=f"Official {i}", position=i, role=TargetRole.primary)
                for i in range(1 + number % 4)
            ]
            targets.append(Target(name="Embassy", position=len(targets), role=TargetRole.cc))
            case.targets = targets
            session.add(case)


def time_pages(engine: Engine, *, repeat: int) -> dict[str, float]:
    """Median seconds of each query a first visit to the overview and case pages runs."""
    everything = CaseFilter()
    last_90 = Period(TODAY - timedelta(days=89), TODAY)
    busiest = busiest_case(engine)
    whole = queries.case_period(engine, busiest, today=TODAY)
    one_case = CaseFilter(case_ids=(busiest.id,))
    steps: dict[str, Callable[[], Any]] = {
        "overview: headline": lambda: queries.headline(
            engine, everything, period=last_90, today=TODAY
        ),
        "overview: cases table": lambda: queries.list_cases(engine, everything, today=TODAY),
        "overview: by channel, weekly": lambda: queries.actions_by_channel_over_time(
            engine, everything, period=last_90, bucket=Bucket.week
        ),
        "overview: by case, weekly": lambda: queries.actions_by_case_over_time(
            engine, everything, period=last_90, bucket=Bucket.week
        ),
        "case: by channel, weekly": lambda: queries.actions_by_channel_over_time(
            engine, one_case, period=whole, bucket=Bucket.week
        ),
        "case: by target, weekly": lambda: queries.actions_by_target_over_time(
            engine, busiest, period=whole, bucket=Bucket.week
        ),
        "case: totals by target": lambda: queries.actions_by_target(engine, busiest),
        "case: running total": lambda: queries.cumulative_actions(engine, busiest, period=whole),
    }
    timings: dict[str, float] = {}
    for name, step in steps.items():
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            step()
            samples.append(time.perf_counter() - started)
        timings[name] = statistics.median(samples)
    timings["overview page, all queries"] = sum(v for k, v in timings.items() if "overview" in k)
    timings["case page, all queries"] = sum(v for k, v in timings.items() if k.startswith("case"))
    return timings


def busiest_case(engine: Engine) -> Case:
    query = (
        select(ActionDaily.case_id)
        .group_by(ActionDaily.case_id)
        .order_by(func.sum(ActionDaily.actions).desc())
        .limit(1)
    )
    with engine.connect() as connection:
        case_id = connection.execute(query).scalar_one()
    case = queries.get_case(engine, case_id)
    assert case is not None
    return case


def rollup_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(ActionDaily)).scalar_one())


def print_table(results: dict[int, dict[str, float]]) -> None:
    counts = list(results)
    names = list(next(iter(results.values())))
    print("\n| query (median ms) | " + " | ".join(f"{n:,} reports" for n in counts) + " |")
    print("|---|" + "---:|" * len(counts))
    for name in names:
        cells = " | ".join(f"{results[n][name] * 1000:.1f}" for n in counts)
        print(f"| {name} | {cells} |")


if __name__ == "__main__":
    raise SystemExit(main())
