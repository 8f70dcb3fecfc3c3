"""Demo action reports: a realistic, reproducible stream of reports for the cases in the database.

The same seed, `today`, `now` and cases always give the same rows. Reports are generated and
written in chunks, so ten million of them need no more memory than two hundred thousand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from uadash.reports.writer import delete_batch, insert_reports
from uadash.store.engine import transaction
from uadash.store.models import ActionReport, Case, ReportBatch, Target
from uadash.vocab import CaseStatus, Channel, Outcome, ReportSource, TargetRole

CHUNK_REPORTS = 200_000
# Shares of all reports.
CHANNEL_MIX = {
    Channel.letter: 0.35,
    Channel.email: 0.35,
    Channel.call: 0.12,
    Channel.tweet: 0.15,
    Channel.fax: 0.03,
}
# Categories in the same order as CHANNEL_MIX, so that a drawn index is its channel's code.
CHANNEL_DTYPE = pd.CategoricalDtype([channel.value for channel in CHANNEL_MIX])
DEMO_SOURCE = pd.CategoricalDtype([ReportSource.demo.value])
NO_TARGET_SHARE = 0.08  # reports that name no official
CC_SHARE = 0.10  # copies to the embassy, when the case has CC targets
PRIMARY_DECAY = 0.55  # each further primary target gets about this share of the one before
GROUP_SHARE = 0.05  # reports from a group (a class that wrote together) ...
GROUP_SIZE = (2, 30)  # ... of this many actions, inclusive
HALF_LIFE_DAYS = (7.0, 10.0)  # the burst after issue halves this fast (drawn per case)
LONG_TAIL = 0.03  # daily activity long after the burst, relative to the first day
WEEKEND_FACTOR = 0.6  # Saturdays and Sundays get this share of a weekday's reports
CASE_WEIGHT_SIGMA = 1.0  # log-normal spread of campaign sizes: some are much bigger
REPORT_DELAY = timedelta(hours=72)  # a report arrives up to this long after the action day
# Windows for cases that lack dates: issue assumed this long before the deadline, or today.
ASSUMED_RUN_BEFORE_DEADLINE = timedelta(days=60)
ASSUMED_RUN_WITHOUT_DATES = timedelta(days=90)
ACTIVE_AFTER_DEADLINE = timedelta(days=30)  # supporters keep writing after the deadline


class NoDemoCases(ValueError):
    """There is no case that demo reports could belong to."""


@dataclass(frozen=True)
class DemoResult:
    """What a demo run wrote, and how long it took (commit included)."""

    reports: int
    actions: int  # sum of the reports' counts
    cases: int  # cases that got at least one report
    seconds: float
    batch_id: int | None = None


@dataclass(frozen=True)
class CaseWindow:
    """A case's activity window (both days included) and its targets."""

    case_id: int
    first: date
    last: date
    primary: tuple[int, ...]
    cc: tuple[int, ...]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def activity_window(
    *, status: CaseStatus, issued: date | None, deadline: date | None, today: date
) -> tuple[date, date]:
    """First and last day on which supporters act on a case; empty when first > last."""
    if issued is not None:
        first = issued
    elif deadline is not None:
        first = deadline - ASSUMED_RUN_BEFORE_DEADLINE
    else:
        first = today - ASSUMED_RUN_WITHOUT_DATES
    if deadline is None:
        last = today
    elif status is CaseStatus.closed:
        last = min(today, deadline)
    else:
        last = min(today, deadline + ACTIVE_AFTER_DEADLINE)
    return first, last


def case_windows(session: Session, *, today: date) -> list[CaseWindow]:
    """Non-draft cases with a non-empty window, in id order (the order fixes the draws)."""
    cases = session.execute(
        select(Case.id, Case.status, Case.issued, Case.deadline)
        .where(Case.status != CaseStatus.draft)
        .order_by(Case.id)
    ).all()
    targets: dict[int, dict[TargetRole, list[int]]] = {}
    for target_id, case_id, role in session.execute(
        select(Target.id, Target.case_id, Target.role).order_by(
            Target.case_id, Target.position, Target.id
        )
    ):
        targets.setdefault(case_id, {}).setdefault(role, []).append(target_id)
    windows = []
    for case_id, status, issued, deadline in cases:
        first, last = activity_window(status=status, issued=issued, deadline=deadline, today=today)
        if first > last:
            continue
        roles = targets.get(case_id, {})
        windows.append(
            CaseWindow(
                case_id=case_id,
                first=first,
                last=last,
                primary=tuple(roles.get(TargetRole.primary, [])),
                cc=tuple(roles.get(TargetRole.cc, [])),
            )
        )
    return windows


@dataclass(frozen=True)
class DemoModel:
    """Everything the draws need, as arrays: one cell per (case, day), one row per case."""

    case_ids: np.ndarray  # (cases,) int64
    cell_case: np.ndarray  # (cells,) index into case_ids
    cell_day: np.ndarray  # (cells,) datetime64[D]
    cell_share: np.ndarray  # (cells,) float64, sums to 1
    target_ids: np.ndarray  # (cases, slots) int64; slot 0 and padding are 0 = no target
    target_cumulative: np.ndarray  # (cases, slots) float64, cumulative slot shares, ends at 1


def build_model(windows: list[CaseWindow], rng: np.random.Generator) -> DemoModel:
    """Draw each case's size, decay and target split, and lay out the (case, day) cells."""
    weights = rng.lognormal(mean=0.0, sigma=CASE_WEIGHT_SIGMA, size=len(windows))
    half_lives = rng.uniform(*HALF_LIFE_DAYS, size=len(windows))
    lengths = np.array([window.days for window in windows], dtype=np.int64)
    cell_case = np.repeat(np.arange(len(windows)), lengths)
    starts = np.array([window.first for window in windows], dtype="datetime64[D]")
    # Age of each cell in days since its case's first day.
    age = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    cell_day = starts[cell_case] + age.astype("timedelta64[D]")
    # Days since 1970-01-01 (a Thursday): Monday is 0, Saturday 5 and Sunday 6.
    weekday = (cell_day.astype(np.int64) + 3) % 7
    intensity = (
        weights[cell_case]
        * (np.exp2(-age / half_lives[cell_case]) + LONG_TAIL)
        * np.where(weekday >= 5, WEEKEND_FACTOR, 1.0)
    )
    target_ids, target_cumulative = _target_split(windows, rng)
    return DemoModel(
        case_ids=np.array([window.case_id for window in windows], dtype=np.int64),
        cell_case=cell_case,
        cell_day=cell_day,
        cell_share=intensity / intensity.sum(),
        target_ids=target_ids,
        target_cumulative=target_cumulative,
    )


def _target_split(
    windows: list[CaseWindow], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Per case: slot 0 is "no target", then primaries (unequal), then CC targets."""
    slots = 1 + max((len(w.primary) + len(w.cc) for w in windows), default=0)
    ids = np.zeros((len(windows), slots), dtype=np.int64)
    shares = np.zeros((len(windows), slots), dtype=np.float64)
    for row, window in enumerate(windows):
        named = 1.0 - NO_TARGET_SHARE
        cc_share = CC_SHARE if window.cc and window.primary else (named if window.cc else 0.0)
        primary = PRIMARY_DECAY ** np.arange(len(window.primary)) * rng.uniform(
            0.8, 1.2, size=len(window.primary)
        )
        if window.primary:
            primary *= (named - cc_share) / primary.sum()
        cc = np.full(len(window.cc), cc_share / len(window.cc)) if window.cc else np.zeros(0)
        row_ids = [0, *window.primary, *window.cc]
        ids[row, : len(row_ids)] = row_ids
        shares[row, : len(row_ids)] = [NO_TARGET_SHARE if row_ids[1:] else 1.0, *primary, *cc]
    cumulative = np.cumsum(shares, axis=1)
    # Exactly 1 at the end, so a uniform draw in [0, 1) always lands on a real slot.
    return ids, cumulative / cumulative[:, -1:]


def draw_reports(
    model: DemoModel, rng: np.random.Generator, *, reports: int, now: datetime
) -> pd.DataFrame:
    """`reports` reports drawn from the model, as a frame `insert_reports` accepts."""
    per_cell = rng.multinomial(reports, model.cell_share)
    # Rows come out grouped by case and day, which keeps the database's index inserts local.
    cells = np.repeat(np.arange(len(per_cell)), per_cell)
    case_index = model.cell_case[cells]
    slot = (rng.random(reports)[:, None] >= model.target_cumulative[case_index]).sum(axis=1)
    target_id = model.target_ids[case_index, slot]
    channel = rng.choice(len(CHANNEL_MIX), size=reports, p=list(CHANNEL_MIX.values()))
    group = rng.random(reports) < GROUP_SHARE
    count = np.where(group, rng.integers(GROUP_SIZE[0], GROUP_SIZE[1] + 1, size=reports), 1)
    day = model.cell_day[cells]
    reported_at = _report_times(day, rng, now=now)
    return pd.DataFrame(
        {
            "case_id": model.case_ids[case_index],
            "target_id": pd.arrays.IntegerArray(target_id, mask=target_id == 0),
            "channel": pd.Categorical.from_codes(channel, dtype=CHANNEL_DTYPE),
            "count": count,
            "action_date": day,
            "reported_at": pd.DatetimeIndex(reported_at).tz_localize(UTC),
            "source": pd.Categorical.from_codes(
                np.zeros(reports, dtype=np.int8), dtype=DEMO_SOURCE
            ),
        }
    )


def _report_times(day: np.ndarray, rng: np.random.Generator, *, now: datetime) -> np.ndarray:
    """A time within REPORT_DELAY of the start of each action day (UTC), and never after now.

    Recent days draw from the shorter span up to now, rather than being clipped to now, so
    that today's reports do not all pile up on one instant.
    """
    start = day.astype("datetime64[us]")
    now_us = np.datetime64(now.astimezone(UTC).replace(tzinfo=None), "us")
    longest = np.timedelta64(REPORT_DELAY // timedelta(microseconds=1), "us")
    span = np.clip(now_us - start, np.timedelta64(0, "us"), longest).astype(np.int64)
    delay = (rng.random(len(day)) * span).astype(np.int64).astype("timedelta64[us]")
    # The guard only bites when now is before the day began in UTC (a zone ahead of UTC).
    return np.minimum(start + delay, now_us)


def chunk_sizes(total: int, chunk: int = CHUNK_REPORTS) -> Iterator[int]:
    full, rest = divmod(total, chunk)
    yield from [chunk] * full
    if rest:
        yield rest


def generate_demo_reports(
    engine: Engine,
    *,
    reports: int,
    seed: int,
    today: date,
    actor: str = "demo",
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> DemoResult:
    """Replace all demo reports with `reports` new ones, in one transaction.

    One transaction overall, not one per chunk: the old demo is replaced atomically, so a
    failure halfway leaves the previous demo (and its rollup) as it was, and nobody ever sees
    half a demo. The price is that SQLite's write lock is held for the whole run.

    `now` (default: the current time) caps `reported_at`; pass it to make a run about the
    present exactly repeatable.
    """
    if reports < 0:
        raise ValueError(f"reports must be 0 or more, not {reports}")
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    with transaction(engine) as session:
        windows = case_windows(session, today=today)
        if reports and not windows:
            raise NoDemoCases(
                f"no case can get demo reports: every case is a draft or starts after {today}"
                " (load case files first: uadash load-cases data/cases)"
            )
        _delete_demo_batches(session)
        result = _write_demo(
            session,
            windows,
            reports=reports,
            seed=seed,
            now=now,
            actor=actor,
            note=f"seed {seed}, today {today}",
            progress=progress,
        )
    # Timed after the commit: on SQLite the commit and its checkpoint are real work.
    return replace(result, seconds=time.perf_counter() - started)


def _write_demo(
    session: Session,
    windows: list[CaseWindow],
    *,
    reports: int,
    seed: int,
    now: datetime,
    actor: str,
    note: str,
    progress: Callable[[int, int], None] | None,
) -> DemoResult:
    if not reports:
        return DemoResult(reports=0, actions=0, cases=0, seconds=0.0)
    # Independent streams named by position (model, then chunk i), so that chunk i draws
    # the same numbers whatever size the other chunks had.
    model = build_model(windows, _rng(seed, 0))
    batch = ReportBatch(source=ReportSource.demo, actor=actor, note=note)
    written = actions = 0
    reached = np.zeros(len(windows), dtype=bool)
    for index, size in enumerate(chunk_sizes(reports, CHUNK_REPORTS)):
        frame = draw_reports(model, _rng(seed, 1, index), reports=size, now=now)
        written += insert_reports(session, frame, batch=batch)
        actions += int(frame["count"].sum())
        reached[np.searchsorted(model.case_ids, frame["case_id"].unique())] = True
        if progress is not None:
            progress(written, reports)
    return DemoResult(
        reports=written,
        actions=actions,
        cases=int(reached.sum()),
        seconds=0.0,
        batch_id=batch.id,
    )


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=stream))


def _delete_demo_batches(session: Session) -> int:
    batch_ids = session.scalars(
        select(ReportBatch.id).where(ReportBatch.source == ReportSource.demo)
    ).all()
    return sum(delete_batch(session, batch_id) for batch_id in batch_ids)


# ---------------------------------------------------------------------------------------
# A section's worth of generated cases

# Generated cases are UAs 9001.24, 9002.24 …: far above the ~400 a section issues in a year,
# so they never take a real UA's number. They are marked as demo and by their source, and
# replacing or removing them never touches a case loaded from a file or made in the app.
GENERATED_SOURCE = "(generated: uadash demo-actions --cases)"
GENERATED_UA_FROM = 9001
GENERATED_COUNTRIES = (
    "Belarus", "Brazil", "China", "Colombia", "Egypt", "Eritrea", "Ethiopia", "Guatemala",
    "India", "Iran", "Mexico", "Myanmar", "Nicaragua", "Pakistan", "Philippines", "Russia",
    "Saudi Arabia", "Sri Lanka", "Türkiye", "Venezuela", "Viet Nam", "Zimbabwe",
)  # fmt: skip
GENERATED_TAGS = (
    "arbitrary detention", "death penalty", "enforced disappearance", "fair trial",
    "freedom of expression", "human rights defenders", "journalists", "LGBTI rights",
    "torture", "women's rights",
)  # fmt: skip
UPDATE_SHARE = 0.2  # cases that are an update of a UA issued 3–12 weeks before
CASE_RUN = timedelta(days=42)  # issue to deadline
NO_END_DATE_SHARE = 0.03


class GeneratedCasesInUse(ValueError):
    """Generated cases hold reports that are not demo reports, so they are not replaced."""


@dataclass(frozen=True)
class SectionResult:
    cases: int
    targets: int
    removed: int  # generated cases that were there before
    seconds: float


def generate_section_cases(
    engine: Engine, *, cases: int, years: float, seed: int, today: date
) -> SectionResult:
    """Replace the generated cases with `cases` new ones issued over the `years` before today.

    A section's shape: UAs issued evenly over the years (a fifth of them updates of a UA a few
    weeks older), each with 1–5 targets (primaries, often an embassy in CC), a deadline six
    weeks after issue; cases past their deadline mostly closed with an outcome, a few still
    active (overdue) or paused, a few recent drafts. Every demo report is deleted first (its
    cases may be among those replaced): run `generate_demo_reports` afterwards.
    One transaction.
    """
    if cases < 0 or years <= 0:
        raise ValueError(f"cases must be 0 or more and years above 0, not {cases}, {years}")
    started = time.perf_counter()
    rng = _rng(seed, 2)
    with transaction(engine) as session:
        _delete_demo_batches(session)
        removed = _delete_generated_cases(session)
        taken = {(u, n) for u, n in session.execute(select(Case.ua_number, Case.update_number))}
        made = _section_cases(cases, years=years, today=today, rng=rng, taken=taken)
        session.add_all(made)
        session.flush()  # ids, for each update to name the one it supersedes
        by_ref = {(case.ua_number, case.update_number): case for case in made}
        for case in made:
            earlier = by_ref.get((case.ua_number, case.update_number - 1))
            if case.update_number and earlier is not None:
                case.supersedes_id = earlier.id
        targets = sum(len(case.targets) for case in made)
    return SectionResult(
        cases=len(made), targets=targets, removed=removed, seconds=time.perf_counter() - started
    )


def _delete_generated_cases(session: Session) -> int:
    generated = select(Case.id).where(Case.source_file == GENERATED_SOURCE)
    in_use = session.scalar(
        select(ActionReport.id).where(ActionReport.case_id.in_(generated)).limit(1)
    )
    if in_use is not None:
        raise GeneratedCasesInUse(
            "the generated cases hold reports that are not demo reports (imported or entered):"
            " undo those imports first, or keep the generated cases"
        )
    ids = session.scalars(generated).all()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(Target).where(Target.case_id.in_(chunk)))
        session.execute(delete(Case).where(Case.id.in_(chunk)))
    return len(ids)


def _section_cases(
    count: int,
    *,
    years: float,
    today: date,
    rng: np.random.Generator,
    taken: set[tuple[str, int]],
) -> list[Case]:
    span = timedelta(days=round(365 * years))
    first = today - span
    made: list[Case] = []
    numbers: dict[int, int] = {}  # year -> the next UA number in it
    for index in range(count):
        issued = first + span * (index + rng.uniform(0, 0.9)) / max(count, 1)
        earlier = [
            c
            for c in made[-40:]
            if timedelta(days=21) <= issued - (c.issued or issued) <= timedelta(days=84)
            and c.update_number < 3
            and (c.ua_number, c.update_number + 1) not in taken
        ]
        if earlier and rng.random() < UPDATE_SHARE:
            parent = earlier[int(rng.integers(len(earlier)))]
            ua_number, update = parent.ua_number, parent.update_number + 1
            country, tags = parent.country, list(parent.tags)
        else:
            while True:
                numbers[issued.year] = numbers.get(issued.year, GENERATED_UA_FROM - 1) + 1
                ua_number, update = f"{numbers[issued.year]}.{issued.year % 100:02d}", 0
                if (ua_number, 0) not in taken:
                    break
            country = GENERATED_COUNTRIES[int(rng.integers(len(GENERATED_COUNTRIES)))]
            picks = rng.integers(len(GENERATED_TAGS), size=int(rng.integers(1, 3)))
            tags = sorted({GENERATED_TAGS[int(i)] for i in picks})
        taken.add((ua_number, update))
        made.append(_section_case(index, ua_number, update, issued, country, tags, today, rng))
    return made


def _section_case(
    index: int,
    ua_number: str,
    update: int,
    issued: date,
    country: str,
    tags: list[str],
    today: date,
    rng: np.random.Generator,
) -> Case:
    deadline = None if rng.random() < NO_END_DATE_SHARE else issued + CASE_RUN
    draw = rng.random()
    outcome = None
    if deadline is not None and deadline + ACTIVE_AFTER_DEADLINE < today:
        # Long past the deadline: mostly closed, a few still open.
        status = CaseStatus.active if draw < 0.04 else CaseStatus.paused if draw < 0.08 else None
        if status is None:
            status = CaseStatus.closed
            outcome = list(Outcome)[int(rng.integers(len(Outcome)))]
    elif (today - issued).days < 7 and draw < 0.3:
        status = CaseStatus.draft
    else:
        status = CaseStatus.paused if draw < 0.04 else CaseStatus.active
    targets_wanted = int(rng.integers(1, 6))
    cc = 1 if targets_wanted > 1 and rng.random() < 0.6 else 0
    targets = [
        Target(position=i, name=f"Official {i + 1}", title="Minister", role=TargetRole.primary)
        for i in range(targets_wanted - cc)
    ]
    if cc:
        targets.append(
            Target(position=len(targets), name=f"Embassy of {country}", role=TargetRole.cc)
        )
    person = f"Person {index + 1}"
    return Case(
        ua_number=ua_number,
        update_number=update,
        title=f"Generated case {index + 1}: {person} at risk in {country}",
        country=country,
        people_at_risk=[{"name": person}],
        tags=tags,
        status=status,
        outcome=outcome,
        issued=issued,
        deadline=deadline,
        deadline_note="This action has no end date." if deadline is None else None,
        summary=f"A generated case for demos and benchmarks ({GENERATED_SOURCE}).",
        is_demo=True,
        source_file=GENERATED_SOURCE,
        targets=targets,
    )
