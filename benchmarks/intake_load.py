"""Load on the report form and the intake API: accepted posts per second under a mailing's rush.

    .venv/bin/python benchmarks/intake_load.py                      # SQLite, a fresh file
    .venv/bin/python benchmarks/intake_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

It prepares a database (schema, the shipped case files, an API source), starts `uadash serve`
on a free port of 127.0.0.1 (and nowhere else), and runs two bounded phases with --clients
concurrent clients: supporters who each open /report/44.22-2 and send it (GET then POST), and
a form tool posting --batch reports per request to /api/v1/reports. Each phase stops after
its count or --seconds, whichever comes first. Meanwhile a watcher asks for a dashboard page
and runs the overview's queries every half second, and reports how long they took.

Every client adds up the actions the server said it added; afterwards the database's total
must equal that sum exactly, and `uadash check` must find the totals exact.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from uadash import queries
from uadash.access import SYSTEM
from uadash.cases.files import case_files, load_case_files
from uadash.queries import CaseFilter, Period
from uadash.reports.sources import add_source
from uadash.store.engine import make_engine, upgrade

SERVE = [sys.executable, "-m", "uadash.cli", "serve", "--host", "127.0.0.1", "--port"]
SERVE_INTAKE = [sys.executable, "-m", "uadash.cli", "serve-intake", "--host", "127.0.0.1", "--port"]
ROOT = Path(__file__).resolve().parents[1]
CASE = "44.22-2"
ADDED = re.compile(r"We added ([\d,]+) action")


@dataclass
class Tally:
    accepted: int = 0  # requests the server accepted (201, or a thank-you page)
    actions: int = 0  # the actions it said it added
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, *, actions: int) -> None:
        with self.lock:
            self.accepted += 1
            self.actions += actions

    def fail(self, message: str) -> None:
        with self.lock:
            self.refused += 1
            if len(self.errors) < 5:
                self.errors.append(message)


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    with tempfile.TemporaryDirectory(prefix="uadash-intake-") as scratch:
        url = options.database_url or f"sqlite:///{Path(scratch) / 'intake.db'}"
        if options.database_url and url.startswith("postgresql"):
            url = fresh_postgres(url, options.database_prefix)
        engine = make_engine(url)
        upgrade(engine)
        load_case_files(
            engine, case_files(ROOT / "data" / "cases"), actor="bench", today=date.today()
        )
        key = add_source(engine, f"bench-{int(time.time())}", actor=SYSTEM)
        case = queries.find_case(engine, CASE)
        assert case is not None
        zhang = next(t.id for t in case.targets if t.name == "Zhang Rui")
        before = queries.total_actions(engine, [case.id])
        env = {
            **os.environ,
            "UADASH_DATABASE_URL": url,
            "UADASH_REPORTER_KEY": "bench-reporter-key-" + "0" * 40,
            # One address sends everything here; the per-case limit stays as configured.
            "UADASH_FORM_RATE_PER_ADDRESS": "10000000/60",
        }
        port = free_port()
        log = Path(scratch) / "serve.log"
        with log.open("w") as handle:
            server = subprocess.Popen(
                [*SERVE, str(port)],
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        servers = [server]
        intake_port = port
        if options.intake_workers:
            intake_port = free_port()
            with (Path(scratch) / "intake.log").open("w") as handle:
                servers.append(
                    subprocess.Popen(
                        [*SERVE_INTAKE, str(intake_port), "--workers", str(options.intake_workers)],
                        cwd=ROOT,
                        env=env,
                        stdout=handle,
                        stderr=subprocess.STDOUT,
                    )
                )
        try:
            wait_until_up(port, server, log)
            where = f"127.0.0.1:{port}"
            if options.intake_workers:
                wait_until_up(intake_port, servers[1], Path(scratch) / "intake.log")
                where += (
                    f", the form and the API on 127.0.0.1:{intake_port} "
                    f"({options.intake_workers} intake workers)"
                )
            print(f"{engine.dialect.name}: serving on {where}; {options.clients} clients")
            pids = [process.pid for process in servers]
            form = run_phase(
                "form posts",
                lambda tally, stop: form_client(intake_port, zhang, tally, stop),
                count=options.form_posts,
                options=options,
                port=port,
                engine=engine,
                servers=pids,
            )
            api = run_phase(
                f"API reports (batches of {options.batch})",
                lambda tally, stop: api_client(intake_port, key, options.batch, tally, stop),
                count=options.api_batches,
                options=options,
                port=port,
                engine=engine,
                servers=pids,
                per_request=options.batch,
            )
        finally:
            for process in servers:
                process.terminate()
            for process in servers:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        after = queries.total_actions(engine, [case.id])
        told = form.actions + api.actions
        print(
            f"total actions: before {before:,}, after {after:,}: {after - before:,} added; "
            f"the clients were told {told:,}: {'EXACT' if after - before == told else 'DIFFERENT'}"
        )
        check = subprocess.run(
            [sys.executable, "-m", "uadash.cli", "--database-url", url, "check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        print(f"uadash check (exit {check.returncode}): {check.stdout.strip().splitlines()[-1]}")
        engine.dispose()
        if options.database_url and url.startswith("postgresql") and not options.keep:
            drop_postgres(url)
        return 0 if after - before == told and check.returncode == 0 else 1


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--form-posts", type=int, default=3000, help="at most this many")
    parser.add_argument("--api-batches", type=int, default=100, help="at most this many")
    parser.add_argument("--batch", type=int, default=500, help="reports per API request")
    parser.add_argument("--seconds", type=float, default=30, help="at most this long a phase")
    parser.add_argument(
        "--database-prefix",
        default="uadash_bench",
        help="PostgreSQL: the new database's name starts so (then a timestamp)",
    )
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep the database")
    parser.add_argument(
        "--intake-workers",
        type=int,
        default=0,
        help="also start `uadash serve-intake --workers N` and send the form and the API there "
        "(the watcher still asks `uadash serve` for the dashboard page)",
    )
    return parser.parse_args(argv)


def fresh_postgres(url: str, prefix: str = "uadash_bench") -> str:
    """A new database beside the one named, so that runs do not add up."""
    admin_url = make_url(url).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{int(time.time())}"
    admin = create_engine(admin_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def drop_postgres(url: str) -> None:
    """Drop the database `fresh_postgres` made."""
    made = make_url(url)
    admin = create_engine(made.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{made.database}" WITH (FORCE)'))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"uadash serve exited:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"uadash serve did not answer:\n{log.read_text()}")


def run_phase(
    name: str,
    client: Callable[[Tally, Callable[[], bool]], None],
    *,
    count: int,
    options: argparse.Namespace,
    port: int,
    engine: object,
    servers: list[int],
    per_request: int = 1,
) -> Tally:
    tally = Tally()
    started = time.monotonic()
    budget = threading.Semaphore(count)
    watch = Watcher(port, engine)

    def stop() -> bool:
        return time.monotonic() - started > options.seconds or not budget.acquire(blocking=False)

    threads = [threading.Thread(target=client, args=(tally, stop)) for _ in range(options.clients)]
    cpu_started = time.process_time()
    server_started = _cpu_seconds(servers)
    watch.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu_started
    server_cpu = _cpu_seconds(servers) - server_started
    watch.stop()
    rate = tally.accepted * per_request / elapsed
    print(
        f"{name}: {tally.accepted:,} accepted requests in {elapsed:.1f} s = {rate:,.0f}/s"
        f" ({tally.actions:,} actions); refused {tally.refused}"
        + (f" e.g. {tally.errors[0]}" if tally.errors else "")
    )
    print(
        f"  CPU: the load generator {cpu:.1f} s ({100 * cpu / elapsed:.0f}% of a core), "
        f"the server processes {server_cpu:.1f} s ({100 * server_cpu / elapsed:.0f}%)"
    )
    print(f"  while it ran: {watch.summary()}")
    return tally


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of the processes and their children (uvicorn's workers), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    seen: set[int] = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return total


def form_client(port: int, target_id: int, tally: Tally, stop: Callable[[], bool]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not stop():
        try:
            connection.request("GET", f"/report/{CASE}")
            page = connection.getresponse().read().decode()
            hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page))
            body = urllib.parse.urlencode(
                {
                    **hidden,
                    "target": str(target_id),
                    "channel": "letter",
                    "count": "2",
                    "action_date": date.today().isoformat(),
                    "email": "",
                    "website": "",
                }
            )
            connection.request(
                "POST",
                f"/report/{CASE}",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            answer = response.read().decode()
            found = ADDED.search(answer)
            if response.status == 200 and found:
                tally.add(actions=int(found.group(1).replace(",", "")))
            else:
                tally.fail(f"{response.status}")
        except (OSError, http.client.HTTPException) as error:
            tally.fail(repr(error))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


_serial = iter(range(10**12))
_serial_lock = threading.Lock()


def api_client(port: int, key: str, batch: int, tally: Tally, stop: Callable[[], bool]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    while not stop():
        with _serial_lock:
            first = next(_serial) * batch
        reports = [
            {
                "case": CASE,
                "target": "Zhang Rui" if n % 2 else "Zhang Jian",
                "channel": ("letter", "email", "call")[n % 3],
                "count": 1 + n % 3,
                "action_date": date.today().isoformat(),
                "external_id": f"bench-{first + n}",
            }
            for n in range(batch)
        ]
        try:
            connection.request("POST", "/api/v1/reports", body=json.dumps(reports), headers=headers)
            response = connection.getresponse()
            answer = json.loads(response.read())
            if response.status == 201 and answer["added"] == batch:
                tally.add(actions=answer["actions_added"])
            else:
                tally.fail(f"{response.status} {str(answer)[:200]}")
        except (OSError, http.client.HTTPException, ValueError) as error:
            tally.fail(repr(error))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)


class Watcher:
    """Asks for a dashboard page and runs the overview's queries while the load runs."""

    def __init__(self, port: int, engine: object) -> None:
        self.port = port
        self.engine = engine
        self.page: list[float] = []
        self.queries: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        today = date.today()
        period = Period(today.replace(day=1), today)
        while not self._stop.wait(0.5):
            started = time.monotonic()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request("GET", f"/case?case={CASE}")
                ok = connection.getresponse().status == 200
                self.page.append(time.monotonic() - started)
                self.failures += not ok
            except OSError:
                self.failures += 1
            started = time.monotonic()
            queries.data_stamp(self.engine)  # type: ignore[arg-type]
            queries.headline(self.engine, CaseFilter(), period=period, today=today)  # type: ignore[arg-type]
            queries.list_cases(self.engine, CaseFilter(), today=today)  # type: ignore[arg-type]
            self.queries.append(time.monotonic() - started)

    def summary(self) -> str:
        def ms(values: list[float]) -> str:
            if not values:
                return "none"
            return (
                f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
            )

        return (
            f"dashboard page {ms(self.page)} ({len(self.page)} asked, {self.failures} failed); "
            f"overview queries {ms(self.queries)}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
