"""`uadash serve`, as the README gives it: the app and its routes under one server, below a
base path when asked, reading the project's .streamlit/config.toml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import free_port
from tests.conftest import ROOT


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serve_runs_the_app_and_its_routes_below_the_base_path(tmp_path: Path) -> None:
    env = {**os.environ, "UADASH_DATABASE_URL": f"sqlite:///{tmp_path / 'uadash.db'}"}
    env.pop("UADASH_REQUIRE_SIGN_IN", None)
    port = free_port()
    base = f"http://127.0.0.1:{port}/uadash"
    command = [sys.executable, "-m", "uadash.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--base-url", base]
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail((tmp_path / "serve.log").read_text())
            try:
                status, body = _get(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.3)
        assert status == 200 and json.loads(body)["schema"] == "current"
        assert _get(f"{base}/")[0] == 200  # Streamlit's page, below the base path
        assert _get(f"{base}/_stcore/health")[0] == 200
        assert _get(f"{base}/calendar.ics")[1].startswith(b"BEGIN:VCALENDAR")
        assert b'method="post"' in _get(f"{base}/session/link?token=x")[1]
        assert _get(f"http://127.0.0.1:{port}/healthz")[0] == 404  # only below the base
        # The API answers a wrong method or path itself, in JSON, not with the app's page.
        status, body = _get(f"{base}/api/v1/reports")
        assert (status, json.loads(body)["error"]) == (405, "GET is not taken here: send a POST")
        assert _get(f"{base}/api/v2/reports")[0] == 404
        assert "An update to the [server] config" not in (tmp_path / "serve.log").read_text()
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
