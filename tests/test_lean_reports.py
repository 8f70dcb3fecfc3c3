"""The lean path of live requests (`intake.read_few`, `ReportWriter.write_rows`,
`writer.insert_rows`) stores exactly what the bulk path (`read_cells`, `report_frame`,
`ReportWriter.write`) stores for the same reports: the same rows, dedupe keys and rollups."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select, text

from tests.intake_support import REPORTER_KEY, TODAY, prepare
from uadash.access import SYSTEM
from uadash.queries import find_case, total_actions
from uadash.reports import live, rollups
from uadash.reports.intake import (
    Directory,
    Field,
    Occurrences,
    ReadOptions,
    read_cells,
    read_few,
    report_frame,
)
from uadash.reports.sources import add_source, source_for_key
from uadash.reports.writer import batch_count_differences, rollup_differences
from uadash.store.engine import transaction
from uadash.store.models import ActionReport
from uadash.vocab import ReportSource

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
# Loose names, channel synonyms, dates and times in several forms, emails, notes, counts
# given and left out, a repeat within the request.
REPORTS: list[dict[str, object]] = [
    {"case": "44.22-2", "target": "Zhang Rui", "channel": "letter", "count": 2,
     "action_date": "2026-11-24", "external_id": "a-1"},
    {"case": "UA 44/22", "update": "2", "target": "director zhang rui", "channel": "Phone",
     "action_date": "24.11.2026", "reported_at": "2026-11-24T10:30:00+05:30",
     "external_id": "a-2", "note": "  by post  "},
    {"case": "44.22-2", "target": "Zhang Jian", "channel": "e-mail", "count": "3",
     "action_date": "November 23, 2026", "reporter_email": "Someone@Example.org"},
    {"case": "44.22-2", "target": "", "channel": "fax", "action_date": "2026-11-20 23:30",
     "external_id": "a-4", "reported_at": "2026-11-21 08:00"},
    {"case": "44.22-2", "target": "Zhang Rui", "channel": "letter", "count": 2,
     "action_date": "2026-11-24", "external_id": "a-1"},
]  # fmt: skip
COMPARED = [
    "case_id",
    "target_id",
    "channel",
    "count",
    "action_date",
    "reported_at",
    "source",
    "external_id",
    "reporter_hash",
    "note",
]


@pytest.fixture
def ready(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


def _cells(reports: list[dict[str, object]]) -> dict[Field, list[str]]:
    return {
        which: [str(report.get(name, "")) for report in reports]
        for name, which in live.API_FIELDS.items()
    }


def _options() -> ReadOptions:
    return ReadOptions(
        source=ReportSource.form, today=TODAY, now=NOW, reporter_key=REPORTER_KEY.encode()
    )


def test_read_few_reads_as_read_cells_and_report_frame_do(ready: Engine) -> None:
    cells = _cells(REPORTS)
    with transaction(ready) as session:
        directory = Directory.load(session)
    few = read_few(cells, directory=directory, options=_options(), scope="7")
    assert few is not None
    readings = read_cells(
        cells, list(range(len(REPORTS))), columns={}, directory=directory, options=_options()
    )
    assert not readings.problems
    frame = report_frame(readings.good, occurrences=Occurrences(), scope="7")
    assert len(few) == len(frame)
    for row, (_, expected) in zip(few, frame.iterrows(), strict=True):
        assert row.case_id == expected["case_id"]
        assert row.target_id == (None if pd.isna(expected["target_id"]) else expected["target_id"])
        assert row.channel == expected["channel"]
        assert row.actions == expected["count"]
        assert np.datetime64(row.action_date, "s") == expected["action_date"].to_datetime64()
        assert pd.Timestamp(row.reported_at) == expected["reported_at"]
        assert row.source == expected["source"]
        assert row.external_id == expected["external_id"]
        assert row.reporter_hash == expected["reporter_hash"]
        assert row.note == expected["note"]
        assert row.dedupe_key == expected["dedupe_key"]


@pytest.mark.parametrize(
    "change",
    [
        {"action_date": "2026-12-30"},  # in the future
        {"action_date": "3/4/2026"},  # day or month first?
        {"case": "99.99"},
        {"target": "Nobody"},
        {"channel": "pigeon"},
        {"count": "0"},
        {"reported_at": "2031-01-01"},
        {"reporter_email": "not an address", "external_id": ""},
        {"external_id": "", "reporter_email": ""},  # anonymous: left to Occurrences
        {"note": "a\x00b"},
    ],
)
def test_read_few_leaves_every_doubtful_request_to_the_bulk_reader(
    ready: Engine, change: dict[str, str]
) -> None:
    cells = _cells([REPORTS[0], {**REPORTS[0], **change}])
    with transaction(ready) as session:
        directory = Directory.load(session)
    assert read_few(cells, directory=directory, options=_options(), scope="7") is None


def _stored(engine: Engine, batch_id: int | None) -> list[tuple[object, ...]]:
    columns = [getattr(ActionReport, name) for name in COMPARED]
    with transaction(engine) as session:
        rows = session.execute(
            select(*columns).where(ActionReport.batch_id == batch_id).order_by(ActionReport.id)
        ).all()
    return [tuple(row) for row in rows]


def _rollups(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    found = {}
    with engine.connect() as connection:
        for table in ("action_daily", "action_weekly", "action_monthly"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()
            found[table] = sorted(tuple(str(value) for value in row) for row in rows)
    return found


def test_the_lean_path_stores_what_the_bulk_path_stores(
    ready: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = [
        {**report, "reported_at": report.get("reported_at", "2026-11-24 09:00")}
        for report in REPORTS
    ]
    lean_source = source_for_key(ready, add_source(ready, "lean", actor=SYSTEM))
    bulk_source = source_for_key(ready, add_source(ready, "bulk", actor=SYSTEM))
    assert lean_source is not None and bulk_source is not None
    lean = live.take_reports(ready, reports, source=lean_source)
    after_lean = _rollups(ready)
    with monkeypatch.context() as patch:
        patch.setattr(live, "read_few", lambda *args, **kwargs: None)
        bulk = live.take_reports(ready, reports, source=bulk_source)
    after_both = _rollups(ready)
    assert (lean.added, lean.already_there, lean.actions) == (4, 1, 7)
    assert (bulk.added, bulk.already_there, bulk.actions) == (4, 1, 7)
    assert _stored(ready, lean.batch_id) == _stored(ready, bulk.batch_id)
    # The same rollup rows: the bulk path added to the very rows the lean path made.
    for table, rows in after_lean.items():
        assert len(after_both[table]) == len(rows), table
    assert after_lean["action_daily"] and after_lean["action_weekly"]
    with transaction(ready) as session:
        assert rollup_differences(session).empty
        assert rollups.differences(session) == {"week": 0, "month": 0}
    # A resend through either path adds nothing.
    again = live.take_reports(ready, reports, source=lean_source)
    assert (again.added, again.already_there) == (0, 5)


def test_a_refused_first_form_post_leaves_no_form_source_behind_in_the_cache(
    ready: Engine,
) -> None:
    # The first post of a database creates the form's source in its transaction; refused,
    # that transaction rolls back, and the next post must not find a source that is gone.
    form = live.form_case(ready, "44.22-2")
    assert form is not None
    fields: dict[str, Any] = {
        "target_ids": [str(form.targets[0].id)],
        "channels": ["letter"],
        "count": "2",
        "email": "",
    }
    with pytest.raises(live.Refused, match="in the future"):
        live.take_form(ready, form, action_date="2030-01-01", submission_id="s-1", **fields)
    taken = live.take_form(
        ready, form, action_date=TODAY.isoformat(), submission_id="s-2", **fields
    )
    assert taken.added == 1
    assert taken.case_totals[form.id] == 2  # the total, this post included, read before commit
    again = live.take_form(
        ready, form, action_date=TODAY.isoformat(), submission_id="s-3", **fields
    )
    assert again.case_totals[form.id] == 4


def test_concurrent_form_posts_are_each_all_or_nothing_and_counted_once(ready: Engine) -> None:
    # On PostgreSQL, posts that arrive together are committed as a group, each in a
    # savepoint; on SQLite each commits by itself. Either way: a refused post takes nothing,
    # a resend counts once, and the total is exactly what the posts were told.
    form = live.form_case(ready, "44.22-2")
    assert form is not None
    target = [str(form.targets[0].id)]
    results: list[object] = []
    lock = threading.Lock()

    def post(n: int) -> None:
        day = "2030-01-01" if n % 7 == 3 else TODAY.isoformat()  # every 7th: in the future
        submission = f"s-{n // 2}"  # every post is sent twice
        try:
            taken: object = live.take_form(
                ready,
                form,
                target_ids=target,
                channels=["letter"],
                count="2",
                action_date=day,
                email="",
                submission_id=submission,
            )
        except live.Refused as refused:
            taken = refused
        with lock:
            results.append(taken)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken = [r for r in results if isinstance(r, live.Taken)]
    refused = [r for r in results if isinstance(r, live.Refused)]
    assert len(taken) + len(refused) == 40
    assert len(refused) == len([n for n in range(40) if n % 7 == 3])
    told = sum(t.actions for t in taken)
    accepted_ids = {n // 2 for n in range(40) if n % 7 != 3}
    assert told == 2 * len(accepted_ids)  # each submission counted once, by one of its posts
    assert sum(t.added for t in taken) == len(accepted_ids)
    case = find_case(ready, "44.22-2")
    assert case is not None
    assert total_actions(ready, [case.id]) == told
    with transaction(ready) as session:
        assert rollup_differences(session).empty
        assert batch_count_differences(session) == []
