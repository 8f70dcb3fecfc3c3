"""The intake API: POST /api/v1/reports and /api/v1/osdi/outreaches, all or nothing, by key."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.intake_support import CHINA_CAMPAIGN, OSDI_SAMPLE, batch_count, prepare, report_count
from uadash.access import SYSTEM
from uadash.cli import main
from uadash.queries import find_case, total_actions
from uadash.reports import live
from uadash.reports.sources import add_source, list_sources, revoke_source, source_for_key
from uadash.reports.writer import batch_count_differences, rollup_differences
from uadash.store.engine import transaction
from uadash.web import intake_api

REPORT = {
    "case": "44.22-2",
    "target": "Zhang Rui",
    "channel": "letter",
    "count": 2,
    "action_date": "2026-11-20",
    "external_id": "tool-1",
}


@pytest.fixture
def ready(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


@pytest.fixture
def client(ready: Engine) -> Iterator[TestClient]:
    with TestClient(Starlette(routes=intake_api.routes(ready))) as client:
        yield client


@pytest.fixture
def key(ready: Engine) -> str:
    return add_source(ready, "actionnetwork", actor=SYSTEM)


def post(client: TestClient, key: str | None, body: Any, path: str = "/api/v1/reports") -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(path, content=content, headers=headers)


def case_total(engine: Engine, ref: str = "44.22-2") -> int:
    case = find_case(engine, ref)
    assert case is not None
    return total_actions(engine, [case.id])


def test_one_report_is_added_with_201(client: TestClient, key: str, ready: Engine) -> None:
    answer = post(client, key, REPORT)
    assert answer.status_code == 201
    assert answer.json()["added"] == 1
    assert answer.json()["already_there"] == 0
    assert case_total(ready) == 2


def test_a_list_is_added_and_its_resend_counts_once(
    client: TestClient, key: str, ready: Engine
) -> None:
    reports = [{**REPORT, "external_id": f"tool-{n}", "count": 1} for n in range(5)]
    first = post(client, key, reports)
    again = post(client, key, reports)
    assert first.status_code == again.status_code == 201
    assert (first.json()["added"], first.json()["already_there"]) == (5, 0)
    assert (again.json()["added"], again.json()["already_there"]) == (0, 5)
    assert case_total(ready) == 5
    assert batch_count(ready) == 1  # the source's batch of the day


def test_the_same_external_id_from_another_source_is_another_report(
    client: TestClient, key: str, ready: Engine
) -> None:
    other = add_source(ready, "othertool", actor=SYSTEM)
    post(client, key, REPORT)
    answer = post(client, other, REPORT)
    assert answer.json()["added"] == 1
    assert case_total(ready) == 4


def test_every_problem_is_named_by_index_and_field_and_nothing_is_written(
    client: TestClient, key: str, ready: Engine
) -> None:
    reports = [
        REPORT,
        {**REPORT, "external_id": "b", "case": "99.99"},
        {**REPORT, "external_id": "c", "target": "Nobody Atall"},
        {**REPORT, "external_id": "d", "channel": "pigeon"},
        {**REPORT, "external_id": "e", "action_date": "2099-01-01"},
        {**REPORT, "external_id": "f", "colour": "red"},
        {key: value for key, value in REPORT.items() if key != "external_id"},
    ]
    answer = post(client, key, reports)
    assert answer.status_code == 422
    found = {(p["index"], p["field"]) for p in answer.json()["problems"]}
    assert found == {
        (1, "case"),
        (2, "target"),
        (3, "channel"),
        (4, "action_date"),
        (5, "colour"),
        (6, "external_id"),
    }
    messages = {p["index"]: p["message"] for p in answer.json()["problems"]}
    assert "not a case on file" in messages[1]
    assert "in the future" in messages[4]
    assert report_count(ready) == 0


def test_without_a_key_a_bad_key_or_a_revoked_key_is_401(
    client: TestClient, key: str, ready: Engine
) -> None:
    assert post(client, None, REPORT).status_code == 401
    assert post(client, "uadash_not-a-key", REPORT).status_code == 401
    revoke_source(ready, "actionnetwork", actor=SYSTEM)
    answer = post(client, key, REPORT)
    assert answer.status_code == 401
    assert "API key" in answer.json()["error"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert report_count(ready) == 0


def test_another_method_is_405_and_another_path_404_in_json(client: TestClient, key: str) -> None:
    for method in ("GET", "PUT", "DELETE"):
        answer = client.request(method, "/api/v1/reports", headers={"X-API-Key": key})
        assert (answer.status_code, answer.headers["Allow"]) == (405, "POST"), method
        assert "send a POST" in answer.json()["error"]
    assert client.get("/api/v1/osdi/outreaches/").status_code == 405
    answer = post(client, key, REPORT, path="/api/v1/report")
    assert answer.status_code == 404 and "/api/v1/reports" in answer.json()["error"]


def test_the_key_also_works_as_x_api_key(client: TestClient, key: str) -> None:
    answer = client.post("/api/v1/reports", json=REPORT, headers={"X-API-Key": key})
    assert answer.status_code == 201


def test_a_body_over_the_limit_is_413(
    client: TestClient, key: str, ready: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_api, "MAX_BODY_BYTES", 1000)
    reports = [{**REPORT, "external_id": f"x{n}"} for n in range(20)]
    answer = post(client, key, reports)
    assert answer.status_code == 413
    assert report_count(ready) == 0


def test_more_reports_than_a_request_takes_is_413(
    client: TestClient, key: str, ready: Engine
) -> None:
    reports = [{**REPORT, "external_id": f"x{n}"} for n in range(live.MAX_ITEMS + 1)]
    answer = post(client, key, reports)
    assert answer.status_code == 413
    assert "smaller parts" in answer.json()["error"]
    assert report_count(ready) == 0


def test_a_nul_byte_or_deep_nesting_is_refused(client: TestClient, key: str) -> None:
    answer = post(client, key, {**REPORT, "external_id": "a\u0000b"})
    assert answer.status_code == 422
    assert "NUL" in answer.json()["problems"][0]["message"]
    deep: Any = REPORT
    for _ in range(20):
        deep = [deep]
    assert post(client, key, deep).status_code == 422


def test_malformed_json_is_400(client: TestClient, key: str, ready: Engine) -> None:
    answer = post(client, key, b'[{"case": "44.22-2",')
    assert answer.status_code == 400
    assert "line 1" in answer.json()["error"]
    assert post(client, key, b"\xff\xfe").status_code == 400
    assert report_count(ready) == 0


def test_osdi_outreaches_are_taken_with_a_campaign_mapping(
    client: TestClient, key: str, ready: Engine
) -> None:
    records = json.loads(OSDI_SAMPLE.read_text(encoding="utf-8"))
    china = [
        r
        for r in records["_embedded"]["osdi:outreaches"]
        if r["_links"]["osdi:advocacy_campaign"]["href"] == CHINA_CAMPAIGN
    ]
    path = f"/api/v1/osdi/outreaches?campaign={CHINA_CAMPAIGN}=44.22-2"
    first = post(client, key, china, path)
    assert first.status_code == 201, first.text
    assert first.json()["added"] >= 1
    again = post(client, key, china, path)
    assert again.json()["added"] == 0
    assert again.json()["already_there"] == first.json()["added"]
    with transaction(ready) as session:
        assert rollup_differences(session).empty


def test_an_unmapped_osdi_campaign_is_422(client: TestClient, key: str) -> None:
    record = {
        "identifiers": ["an:1"],
        "type": "email",
        "action_date": "2026-11-20",
        "targets": [{"given_name": "Zhang", "family_name": "Rui"}],
        "_links": {"osdi:advocacy_campaign": {"href": "https://x.example/campaigns/abc"}},
    }
    answer = post(client, key, [record], "/api/v1/osdi/outreaches")
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["index"] == 0
    named = {**record, "_links": {"osdi:advocacy_campaign": {"href": "https://x/c/44.22-2"}}}
    assert post(client, key, [named], "/api/v1/osdi/outreaches").status_code == 201


def test_source_commands_print_the_key_once_and_list_and_revoke(
    ready: Engine, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", database_url, "source", "add", "webform"]) == 0
    printed = capsys.readouterr().out
    assert "uadash_" in printed
    assert main(["--database-url", database_url, "source", "add", "webform"]) == 1
    assert "already" in capsys.readouterr().err
    assert main(["--database-url", database_url, "source", "list"]) == 0
    assert "webform" in capsys.readouterr().out
    assert main(["--database-url", database_url, "source", "revoke", "webform"]) == 0
    assert [s.revoked_at is not None for s in list_sources(ready)] == [True]
    key = next(line.strip() for line in printed.splitlines() if "uadash_" in line)
    assert key not in json.dumps([s.name for s in list_sources(ready)])


def test_check_reports_live_sources_and_is_exact(
    client: TestClient, key: str, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    post(client, key, [{**REPORT, "external_id": f"c{n}"} for n in range(3)])
    assert main(["--database-url", database_url, "check"]) == 0
    out = capsys.readouterr().out
    assert "actionnetwork: 3 reports" in out
    assert "exact" in out


def test_identical_requests_racing_each_other_count_once(ready: Engine, key: str) -> None:
    source = source_for_key(ready, key)
    assert source is not None
    reports = [{**REPORT, "external_id": f"race-{n}", "count": 1} for n in range(20)]
    results: list[live.Taken] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            results.append(live.take_reports(ready, reports, source=source))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(taken.added for taken in results) == 20
    assert all(taken.added + taken.already_there == 20 for taken in results)
    assert case_total(ready) == 20
    with transaction(ready) as session:
        assert rollup_differences(session).empty
        assert batch_count_differences(session) == []
