"""CPU time per live request, in one process (no server, no load generator): the report form's
GET and POST through the Starlette app, and the intake API's 500-report request.

    .venv/bin/python benchmarks/intake_cpu.py [--database-url URL] [--posts 200] [--batches 20]

CPU seconds (process time) are what this machine's other load does not inflate much; wall
time is printed beside them.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
CASE = "44.22-2"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--database-prefix", default="uadash_cpu")
    options = parser.parse_args(argv)
    os.environ["UADASH_REPORTER_KEY"] = "bench-reporter-key-" + "0" * 40
    os.environ["UADASH_FORM_RATE_PER_ADDRESS"] = "10000000/60"
    os.environ["UADASH_FORM_RATE_PER_CASE"] = "10000000/60"
    with tempfile.TemporaryDirectory(prefix="uadash-cpu-") as scratch:
        url = options.database_url or f"sqlite:///{Path(scratch) / 'cpu.db'}"
        fresh = url.startswith("postgresql")
        if fresh:
            from intake_load import fresh_postgres  # type: ignore[import-not-found]

            url = fresh_postgres(url, options.database_prefix)
        os.environ["UADASH_DATABASE_URL"] = url
        try:
            run(url, options)
        finally:
            if fresh:
                from intake_load import drop_postgres

                drop_postgres(url)
    return 0


def run(url: str, options: argparse.Namespace) -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from uadash import queries
    from uadash.access import SYSTEM
    from uadash.cases.files import case_files, load_case_files
    from uadash.reports.sources import add_source
    from uadash.store.engine import make_engine, upgrade
    from uadash.web import intake_api, report_form

    engine = make_engine(url)
    upgrade(engine)
    load_case_files(engine, case_files(ROOT / "data" / "cases"), actor="bench", today=date.today())
    key = add_source(engine, f"cpu-{int(time.time())}", actor=SYSTEM)
    case = queries.find_case(engine, CASE)
    assert case is not None
    zhang = next(t.id for t in case.targets if t.name == "Zhang Rui")
    routes = report_form.routes(engine) + intake_api.routes(engine)
    client = TestClient(Starlette(routes=routes))
    today = date.today().isoformat()

    def post_form() -> None:
        page = client.get(f"/report/{CASE}").text
        hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page))
        data = {**hidden, "target": str(zhang), "channel": "letter", "count": "2"}
        data |= {"action_date": today, "email": "", "website": ""}
        answer = client.post(f"/report/{CASE}", data=data)
        assert answer.status_code == 200 and "We added 2 action" in answer.text, answer.text[:500]

    serial = iter(range(10**9))

    def post_api() -> None:
        first = next(serial) * options.batch
        reports = [
            {
                "case": CASE,
                "target": "Zhang Rui" if n % 2 else "Zhang Jian",
                "channel": ("letter", "email", "call")[n % 3],
                "count": 1 + n % 3,
                "action_date": today,
                "external_id": f"cpu-{first + n}",
            }
            for n in range(options.batch)
        ]
        answer = client.post(
            "/api/v1/reports", json=reports, headers={"Authorization": f"Bearer {key}"}
        )
        assert answer.status_code == 201, answer.text[:500]

    for name, call, count in (
        ("form GET+POST", post_form, options.posts),
        (f"API {options.batch} reports", post_api, options.batches),
    ):
        call()  # warm
        profile = cProfile.Profile() if options.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for _ in range(count):
            call()
        if profile:
            profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{engine.dialect.name} {name}: {1000 * cpu / count:.2f} ms CPU, "
            f"{1000 * wall / count:.2f} ms wall per request ({count} requests)"
        )
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    raise SystemExit(main())
