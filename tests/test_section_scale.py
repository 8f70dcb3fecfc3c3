"""A section's worth of generated cases, and the weekly and monthly rollups that keep figures
over long periods cheap: exact after every write, and the figures read from them equal the
raw reports summed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from tests.conftest import CASES_DIR
from uadash import queries
from uadash.cases.files import case_files, load_case_files
from uadash.queries import Bucket, CaseFilter, Period
from uadash.reports import rollups, writer
from uadash.reports.demo import (
    GENERATED_SOURCE,
    GeneratedCasesInUse,
    generate_demo_reports,
    generate_section_cases,
)
from uadash.reports.writer import delete_batch, insert_reports, rebuild_rollup
from uadash.store.engine import transaction
from uadash.store.models import ActionMonthly, ActionReport, ActionWeekly, Case, ReportBatch
from uadash.vocab import CaseStatus, ReportSource

TODAY = date(2026, 11, 24)


@given(
    start=st.dates(date(2023, 1, 1), date(2026, 12, 31)),
    days=st.integers(0, 800),
    bucket=st.sampled_from([None, "day", "week", "month"]),
)
@settings(max_examples=300, deadline=None)
def test_pieces_cover_the_period_once_and_never_cross_a_bucket(
    start: date, days: int, bucket: str | None
) -> None:
    end = start + timedelta(days=days)
    found = rollups.pieces(start, end, bucket)
    covered = []
    for piece in found:
        assert piece.start <= piece.end
        if piece.level == "week":
            assert piece.start.weekday() == 0 and piece.end.weekday() == 6
        if piece.level == "month":
            assert piece.start.day == 1 and (piece.end + timedelta(days=1)).day == 1
        covered += pd.date_range(piece.start, piece.end).date.tolist()
        if bucket == "month" and piece.level == "week":
            assert piece.start.month == piece.end.month
        if bucket == "week":
            assert piece.level != "month"
    assert covered == sorted(covered)
    assert covered == pd.date_range(start, end).date.tolist()


@pytest.fixture
def section(engine: Engine) -> Engine:
    """The shipped case files, 60 generated cases over a year, and 30,000 demo reports."""
    load_case_files(engine, case_files(CASES_DIR), actor="test", today=TODAY)
    generate_section_cases(engine, cases=60, years=1, seed=3, today=TODAY)
    generate_demo_reports(engine, reports=30_000, seed=3, today=TODAY)
    return engine


def _coarse_differences(engine: Engine) -> dict[str, int]:
    with transaction(engine) as session:
        return rollups.differences(session)


def test_generated_cases_have_a_sections_shape_and_leave_the_file_cases_alone(
    section: Engine,
) -> None:
    with transaction(section) as session:
        generated = session.scalars(select(Case).where(Case.source_file == GENERATED_SOURCE)).all()
        from_files = session.scalar(
            select(func.count()).select_from(Case).where(Case.source_file != GENERATED_SOURCE)
        )
        assert len(generated) == 60
        assert all(case.is_demo for case in generated)
        assert {len(case.targets) for case in generated} <= {1, 2, 3, 4, 5}
        assert len({len(case.targets) for case in generated}) >= 4
        assert any(case.update_number for case in generated)
        # Each update supersedes the one before it, as an update saved in the app does.
        by_ref = {(case.ua_number, case.update_number): case.id for case in generated}
        assert [case.supersedes_id for case in generated if case.update_number] == [
            by_ref[(case.ua_number, case.update_number - 1)]
            for case in generated
            if case.update_number
        ]
        statuses = {case.status for case in generated}
        assert {CaseStatus.active, CaseStatus.closed} <= statuses
        assert all(case.outcome for case in generated if case.status is CaseStatus.closed)
        issued = sorted(case.issued for case in generated if case.issued)
        assert issued[0] >= TODAY - timedelta(days=366) and issued[-1] <= TODAY
        # Every generated UA parses as a reference, so its page opens from a link.
        assert all(queries.find_case(section, queries.case_ref(c.ua_number, c.update_number))
                   for c in generated[:5])  # fmt: skip
    # Replacing them keeps the cases from files, and their count.
    again = generate_section_cases(section, cases=10, years=1, seed=4, today=TODAY)
    assert again.removed == 60 and again.cases == 10
    with transaction(section) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Case).where(Case.source_file != GENERATED_SOURCE)
            )
            == from_files
        )
        # The demo reports went with the cases they belonged to.
        assert session.scalar(select(func.count()).select_from(ActionReport)) == 0


def test_generated_cases_holding_real_reports_are_not_replaced(section: Engine) -> None:
    with transaction(section) as session:
        case_id = session.scalar(select(Case.id).where(Case.source_file == GENERATED_SOURCE))
    real = pd.DataFrame(
        {
            "case_id": [case_id],
            "target_id": pd.array([None], dtype="Int64"),
            "channel": ["letter"],
            "count": [1],
            "action_date": [TODAY],
            "reported_at": [datetime(2026, 11, 24, 12, tzinfo=UTC)],
            "source": ["staff"],
        }
    )
    with transaction(section) as session:
        insert_reports(session, real, batch=ReportBatch(source=ReportSource.staff, actor="t"))
    with pytest.raises(GeneratedCasesInUse, match="not demo reports"):
        generate_section_cases(section, cases=5, years=1, seed=4, today=TODAY)
    with transaction(section) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Case).where(Case.source_file == GENERATED_SOURCE)
            )
            == 60
        )


def test_weekly_and_monthly_rollups_stay_exact_through_writes_undo_and_rebuild(
    section: Engine,
) -> None:
    assert _coarse_differences(section) == {"week": 0, "month": 0}
    with transaction(section) as session:
        assert session.scalar(select(func.count()).select_from(ActionWeekly))
        assert session.scalar(select(func.count()).select_from(ActionMonthly))
    # A second demo run replaces the first: delete_batch subtracts, the insert adds.
    generate_demo_reports(section, reports=5_000, seed=9, today=TODAY)
    assert _coarse_differences(section) == {"week": 0, "month": 0}
    with transaction(section) as session:
        batch_id = session.scalar(select(ReportBatch.id))
        assert batch_id is not None
        delete_batch(session, batch_id)
    assert _coarse_differences(section) == {"week": 0, "month": 0}
    with transaction(section) as session:
        assert session.scalar(select(func.count()).select_from(ActionWeekly)) == 0
    generate_demo_reports(section, reports=5_000, seed=10, today=TODAY)
    with transaction(section) as session:
        session.execute(ActionWeekly.__table__.delete())
        rebuild_rollup(session)
    assert _coarse_differences(section) == {"week": 0, "month": 0}


def test_a_live_requests_few_reports_keep_the_weekly_and_monthly_rollups_exact(
    section: Engine,
) -> None:
    """A batch of up to `writer.SMALL_BATCH` reports (a form post, an API request) is tallied
    in plain Python: the coarse rollups must add it up as the pandas path does, into rows
    already there and new ones, across a week's and a month's end."""
    with transaction(section) as session:
        case_ids = session.scalars(select(Case.id).order_by(Case.id).limit(3)).all()
        days = [date(2026, 8, 30), date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 7)]
        reports = pd.DataFrame(
            {
                "case_id": [case_ids[i % 3] for i in range(12)],
                "target_id": pd.array([None] * 12, dtype="Int64"),
                "channel": ["letter", "email", "letter", "call"] * 3,
                "count": [1, 2, 3] * 4,
                "action_date": pd.to_datetime([days[i % 4] for i in range(12)]),
                "reported_at": pd.Timestamp(datetime(2026, 9, 8, 12, tzinfo=UTC)),
                "source": "form",
            }
        )
        assert writer._prepare_few(reports) is not None  # the plain-Python path, not pandas
        batch = ReportBatch(source=ReportSource.form, actor="test", note="live")
        assert insert_reports(session, reports, batch=batch) == 12
    assert _coarse_differences(section) == {"week": 0, "month": 0}


def _raw(engine: Engine) -> pd.DataFrame:
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                ActionReport.case_id, ActionReport.channel, ActionReport.action_date,
                ActionReport.count,
            )
        ).all()  # fmt: skip
    frame = pd.DataFrame(rows, columns=["case_id", "channel", "day", "count"])
    frame["channel"] = frame["channel"].map(lambda c: getattr(c, "value", c))
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


PERIODS = [
    Period(date(2025, 11, 25), TODAY),  # a year
    Period(date(2026, 1, 14), date(2026, 2, 10)),  # across a month's end, no whole month
    Period(date(2026, 3, 31), date(2026, 8, 2)),  # whole months and ragged ends
    Period(date(2026, 6, 3), date(2026, 6, 5)),  # three days
    Period(date(2024, 1, 1), TODAY),  # longer than there are reports
]


@pytest.mark.parametrize("bucket", list(Bucket))
def test_figures_over_any_period_equal_the_raw_reports_summed(
    section: Engine, bucket: Bucket
) -> None:
    raw = _raw(section)
    starts = {
        Bucket.day: raw["day"],
        Bucket.week: raw["day"] - pd.to_timedelta(raw["day"].dt.day_of_week, unit="D"),
        Bucket.month: raw["day"].dt.to_period("M").dt.start_time,
    }
    raw["period"] = starts[bucket]
    everything = CaseFilter()
    for period in PERIODS:
        inside = raw[raw["day"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))]
        expected = inside.groupby(["period", "channel"])["count"].sum()
        got = queries.actions_by_channel_over_time(
            section, everything, period=period, bucket=bucket
        ).set_index(["period", "channel"])["actions"]
        assert got.sort_index().to_dict() == expected.sort_index().to_dict(), period
        by_case = queries.actions_by_case_over_time(
            section, everything, period=period, bucket=bucket
        ).set_index(["period", "case_id"])["actions"]
        assert by_case.sort_index().to_dict() == (
            inside.groupby(["period", "case_id"])["count"].sum().sort_index().to_dict()
        )
        assert queries.total_actions(section, None, period) == int(inside["count"].sum())
        totals = queries.actions_by_case(section, everything, period=period)
        assert totals.set_index("case_id")["actions"][lambda s: s > 0].to_dict() == (
            inside.groupby("case_id")["count"].sum().to_dict()
        )
    listed = queries.list_cases(section, everything, today=TODAY).set_index("case_id")
    assert listed["total_actions"][lambda s: s > 0].to_dict() == (
        raw.groupby("case_id")["count"].sum().to_dict()
    )
    week = raw[raw["day"] > pd.Timestamp(TODAY - timedelta(days=7))]
    assert listed["actions_last_7_days"][lambda s: s > 0].to_dict() == (
        week.groupby("case_id")["count"].sum().to_dict()
    )


def test_the_by_case_chart_folds_all_but_the_busiest_cases_into_one_line() -> None:
    from uadash import charts

    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-01-05"] * 15 + ["2026-01-12"] * 15),
            "case_id": list(range(15)) * 2,
            "case": [f"UA {i}.26" for i in range(15)] * 2,
            "actions": list(range(15)) + [1] * 15,
        }
    )
    chart = charts.actions_by_case_over_time(frame, bucket=Bucket.week, title="t", limit=10)
    shown = pd.DataFrame(chart.to_dict()["datasets"].popitem()[1])
    assert set(shown["case"]) == {f"UA {i}.26" for i in range(5, 15)} | {charts.OTHER_CASES}
    other = shown[shown["case"] == charts.OTHER_CASES].sort_values("period")["actions"]
    assert other.tolist() == [0 + 1 + 2 + 3 + 4, 5]
    assert shown["actions"].sum() == frame["actions"].sum()
    # Few cases: every one keeps its own line.
    few = charts.actions_by_case_over_time(
        frame[frame["case_id"] < 11], bucket=Bucket.week, title="t"
    )
    assert charts.OTHER_CASES not in str(few.to_dict())
