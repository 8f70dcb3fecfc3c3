"""Live reports seen from the rest of uadash: the import page's list and undo, the overview's
last arrival per source, and the pages' cache stamp."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.intake_support import EDITOR, TODAY, prepare
from uadash.access import SYSTEM
from uadash.queries import data_stamp, find_case, last_live_reports, total_actions
from uadash.reports import live
from uadash.reports.intake import import_history, undo_import
from uadash.reports.sources import FORM_SOURCE, add_source, source_for_key

REPORT = {
    "case": "44.22-2",
    "target": "Zhang Rui",
    "channel": "email",
    "count": 3,
    "action_date": TODAY.isoformat(),
    "external_id": "w-1",
}


@pytest.fixture
def ready(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


def send(engine: Engine, *reports: dict[str, object]) -> live.Taken:
    source = source_for_key(engine, add_source(engine, "webhook", actor=SYSTEM))
    assert source is not None
    return live.take_reports(engine, list(reports), source=source)


def case_total(engine: Engine) -> int:
    case = find_case(engine, "44.22-2")
    assert case is not None
    return total_actions(engine, [case.id])


def test_a_sources_reports_of_the_day_are_one_import_that_can_be_undone(ready: Engine) -> None:
    taken = send(ready, REPORT, {**REPORT, "external_id": "w-2"})
    history = import_history(ready)
    row = history[history["id"] == taken.batch_id].iloc[0]
    assert row["filename"] == f"webhook {TODAY.isoformat()}"
    assert row["reports"] == 2
    assert case_total(ready) == 6
    assert undo_import(ready, int(row["id"]), actor=EDITOR) == 2
    assert case_total(ready) == 0


def test_the_overview_learns_when_each_source_last_sent(ready: Engine) -> None:
    assert last_live_reports(ready) == []
    send(ready, REPORT)
    form = live.form_case(ready, "44.22-2")
    assert form is not None
    live.take_form(
        ready,
        form,
        target_ids=[str(form.targets[0].id)],
        channels=["letter"],
        count="1",
        action_date=TODAY.isoformat(),
        email="",
        submission_id="s-1",
    )
    arrivals = {arrival.source: arrival for arrival in last_live_reports(ready)}
    assert set(arrivals) == {"webhook", FORM_SOURCE}
    assert arrivals["webhook"].reports == 1
    assert arrivals["webhook"].last_report_at.tzinfo is not None


def test_a_report_added_to_the_days_batch_changes_the_pages_cache_stamp(ready: Engine) -> None:
    source = source_for_key(ready, add_source(ready, "webhook", actor=SYSTEM))
    assert source is not None
    first = live.take_reports(ready, REPORT, source=source)
    before = data_stamp(ready)
    second = live.take_reports(ready, {**REPORT, "external_id": "w-9"}, source=source)
    assert second.batch_id == first.batch_id  # the same import of the day, one report more
    assert data_stamp(ready) != before
