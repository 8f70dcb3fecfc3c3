"""Exports of reports and totals: nothing personal leaves, formula-looking cells are
neutralised, and the totals are the rollup's, by case, target, channel and period."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from tests.intake_support import (
    EDITOR,
    csv_bytes_of,
    prepare,
    stored_reports,
)
from uadash import cli
from uadash.queries import Bucket, Period
from uadash.reports.csv_import import import_csv
from uadash.reports.exports import ReportFilter, reports_csv, totals
from uadash.reports.intake import enter_report
from uadash.store.engine import transaction
from uadash.store.models import Case, Target
from uadash.vocab import CaseStatus, Channel

FILE = """
UA,Target,Channel,Count,Date,Submission ID,Email,Note
44.22,Zhang Rui,letter,3,2026-11-01,=HYPERLINK("http://x.example"),sophie@example.org,+1 rang back
44.22,Zhang Jian,email,1,2026-11-02,@SUM(A1),max@example.org,-2 letters lost
44.22,,tweet,2,2026-11-09,,,
64.26,Kemal Arslan Yücel,call,1,2026-11-09,c-1,,=1+1
"""


@pytest.fixture
def loaded(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    prepare(engine, monkeypatch, tmp_path)
    result = import_csv(engine, csv_bytes_of(FILE), actor=EDITOR)
    assert result.written == 4, result.problems
    return engine


def read(data: bytes) -> pd.DataFrame:
    assert data.startswith(b"\xef\xbb\xbf")
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_report_export_has_no_email_or_hash_and_no_live_formulas(loaded: Engine) -> None:
    data = reports_csv(loaded, notes=True)
    text = data.decode("utf-8-sig")
    stored = stored_reports(loaded)
    for secret in [
        "sophie@example.org",
        "max@example.org",
        *stored["reporter_hash"].dropna(),
        *stored["dedupe_key"].dropna(),
    ]:
        assert secret not in text
    frame = read(data)
    assert "reporter_hash" not in frame.columns and "dedupe_key" not in frame.columns
    assert list(frame["external_id"]) == [
        '\'=HYPERLINK("http://x.example")',
        "'@SUM(A1)",
        "",
        "c-1",
    ]
    assert list(frame["note"]) == ["'+1 rang back", "'-2 letters lost", "", "'=1+1"]
    for column in frame.columns:
        assert not frame[column].str.match(r"^[=+\-@\t\r]").any(), column
    assert list(frame["target"]) == [
        "Zhang Rui",
        "Zhang Jian",
        "No target given",
        "Kemal Arslan Yücel",
    ]
    assert list(frame["case"][:1]) == ["UA 44.22 (update 2)"]


def test_report_export_leaves_notes_out_unless_asked(loaded: Engine) -> None:
    frame = read(reports_csv(loaded))
    assert "note" not in frame.columns
    assert list(frame["count"]) == ["3", "1", "2", "1"]


def test_report_export_filters_by_case_period_and_import(loaded: Engine) -> None:
    china = int(stored_reports(loaded)["batch_id"].iloc[0])
    with transaction(loaded) as session:
        case_ids = [c.id for c in session.query(Case).filter(Case.ua_number == "64.26")]
    assert len(read(reports_csv(loaded, ReportFilter(case_ids=tuple(case_ids))))) == 1
    period = Period(date(2026, 11, 1), date(2026, 11, 2))
    assert len(read(reports_csv(loaded, ReportFilter(period=period)))) == 2
    assert len(read(reports_csv(loaded, ReportFilter(batch_id=china)))) == 4
    assert len(read(reports_csv(loaded, ReportFilter(batch_id=china + 1)))) == 0


def test_totals_by_case_target_channel_and_period_equal_the_reports(loaded: Engine) -> None:
    by_all = totals(loaded)
    assert by_all["actions"].sum() == 7 and by_all["reports"].sum() == 4
    assert list(by_all.columns) == ["case", "target", "channel", "actions", "reports"]
    by_case = totals(loaded, by=["case"])
    assert dict(zip(by_case["case"], by_case["actions"], strict=True)) == {
        "UA 44.22 (update 2)": 6,
        "UA 64.26": 1,
    }
    weekly = totals(loaded, by=["channel"], bucket=Bucket.week)
    assert weekly[["period_start", "channel", "actions"]].values.tolist() == [
        [date(2026, 10, 26), "letter", 3],
        [date(2026, 11, 2), "email", 1],
        [date(2026, 11, 9), "call", 1],
        [date(2026, 11, 9), "tweet", 2],
    ]
    window = totals(loaded, by=["case"], period=Period(date(2026, 11, 9), date(2026, 11, 30)))
    assert list(window.columns) == ["from", "to", "case", "actions", "reports"]
    assert window["actions"].tolist() == [2, 1]
    assert totals(loaded, by=[])["actions"].tolist() == [7]
    with pytest.raises(ValueError, match="cannot total by country"):
        totals(loaded, by=["country"])


def test_a_target_named_like_a_formula_is_neutralised_in_the_totals(loaded: Engine) -> None:
    with transaction(loaded) as session:
        case = Case(
            ua_number="1.26",
            title="A case with a hostile target name",
            country="Testland",
            status=CaseStatus.active,
            targets=[Target(position=0, name="=cmd|' /C calc'!A0")],
        )
        session.add(case)
        session.flush()
        ids = (case.id, case.targets[0].id)
    enter_report(
        loaded,
        actor=EDITOR,
        case_id=ids[0],
        target_id=ids[1],
        channel=Channel.fax,
        count=1,
        action_date=date(2026, 11, 20),
    )
    url = loaded.url.render_as_string(hide_password=False)
    out = Path("totals.csv")
    assert (
        cli.main(["--database-url", url, "export", "totals", "--case", "1.26", "-o", str(out)]) == 0
    )
    frame = read(out.read_bytes())
    assert frame["target"].tolist() == ["'=cmd|' /C calc'!A0"]


def test_the_command_line_writes_both_exports(
    loaded: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = loaded.url.render_as_string(hide_password=False)
    assert cli.main(["--database-url", url, "export", "reports", "-o", "reports.csv"]) == 0
    assert len(read(Path("reports.csv").read_bytes())) == 4
    assert "Wrote 4 reports to reports.csv" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "--database-url",
                url,
                "export",
                "totals",
                "--by",
                "channel",
                "--bucket",
                "month",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    frame = pd.read_csv(io.StringIO(out.lstrip("\ufeff")))
    assert frame["actions"].sum() == 7 and list(frame.columns) == [
        "period_start",
        "channel",
        "actions",
        "reports",
    ]
    assert cli.main(["--database-url", url, "export", "totals", "--case", "99.99"]) == 1
    assert "there is no case '99.99'" in capsys.readouterr().err
