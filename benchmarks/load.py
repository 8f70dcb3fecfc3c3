"""A bounded load test at the websocket level: N clients open pages of a running uadash.

    nice .venv/bin/python benchmarks/load.py --database benchmarks/out/pages-1200x3y-10000000.db \\
        --clients 10 --seconds 10
    nice .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8501 --clients 10

Without --url it starts `uadash serve` (or `streamlit run app.py` with --server streamlit)
on a free port on 127.0.0.1 (pinned to one core with `taskset -c 0` when --one-core, the
default), on the SQLite file --database or the URL --database-url, waits until it is
healthy, and stops it afterwards.

Each client does what a browser does for one page view, without drawing anything: it opens
the app's websocket (`/_stcore/stream`), asks for the page (a `rerun_script` with the page
name and query string, as the browser sends for `/case?case=…`), and reads every message
until the script has finished successfully; then it closes and starts the next view. The
pages go round the overview, the busiest cases' pages and the present page. It runs for
--seconds (after one warm-up view per page) and prints page views per second and the
median and p90 time of a view, and — for a server it started — the CPU time the server used
per view (from /proc), which gives the views per second one core can serve whatever else
the machine is doing. Only ever against 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-12-01"
FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    if options.url:
        base, server = options.url.rstrip("/"), None
    else:
        base, server = start_server(options)
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("load tests run against 127.0.0.1 only")
    try:
        views = [("", ""), *[("case", f"case={ref}") for ref in options.case], ("present", "")]
        result = asyncio.run(
            run(
                base,
                views,
                clients=options.clients,
                seconds=options.seconds,
                pid=server_pid(server),
            )
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
    print(result)
    return 0


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running app, e.g. http://127.0.0.1:8501")
    parser.add_argument("--database", type=Path, help="SQLite file for the server started here")
    parser.add_argument("--database-url", help="database URL for the server started here")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--case", action="append", default=None, help="case refs to visit (default: three)"
    )
    parser.add_argument("--one-core", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--server",
        choices=["serve", "streamlit"],
        default="serve",
        help="`uadash serve` (st.App under uvicorn, the default) or `streamlit run app.py`",
    )
    options = parser.parse_args(argv)
    # The busiest case of the generated section (the latest update of its UA) and two others.
    options.case = options.case or ["9177.24", "9101.25", "9201.25"]
    if not (0 < options.clients <= 50 and 0 < options.seconds <= 120):
        raise SystemExit("keep it bounded: 1-50 clients, at most 120 seconds")
    return options


def start_server(options: argparse.Namespace) -> tuple[str, subprocess.Popen[bytes]]:
    url = options.database_url or f"sqlite:///{options.database.resolve()}"
    env = {**os.environ, "UADASH_DATABASE_URL": url, "UADASH_TODAY": TODAY}
    port = free_port()
    if options.server == "serve":  # what `make run` and a deployment run
        command = [sys.executable, "-m", "uadash.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(port)]
    else:
        command = [sys.executable, "-m", "streamlit", "run", "app.py"]
        command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
        command += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    if options.one_core:
        command = ["taskset", "-c", "0", *command]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, server)
    return base, server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped before it was healthy")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not become healthy in 60 s")


async def page_view(base: str, page: str, query: str) -> float:
    """Seconds from opening the websocket to the page's script having finished."""
    stream = base.replace("http://", "ws://") + "/_stcore/stream"
    started = time.perf_counter()
    async with websockets.connect(
        stream,
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=30,  # type: ignore[list-item]
    ) as connection:
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = page
        await connection.send(message.SerializeToString())
        async for data in connection:
            reply = ForwardMsg.FromString(data)  # type: ignore[arg-type]
            if reply.WhichOneof("type") == "script_finished" and reply.script_finished == FINISHED:
                return time.perf_counter() - started
    raise RuntimeError(f"the server closed the stream before /{page}?{query} finished")


def server_pid(server: subprocess.Popen[bytes] | None) -> int | None:
    return server.pid if server is not None else None


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU time the server process has used (0 when it is not ours)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(
    base: str,
    views: list[tuple[str, str]],
    *,
    clients: int,
    seconds: float,
    pid: int | None = None,
) -> str:
    for page, query in views:  # warm-up: the server's first view of each page
        await page_view(base, page, query)
    times: list[float] = []
    cpu_before = cpu_seconds(pid)
    stop = time.perf_counter() + seconds

    async def client(index: int) -> None:
        turn = index
        while time.perf_counter() < stop:
            page, query = views[turn % len(views)]
            times.append(await page_view(base, page, query))
            turn += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (
        f"{len(times)} page views by {clients} clients in {elapsed:.1f} s: "
        f"{len(times) / elapsed:.1f} views/s; median {statistics.median(times):.2f} s, "
        f"p90 {p90:.2f} s; the server used {cpu:.1f} CPU s: {cpu / len(times):.3f} CPU s a view, "
        f"so one core serves {len(times) / cpu if cpu else float('nan'):.1f} views/s; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
