"""`/calendar.ics`: each active case's deadline as an all-day event linking to its case page,
behind the pages' sign-in rule, with a per-person secret address for calendar apps."""

from __future__ import annotations

from datetime import date

import icalendar
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conftest import CASES_DIR
from uadash import deadlines, sessions, users
from uadash.access import SYSTEM, Actor
from uadash.cases.files import case_files, load_case_files
from uadash.queries import case_ref
from uadash.store.models import Case
from uadash.vocab import CaseStatus, Outcome, Role
from uadash.web.server import routes


@pytest.fixture
def cases(engine: Engine) -> dict[str, tuple[CaseStatus, date | None]]:
    """The case files, with one case paused, one closed and one active without a deadline."""
    load_case_files(engine, case_files(CASES_DIR), actor="test", today=date(2026, 11, 24))
    with Session(engine) as session, session.begin():
        found = session.scalars(select(Case).order_by(Case.ua_number, Case.update_number)).all()
        assert len(found) >= 4
        found[0].status = CaseStatus.paused
        found[1].status = CaseStatus.closed
        found[1].outcome = Outcome.released
        found[2].status = CaseStatus.active
        found[2].deadline = None
        for case in found[3:]:
            case.status = CaseStatus.active
            case.deadline = case.deadline or date(2027, 1, 15)
        return {case_ref(c.ua_number, c.update_number): (c.status, c.deadline) for c in found}


def events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["url"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_holds_exactly_the_active_cases_with_deadlines(
    engine: Engine, cases: dict[str, tuple[CaseStatus, date | None]]
) -> None:
    client = TestClient(Starlette(routes=routes(engine)), base_url="https://ua.example.org")
    answer = client.get("/calendar.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    found = events(answer.content)
    expected = {
        f"https://ua.example.org/case?case={ref}": deadline
        for ref, (status, deadline) in cases.items()
        if status is CaseStatus.active and deadline is not None
    }
    assert len(expected) >= 2
    assert set(found) == set(expected)
    for url, event in found.items():
        start = event.decoded("dtstart")
        assert type(start) is date and start == expected[url]  # all day, on the deadline
        assert event.decoded("dtend") == date.fromordinal(start.toordinal() + 1)
        assert str(event["summary"]).startswith("Deadline: UA ")
    assert len({str(event["uid"]) for event in found.values()}) == len(found)


def test_the_feed_follows_the_base_path(engine: Engine, cases: object) -> None:
    client = TestClient(Starlette(routes=routes(engine, prefix="uadash")))
    answer = client.get("/uadash/calendar.ics")
    assert all(
        url.startswith("http://testserver/uadash/case?case=") for url in events(answer.content)
    )


def test_when_viewing_needs_sign_in_the_feed_needs_a_session_or_the_secret_address(
    engine: Engine, cases: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UADASH_REQUIRE_SIGN_IN", "yes")
    users.add_user(engine, "vi@example.org", role=Role.viewer, password=None, actor=SYSTEM)
    client = TestClient(Starlette(routes=routes(engine)))
    assert client.get("/calendar.ics").status_code == 401

    key = deadlines.feed_key(engine, Actor("vi@example.org", Role.viewer))
    assert key and client.get(f"/calendar.ics?key={key}").status_code == 200
    assert client.get(f"/calendar.ics?key={key}x").status_code == 403
    assert client.get("/calendar.ics?key=1.forged").status_code == 403
    assert deadlines.feed_key(engine, Actor("anonymous", Role.viewer)) is None

    opened = sessions.open_session(engine, "vi@example.org", method="link", for_browser=True)
    assert opened.secret
    client.cookies.set(sessions.COOKIE_NAME, sessions.cookie_value(engine, opened.secret))
    assert client.get("/calendar.ics").status_code == 200

    users.remove_user(engine, "vi@example.org", actor=SYSTEM)  # the address dies with her
    assert client.get(f"/calendar.ics?key={key}").status_code == 403
