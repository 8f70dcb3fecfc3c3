"""Writing action reports keeps the daily rollup exactly equal to the raw reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select, text

from uadash.reports.writer import (
    ReportsError,
    delete_batch,
    insert_reports,
    rebuild_rollup,
    rollup_differences,
)
from uadash.store.engine import transaction
from uadash.store.models import ActionDaily, ActionReport, Case, ReportBatch, Target
from uadash.vocab import CaseStatus, Channel, ReportSource, TargetRole

DAY = date(2025, 3, 3)
ROLLUP_KEY = ["case_id", "target_key", "channel", "day"]


@dataclass(frozen=True)
class Cases:
    """Ids of the cases under test: case_ids[i] has the targets target_ids[i]."""

    case_ids: list[int]
    target_ids: list[list[int]]


@pytest.fixture
def cases(engine: Engine) -> Cases:
    """Three cases: two primaries and a CC, one primary, and none at all."""
    made = [
        Case(
            ua_number="44.22",
            title="Two officials and an embassy",
            country="China",
            status=CaseStatus.active,
            deadline=date(2025, 4, 1),
            targets=[
                Target(position=0, name="Minister", role=TargetRole.primary),
                Target(position=1, name="Governor", role=TargetRole.primary),
                Target(position=2, name="Embassy", role=TargetRole.cc),
            ],
        ),
        Case(
            ua_number="12.25",
            title="One official",
            country="Iran",
            status=CaseStatus.paused,
            targets=[Target(position=0, name="Head of Judiciary")],
        ),
        Case(
            ua_number="7.25",
            title="No targets",
            country="Peru",
            status=CaseStatus.closed,
            deadline=date(2025, 3, 10),
        ),
    ]
    with transaction(engine) as session:
        session.add_all(made)
        session.flush()
        return Cases(
            case_ids=[case.id for case in made],
            target_ids=[[target.id for target in case.targets] for case in made],
        )


def report_frame(rows: list[tuple[int, int | None, str, int, date]]) -> pd.DataFrame:
    """Reports from (case_id, target_id, channel, count, action_date) tuples."""
    return pd.DataFrame(
        {
            "case_id": pd.array([row[0] for row in rows], dtype="Int64"),
            "target_id": pd.array([row[1] for row in rows], dtype="Int64"),
            "channel": [row[2] for row in rows],
            "count": [row[3] for row in rows],
            "action_date": [row[4] for row in rows],
            "reported_at": [
                datetime.combine(row[4], datetime.min.time(), UTC) + timedelta(hours=5)
                for row in rows
            ],
            "source": [ReportSource.file.value] * len(rows),
        }
    )


def some_reports(cases: Cases) -> pd.DataFrame:
    first, second, third = cases.case_ids
    minister, governor, embassy = cases.target_ids[0]
    judge = cases.target_ids[1][0]
    return report_frame(
        [
            (first, minister, "letter", 1, DAY),
            (first, minister, "letter", 3, DAY),  # same key: adds up within one insert
            (first, governor, "email", 1, DAY),
            (first, embassy, "letter", 1, DAY + timedelta(days=1)),
            (first, None, "tweet", 1, DAY),
            (second, judge, "call", 25, DAY),
            (second, None, "call", 1, DAY),
            (third, None, "fax", 2, DAY + timedelta(days=2)),
        ]
    )


def expected_rollup(*frames: pd.DataFrame) -> pd.DataFrame:
    """What action_daily should hold for these reports, by pandas."""
    reports = pd.concat(frames, ignore_index=True)
    reports = reports.assign(
        target_key=reports["target_id"].fillna(0).astype("int64"),
        case_id=reports["case_id"].astype("int64"),
        channel=reports["channel"].astype(str),
        day=reports["action_date"],
    )
    tally = reports.groupby(ROLLUP_KEY)["count"].agg(actions="sum", reports="size")
    return tally.reset_index().sort_values(ROLLUP_KEY, ignore_index=True)


def stored_rollup(engine: Engine) -> pd.DataFrame:
    with transaction(engine) as session:
        rows = session.execute(
            select(
                ActionDaily.case_id,
                ActionDaily.target_key,
                ActionDaily.channel,
                ActionDaily.day,
                ActionDaily.actions,
                ActionDaily.reports,
            )
        ).all()
    frame = pd.DataFrame(
        [(c, t, str(ch), d, a, r) for c, t, ch, d, a, r in rows],
        columns=[*ROLLUP_KEY, "actions", "reports"],
    )
    return frame.astype({"case_id": "int64", "target_key": "int64"}).sort_values(
        ROLLUP_KEY, ignore_index=True
    )


def insert(engine: Engine, frame: pd.DataFrame) -> int:
    """Insert `frame` as one new batch; returns the batch id."""
    with transaction(engine) as session:
        batch = ReportBatch(source=ReportSource.file, actor="test", filename="reports.csv")
        insert_reports(session, frame, batch=batch)
        return batch.id


def differences(engine: Engine) -> pd.DataFrame:
    with transaction(engine) as session:
        return rollup_differences(session)


def assert_rollup(engine: Engine, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(stored_rollup(engine), expected, check_dtype=False)


# --- insert ------------------------------------------------------------------------------------


def test_rollup_equals_a_groupby_of_the_inserted_reports(engine: Engine, cases: Cases) -> None:
    frame = some_reports(cases)
    insert(engine, frame)
    assert_rollup(engine, expected_rollup(frame))
    assert differences(engine).empty


def test_insert_returns_count_and_sets_batch_reports(engine: Engine, cases: Cases) -> None:
    frame = some_reports(cases)
    with transaction(engine) as session:
        batch = ReportBatch(source=ReportSource.file, actor="test")
        assert insert_reports(session, frame, batch=batch) == len(frame)
        assert insert_reports(session, frame.iloc[:3], batch=batch) == 3
        batch_id = batch.id
    with transaction(engine) as session:
        batch = session.get_one(ReportBatch, batch_id)
        assert batch.reports == len(frame) + 3
        assert session.scalar(select(func.count()).select_from(ActionReport)) == len(frame) + 3


def test_second_insert_adds_to_the_rollup(engine: Engine, cases: Cases) -> None:
    first = some_reports(cases)
    second = some_reports(cases).assign(count=lambda frame: frame["count"] * 2)
    insert(engine, first)
    insert(engine, second)
    assert_rollup(engine, expected_rollup(first, second))
    assert differences(engine).empty


def test_reports_read_back_as_written(engine: Engine, cases: Cases) -> None:
    at = datetime(2025, 3, 3, 23, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    frame = report_frame([(cases.case_ids[1], None, "call", 4, DAY)]).assign(
        reported_at=[at], external_id=["form-1"], dedupe_key=["k1"], note=["by phone"]
    )
    batch_id = insert(engine, frame)
    with transaction(engine) as session:
        report = session.scalars(select(ActionReport)).one()
    assert (report.case_id, report.target_id, report.channel, report.count) == (
        cases.case_ids[1],
        None,
        Channel.call,
        4,
    )
    assert report.action_date == DAY
    # SQLite keeps no zone: instants are stored as UTC wall time, as the ORM would.
    stored = report.reported_at
    assert (stored if stored.tzinfo else stored.replace(tzinfo=UTC)) == at
    assert (report.source, report.batch_id) == (ReportSource.file, batch_id)
    assert (report.external_id, report.dedupe_key, report.note) == ("form-1", "k1", "by phone")


def test_inserting_no_reports_writes_nothing(engine: Engine, cases: Cases) -> None:
    insert(engine, some_reports(cases).iloc[:0])
    assert stored_rollup(engine).empty


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"channel": "pigeon"}, "row 3, column channel: 'pigeon' is not one of letter"),
        ({"count": 0}, "row 3, column count: 0 must be a whole number from 1"),
        ({"count": 1.5}, "row 3, column count: 1.5 is not a whole number"),
        ({"source": "fax"}, "row 3, column source: 'fax' is not one of form"),
        ({"action_date": "2025-03-03"}, "row 3, column action_date: '2025-03-03' is not a date"),
        ({"case_id": None}, "row 3, column case_id"),
        ({"reported_at": datetime(2025, 3, 3, 12)}, "row 3, column reported_at: "),
    ],
)
def test_insert_rejects_a_bad_value_naming_row_and_column_and_writes_nothing(
    engine: Engine, cases: Cases, change: dict[str, Any], message: str
) -> None:
    frame = some_reports(cases).astype(object)
    for column, value in change.items():
        frame.at[3, column] = value
    with pytest.raises(ReportsError, match=message.replace("(", r"\(")):
        insert(engine, frame)
    assert stored_rollup(engine).empty
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReportBatch)) == 0


def test_insert_rejects_missing_and_unknown_columns(engine: Engine, cases: Cases) -> None:
    with pytest.raises(ReportsError, match="lack the column"):
        insert(engine, some_reports(cases).drop(columns="channel"))
    with pytest.raises(ReportsError, match=r"unknown column.*targetid"):
        insert(engine, some_reports(cases).assign(targetid=1))


def test_insert_rejects_a_target_of_another_case(engine: Engine, cases: Cases) -> None:
    judge = cases.target_ids[1][0]
    frame = report_frame([(cases.case_ids[0], judge, "letter", 1, DAY)])
    with pytest.raises(ReportsError, match=rf"target {judge} given for case .*belongs to case"):
        insert(engine, frame)
    assert stored_rollup(engine).empty


def test_insert_rejects_an_unknown_case(engine: Engine, cases: Cases) -> None:
    with pytest.raises(ReportsError, match="no case with id 999"):
        insert(engine, report_frame([(999, None, "letter", 1, DAY)]))


def test_insert_rejects_a_dedupe_key_repeated_in_the_frame(engine: Engine, cases: Cases) -> None:
    keys = pd.Series(["a", "b", None, None, "c", "b", "d", "e"], dtype=object)
    frame = some_reports(cases).assign(dedupe_key=keys)
    with pytest.raises(ReportsError, match="row 5, column dedupe_key: 'b' repeats"):
        insert(engine, frame)


# --- checking, deleting, rebuilding ------------------------------------------------------------


def test_a_corrupted_rollup_row_is_named(engine: Engine, cases: Cases) -> None:
    insert(engine, some_reports(cases))
    judge = cases.target_ids[1][0]
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE action_daily SET actions = actions + 1 "
                "WHERE case_id = :case AND target_key = :target AND channel = 'call'"
            ),
            {"case": cases.case_ids[1], "target": judge},
        )
    found = differences(engine)
    assert found.to_dict("records") == [
        {
            "case_id": cases.case_ids[1],
            "target_key": judge,
            "channel": "call",
            "day": DAY,
            "expected_actions": 25,
            "expected_reports": 1,
            "stored_actions": 26,
            "stored_reports": 1,
        }
    ]


def test_missing_and_stray_rollup_rows_count_as_differences(engine: Engine, cases: Cases) -> None:
    insert(engine, some_reports(cases))
    third = cases.case_ids[2]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM action_daily WHERE case_id = :c"), {"c": third})
        connection.execute(
            text(
                "INSERT INTO action_daily (case_id, target_key, channel, day, actions, reports) "
                "VALUES (:c, 0, 'email', :day, 0, 0)"
            ),
            {"c": cases.case_ids[1], "day": DAY},
        )
    found = differences(engine).set_index("case_id")
    missing = found.loc[third]
    assert (missing["expected_actions"], missing["expected_reports"]) == (2, 1)
    assert pd.isna(missing["stored_actions"]) and pd.isna(missing["stored_reports"])
    stray = found.loc[cases.case_ids[1]]
    assert (stray["channel"], stray["stored_actions"], stray["stored_reports"]) == ("email", 0, 0)
    assert pd.isna(stray["expected_actions"])
    assert len(found) == 2


def test_rebuild_rollup_repairs_it(engine: Engine, cases: Cases) -> None:
    frame = some_reports(cases)
    insert(engine, frame)
    with engine.begin() as connection:
        connection.execute(text("UPDATE action_daily SET reports = reports + 7"))
        connection.execute(text("DELETE FROM action_daily WHERE channel = 'fax'"))
    assert not differences(engine).empty
    with transaction(engine) as session:
        assert rebuild_rollup(session) == len(expected_rollup(frame))
    assert_rollup(engine, expected_rollup(frame))
    assert differences(engine).empty


def test_delete_batch_restores_the_previous_totals_exactly(engine: Engine, cases: Cases) -> None:
    first = some_reports(cases)
    insert(engine, first)
    before = stored_rollup(engine)
    # Overlapping keys (subtracted) and new ones (removed when they reach zero).
    second = pd.concat(
        [
            some_reports(cases),
            report_frame([(cases.case_ids[0], None, "fax", 9, DAY + timedelta(days=5))]),
        ],
        ignore_index=True,
    )
    batch_id = insert(engine, second)
    assert_rollup(engine, expected_rollup(first, second))
    with transaction(engine) as session:
        assert delete_batch(session, batch_id) == len(second)
    assert_rollup(engine, before)
    assert differences(engine).empty
    with transaction(engine) as session:
        assert session.get(ReportBatch, batch_id) is None
        assert session.scalar(select(func.count()).select_from(ActionReport)) == len(first)


def test_deleting_the_only_batch_empties_the_rollup(engine: Engine, cases: Cases) -> None:
    batch_id = insert(engine, some_reports(cases))
    with transaction(engine) as session:
        delete_batch(session, batch_id)
    assert stored_rollup(engine).empty


def test_delete_batch_of_an_unknown_batch_says_so(engine: Engine) -> None:
    with transaction(engine) as session, pytest.raises(LookupError, match="no report batch"):
        delete_batch(session, 12345)


# --- property ----------------------------------------------------------------------------------

report_rows = st.lists(
    st.tuples(
        st.integers(0, 2),  # which case
        st.integers(-1, 2),  # which of its targets; -1 (and any it lacks) = no target
        st.sampled_from([channel.value for channel in Channel]),
        st.integers(1, 30),  # count
        st.integers(0, 3),  # days after DAY: few days, so keys collide and add up
    ),
    min_size=1,
    max_size=20,
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), report_rows),
        st.tuples(st.just("delete"), st.integers(0, 10)),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=operations)
def test_rollup_stays_equal_to_the_raw_reports(
    engine: Engine, cases: Cases, operations: list[tuple[str, Any]]
) -> None:
    # The database outlives one example: start each from no reports at all.
    with transaction(engine) as session:
        for batch_id in session.scalars(select(ReportBatch.id)).all():
            delete_batch(session, batch_id)
    live: dict[int, pd.DataFrame] = {}
    for operation, argument in operations:
        if operation == "insert":
            frame = report_frame([to_report(cases, *row) for row in argument])
            live[insert(engine, frame)] = frame
        elif live:
            batch_id = sorted(live)[argument % len(live)]
            with transaction(engine) as session:
                delete_batch(session, batch_id)
            del live[batch_id]
        assert differences(engine).empty
    expected = (
        expected_rollup(*live.values())
        if live
        else pd.DataFrame(columns=[*ROLLUP_KEY, "actions", "reports"])
    )
    assert_rollup(engine, expected)


def to_report(
    cases: Cases, case: int, target: int, channel: str, count: int, days: int
) -> tuple[int, int | None, str, int, date]:
    targets = cases.target_ids[case]
    target_id = targets[target] if 0 <= target < len(targets) else None
    return (cases.case_ids[case], target_id, channel, count, DAY + timedelta(days=days))
