"""Live reports seen from the rest of uadash: the import page's list and undo, the overview's
last arrival per source, and the pages' cache stamp."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from tests.intake_support import EDITOR, TODAY, prepare
from uadash.access import SYSTEM
from uadash.queries import data_stamp, find_case, last_live_reports, total_actions
from uadash.reports import live, writer
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


def test_a_few_reports_are_prepared_exactly_as_many_are(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.DataFrame(
        {
            "case_id": np.array([3, 3, 4], dtype="int64"),
            "target_id": pd.array([7, None, 9], dtype="Int64"),
            "channel": pd.Series(["letter", "email", "call"], dtype=object),
            "count": np.array([1, 2, 3], dtype="int64"),
            "action_date": pd.to_datetime(["2026-11-20", "2026-11-21", "2026-11-22"]).astype(
                "datetime64[s]"
            ),
            "reported_at": pd.to_datetime(
                ["2026-11-24 10:00:00+01:00", "2026-11-24 10:00:01Z", "2026-11-24 23:59:59Z"],
                utc=True,
            ),
            "source": pd.Series(["form", "form", "osdi"], dtype=object),
            "external_id": pd.Series(["a", None, "c"], dtype=object),
            "dedupe_key": pd.Series(["k1", "k2", None], dtype=object),
            "note": pd.Series([None, None, "n"], dtype=object),
        }
    )
    assert writer._prepare_few(frame) is not None  # the plain-Python path is the one tested
    few = writer.prepare_reports(frame)
    monkeypatch.setattr(writer, "SMALL_BATCH", 0)
    many = writer.prepare_reports(frame)
    for name in ["case_id", "target_id", "target_missing", "count", "action_date", "reported_at"]:
        assert np.array_equal(getattr(few, name), getattr(many, name)), name
        assert getattr(few, name).dtype == getattr(many, name).dtype, name
    assert few.channel.tolist() == many.channel.tolist()
    assert few.source.tolist() == many.source.tolist()
    assert {k: v.tolist() for k, v in few.optional.items()} == {
        k: v.tolist() for k, v in many.optional.items()
    }


def test_a_few_bad_reports_are_refused_with_the_usual_message() -> None:
    frame = pd.DataFrame(
        {
            "case_id": [1],
            "target_id": pd.array([None], dtype="Int64"),
            "channel": ["pigeon"],
            "count": [1],
            "action_date": pd.to_datetime(["2026-11-20"]),
            "reported_at": pd.to_datetime(["2026-11-24 10:00Z"], utc=True),
            "source": ["form"],
        }
    )
    with pytest.raises(writer.ReportsError, match="row 0, column channel: 'pigeon' is not one of"):
        writer.prepare_reports(frame)
