"""Time every page's script at a section's scale, as reports grow, against the naive way.

    nice .venv/bin/python benchmarks/pages.py --cases 1200 --years 3 \\
        --reports 10000,10000000 --keep benchmarks/out
    nice .venv/bin/python benchmarks/pages.py --cases 1200 --years 3 \\
        --reports 10000,10000000 --keep benchmarks/out \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/uadash_pages_{reports}

For each report count it fills one database (a SQLite file in --keep, or the PostgreSQL
database named by --database-url with `{reports}` in its name, created when missing) with
the shipped case files, `uadash demo-actions --cases --years`'s generated section and that
many demo reports, once (the same as `UADASH_TODAY=2026-12-01 uadash init` then
`uadash demo-actions --cases 1200 --years 3 --reports N`):
a kept database with the right number of reports is reused.

Then it runs the real app with Streamlit's AppTest (in this process, no browser) and times,
--runs times each, min and median:

- "first run": the page's whole script after the query cache was cleared, as after a new
  report batch or on a replica's first view (the engine stays open);
- "cached rerun": the same script again, the cache warm, as on every click;
- each also in CPU seconds of this process (`time.process_time`), which a machine shared
  with other work inflates far less than the wall-clock time;

for the overview, the case page of the busiest case (the latest update of its UA) and the
present page, each over the same six periods (`SPANS`: `?period=` as a shared link gives it,
from this quarter to the lifetime and ragged chosen dates). Beside it, "naive" reads every
report into pandas and computes the overview's figures from them, the way a dashboard
without rollups would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, create_engine, func, make_url, select, text
from sqlalchemy.orm import aliased
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from uadash import queries
from uadash.cases.files import case_files, load_case_files
from uadash.reports.demo import generate_demo_reports, generate_section_cases
from uadash.store.engine import make_engine, upgrade
from uadash.store.models import ActionDaily, ActionMonthly, ActionReport, ActionWeekly, Case

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
CASES = ROOT / "data" / "cases"  # the shipped case files, beside the generated section
TODAY = date(2026, 12, 1)
SEED = 4422


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    os.environ["UADASH_TODAY"] = TODAY.isoformat()
    _warm_server()
    results: dict[int, dict[str, list[float]]] = {}
    for reports in options.reports:
        url = database_url(options, reports)
        engine = make_engine(url)
        try:
            shape = fill(engine, cases=options.cases, years=options.years, reports=reports)
            print(f"{reports:>12,} reports: {shape}", flush=True)
            if options.fill_only:
                continue
            results[reports] = time_pages(engine, url, runs=options.runs)
            if options.naive:
                results[reports] |= time_naive(engine, runs=options.naive_runs or options.runs)
        finally:
            engine.dispose()
    if not results:
        return 0
    print_table(results, backend=make_url(database_url(options, 0)).get_backend_name())
    return 0


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1200)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument(
        "--reports",
        type=lambda text: [int(n) for n in text.replace("_", "").split(",")],
        default=[10_000, 1_000_000],
        help="comma-separated report counts, one database each",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--database-url", help="PostgreSQL URL with {reports} in its name")
    parser.add_argument("--naive", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--naive-runs", type=int, help="runs of the naive way (default: --runs)")
    parser.add_argument("--fill-only", action="store_true", help="fill the databases, no timing")
    return parser.parse_args(argv)


def database_url(options: argparse.Namespace, reports: int) -> str:
    if options.database_url:
        return str(options.database_url).format(reports=reports)
    options.keep.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{options.keep / f'pages-{options.cases}x{options.years:g}y-{reports}.db'}"


def fill(engine: Engine, *, cases: int, years: float, reports: int) -> str:
    """The section and its reports, unless the database already holds exactly that."""
    if engine.dialect.name == "postgresql":
        _create_database(engine)
    upgrade(engine)
    if _count(engine, ActionReport) != reports:
        started = time.perf_counter()
        load_case_files(engine, case_files(CASES), actor="benchmark", today=TODAY)
        generate_section_cases(engine, cases=cases, years=years, seed=SEED, today=TODAY)
        generate_demo_reports(engine, reports=reports, seed=SEED, today=TODAY)
        print(f"  filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if engine.dialect.name == "postgresql":
        _analyze(engine)
    return (
        f"{_count(engine, ActionDaily):,} daily, {_count(engine, ActionWeekly):,} weekly, "
        f"{_count(engine, ActionMonthly):,} monthly rollup rows"
    )


def _analyze(engine: Engine) -> None:
    """VACUUM ANALYZE, as autovacuum does on a deployed PostgreSQL after a big load: the
    planner's statistics and the visibility map that index-only scans need. (The shared test
    server here runs with autovacuum off: without it, a lifetime chart's read of the weekly
    rollup took 110 ms instead of 11.)"""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _create_database(engine: Engine) -> None:
    name = engine.url.database
    admin = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def _warm_server() -> None:
    """Run as a server that has served app.py once (see tests/pages/conftest.py), and keeps
    the scripts' compiled code: AppTest makes a new script cache for every run, so each run
    would compile app.py and the page again (with Streamlit's magic), which a server does
    once."""
    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[assignment,misc]
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment,misc]
    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]


# --- the pages ------------------------------------------------------------------------------


# Every page has the same period picker (`?period=`): the default, a rolling span, a
# calendar year, the year before, the lifetime, and ragged chosen dates over most of it
# (whole months in the middle, weeks and days at the ends).
SPANS = {
    "this quarter": {"period": "this-quarter"},
    "last 90 days": {"period": "last-90-days"},
    "this year": {"period": "this-year"},
    "last year": {"period": "last-year"},
    "lifetime": {"period": "lifetime"},
    "dates 2024-02-15 to 2026-11-20": {
        "period": "dates",
        "from": "2024-02-15",
        "to": "2026-11-20",
    },
}


def page_views(engine: Engine) -> dict[str, Callable[[], AppTest]]:
    """A name -> a function that opens the page at that period and returns it, run once."""
    busiest = _busiest_ref(engine)
    views: dict[str, Callable[[], AppTest]] = {}
    for page, name, extra in [
        ("pages/overview.py", "overview", {}),
        ("pages/case.py", "case", {"case": busiest}),
        ("pages/present.py", "present", {"present": "1"}),
    ]:
        for span, query in SPANS.items():
            views[f"{name}, {span}"] = (
                lambda page=page, query={**extra, **query}: _app(page, **query)  # type: ignore[misc]
            )
    return views


def _app(page: str, **query: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update(query)
    app.run()
    app.switch_page(page)
    app.run()
    return app


def _busiest_ref(engine: Engine) -> str:
    """The case with the most actions among the latest updates of their UAs (a UA's number
    alone, the ref of its update 0, opens its latest update)."""
    later = aliased(Case)
    superseded = select(Case.id).join(
        later, (later.ua_number == Case.ua_number) & (later.update_number > Case.update_number)
    )
    query = (
        select(ActionMonthly.case_id)
        .where(ActionMonthly.case_id.not_in(superseded))
        .group_by(ActionMonthly.case_id)
        .order_by(func.sum(ActionMonthly.actions).desc())
        .limit(1)
    )
    with engine.connect() as connection:
        case_id = connection.execute(query).scalar_one()
    case = queries.get_case(engine, case_id)
    assert case is not None
    return queries.case_ref(case.ua_number, case.update_number)


def time_pages(engine: Engine, url: str, *, runs: int) -> dict[str, list[float]]:
    """Seconds of each page's script: a first run with the cache cleared, a cached rerun."""
    os.environ["UADASH_DATABASE_URL"] = url
    timings: dict[str, list[float]] = {}
    for name, opened in page_views(engine).items():
        app = opened()
        if app.exception:
            raise SystemExit(f"{name}: {app.exception[0].message}")
        first, cached, first_cpu, cached_cpu = [], [], [], []
        for _ in range(runs):
            st.cache_data.clear()
            started, cpu = time.perf_counter(), time.process_time()
            app.run()
            first.append(time.perf_counter() - started)
            first_cpu.append(time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            app.run()
            cached.append(time.perf_counter() - started)
            cached_cpu.append(time.process_time() - cpu)
        timings[f"{name}: first run"] = first
        timings[f"{name}: cached rerun"] = cached
        timings[f"{name}: first run, CPU"] = first_cpu
        timings[f"{name}: cached rerun, CPU"] = cached_cpu
        print(
            f"  {name}: {min(first):.3f} s ({min(first_cpu):.3f} s CPU), "
            f"cached {min(cached):.3f} s ({min(cached_cpu):.3f} s CPU)",
            file=sys.stderr,
        )
    return timings


def time_naive(engine: Engine, *, runs: int) -> dict[str, list[float]]:
    """The overview's figures (90 days) from every report read into pandas."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        with engine.connect() as connection:
            frame = pd.read_sql(
                select(
                    ActionReport.case_id,
                    ActionReport.channel,
                    ActionReport.count,
                    ActionReport.action_date,
                ),
                connection,
            )
        frame["action_date"] = pd.to_datetime(frame["action_date"])
        recent = frame[frame["action_date"] > pd.Timestamp(TODAY - timedelta(days=90))]
        recent.groupby([pd.Grouper(key="action_date", freq="W-MON"), "channel"])["count"].sum()
        recent.groupby([pd.Grouper(key="action_date", freq="W-MON"), "case_id"])["count"].sum()
        frame.groupby("case_id")["count"].sum()
        samples.append(time.perf_counter() - started)
    print(f"  naive: {min(samples):.3f} s", file=sys.stderr)
    return {"naive: every report into pandas, overview figures": samples}


def print_table(results: dict[int, dict[str, list[float]]], *, backend: str) -> None:
    counts = list(results)
    names = list(dict.fromkeys(name for timings in results.values() for name in timings))
    header = " | ".join(f"{n:,} reports" for n in counts)
    growth = f" | ×{counts[-1] / counts[0]:,.0f} reports" if len(counts) > 1 else ""
    load = os.getloadavg()[0]
    print(f"\n{backend}: seconds, min / median of the runs (load average {load:.1f})\n")
    print(f"| page, period: run | {header}{growth} |")
    print("|---|" + "---:|" * (len(counts) + (len(counts) > 1)))
    for name in names:
        cells = [
            f"{min(results[n][name]):.3f} / {statistics.median(results[n][name]):.3f}"
            if name in results[n]
            else "–"
            for n in counts
        ]
        if len(counts) > 1 and all(name in results[n] for n in counts):
            ratio = statistics.median(results[counts[-1]][name]) / statistics.median(
                results[counts[0]][name]
            )
            cells.append(f"×{ratio:.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
