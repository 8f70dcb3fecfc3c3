"""Totals stay exact: after imports, re-imports, undo and staff entries the daily rollup equals
the raw reports (`uadash check` passes), on SQLite and PostgreSQL, and a property test over
random batches keeps both the totals and the dedupe rules."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from tests.intake_support import (
    CHINA_CAMPAIGN,
    EDITOR,
    OSDI_SAMPLE,
    TODAY,
    VIETNAM_CAMPAIGN,
    VIEWER,
    assert_exact,
    batch_count,
    case_id,
    csv_bytes_of,
    prepare,
    report_count,
    stored_reports,
    target_id,
    total_actions,
)
from uadash import cli
from uadash.access import PermissionDenied
from uadash.reports.csv_import import CsvOptions, import_csv
from uadash.reports.intake import IntakeError, enter_report, import_history, undo_import
from uadash.reports.osdi import OsdiOptions, import_osdi
from uadash.vocab import Channel, ReportSource


@pytest.fixture
def loaded(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


def check(engine: Engine, *extra: str) -> int:
    url = engine.url.render_as_string(hide_password=False)
    return cli.main(["--database-url", url, "check", *extra])


FILE = """
UA,Target,Channel,Count,Date,ID
44.22,Zhang Rui,letter,3,2026-11-01,a
44.22,Zhang Jian,email,1,2026-11-01,b
44.22,,tweet,2,2026-11-02,
64.26,Kemal Arslan Yücel,call,1,2026-11-02,c
"""


def test_totals_equal_the_reports_after_imports_undo_and_staff_entries(
    loaded: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    first = import_csv(loaded, csv_bytes_of(FILE), actor=EDITOR)
    assert_exact(loaded)
    second = import_csv(
        loaded, csv_bytes_of(FILE.replace(",a\n", ",a2\n").replace("3,", "4,")), actor=EDITOR
    )
    # Only a2 is new: b and c were imported, and the anonymous tweet row is the first file's.
    assert second.written == 1 and second.already_imported == 3
    entry = enter_report(
        loaded,
        actor=EDITOR,
        case_id=case_id(loaded, "44.22"),
        target_id=target_id(loaded, "Xie Fang"),
        channel=Channel.call,
        count=2,
        action_date=date(2026, 11, 3),
        note="rang the office",
    )
    assert entry.batch_id is not None
    assert_exact(loaded)
    assert check(loaded) == 0
    before = total_actions(loaded)
    assert first.batch_id is not None
    assert undo_import(loaded, first.batch_id, actor=EDITOR) == 4
    assert_exact(loaded)
    assert total_actions(loaded) == before - (3 + 1 + 2 + 1)
    # Undone, the first file imports again in full.
    assert import_csv(loaded, csv_bytes_of(FILE), actor=EDITOR).written == 4
    undo_import(loaded, entry.batch_id, actor=EDITOR)
    assert_exact(loaded)
    assert check(loaded) == 0
    assert "Totals are exact" in capsys.readouterr().out


def test_check_reports_a_tampered_total_and_repair_rebuilds_it(
    loaded: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    import_csv(loaded, csv_bytes_of(FILE), actor=EDITOR)
    with loaded.begin() as connection:
        connection.execute(text("UPDATE action_daily SET actions = actions + 1"))
    assert check(loaded) == 1
    out = capsys.readouterr().out
    assert "Totals differ from the raw reports in 4 rollup rows" in out
    assert check(loaded, "--repair") == 1
    assert check(loaded) == 0
    assert_exact(loaded)


def test_staff_entry_is_checked_and_only_editors_may_enter_or_undo(loaded: Engine) -> None:
    china = case_id(loaded, "44.22")
    good = {
        "case_id": china,
        "target_id": None,
        "channel": Channel.letter,
        "count": 1,
        "action_date": TODAY,
    }
    with pytest.raises(PermissionDenied):
        enter_report(loaded, actor=VIEWER, **good)  # type: ignore[arg-type]
    with pytest.raises(IntakeError, match="is in the future"):
        enter_report(loaded, actor=EDITOR, **(good | {"action_date": TODAY + timedelta(days=2)}))  # type: ignore[arg-type]
    with pytest.raises(IntakeError, match="not a positive whole number"):
        enter_report(loaded, actor=EDITOR, **(good | {"count": 0}))  # type: ignore[arg-type]
    with pytest.raises(IntakeError, match=r"is not a target of UA 44\.22"):
        enter_report(
            loaded,
            actor=EDITOR,
            **(good | {"target_id": target_id(loaded, "Kemal Arslan Yücel")}),  # type: ignore[arg-type]
        )
    assert report_count(loaded) == 0 and batch_count(loaded) == 0
    entry = enter_report(loaded, actor=EDITOR, **(good | {"channel": "phone"}))  # type: ignore[arg-type]
    assert stored_reports(loaded)["channel"].tolist() == ["call"]
    history = import_history(loaded)
    assert history[["source", "actor", "reports"]].values.tolist() == [
        ["staff", "ed@example.org", 1]
    ]
    assert entry.batch_id is not None
    with pytest.raises(PermissionDenied):
        undo_import(loaded, entry.batch_id, actor=VIEWER)
    with pytest.raises(IntakeError, match="there is no import #999"):
        undo_import(loaded, 999, actor=EDITOR)
    assert report_count(loaded) == 1


def test_osdi_and_csv_imports_of_one_case_add_up_in_its_totals(loaded: Engine) -> None:
    import_osdi(
        loaded,
        OSDI_SAMPLE,
        actor=EDITOR,
        options=OsdiOptions(campaigns={CHINA_CAMPAIGN: "44.22-2", VIETNAM_CAMPAIGN: "39.26"}),
    )
    import_csv(loaded, csv_bytes_of(FILE), actor=EDITOR)
    assert report_count(loaded) == 7 + 4
    assert_exact(loaded)


# --- a property over random batches ------------------------------------------------------------

CASES = {
    "44.22": ["Zhang Rui", "Zhang Jian", "Xie Fang"],
    "39.26": ["Nguyễn Văn Bình An", "Phạm Thu Hà"],
    "64.26": ["Kemal Arslan Yücel", "Ayşe Kaya Tunç"],
}
UAS = list(CASES)


@dataclass(frozen=True)
class Row:
    case: int
    target: int  # past the case's targets: no target
    channel: str
    count: int
    day: int
    external_id: int | None
    reporter: int | None
    bad: bool

    def cells(self) -> str:
        ua = UAS[self.case]
        targets = CASES[ua]
        target = targets[self.target] if self.target < len(targets) else ""
        channel = "pigeon" if self.bad else self.channel
        day = (date(2026, 11, 1) + timedelta(days=self.day)).isoformat()
        external = "" if self.external_id is None else f"id-{self.external_id}"
        email = "" if self.reporter is None else f"r{self.reporter}@example.org"
        return f"{ua},{target},{channel},{self.count},{day},{external},{email}"

    def key(self, source: str, nth: int) -> tuple[object, ...]:
        """What the import dedupes on (see docs/import-formats.md)."""
        target = self.target if self.target < len(CASES[UAS[self.case]]) else None
        if self.external_id is not None:
            return ("id", source, self.case, target, self.channel, self.external_id)
        if self.reporter is not None:
            return ("reporter", source, self.case, target, self.channel, self.day, self.reporter)
        return ("same", source, self.case, target, self.channel, self.day, self.count, nth)


files = st.lists(
    st.builds(
        Row,
        case=st.integers(0, 2),
        target=st.integers(0, 3),
        channel=st.sampled_from(["letter", "email", "call"]),
        count=st.integers(1, 4),
        day=st.integers(0, 2),
        external_id=st.one_of(st.none(), st.integers(0, 4)),
        reporter=st.one_of(st.none(), st.integers(0, 3)),
        bad=st.integers(0, 9).map(lambda n: n == 0),  # one row in ten is refused
    ),
    min_size=1,
    max_size=12,
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("import"), files, st.sampled_from(["form", "file"]), st.booleans()),
        st.tuples(st.just("again"), st.integers(0, 5)),
        st.tuples(st.just("undo"), st.integers(0, 5)),
        st.tuples(st.just("enter"), st.integers(0, 2), st.integers(1, 9)),
    ),
    min_size=1,
    max_size=6,
)


class Model:
    """The reports the database should hold: per batch, the keys and counts it wrote."""

    def __init__(self) -> None:
        self.batches: dict[int, dict[tuple[object, ...] | int, int]] = {}
        self.files: list[tuple[list[Row], str, bool]] = []

    def live(self) -> set[tuple[object, ...] | int]:
        return {key for batch in self.batches.values() for key in batch}

    def expect_import(self, file: list[Row], source: str, strict: bool) -> dict[object, int]:
        if strict and any(row.bad for row in file):
            return {}
        live, written, seen = self.live(), {}, {}
        for row in file:
            if row.bad:
                continue
            content = (*row.key(source, 0)[:-1], row.count)
            seen[content] = seen.get(content, 0) + 1
            key = row.key(source, seen[content])
            if key not in live and key not in written:
                written[key] = row.count
        return written

    def total(self) -> int:
        return sum(count for batch in self.batches.values() for count in batch.values())


def _reset(engine: Engine) -> None:
    for batch_id in import_history(engine, limit=10_000)["id"]:
        undo_import(engine, int(batch_id), actor=EDITOR)


def _import(engine: Engine, file: list[Row], source: str, strict: bool) -> int | None:
    data = csv_bytes_of(
        "UA,Target,Channel,Count,Date,ID,Email\n" + "\n".join(r.cells() for r in file)
    )
    options = CsvOptions(source=ReportSource(source), all_or_nothing=strict)
    return import_csv(engine, data, actor=EDITOR, options=options).batch_id


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=operations)
def test_random_batches_keep_totals_exact_and_never_count_a_report_twice(
    loaded: Engine, operations: list[tuple[object, ...]]
) -> None:
    _reset(loaded)
    model = Model()
    entries = iter(range(10**6))
    for operation in operations:
        kind = operation[0]
        if kind == "import" or (kind == "again" and model.files):
            if kind == "import":
                file, source, strict = operation[1], operation[2], operation[3]
                model.files.append((file, source, strict))  # type: ignore[arg-type]
            else:
                file, source, strict = model.files[int(operation[1]) % len(model.files)]  # type: ignore[call-overload]
            expected = model.expect_import(file, source, strict)  # type: ignore[arg-type]
            batch_id = _import(loaded, file, source, strict)  # type: ignore[arg-type]
            assert (batch_id is not None) == bool(expected)
            if batch_id is not None:
                model.batches[batch_id] = expected  # type: ignore[assignment]
        elif kind == "undo" and model.batches:
            batch_id = sorted(model.batches)[int(operation[1]) % len(model.batches)]  # type: ignore[call-overload]
            undo_import(loaded, batch_id, actor=EDITOR)
            del model.batches[batch_id]
        elif kind == "enter":
            ua = UAS[int(operation[1])]  # type: ignore[call-overload]
            result = enter_report(
                loaded,
                actor=EDITOR,
                case_id=case_id(loaded, ua),
                target_id=None,
                channel=Channel.letter,
                count=int(operation[2]),  # type: ignore[call-overload]
                action_date=TODAY,
            )
            assert result.batch_id is not None
            model.batches[result.batch_id] = {next(entries): int(operation[2])}  # type: ignore[call-overload]
        assert_exact(loaded)
        assert total_actions(loaded) == model.total()
        assert report_count(loaded) == sum(len(b) for b in model.batches.values())


def test_two_imports_of_one_file_at_once_count_it_once(loaded: Engine) -> None:
    """The second import finds the reports new too, and is refused by the unique dedupe key
    when it writes them: it tells its user to run it again, and nothing is counted twice."""
    data = csv_bytes_of(
        "UA,Target,Channel,Date,ID\n"
        + "\n".join(f"44.22,Zhang Rui,email,2026-11-{1 + i % 20:02d},r-{i}" for i in range(400))
    )
    first_wrote = threading.Event()
    outcome: dict[str, object] = {}

    def slow(fraction: float, rows: int) -> None:
        if not first_wrote.is_set():
            first_wrote.set()
            time.sleep(1.5)  # holding its uncommitted reports while the second one writes

    def first() -> None:
        outcome["first"] = import_csv(
            loaded, data, actor=EDITOR, options=CsvOptions(chunk_rows=100), progress=slow
        )

    racer = threading.Thread(target=first)
    racer.start()
    assert first_wrote.wait(timeout=30)
    with pytest.raises(IntakeError, match="another import wrote some of the same reports"):
        import_csv(loaded, data, actor=EDITOR)
    racer.join(timeout=60)
    assert outcome["first"].written == 400  # type: ignore[attr-defined]
    assert report_count(loaded) == 400 and batch_count(loaded) == 1
    assert_exact(loaded)
    assert import_csv(loaded, data, actor=EDITOR).already_imported == 400
