"""The deadline calendar: every active case's deadline as an all-day iCalendar event that
links to its case page, so that staff see deadlines in the calendar they already use.

Also the per-person secret feed address, for calendar apps that cannot send the session
cookie when viewing needs sign-in: a signature over the account's id and email made with a
key kept in the database, so it dies with the account (or with a new email).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import icalendar
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from uadash.access import Actor
from uadash.queries import case_ref
from uadash.sessions import stored_secret
from uadash.store.models import Case, User
from uadash.vocab import CaseStatus

FEED_PATH = "/calendar.ics"


def calendar_feed(engine: Engine, *, app_url: str, now: datetime | None = None) -> bytes:
    """The iCalendar file: one all-day event per active case with a deadline."""
    stamp = now or datetime.now(UTC)
    base = app_url.rstrip("/")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//uadash//Urgent Action deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Urgent Action deadlines")
    with Session(engine) as session:
        cases = session.scalars(
            select(Case)
            .where(Case.status == CaseStatus.active, Case.deadline.is_not(None))
            .order_by(Case.deadline, Case.ua_number, Case.update_number)
        ).all()
        for case in cases:
            assert case.deadline is not None
            ref = case_ref(case.ua_number, case.update_number)
            event = icalendar.Event()
            event.add("uid", f"uadash-case-{case.id}-deadline")
            event.add("dtstamp", stamp)
            event.add("dtstart", case.deadline)  # a date: an all-day event
            event.add("dtend", case.deadline + timedelta(days=1))
            event.add("summary", f"Deadline: {case.label} — {case.title}")
            event.add("description", f"{case.country}. {base}/case?case={ref}")
            event.add("url", f"{base}/case?case={ref}")
            event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
            calendar.add_component(event)
    return calendar.to_ical()


def feed_key(engine: Engine, actor: Actor) -> str | None:
    """The secret part of `actor`'s own feed address, or None for someone without an
    account (the anonymous viewer, an unknown provider email)."""
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.email == actor.identity)).first()
        if user is None:
            return None
        return f"{user.id}.{_signature(engine, user.id, user.email)}"


def feed_owner(engine: Engine, key: str) -> str | None:
    """The email whose feed address holds `key`, if the key is good; else None."""
    number, _, signature = key.strip().partition(".")
    if not number.isdigit():
        return None
    with Session(engine) as session:
        user = session.get(User, int(number))
        if user is None:
            return None
        if not hmac.compare_digest(signature, _signature(engine, user.id, user.email)):
            return None
        return user.email


def _signature(engine: Engine, user_id: int, email: str) -> str:
    key = stored_secret(engine, "calendar_feed_key").encode()
    digest = hmac.new(key, f"calendar:{user_id}:{email}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
