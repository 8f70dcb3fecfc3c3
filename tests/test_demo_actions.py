"""The demo report generator: exact size, reproducible, realistic, and it replaces itself."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

import uadash.reports.demo
from uadash.reports.demo import CHANNEL_MIX, DemoResult, activity_window, generate_demo_reports
from uadash.reports.writer import insert_reports, rollup_differences
from uadash.store.engine import transaction
from uadash.store.models import ActionReport, Case, ReportBatch, Target
from uadash.vocab import CaseStatus, ReportSource, TargetRole

TODAY = date(2025, 6, 15)  # a Sunday
# Early on the morning after TODAY: recent reports (up to 72 hours late) are cut off here.
NOW = datetime(2025, 6, 16, 9, 0, tzinfo=UTC)
N = 20_000


@dataclass(frozen=True)
class DemoCases:
    by_name: dict[str, int]  # case id by the name used in the fixture
    windows: dict[int, tuple[date, date]]  # first and last day by case id, eligible cases only
    cc_targets: set[int]


def make_case(
    number: int,
    status: CaseStatus,
    *,
    issued: date | None,
    deadline: date | None,
    primaries: int = 2,
    cc: int = 1,
) -> Case:
    case = Case(
        ua_number=f"{number}.25",
        title=f"Case {number}",
        country="Testland",
        status=status,
        issued=issued,
        deadline=deadline,
    )
    case.targets = [
        Target(position=i, name=f"Official {i}", role=TargetRole.primary) for i in range(primaries)
    ] + [Target(position=primaries + i, name="Embassy", role=TargetRole.cc) for i in range(cc)]
    return case


@pytest.fixture
def demo_cases(engine: Engine) -> DemoCases:
    day = timedelta(days=1)
    cases = {
        "active": make_case(
            1, CaseStatus.active, issued=TODAY - 20 * day, deadline=TODAY + 20 * day, primaries=3
        ),
        "closed": make_case(
            2, CaseStatus.closed, issued=date(2025, 3, 1), deadline=date(2025, 4, 12)
        ),
        "paused": make_case(
            3, CaseStatus.paused, issued=date(2025, 1, 10), deadline=date(2025, 2, 21), cc=0
        ),
        "no_issue_date": make_case(4, CaseStatus.active, issued=None, deadline=TODAY + 10 * day),
        "no_dates": make_case(5, CaseStatus.active, issued=None, deadline=None, primaries=1),
        "no_targets": make_case(
            6,
            CaseStatus.active,
            issued=date(2025, 5, 1),
            deadline=date(2025, 6, 12),
            primaries=0,
            cc=0,
        ),
        "draft": make_case(7, CaseStatus.draft, issued=TODAY - 5 * day, deadline=TODAY + 30 * day),
        "future": make_case(
            8, CaseStatus.active, issued=TODAY + 3 * day, deadline=TODAY + 45 * day
        ),
    }
    with transaction(engine) as session:
        session.add_all(cases.values())
        session.flush()
        windows = {}
        for case in cases.values():
            first, last = activity_window(
                status=case.status, issued=case.issued, deadline=case.deadline, today=TODAY
            )
            if case.status is not CaseStatus.draft and first <= last:
                windows[case.id] = (first, last)
        return DemoCases(
            by_name={name: case.id for name, case in cases.items()},
            windows=windows,
            cc_targets={
                target.id
                for case in cases.values()
                for target in case.targets
                if target.role is TargetRole.cc
            },
        )


def generate(
    engine: Engine,
    *,
    reports: int = N,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    return generate_demo_reports(
        engine, reports=reports, seed=seed, today=TODAY, now=NOW, progress=progress
    )


def demo_reports(engine: Engine, *, source: ReportSource = ReportSource.demo) -> pd.DataFrame:
    with transaction(engine) as session:
        rows = session.execute(
            select(
                ActionReport.case_id,
                ActionReport.target_id,
                ActionReport.channel,
                ActionReport.count,
                ActionReport.action_date,
                ActionReport.reported_at,
                ActionReport.external_id,
                ActionReport.reporter_hash,
                ActionReport.dedupe_key,
            ).where(ActionReport.source == source)
        ).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "case_id",
            "target_id",
            "channel",
            "count",
            "action_date",
            "reported_at",
            "external_id",
            "reporter_hash",
            "dedupe_key",
        ],
    )
    # SQLite hands instants back without their zone; they are stored as UTC.
    frame["reported_at"] = pd.to_datetime(frame["reported_at"], utc=True)
    frame["channel"] = frame["channel"].astype(str)
    return frame


def checksum(reports: pd.DataFrame) -> str:
    """A digest of the rows in an order that does not depend on ids or insertion order."""
    rows = sorted(
        (
            case,
            -1 if pd.isna(target) else int(target),
            channel,
            count,
            day.isoformat(),
            at.isoformat(),
        )
        for case, target, channel, count, day, at in reports[
            ["case_id", "target_id", "channel", "count", "action_date", "reported_at"]
        ].itertuples(index=False)
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def assert_rollup_exact(engine: Engine) -> None:
    with transaction(engine) as session:
        assert rollup_differences(session).empty


# --- size and reproducibility -----------------------------------------------------------------


def test_generates_exactly_n_reports_in_one_demo_batch(
    engine: Engine, demo_cases: DemoCases
) -> None:
    result = generate(engine)
    reports = demo_reports(engine)
    assert result.reports == len(reports) == N
    assert result.actions == reports["count"].sum()
    assert result.cases == reports["case_id"].nunique() == len(demo_cases.windows)
    assert result.seconds > 0
    with transaction(engine) as session:
        batches = session.scalars(select(ReportBatch)).all()
    assert [(b.id, b.source, b.reports, b.actor) for b in batches] == [
        (result.batch_id, ReportSource.demo, N, "demo")
    ]
    assert_rollup_exact(engine)


def test_same_seed_gives_identical_rows(engine: Engine, demo_cases: DemoCases) -> None:
    generate(engine, reports=5_000, seed=7)
    first = checksum(demo_reports(engine))
    generate(engine, reports=5_000, seed=7)
    assert checksum(demo_reports(engine)) == first


def test_different_seed_gives_different_rows(engine: Engine, demo_cases: DemoCases) -> None:
    generate(engine, reports=5_000, seed=7)
    first = checksum(demo_reports(engine))
    generate(engine, reports=5_000, seed=8)
    assert checksum(demo_reports(engine)) != first


def test_chunks_add_up_to_exactly_n_with_an_exact_rollup(
    engine: Engine, demo_cases: DemoCases, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uadash.reports.demo, "CHUNK_REPORTS", 1_000)
    seen: list[tuple[int, int]] = []
    result = generate(
        engine, reports=2_500, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]
    assert result.reports == len(demo_reports(engine)) == 2_500
    assert_rollup_exact(engine)


# --- shape -------------------------------------------------------------------------------------


def test_reports_fall_inside_each_case_window_and_never_on_drafts(
    engine: Engine, demo_cases: DemoCases
) -> None:
    generate(engine)
    reports = demo_reports(engine)
    assert reports["action_date"].max() <= TODAY
    assert set(reports["case_id"]) == set(demo_cases.windows)  # no draft, no future case
    for case_id, (first, last) in demo_cases.windows.items():
        days = reports.loc[reports["case_id"] == case_id, "action_date"]
        assert first <= days.min() and days.max() <= last, case_id
    # The closed case stops at its deadline; the case without dates runs 90 days to today.
    closed = reports[reports["case_id"] == demo_cases.by_name["closed"]]
    assert closed["action_date"].max() <= date(2025, 4, 12)
    assert demo_cases.windows[demo_cases.by_name["no_dates"]] == (TODAY - timedelta(90), TODAY)


def test_activity_window_rules() -> None:
    deadline = date(2025, 5, 1)
    assert activity_window(
        status=CaseStatus.active, issued=date(2025, 4, 1), deadline=deadline, today=TODAY
    ) == (date(2025, 4, 1), deadline + timedelta(30))
    assert activity_window(
        status=CaseStatus.closed, issued=date(2025, 4, 1), deadline=deadline, today=TODAY
    ) == (date(2025, 4, 1), deadline)
    assert activity_window(
        status=CaseStatus.active, issued=None, deadline=deadline, today=TODAY
    ) == (deadline - timedelta(60), deadline + timedelta(30))
    first, last = activity_window(
        status=CaseStatus.active, issued=TODAY + timedelta(1), deadline=None, today=TODAY
    )
    assert first > last  # issued tomorrow: nothing yet


def test_channel_shares_follow_the_mix(engine: Engine, demo_cases: DemoCases) -> None:
    generate(engine)
    shares = demo_reports(engine)["channel"].value_counts(normalize=True)
    for channel, share in CHANNEL_MIX.items():
        assert shares[channel.value] == pytest.approx(share, abs=0.02), channel


def test_weekends_are_quieter(engine: Engine, demo_cases: DemoCases) -> None:
    generate(engine)
    weekday = pd.to_datetime(demo_reports(engine)["action_date"]).dt.day_of_week
    weekend_share = (weekday >= 5).mean()
    # 2 days of 7 at 60% of a weekday's activity would be 1.2 / 6.2 = 19%, versus 29% if flat.
    assert 0.14 < weekend_share < 0.24


def test_activity_bursts_after_issue_and_decays(engine: Engine, demo_cases: DemoCases) -> None:
    generate(engine)
    reports = demo_reports(engine)
    closed = reports[reports["case_id"] == demo_cases.by_name["closed"]]
    age = (pd.to_datetime(closed["action_date"]) - pd.Timestamp("2025-03-01")).dt.days
    assert (age < 7).sum() > 2 * ((age >= 14) & (age < 21)).sum()
    assert (age >= 28).sum() > 0  # a long tail remains


def test_targets_no_target_and_cc_shares(engine: Engine, demo_cases: DemoCases) -> None:
    generate(engine)
    reports = demo_reports(engine)
    with_targets = reports[reports["case_id"] != demo_cases.by_name["no_targets"]]
    assert with_targets["target_id"].isna().mean() == pytest.approx(0.08, abs=0.015)
    assert reports[reports["case_id"] == demo_cases.by_name["no_targets"]]["target_id"].isna().all()
    active = reports[reports["case_id"] == demo_cases.by_name["active"]]
    assert active["target_id"].isin(demo_cases.cc_targets).mean() == pytest.approx(0.10, abs=0.03)
    primaries = active[~active["target_id"].isin(demo_cases.cc_targets)]["target_id"].dropna()
    counts = primaries.value_counts()
    assert len(counts) == 3 and counts.iloc[0] > 1.3 * counts.iloc[-1]  # split unequally


def test_counts_are_mostly_one_with_some_groups(engine: Engine, demo_cases: DemoCases) -> None:
    generate(engine)
    counts = demo_reports(engine)["count"]
    assert counts.min() == 1 and counts.max() <= 30
    assert (counts > 1).mean() == pytest.approx(0.05, abs=0.01)


def test_reported_within_72_hours_and_never_after_now(
    engine: Engine, demo_cases: DemoCases
) -> None:
    generate(engine)
    reports = demo_reports(engine)
    day_start = pd.to_datetime(reports["action_date"]).dt.tz_localize(UTC)
    delay = reports["reported_at"] - day_start
    assert delay.min() >= pd.Timedelta(0)
    assert delay.max() < pd.Timedelta(hours=72)
    assert reports["reported_at"].max() <= NOW
    assert reports[["external_id", "reporter_hash", "dedupe_key"]].isna().all().all()


# --- replacing ---------------------------------------------------------------------------------


def non_demo_reports(engine: Engine, demo_cases: DemoCases) -> None:
    case_id = demo_cases.by_name["active"]
    frame = pd.DataFrame(
        {
            "case_id": [case_id, case_id],
            "target_id": [None, None],
            "channel": ["letter", "call"],
            "count": [1, 12],
            "action_date": [TODAY, TODAY - timedelta(days=1)],
            "reported_at": [NOW, NOW],
            "source": ["form", "form"],
        }
    )
    with transaction(engine) as session:
        insert_reports(session, frame, batch=ReportBatch(source=ReportSource.form, actor="x"))


def test_rerunning_replaces_the_demo_and_keeps_other_reports(
    engine: Engine, demo_cases: DemoCases
) -> None:
    non_demo_reports(engine, demo_cases)
    others = checksum(demo_reports(engine, source=ReportSource.form))
    generate(engine, reports=3_000, seed=1)
    generate(engine, reports=3_000, seed=2)
    assert len(demo_reports(engine)) == 3_000
    assert checksum(demo_reports(engine, source=ReportSource.form)) == others
    with transaction(engine) as session:
        sources = session.scalars(select(ReportBatch.source).order_by(ReportBatch.id)).all()
        total = session.scalar(select(func.count()).select_from(ActionReport))
    assert sources == [ReportSource.form, ReportSource.demo]
    assert total == 3_002
    assert_rollup_exact(engine)


def test_zero_reports_removes_the_demo(engine: Engine, demo_cases: DemoCases) -> None:
    generate(engine, reports=1_000)
    assert generate(engine, reports=0).reports == 0
    assert demo_reports(engine).empty
    assert_rollup_exact(engine)


def test_without_eligible_cases_it_refuses_and_keeps_the_old_demo(
    engine: Engine, demo_cases: DemoCases
) -> None:
    generate(engine, reports=1_000)
    before = checksum(demo_reports(engine))
    with transaction(engine) as session:
        for case in session.scalars(select(Case)):
            case.status = CaseStatus.draft
    with pytest.raises(ValueError, match="no case can get demo reports"):
        generate(engine, reports=10)
    assert checksum(demo_reports(engine)) == before


def test_a_failure_halfway_leaves_the_previous_demo(
    engine: Engine, demo_cases: DemoCases, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(engine, reports=2_000)
    before = checksum(demo_reports(engine))
    monkeypatch.setattr(uadash.reports.demo, "CHUNK_REPORTS", 500)

    def fail_at(limit: int) -> Callable[[int, int], None]:
        def progress(done: int, total: int) -> None:
            if done >= limit:
                raise RuntimeError("interrupted")

        return progress

    with pytest.raises(RuntimeError, match="interrupted"):
        generate(engine, reports=2_000, seed=99, progress=fail_at(1_000))
    assert checksum(demo_reports(engine)) == before
    assert_rollup_exact(engine)
