"""`uadash serve-intake`: the report form and the intake API in worker processes of their own
(no Streamlit), below the base path when asked, each worker with its own rate limits."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.browser.conftest import free_port
from tests.conftest import ROOT
from tests.intake_support import REPORTER_KEY, TODAY, prepare
from uadash.access import SYSTEM
from uadash.queries import find_case, total_actions
from uadash.reports.sources import add_source


def _ask(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def ready(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


@pytest.fixture
def intake(ready: Engine, tmp_path: Path) -> Iterator[str]:
    """`uadash serve-intake --workers 2` below /uadash; its base URL."""
    env = {
        **os.environ,
        "UADASH_DATABASE_URL": ready.url.render_as_string(hide_password=False),
        "UADASH_REPORTER_KEY": REPORTER_KEY,
        "UADASH_TODAY": TODAY.isoformat(),
        "UADASH_FORM_RATE_PER_ADDRESS": "3/600",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}/uadash"
    command = [sys.executable, "-m", "uadash.cli", "serve-intake", "--port", str(port)]
    command += ["--workers", "2", "--base-url", base]
    log_path = tmp_path / "intake.log"
    log = log_path.open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(log_path.read_text())
            try:
                if _ask(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def _post_form(base: str) -> tuple[int, str]:
    _, page = _ask(f"{base}/report/44.22-2")
    text = page.decode()
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', text))
    zhang = re.search(r'id="target-(\d+)"[^>]*>\s*<label[^>]*>Zhang Rui<', text)
    assert zhang, text
    body = urllib.parse.urlencode(
        {**hidden, "target": zhang.group(1), "channel": "letter", "count": "2"}
        | {"action_date": TODAY.isoformat(), "email": "", "website": ""}
    ).encode()
    status, answer = _ask(
        f"{base}/report/44.22-2",
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    return status, answer.decode()


def test_the_intake_workers_take_the_form_and_the_api(intake: str, ready: Engine) -> None:
    status, answer = _post_form(intake)
    assert status == 200 and "We added 2 actions" in answer
    key = add_source(ready, "webhook", actor=SYSTEM)
    reports = [
        {"case": "44.22-2", "target": "Zhang Rui", "channel": "email", "count": 3}
        | {"action_date": TODAY.isoformat(), "external_id": f"w-{n}"}
        for n in range(5)
    ]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    status, body = _ask(f"{intake}/api/v1/reports", json.dumps(reports).encode(), headers)
    assert status == 201 and json.loads(body)["added"] == 5
    status, body = _ask(f"{intake}/api/v1/reports", json.dumps(reports).encode(), headers)
    assert status == 201 and json.loads(body)["already_there"] == 5  # a resend counts once
    case = find_case(ready, "44.22-2")
    assert case is not None
    assert total_actions(ready, [case.id]) == 2 + 15
    assert _ask(intake.rsplit("/uadash", 1)[0] + "/healthz")[0] == 404  # only below the base
    assert _ask(f"{intake}/")[0] == 404  # no pages here: those are `uadash serve`'s


def test_each_intake_worker_keeps_its_own_rate_limits(intake: str) -> None:
    # 3 posts per address in 10 minutes, per worker process: with 2 workers, at most 6 pass
    # (which worker takes a connection is the kernel's choice, so at least 3).
    answers = [_post_form(intake)[0] for _ in range(12)]
    assert 3 <= answers.count(200) <= 6
    assert set(answers) <= {200, 429}
    assert answers.count(429) >= 6
