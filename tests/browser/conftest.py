"""The whole app in a real browser: `uadash serve` (st.App under uvicorn, our routes beside
the pages) on a free loopback port, driven by Playwright with Debian's Chromium (`playwright
install` cannot download a browser here)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_uadash(env: dict[str, str], *argv: str, stdin: str | None = None) -> str:
    """Run the `uadash` command in `env`; fail the test with its stderr if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "uadash.cli", *argv],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def chromium_path() -> str | None:
    for candidate in (os.environ.get("UADASH_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed; browser tests skipped")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def demo_environment(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    """A database prepared the way `make run` prepares it, and the environment naming it."""
    folder = tmp_path_factory.mktemp("server")
    env = {**os.environ, "UADASH_DATABASE_URL": f"sqlite:///{folder / 'uadash.db'}"}
    env.pop("UADASH_TODAY", None)
    status = subprocess.run(
        [sys.executable, "-m", "uadash.cli", "init", "--demo-reports", "50000"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    return env, folder


@pytest.fixture(scope="session")
def demo_server(demo_environment: tuple[dict[str, str], Path]) -> Iterator[str]:
    """The app on the demo database, shared by the browser tests; yields its base URL."""
    yield from serve(*demo_environment)


def serve(env: dict[str, str], folder: Path, *, port: int | None = None) -> Iterator[str]:
    """Start `uadash serve` on a free port (or `port`); yield its base URL; stop it."""
    port = port or free_port()
    log_path = folder / f"uadash-serve-{port}.log"
    log = log_path.open("a")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uadash.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, server, log_path)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_until_healthy(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"uadash serve exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"uadash serve did not answer within 60 s:\n{log.read_text()}")


def wait_for_script(page: Any, *, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the page's script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]');
        }""",
        timeout=timeout,
    )
    page.wait_for_timeout(500)  # let Vega finish drawing before a screenshot


def screenshot(page: Any, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its own container, so grow the viewport to
    the content's height first (a full-page screenshot alone would stop at the fold)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(
            '[data-testid="stMain"], [data-testid="stMainBlockContainer"], section')]
            .map(e => e.scrollHeight), document.body.scrollHeight)"""
    )
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 80, 8000)})
    page.wait_for_timeout(800)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
