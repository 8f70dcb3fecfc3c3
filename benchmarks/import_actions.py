"""Time the CSV import: generate an N-row form export, import it into a fresh database, check.

    .venv/bin/python benchmarks/import_actions.py --rows 1000000
    .venv/bin/python benchmarks/import_actions.py --rows 1000000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/uadash_bench

Without --database-url it uses a fresh SQLite file in a temporary directory. It loads the
case files in data/cases, writes a CSV the way a web form exports it (UA reference, target
name, channel as the supporter typed it, count, date, submission time, submission id and
reporter email), imports it with `uadash.reports.csv_import.import_csv` (as the command
line does), prints the time and reports per second, imports the same file again (which
must add nothing), and exits non-zero unless the rollup equals the raw reports.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, func, select

from uadash.access import Actor
from uadash.cases.files import case_files, load_case_files
from uadash.reports.csv_import import CsvOptions, import_csv
from uadash.reports.writer import rollup_differences
from uadash.store.engine import make_engine, transaction, upgrade
from uadash.store.models import ActionReport, Case
from uadash.vocab import ReportSource, Role

ROOT = Path(__file__).resolve().parents[1]
# What supporters type into a form's "how did you act?" box, with how often they type it.
CHANNEL_SPELLINGS = {
    "Letter": 0.25,
    "post": 0.05,
    "Email": 0.33,
    "e-mail": 0.02,
    "Phone": 0.10,
    "call": 0.02,
    "Twitter": 0.08,
    "X": 0.07,
    "fax": 0.08,
}


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    os.environ.setdefault("UADASH_REPORTER_KEY", "benchmark-" + "k" * 40)
    os.environ["UADASH_TODAY"] = options.today.isoformat()
    with tempfile.TemporaryDirectory(prefix="uadash-bench-") as scratch:
        url = options.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        engine = make_engine(url)
        try:
            return run(engine, options.export or Path(scratch) / "reports.csv", options)
        finally:
            engine.dispose()


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--seed", type=int, default=44_22)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 24))
    parser.add_argument(
        "--memory", action="store_true", help="also trace peak Python memory (slower)"
    )
    parser.add_argument(
        "--export",
        type=Path,
        help="the CSV to import: written there first unless it exists (default: a temp file)",
    )
    return parser.parse_args(argv)


def run(engine: Engine, path: Path, options: argparse.Namespace) -> int:
    upgrade(engine)
    load_case_files(engine, case_files(ROOT / "data" / "cases"), actor="bench", today=options.today)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    started = time.perf_counter()
    if path.exists():  # --export, written by an earlier run with the same --rows and --seed
        print(f"importing {path} ({path.stat().st_size / 1e6:.0f} MB), written before")
    else:
        write_export(engine, path, rows=options.rows, seed=options.seed, today=options.today)
        print(
            f"wrote {options.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
    print(f"peak RSS before the import: {_peak_rss_mb():.0f} MB")
    actor = Actor(identity="bench", role=Role.editor)

    def progress(fraction: float, rows: int) -> None:
        print(f"\r  {fraction:6.1%}  {rows:>12,} rows", end="", file=sys.stderr, flush=True)

    if options.memory:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    result = import_csv(
        engine,
        path,
        actor=actor,
        options=CsvOptions(source=ReportSource.form),
        progress=progress,
    )
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    print(file=sys.stderr)
    if not result.committed:
        print(f"IMPORT FAILED: {result.summary()}\n{result.problems[:10]}")
        return 1
    print(
        f"imported {result.written:,} reports ({result.actions:,} actions) in {seconds:.1f} s: "
        f"{result.written / seconds:,.0f} reports/s; this process's CPU {cpu:.1f} s"
    )
    if options.memory:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak traced Python memory: {peak / 1e6:.0f} MB")
    print(f"peak RSS after the import: {_peak_rss_mb():.0f} MB")
    started, cpu = time.perf_counter(), time.process_time()
    again = import_csv(engine, path, actor=actor, options=CsvOptions(source=ReportSource.form))
    print(
        f"same file again in {time.perf_counter() - started:.1f} s "
        f"(CPU {time.process_time() - cpu:.1f} s): {again.summary()}"
    )
    if again.written:
        print("SECOND IMPORT ADDED REPORTS")
        return 1
    return check(engine, expected=result.written)


def write_export(engine: Engine, path: Path, *, rows: int, seed: int, today: date) -> None:
    """A form export of 60 days: one row per report, in the order the form received them."""
    rng = np.random.default_rng(seed)
    with transaction(engine) as session:
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        choices = [
            (f"UA {case.ua_number.replace('.', '/')}", [t.name for t in case.targets])
            for case in cases
        ]
    spellings = list(CHANNEL_SPELLINGS)
    weights = np.array(list(CHANNEL_SPELLINGS.values()))
    weights /= weights.sum()
    start = datetime.combine(today - timedelta(days=60), datetime.min.time(), UTC)
    acted = rng.integers(0, 60 * 86_400, rows)  # seconds after start
    submitted = np.minimum(acted + rng.integers(0, 3 * 86_400, rows), 60 * 86_400 - 1)
    order = np.argsort(submitted, kind="stable")
    acted, submitted = acted[order], submitted[order]
    case = rng.integers(0, len(choices), rows)
    target_draw = rng.random(rows)
    channel = rng.choice(len(spellings), rows, p=weights)
    count = np.where(rng.random(rows) < 0.95, 1, rng.integers(2, 30, rows))
    reporter = rng.integers(0, max(rows // 3, 1), rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["UA", "Target", "Action type", "Number", "Date", "Submitted", "Submission ID", "Email"]
        )
        for i in range(rows):
            ua, targets = choices[case[i]]
            target = targets[int(target_draw[i] * len(targets))] if targets else ""
            writer.writerow(
                [
                    ua,
                    target if target_draw[i] < 0.92 else "",
                    spellings[channel[i]],
                    count[i],
                    (start + timedelta(seconds=int(acted[i]))).date().isoformat(),
                    (start + timedelta(seconds=int(submitted[i]))).strftime("%Y-%m-%d %H:%M:%S"),
                    f"sub-{i:09d}",
                    f"supporter{reporter[i]}@example.org",
                ]
            )


def _peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM), in MB; 0 where /proc is missing."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def check(engine: Engine, *, expected: int) -> int:
    started = time.perf_counter()
    with transaction(engine) as session:
        differences = rollup_differences(session)
        reports = session.scalar(select(func.count()).select_from(ActionReport))
    print(
        f"{reports:,} reports in the database; "
        f"rollup checked in {time.perf_counter() - started:.1f} s"
    )
    if reports != expected:
        print(f"EXPECTED {expected:,} REPORTS")
        return 1
    if not differences.empty:
        print(f"ROLLUP DIFFERS in {len(differences)} rows:\n{differences.head(20)}")
        return 1
    print("rollup exact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
