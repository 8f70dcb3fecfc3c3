"""The supporters' report form, /report/<case>: what it shows, what it takes, what it refuses."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.intake_support import EDITOR, prepare, report_count
from uadash.cli import main
from uadash.queries import find_case, total_actions
from uadash.reports.live import set_report_form
from uadash.store.engine import transaction
from uadash.store.models import Case
from uadash.vocab import CaseStatus
from uadash.web import report_form

FORM = "/report/44.22-2"


@pytest.fixture
def ready(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


@pytest.fixture
def client(ready: Engine) -> Iterator[TestClient]:
    with TestClient(Starlette(routes=report_form.routes(ready))) as client:
        yield client


def filled(client: TestClient, path: str = FORM, **changes: str) -> dict[str, object]:
    """The form's hidden fields as served, two letters to Zhang Rui, and `changes`."""
    page = client.get(path).text
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page))
    zhang = re.search(r'id="target-(\d+)"[^>]*>\s*<label[^>]*>Zhang Rui<', page)
    assert zhang, page
    fields: dict[str, object] = {
        **hidden,
        "target": zhang.group(1),
        "channel": "letter",
        "count": "2",
        "action_date": "2026-11-24",
        "email": "",
        "website": "",
    }
    fields.update(changes)
    return fields


def total(engine: Engine) -> int:
    case = find_case(engine, "44.22-2")
    assert case is not None
    return total_actions(engine, [case.id])


def test_the_form_shows_the_case_its_people_and_targets_with_labels(client: TestClient) -> None:
    page = client.get(FORM)
    assert page.status_code == 200
    text = page.text
    assert "Two activists faced unjust conviction" in text
    assert "Sophia Huang Xueqin and Wang Jianbing" in text
    assert "<legend>Who did you contact?</legend>" in text
    assert re.search(r'<label for="target-\d+">Zhang Rui', text)
    assert 'value="2026-11-24"' in text  # today by default
    assert "only a keyed hash" in text
    assert "<script" not in text
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors *" in policy and "default-src 'none'" in policy


def test_frame_ancestors_can_be_set(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UADASH_FORM_FRAME_ANCESTORS", "https://www.example.org")
    policy = client.get(FORM).headers["content-security-policy"]
    assert "frame-ancestors https://www.example.org" in policy


def test_two_letters_are_added_and_the_thank_you_page_shows_the_total(
    client: TestClient, ready: Engine
) -> None:
    answer = client.post(FORM, data=filled(client))
    assert answer.status_code == 200
    assert "Thank you!" in answer.text
    assert "We added 2 actions" in answer.text
    assert "2 actions reported for UA 44.22 (update 2) so far" in answer.text
    assert total(ready) == 2


def test_a_resend_of_the_same_form_counts_once(client: TestClient, ready: Engine) -> None:
    fields = filled(client)
    client.post(FORM, data=fields)
    again = client.post(FORM, data=fields)
    assert "counted once" in again.text
    assert total(ready) == 2
    assert report_count(ready) == 1


def test_with_an_email_a_second_form_of_the_same_report_counts_once(
    client: TestClient, ready: Engine
) -> None:
    client.post(FORM, data=filled(client, email="ana@example.org"))
    client.post(FORM, data=filled(client, email="ANA@example.org"))
    assert total(ready) == 2


def test_the_honeypot_refuses_and_writes_nothing(client: TestClient, ready: Engine) -> None:
    answer = client.post(FORM, data=filled(client, website="http://spam.example"))
    assert answer.status_code == 400
    assert "could not be taken" in answer.text
    assert report_count(ready) == 0


def test_a_missing_forged_stale_or_other_case_token_is_refused(
    client: TestClient, ready: Engine
) -> None:
    fields = filled(client)
    token = str(fields["token"])
    forged = token[:-1] + ("1" if token.endswith("0") else "0")
    for token in ["", "123.abc", forged]:
        answer = client.post(FORM, data={**fields, "token": token})
        assert answer.status_code == 403
        assert "open the form again" in answer.text
    old = report_form.make_token(
        case_ref="44.22-2", submission=str(fields["submission"]), issued=int(time.time()) - 86400
    )
    assert client.post(FORM, data={**fields, "token": old}).status_code == 403
    elsewhere = report_form.make_token(case_ref="101.26", submission=str(fields["submission"]))
    assert client.post(FORM, data={**fields, "token": elsewhere}).status_code == 403
    assert report_count(ready) == 0


def test_rate_limit_per_address_refuses_and_writes_nothing(
    ready: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UADASH_FORM_RATE_PER_ADDRESS", "2/600")
    with TestClient(Starlette(routes=report_form.routes(ready))) as client:
        for _ in range(2):
            assert client.post(FORM, data=filled(client)).status_code == 200
        answer = client.post(FORM, data=filled(client))
    assert answer.status_code == 429
    assert "Too many reports from your connection" in answer.text
    assert total(ready) == 4


def test_rate_limit_per_case(ready: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UADASH_FORM_RATE_PER_CASE", "1/600")
    with TestClient(Starlette(routes=report_form.routes(ready))) as client:
        assert client.post(FORM, data=filled(client)).status_code == 200
        answer = client.post(FORM, data=filled(client))
    assert answer.status_code == 429
    assert "for this Urgent Action" in answer.text
    assert total(ready) == 2


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(
    ready: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UADASH_FORM_RATE_PER_ADDRESS", "1/600")
    monkeypatch.setenv("UADASH_TRUSTED_PROXIES", "testclient")
    with TestClient(Starlette(routes=report_form.routes(ready))) as client:
        for address in ["203.0.113.1", "203.0.113.2"]:
            headers = {"X-Forwarded-For": f"198.51.100.9, {address}"}
            answer = client.post(FORM, data=filled(client), headers=headers)
            assert answer.status_code == 200
        headers = {"X-Forwarded-For": "203.0.113.1"}
        assert client.post(FORM, data=filled(client), headers=headers).status_code == 429


def test_a_body_over_the_limit_is_refused(client: TestClient, ready: Engine) -> None:
    answer = client.post(FORM, data=filled(client, email="x" * 70_000))
    assert answer.status_code == 413
    assert report_count(ready) == 0


def test_html_in_every_field_is_shown_as_text(client: TestClient, ready: Engine) -> None:
    evil = "<b>bold</b><script>alert(1)</script>"
    # Refused fields come back in the form, escaped.
    answer = client.post(
        FORM, data=filled(client, count=evil, action_date=evil, channel=evil, target=evil)
    )
    assert answer.status_code == 422
    assert "<script>alert" not in answer.text and "<b>bold" not in answer.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in answer.text
    assert report_count(ready) == 0
    # An accepted one: the email is shown back on the thank-you page, as text.
    answer = client.post(FORM, data=filled(client, email='<b>x</b>"@example.org'))
    assert "Thank you!" in answer.text
    assert "<b>x</b>" not in answer.text
    assert "&lt;b&gt;x&lt;/b&gt;&quot;@example.org" in answer.text


def test_a_closed_form_and_a_closed_case_answer_politely_and_take_nothing(
    client: TestClient, ready: Engine, database_url: str
) -> None:
    fields = filled(client)
    case = find_case(ready, "44.22-2")
    assert case is not None
    set_report_form(ready, case.id, open_=False, actor=EDITOR)
    page = client.get(FORM)
    assert "closed for now" in page.text and "<form" not in page.text
    assert client.post(FORM, data=fields).status_code == 409
    assert main(["--database-url", database_url, "report-form", "44.22-2", "open"]) == 0
    assert "<form" in client.get(FORM).text
    assert report_count(ready) == 0


def test_a_superseded_update_points_to_the_newer_one(client: TestClient, ready: Engine) -> None:
    with transaction(ready) as session:
        session.add(
            Case(
                ua_number="44.22",
                update_number=3,
                title="Third update",
                country="China",
                status=CaseStatus.active,
            )
        )
    page = client.get(FORM)
    assert "newer update" in page.text and "<form" not in page.text
    assert "<form" in client.get("/report/44.22-3").text


def test_an_unknown_case_is_404(client: TestClient) -> None:
    page = client.get("/report/99.99-0")
    assert page.status_code == 404
    assert "There is no Urgent Action 99.99-0" in page.text


def test_a_closed_case_has_no_form_and_refuses_a_post(client: TestClient, ready: Engine) -> None:
    page = client.get("/report/39.26")
    assert page.status_code == 200
    assert "has ended" in page.text and "<form" not in page.text
    fields = filled(client)
    assert client.post("/report/39.26", data=fields).status_code == 409
    assert report_count(ready) == 0


def test_a_count_beyond_a_supporters_reach_or_a_loose_date_is_refused(
    client: TestClient, ready: Engine
) -> None:
    for changes in [{"count": "1000000"}, {"count": "2.0"}, {"action_date": "24/11/2026"}]:
        answer = client.post(FORM, data=filled(client, **changes))
        assert answer.status_code == 422
        assert "Please check" in answer.text
    assert report_count(ready) == 0


def test_each_blank_form_has_its_own_submission_and_token_and_follows_its_case(
    client: TestClient, ready: Engine
) -> None:
    # The blank page is built once per case and day; each copy still gets its own id and token.
    first, second = filled(client), filled(client)
    assert first["submission"] != second["submission"]
    assert first["token"] != second["token"]
    for fields in (first, second):
        assert client.post(FORM, data=fields).status_code == 200
    assert total(ready) == 4
    # A change to the case (here, its title) shows at the next GET.
    with transaction(ready) as session:
        case = session.get(Case, find_case(ready, "44.22-2").id)  # type: ignore[union-attr]
        assert case is not None
        case.title = "A title changed meanwhile"
    assert "A title changed meanwhile" in client.get(FORM).text


def test_a_post_after_the_form_was_closed_elsewhere_is_refused_and_takes_nothing(
    client: TestClient, ready: Engine
) -> None:
    # The form was served (and its case kept by the process) before it was closed: the post
    # finds that out in its own transaction, not from the kept copy.
    fields = filled(client)
    case = find_case(ready, "44.22-2")
    assert case is not None
    set_report_form(ready, case.id, open_=False, actor=EDITOR)
    answer = client.post(FORM, data=fields)
    assert answer.status_code == 409 and "closed for now" in answer.text
    assert report_count(ready) == 0
    # And the other way round: a closed copy kept, the form opened again meanwhile.
    assert "closed for now" in client.get(FORM).text
    set_report_form(ready, case.id, open_=True, actor=EDITOR)
    assert "We added" in client.post(FORM, data=fields).text
    assert report_count(ready) > 0
