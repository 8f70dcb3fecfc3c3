"""CPU time and SQL statements per form post in the domain calls alone (`form_case` and
`take_form`, as the POST handler makes them), without HTTP or the test client's threads.

    .venv/bin/python benchmarks/intake_domain_cpu.py [--database-url URL] [--posts 500] [--profile]

Statements are those SQLAlchemy sends (`before_cursor_execute`); statements sent on the
driver's connection directly (COPY, the pipelined upserts on PostgreSQL) are not counted.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import pstats
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
CASE = "44.22-2"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--database-prefix", default="uadash_cpu")
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args(argv)
    from intake_load import drop_postgres, fresh_postgres  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory(prefix="uadash-cpu-") as scratch:
        url = options.database_url or f"sqlite:///{Path(scratch) / 'cpu.db'}"
        fresh = url.startswith("postgresql")
        if fresh:
            url = fresh_postgres(url, options.database_prefix)
        try:
            run(url, options)
        finally:
            if fresh:
                drop_postgres(url)
    return 0


def run(url: str, options: argparse.Namespace) -> None:
    from sqlalchemy import event

    from uadash.cases.files import case_files, load_case_files
    from uadash.reports.live import form_case, take_form
    from uadash.store.engine import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    load_case_files(engine, case_files(ROOT / "data" / "cases"), actor="bench", today=date.today())
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    case = form_case(engine, CASE)
    assert case is not None
    zhang = str(next(t.id for t in case.targets if t.name == "Zhang Rui"))
    today = date.today().isoformat()

    # As the POST handler calls it: the kept copy, where this version of the code has one.
    options_of_post: dict[str, Any] = (
        {"kept": True} if "kept" in inspect.signature(form_case).parameters else {}
    )

    def post() -> None:
        found = form_case(engine, CASE, **options_of_post)
        assert found is not None
        taken = take_form(
            engine,
            found,
            target_ids=[zhang],
            channels=["letter"],
            count="2",
            action_date=today,
            email="",
            submission_id=uuid.uuid4().hex,
        )
        assert taken.added == 1

    for _ in range(20):  # warm
        post()
    statements[0] = 0
    profile = cProfile.Profile() if options.profile else None
    cpu = time.process_time()
    if profile:
        profile.enable()
    for _ in range(options.posts):
        post()
    if profile:
        profile.disable()
    cpu = time.process_time() - cpu
    load = Path("/proc/loadavg").read_text().split()[0]
    print(
        f"{engine.dialect.name}: {1000 * cpu / options.posts:.2f} ms CPU per form post "
        f"(form_case + take_form), {statements[0] / options.posts:.1f} statements "
        f"through SQLAlchemy, load {load}"
    )
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
