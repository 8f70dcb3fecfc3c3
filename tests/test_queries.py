"""The query layer: bucketed totals equal the raw reports; deadlines at day boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from uadash import config, queries
from uadash.queries import Bucket, CaseFilter, Period
from uadash.reports.writer import delete_batch, insert_reports
from uadash.store.engine import transaction
from uadash.store.models import Case, ReportBatch, Target
from uadash.vocab import CaseStatus, Channel, Outcome, ReportSource, TargetRole

TODAY = date(2025, 3, 18)  # a Tuesday


def add_case(engine: Engine, ua: str, **fields: object) -> Case:
    targets = fields.pop("targets", ["Official One", "Official Two"])
    defaults: dict[str, object] = {
        "update_number": 0,
        "title": f"Case {ua}",
        "country": "Testland",
        "status": CaseStatus.active,
        "tags": ["detention"],
    }
    case = Case(ua_number=ua, **{**defaults, **fields})
    case.targets = [
        Target(
            name=name, position=i, role=TargetRole.cc if "Embassy" in name else TargetRole.primary
        )
        for i, name in enumerate(targets)  # type: ignore[attr-defined]
    ]
    with transaction(engine) as session:
        session.add(case)
    return case


def add_reports(engine: Engine, rows: list[tuple[int, int | None, str, int, date]]) -> pd.DataFrame:
    """rows: (case_id, target_id, channel, count, day). Returns them as a frame."""
    frame = pd.DataFrame(rows, columns=["case_id", "target_id", "channel", "count", "action_date"])
    frame["target_id"] = frame["target_id"].astype("Int64")
    frame["reported_at"] = datetime(2025, 3, 18, 12, tzinfo=UTC)
    frame["source"] = ReportSource.staff.value
    with transaction(engine) as session:
        insert_reports(session, frame, batch=ReportBatch(source=ReportSource.staff, actor="test"))
    return frame


@pytest.fixture
def two_cases(engine: Engine) -> tuple[Case, Case, pd.DataFrame]:
    first = add_case(
        engine,
        "1.25",
        deadline=TODAY + timedelta(days=3),
        country="Iran",
        tags=["death penalty"],
        targets=["Judge A", "Minister B", "Embassy C"],
    )
    second = add_case(engine, "2.25", deadline=TODAY - timedelta(days=1), country="Peru")
    a, b, c = (t.id for t in first.targets)
    d = second.targets[0].id
    rows = [
        (first.id, a, "letter", 1, date(2025, 3, 16)),  # Sunday
        (first.id, a, "letter", 4, date(2025, 3, 17)),  # Monday: a new week
        (first.id, b, "email", 2, date(2025, 3, 17)),
        (first.id, c, "fax", 1, date(2025, 2, 28)),  # last day of February
        (first.id, None, "tweet", 3, date(2025, 3, 1)),  # first day of March
        (first.id, a, "call", 1, date(2025, 1, 5)),
        (second.id, d, "letter", 7, date(2025, 3, 10)),
        (second.id, d, "email", 5, date(2025, 3, 18)),
    ]
    return first, second, add_reports(engine, rows)


def raw_buckets(frame: pd.DataFrame, bucket: Bucket) -> dict[tuple[pd.Timestamp, str], int]:
    days = pd.to_datetime(frame["action_date"])
    if bucket == Bucket.week:
        days = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    elif bucket == Bucket.month:
        days = days.dt.to_period("M").dt.to_timestamp()
    grouped = frame.assign(period=days).groupby(["period", "channel"])["count"].sum()
    return {key: int(value) for key, value in grouped.items()}


@pytest.mark.parametrize("bucket", list(Bucket))
def test_bucketed_totals_equal_the_raw_reports(two_cases, engine: Engine, bucket: Bucket) -> None:
    *_, frame = two_cases
    period = Period(date(2025, 1, 1), TODAY)
    result = queries.actions_by_channel_over_time(
        engine, CaseFilter(), period=period, bucket=bucket
    )
    got = {(row.period, row.channel): row.actions for row in result.itertuples()}
    assert got == raw_buckets(frame, bucket)


def test_weeks_start_on_monday(two_cases, engine: Engine) -> None:
    first, *_ = two_cases
    period = Period(date(2025, 3, 16), date(2025, 3, 17))
    result = queries.actions_by_channel_over_time(
        engine, CaseFilter(case_ids=(first.id,)), period=period, bucket=Bucket.week
    )
    letters = result[result["channel"] == "letter"].set_index("period")["actions"].to_dict()
    assert letters == {pd.Timestamp("2025-03-10"): 1, pd.Timestamp("2025-03-17"): 4}


def test_period_limits_are_inclusive(two_cases, engine: Engine) -> None:
    first, *_ = two_cases
    assert (
        queries.total_actions(engine, [first.id], Period(date(2025, 2, 28), date(2025, 3, 1))) == 4
    )
    assert (
        queries.total_actions(engine, [first.id], Period(date(2025, 3, 2), date(2025, 3, 15))) == 0
    )
    assert queries.total_actions(engine, None) == 24


def test_case_filters_narrow_every_total(two_cases, engine: Engine) -> None:
    first, _, _ = two_cases
    period = Period(date(2025, 1, 1), TODAY)
    by_country = queries.actions_by_channel(engine, CaseFilter(countries=("Peru",)), period=period)
    assert by_country.set_index("channel")["actions"].to_dict() == {
        "letter": 7,
        "email": 5,
        "call": 0,
        "tweet": 0,
        "fax": 0,
    }
    by_tag = queries.matching_case_ids(engine, CaseFilter(tags=("Death Penalty",)))
    assert by_tag == [first.id]
    nothing = queries.matching_case_ids(engine, CaseFilter(statuses=(CaseStatus.draft,)))
    assert nothing == []
    assert queries.total_actions(engine, nothing, period) == 0


def test_days_left_and_attention_at_day_boundaries(engine: Engine) -> None:
    for ua, days in [("10.25", 0), ("11.25", 6), ("12.25", 7), ("13.25", -1)]:
        add_case(engine, ua, deadline=TODAY + timedelta(days=days))
    add_case(
        engine,
        "14.25",
        deadline=TODAY - timedelta(days=30),
        status=CaseStatus.closed,
        outcome=Outcome.released,
    )
    add_case(engine, "15.25", deadline=None)
    cases = queries.list_cases(engine, CaseFilter(), today=TODAY).set_index("ua_number")
    assert cases.loc["10.25", "days_left"] == 0 and cases.loc["10.25", "due_soon"]
    assert cases.loc["11.25", "due_soon"]
    assert not cases.loc["12.25", "due_soon"]
    assert cases.loc["13.25", "days_left"] == -1 and cases.loc["13.25", "overdue"]
    assert not cases.loc["14.25", "overdue"]  # closed: its old deadline needs nobody
    assert pd.isna(cases.loc["15.25", "days_left"])
    order = list(cases.index)
    assert order[:3] == ["13.25", "10.25", "11.25"]  # overdue, then soonest deadline
    assert order[-1] == "14.25"  # closed last
    top = queries.headline(engine, CaseFilter(), period=Period(TODAY, TODAY), today=TODAY)
    assert (top.active_cases, top.due_soon, top.overdue) == (5, 2, 1)


def test_today_is_taken_in_the_configured_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UADASH_TODAY", raising=False)
    late_evening_utc = datetime(2025, 3, 17, 23, 30, tzinfo=UTC)
    monkeypatch.setenv("UADASH_TIMEZONE", "UTC")
    assert config.today(now=late_evening_utc) == date(2025, 3, 17)
    monkeypatch.setenv("UADASH_TIMEZONE", "Pacific/Auckland")
    assert config.today(now=late_evening_utc) == date(2025, 3, 18)
    monkeypatch.setenv("UADASH_TIMEZONE", "America/New_York")
    assert config.today(now=late_evening_utc) == date(2025, 3, 17)
    monkeypatch.setenv("UADASH_TIMEZONE", "Mars/Olympus")
    with pytest.raises(config.ConfigError, match="UADASH_TIMEZONE"):
        config.today(now=late_evening_utc)


def test_totals_and_last_seven_days_per_case(two_cases, engine: Engine) -> None:
    first, second, _ = two_cases
    cases = queries.list_cases(engine, CaseFilter(), today=TODAY).set_index("case_id")
    assert cases.loc[first.id, "total_actions"] == 12
    assert cases.loc[first.id, "actions_last_7_days"] == 7  # 12 to 18 March
    assert cases.loc[second.id, "actions_last_7_days"] == 5  # the 10 March letters are older


def test_previous_period_and_change(two_cases, engine: Engine) -> None:
    period = Period(date(2025, 3, 12), TODAY)
    assert period.previous() == Period(date(2025, 3, 5), date(2025, 3, 11))
    top = queries.headline(engine, CaseFilter(), period=period, today=TODAY)
    assert (top.actions, top.previous_actions, top.change) == (12, 7, 5)
    assert top.change_percent == pytest.approx(500 / 7)


def test_targets_include_zero_cc_and_no_target(two_cases, engine: Engine) -> None:
    first, *_ = two_cases
    case = queries.get_case(engine, first.id)
    assert case is not None
    totals = queries.actions_by_target(engine, case)
    assert list(totals["target"]) == ["Judge A", "Minister B", "Embassy C (CC)", queries.NO_TARGET]
    assert list(totals["actions"]) == [6, 2, 1, 3]
    assert list(totals["role"]) == ["primary", "primary", "cc", "none"]


def test_cumulative_counts_from_the_first_report(two_cases, engine: Engine) -> None:
    first, *_ = two_cases
    case = queries.get_case(engine, first.id)
    assert case is not None
    running = queries.cumulative_actions(engine, case, period=Period(date(2025, 3, 1), TODAY))
    assert len(running) == 18  # every day, zero days included
    assert running["cumulative"].iloc[0] == 1 + 1 + 3  # January call, February fax, 1 March
    assert running["cumulative"].iloc[-1] == 12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("44.22", ("44.22", None)),
        ("44.22-2", ("44.22", 2)),
        ("UA 44/22", ("44.22", None)),
        ("ua 44/22 update 2", ("44.22", 2)),
        ("044.22", ("44.22", None)),
        ("hello", None),
    ],
)
def test_case_references(text: str, expected: object) -> None:
    assert queries.parse_case_ref(text) == expected


def test_find_case_picks_the_latest_update(engine: Engine) -> None:
    add_case(engine, "44.22", update_number=1, title="First update")
    add_case(engine, "44.22", update_number=2, title="Second update")
    found = queries.find_case(engine, "UA 44/22")
    assert found is not None and found.title == "Second update"
    first = queries.find_case(engine, "44.22-1")
    assert first is not None and first.title == "First update"
    assert queries.find_case(engine, "99.99") is None


def test_unused_channels_are_zero_not_missing(engine: Engine) -> None:
    case = add_case(engine, "3.25")
    add_reports(engine, [(case.id, None, Channel.email.value, 2, TODAY)])
    mix = queries.actions_by_channel(engine, CaseFilter(), period=Period(TODAY, TODAY))
    assert list(mix["channel"]) == ["letter", "email", "call", "tweet", "fax"]
    assert list(mix["actions"]) == [0, 2, 0, 0, 0]
    assert mix["share"].sum() == pytest.approx(1.0)


def test_data_stamp_changes_with_every_write_even_when_sqlite_reuses_a_batch_id(
    engine: Engine,
) -> None:
    """The pages cache results under this stamp: a stale stamp would show stale totals."""
    case = add_case(engine, "5.25")
    before = queries.data_stamp(engine)
    add_reports(engine, [(case.id, None, "email", 2, TODAY)])
    first = queries.data_stamp(engine)
    assert first != before
    with transaction(engine) as session:
        batch_id = session.scalars(select(ReportBatch.id)).one()
        delete_batch(session, batch_id)
    assert queries.data_stamp(engine) != first
    add_reports(engine, [(case.id, None, "letter", 2, TODAY)])  # same size, maybe same id
    assert queries.data_stamp(engine) != first
    with transaction(engine) as session:
        session.get(Case, case.id).deadline = TODAY  # type: ignore[union-attr]
    assert queries.data_stamp(engine) != first
