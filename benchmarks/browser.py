"""Time to a visible chart in Chromium, against an empty Streamlit app on the same machine.

    nice .venv/bin/python benchmarks/browser.py \\
        --database benchmarks/out/pages-1200x3y-10000000.db --runs 3

For each of --runs server starts it starts two servers on free ports on 127.0.0.1: uadash
(`uadash serve`, or `streamlit run app.py` with --server streamlit, on --database or
--database-url) and an empty shell (a page with a
title and nothing else: the floor of what any Streamlit page costs here). For each it opens
a fresh browser context (empty cache) right after the server is healthy — "after a server
start" — and times from navigation to the element being visible: the overview's first chart
drawn (a canvas or an svg inside its Vega-Lite element), the shell's title. Then it reloads
the page --warm times in the same context ("warm": assets cached, server warm) and times
each. Chromium is /usr/bin/chromium with the flags the browser tests use.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from time import perf_counter
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, TODAY, free_port, wait_until_healthy

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHELL = 'import streamlit as st\n\nst.set_page_config(layout="wide")\nst.title("Urgent Actions")\n'
CHART = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    from playwright.sync_api import sync_playwright

    url = options.database_url or f"sqlite:///{options.database.resolve()}"
    results: dict[str, dict[str, list[float]]] = {"empty shell": {}, "overview": {}}
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        shell = Path(scratch) / "shell.py"
        shell.write_text(SHELL)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for run in range(options.runs):
            for name, script, env, selector in [
                ("empty shell", str(shell), {}, "h1"),
                ("overview", "app.py", {"UADASH_DATABASE_URL": url}, CHART),
            ]:
                shot = options.screenshot if name == "overview" and run == 0 else None
                times = measure(
                    browser,
                    script,
                    env,
                    selector,
                    warm=options.warm,
                    screenshot=shot,
                    serve=options.server == "serve",
                )
                for key, values in times.items():
                    results[name].setdefault(key, []).extend(values)
                print(f"run {run + 1}, {name}: {times}", file=sys.stderr)
        browser.close()
    print("\n| page | first view after a server start (s) | warm view (s) |")
    print("|---|---:|---:|")
    for name, times in results.items():
        cells = [
            f"{min(times[key]):.2f} / {statistics.median(times[key]):.2f}"
            for key in ("after start", "warm")
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    floor = statistics.median(results["empty shell"]["warm"])
    ratio = statistics.median(results["overview"]["warm"]) / floor
    print(f"\noverview warm / empty shell warm (medians): ×{ratio:.2f}")
    return 0


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm", type=int, default=3)
    parser.add_argument("--screenshot", type=Path, help="save the overview here (first run)")
    parser.add_argument(
        "--server",
        choices=["serve", "streamlit"],
        default="serve",
        help="uadash under `uadash serve` (the default) or `streamlit run app.py`; the empty"
        " shell is always `streamlit run`",
    )
    return parser.parse_args(argv)


def measure(
    browser: Any,
    script: str,
    env: dict[str, str],
    selector: str,
    *,
    warm: int,
    screenshot: Path | None = None,
    serve: bool = True,
) -> dict[str, list[float]]:
    import os
    import subprocess

    port = free_port()
    if script == "app.py" and serve:  # uadash as `make run` and a deployment serve it
        command = [sys.executable, "-m", "uadash.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(port)]
    else:
        command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true"]
        command += ["--server.address", "127.0.0.1", "--server.port", str(port)]
        command += ["--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "UADASH_TODAY": TODAY, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_healthy(base.rstrip("/"), server)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        times: dict[str, list[float]] = {"after start": [], "warm": []}
        started = perf_counter()
        page.goto(base)
        page.wait_for_selector(selector, state="visible", timeout=300_000)
        times["after start"].append(perf_counter() - started)
        for _ in range(warm):
            started = perf_counter()
            page.goto(base)
            page.wait_for_selector(selector, state="visible", timeout=120_000)
            times["warm"].append(perf_counter() - started)
        if screenshot:
            page.wait_for_timeout(2000)  # let Vega finish drawing
            page.screenshot(path=str(screenshot), full_page=True)
        context.close()
        return times
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    raise SystemExit(main())
