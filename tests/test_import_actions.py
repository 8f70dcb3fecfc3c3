"""CSV imports: what is read, what is refused (with row, column and reason, writing nothing),
encodings, and reports that are never counted twice. Every test runs on each backend."""

from __future__ import annotations

import hmac
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from tests.intake_support import (
    EDITOR,
    REPORTER_KEY,
    VIEWER,
    assert_exact,
    batch_count,
    csv_bytes_of,
    prepare,
    report_count,
    stored_reports,
    total_actions,
)
from uadash.access import PermissionDenied
from uadash.reports.csv_import import CsvOptions, import_csv, preview_csv
from uadash.reports.intake import (
    DateOrder,
    ImportResult,
    IntakeError,
    Occurrences,
    Unreadable,
    _reporter_hashes,
    anonymous_key,
    external_key,
    hash_reporter,
    report_frame,
    reporter_key_of,
)
from uadash.store.engine import transaction
from uadash.store.models import ReportBatch
from uadash.vocab import ReportSource

HEADER = "UA,Target,Channel,Count,Date"
GOOD_ROW = "UA 44/22,Director Zhang Rui,Phone,2,2026-11-03"


@pytest.fixture
def loaded(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


def run(engine: Engine, data: bytes, **options: object) -> ImportResult:
    return import_csv(engine, data, actor=EDITOR, options=CsvOptions(**options))  # type: ignore[arg-type]


# --- reading ---------------------------------------------------------------------------------


def test_a_form_export_imports_with_synonyms_loose_targets_and_defaults(loaded: Engine) -> None:
    data = csv_bytes_of(
        """
        UA,Target,Action type,Number,Date of action,Notes
        UA 44/22,Director Zhang Rui,Phone,2,2026-11-03,rang twice
        44.22,zhang jian,post,,2026-11-03,
        44/22,Ambassador Xie Fang,X,1,3 November 2026,
        UA 44/2022,RUI ZHANG,e-mail,1,03.11.2026,
        44.22-2,,Postal mail,5,2026-11-04,
        44.22,Xie,Twitter,1,Nov 4 2026,
        """
    )
    result = run(loaded, data)
    assert result.committed and result.ok, result.problems
    assert result.written == 6 and result.actions == 11
    reports = stored_reports(loaded)
    assert list(reports["target"].fillna("-")) == [
        "Zhang Rui",
        "Zhang Jian",
        "Xie Fang",
        "Zhang Rui",
        "-",
        "Xie Fang",
    ]
    assert list(reports["channel"]) == ["call", "letter", "tweet", "email", "letter", "tweet"]
    assert list(reports["count"]) == [2, 1, 1, 1, 5, 1]
    assert {str(d) for d in reports["action_date"]} == {"2026-11-03", "2026-11-04"}
    assert set(reports["ua_number"]) == {"44.22"} and set(reports["update_number"]) == {2}
    assert reports["note"].iloc[0] == "rang twice"
    assert set(reports["source"]) == {"form"}
    assert_exact(loaded)


def test_headers_are_matched_case_insensitively_and_the_caller_can_map_columns(
    loaded: Engine,
) -> None:
    data = csv_bytes_of(
        """
        urgent_action;HOW;Wie viele;Datum
        44.22;letter;3;2026-11-02
        """
    )
    with pytest.raises(IntakeError, match="no column holds action_date"):
        run(loaded, data)
    result = run(loaded, data, mapping={"Wie viele": "count", "Datum": "date"})
    assert result.committed and result.written == 1 and result.actions == 3
    assert result.delimiter == ";"


def test_update_column_and_update_in_the_reference_must_agree(loaded: Engine) -> None:
    ok = csv_bytes_of(
        """
        UA,Update,Channel,Date
        44.22,2,letter,2026-11-01
        """
    )
    assert run(loaded, ok).written == 1
    clash = csv_bytes_of(
        """
        UA,Update,Channel,Date
        44.22-1,2,letter,2026-11-01
        """
    )
    result = run(loaded, clash)
    assert [(p.row, p.column) for p in result.problems] == [(2, "Update")]
    assert "update column says 2" in result.problems[0].reason


def test_preview_shows_the_first_rows_as_they_will_be_read_and_writes_nothing(
    loaded: Engine,
) -> None:
    data = csv_bytes_of(f"{HEADER}\n{GOOD_ROW}\n44.22,Nobody,fax,1,2026-11-03")
    preview = preview_csv(loaded, data, options=CsvOptions())
    rows = preview.readings
    assert list(rows["row"]) == [2, 3]
    assert rows["case"].iloc[0] == "UA 44.22 (update 2)"
    assert rows["target"].iloc[0] == "Zhang Rui" and rows["channel"].iloc[0] == "call"
    assert rows["problem"].iloc[0] is None
    assert rows["problem"].iloc[1].startswith("Target: is not a target of UA 44.22")
    assert report_count(loaded) == 0 and batch_count(loaded) == 0


# --- refusing ----------------------------------------------------------------------------------

BAD_ROWS = [
    ("UA 99/99,,letter,1,2026-11-03", "UA", "is not a case on file"),
    ("44.22-7,,letter,1,2026-11-03", "UA", "has no update 7"),
    ("44.22,,carrier pigeon,1,2026-11-03", "Channel", "is not a channel"),
    ("44.22,,letter,0,2026-11-03", "Count", "is not a positive whole number"),
    ("44.22,,letter,-3,2026-11-03", "Count", "is not a positive whole number"),
    ("44.22,,letter,2.5,2026-11-03", "Count", "is not a positive whole number"),
    ("44.22,,letter,many,2026-11-03", "Count", "is not a positive whole number"),
    ("44.22,,letter,1,yesterday", "Date", "is not a date"),
    ("44.22,,letter,1,2026-02-30", "Date", "is not a date that exists"),
    ("44.22,,letter,1,2026-12-25", "Date", "is in the future"),
    ("44.22,,letter,1,03/11/2026", "Date", "could be day/month or month/day"),
    ("44.22,,letter,1,", "Date", "is missing"),
    (",,letter,1,2026-11-03", "UA", "is missing"),
    ("44.22,Minister Wang,letter,1,2026-11-03", "Target", "is not a target of UA 44.22"),
    ("44.22,Zhang,letter,1,2026-11-03", "Target", "could be Zhang Rui and Zhang Jian"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS, ids=[b[2] for b in BAD_ROWS])
def test_import_rejects_a_bad_row_with_row_column_and_reason_and_writes_nothing(
    loaded: Engine, row: str, column: str, reason: str
) -> None:
    data = csv_bytes_of(f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('Phone', 'email')}\n{row}")
    result = run(loaded, data)
    assert not result.committed and result.rejected == 1
    assert [(p.row, p.column) for p in result.problems] == [(4, column)], result.problems
    assert reason in result.problems[0].reason
    assert (
        result.problems[0].value
        == row.split(",")[["UA", "Target", "Channel", "Count", "Date"].index(column)]
    )
    assert "Nothing was imported" in result.summary()
    assert report_count(loaded) == 0 and batch_count(loaded) == 0 and total_actions(loaded) == 0


def test_every_bad_row_is_listed_not_only_the_first(loaded: Engine) -> None:
    data = csv_bytes_of(
        f"""
        {HEADER},Email,Source,Submission id
        44.22,,letter,1,2026-11-03,not-an-email,form,a
        {GOOD_ROW},,,b
        44.22,,fax,x,2026-13-01,,pigeon post,c
        44.22,,letter,1,2026-11-03,,,{"x" * 201}
        """
    )
    result = run(loaded, data)
    assert result.rejected == 3 and result.rows == 4
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "Email"),
        (4, "Count"),
        (4, "Date"),
        (4, "Source"),
        (5, "Submission id"),
    ]
    assert report_count(loaded) == 0


def test_a_row_with_more_cells_than_the_header_is_refused(loaded: Engine) -> None:
    data = csv_bytes_of(f"{HEADER}\n{GOOD_ROW}\n44.22,,letter,1,2026-11-03,surprise\n44.22,,fax")
    result = run(loaded, data)
    assert [(p.row, p.column) for p in result.problems] == [(3, "(whole row)"), (4, "Date")]
    assert "has 6 cells" in result.problems[0].reason


def test_partial_import_writes_the_good_rows_and_lists_the_bad(loaded: Engine) -> None:
    data = csv_bytes_of(
        f"{HEADER}\n{GOOD_ROW}\n44.22,,pigeon,1,2026-11-03\n44.22,,fax,1,2026-11-03"
    )
    result = run(loaded, data, all_or_nothing=False)
    assert result.committed and result.written == 2 and result.rejected == 1
    assert "Left out: 1 row of 3 rows has problems" in result.summary()
    assert sorted(stored_reports(loaded)["channel"]) == ["call", "fax"]
    assert_exact(loaded)


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_a_spreadsheet(
    loaded: Engine,
) -> None:
    data = f"{HEADER}\r\n{GOOD_ROW}\r\n,,,,\r\n\r\n44.22,,pigeon,1,2026-11-03\r\n".encode()
    result = run(loaded, data)
    assert [p.row for p in result.problems] == [5]
    assert result.blank == 2


def test_a_file_without_a_required_column_is_refused_before_reading(loaded: Engine) -> None:
    with pytest.raises(IntakeError, match="no column holds channel"):
        run(loaded, csv_bytes_of("UA,Date\n44.22,2026-11-03"))
    with pytest.raises(IntakeError, match="columns 'Date' and 'Day' both look like action_date"):
        run(loaded, csv_bytes_of("UA,Channel,Date,Day\n44.22,letter,2026-11-03,Monday"))
    with pytest.raises(IntakeError, match="does not have"):
        run(loaded, csv_bytes_of(f"{HEADER}\n{GOOD_ROW}"), mapping={"Kanal": "channel"})
    with pytest.raises(IntakeError, match="the file is empty"):
        run(loaded, b"")
    assert batch_count(loaded) == 0


def test_viewer_may_not_import(loaded: Engine) -> None:
    with pytest.raises(PermissionDenied, match="only an editor may import"):
        import_csv(loaded, csv_bytes_of(f"{HEADER}\n{GOOD_ROW}"), actor=VIEWER)
    assert report_count(loaded) == 0


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "order", "day"),
    [
        ("03/11/2026", DateOrder.day_first, "2026-11-03"),
        ("11/03/2026", DateOrder.month_first, "2026-11-03"),
        ("13/11/2026", DateOrder.auto, "2026-11-13"),
        ("11/13/2026", DateOrder.auto, "2026-11-13"),
        ("3/11/26", DateOrder.day_first, "2026-11-03"),
        ("2026-11-03T23:30:00Z", DateOrder.auto, "2026-11-03"),
        ("2026-11-03 23:30", DateOrder.auto, "2026-11-03"),
        ("2026-11-04T01:30:00+05:00", DateOrder.auto, "2026-11-03"),
        ("03/11/2026 4:30 PM", DateOrder.day_first, "2026-11-03"),
        ("Tuesday", DateOrder.auto, None),
    ],
)
def test_dates_are_read_unambiguously(
    loaded: Engine, written: str, order: DateOrder, day: str | None
) -> None:
    data = csv_bytes_of(f'UA,Channel,Date\n44.22,letter,"{written}"')
    result = run(loaded, data, date_order=order)
    if day is None:
        assert result.problems and result.problems[0].column == "Date"
    else:
        assert result.ok, result.problems
        assert str(stored_reports(loaded)["action_date"].iloc[0]) == day


def test_an_aware_time_becomes_a_day_in_the_organisations_time_zone(
    loaded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UADASH_TIMEZONE", "Asia/Tokyo")
    run(loaded, csv_bytes_of("UA,Channel,Date\n44.22,letter,2026-11-03T23:30:00Z"))
    assert str(stored_reports(loaded)["action_date"].iloc[0]) == "2026-11-04"


# --- encodings ---------------------------------------------------------------------------------


def test_a_windows_1252_export_with_accents_and_curly_quotes_imports(loaded: Engine) -> None:
    data = csv_bytes_of(
        """
        UA;Target;Channel;Count;Date;Note
        110.26;Daniela Cortés Ibarra;Letter;1;2026-11-02;“urgent”
        64.26;Kemal Arslan Yücel;E-mail;2;2026-11-02;café
        """,
        encoding="cp1252",
    )
    assert b"\xe9" in data  # é as one byte: not UTF-8
    result = run(loaded, data)
    assert result.committed and result.written == 2, result.problems
    assert result.encoding == "Windows-1252"
    reports = stored_reports(loaded)
    assert list(reports["target"]) == ["Daniela Cortés Ibarra", "Kemal Arslan Yücel"]
    assert list(reports["note"]) == ["“urgent”", "café"]


def test_a_latin_1_export_is_read_and_its_control_characters_refused(loaded: Engine) -> None:
    # 0x81 is undefined in Windows-1252, so only Latin-1 reads this file; it reads it as the
    # control character U+0081, which the text rule refuses (docs/limits.md).
    data = "UA,Target,Channel,Date,Note\n110.26,Daniela Cortés Ibarra,fax,2026-11-02,a\x81b\n"
    result = run(loaded, data.encode("latin-1"))
    assert result.encoding == "Latin-1" and not result.committed
    assert [str(p) for p in result.problems] == [
        "row 2, column Note: 'a\\x81b' contains a control character (U+0081) at character 2"
    ]


def test_a_utf8_file_with_a_byte_order_mark_imports(loaded: Engine) -> None:
    data = csv_bytes_of(
        """
        UA,Target,Channel,Date
        39.26,Nguyễn Văn Bình An,email,2026-11-02
        39.26,nguyen van binh an,email,2026-11-02
        39.26,Chief Procurator,letter,2026-11-02
        """,
        encoding="utf-8-sig",
    )
    assert data.startswith(b"\xef\xbb\xbf")
    result = run(loaded, data)
    assert result.committed and result.encoding == "UTF-8 with BOM", result.problems
    assert set(stored_reports(loaded)["target"]) == {"Nguyễn Văn Bình An"}


def test_a_utf16_file_imports(loaded: Engine) -> None:
    data = "UA\tChannel\tDate\r\n64.26\tcall\t2026-11-02\r\n".encode("utf-16")
    result = run(loaded, data)
    assert result.committed and result.encoding == "UTF-16" and result.delimiter == "\t"


# --- never counted twice ----------------------------------------------------------------------


def test_the_same_file_twice_adds_nothing_and_says_so(loaded: Engine) -> None:
    data = csv_bytes_of(
        f"""
        {HEADER},Email,Submission id
        {GOOD_ROW},,form-1
        44.22,,letter,1,2026-11-03,a@example.org,
        44.22,,letter,1,2026-11-03,,
        44.22,,letter,1,2026-11-03,,
        """
    )
    first = run(loaded, data, source=ReportSource.form)
    assert first.written == 4 and first.committed
    totals = total_actions(loaded)
    again = run(loaded, data, source=ReportSource.form)
    assert again.written == 0 and not again.committed
    assert again.already_imported == 4 and again.earlier_batches == {first.batch_id}
    assert again.summary().startswith("Nothing new: every report in this file was imported")
    assert f"#{first.batch_id}" in again.summary()
    assert report_count(loaded) == 4 and batch_count(loaded) == 1
    assert total_actions(loaded) == totals


def test_identical_rows_without_id_or_reporter_are_counted_and_a_longer_export_adds_only_new(
    loaded: Engine,
) -> None:
    same = "44.22,,letter,1,2026-11-03"
    first = run(loaded, csv_bytes_of(f"{HEADER}\n{same}\n{same}"))
    assert first.written == 2  # two supporters wrote a letter that day: both count
    longer = run(loaded, csv_bytes_of(f"{HEADER}\n{same}\n{same}\n{same}\n{GOOD_ROW}"))
    assert longer.written == 2 and longer.already_imported == 2
    assert report_count(loaded) == 4
    assert_exact(loaded)


def test_an_external_id_counts_once_per_source_case_target_and_channel(loaded: Engine) -> None:
    header = "UA,Target,Channel,Date,Submission ID"
    run(
        loaded,
        csv_bytes_of(
            f"""
            {header}
            44.22,Zhang Rui,email,2026-11-03,s-1
            44.22,Zhang Jian,email,2026-11-03,s-1
            """
        ),
    )
    # The same submission in another export (another day written, another note): no news.
    again = run(
        loaded,
        csv_bytes_of(
            f"""
            {header},Note
            44.22,Zhang Rui,email,2026-11-02,s-1,edited
            44.22,Zhang Jian,email,2026-11-03,s-1,
            44.22,Zhang Jian,email,2026-11-03,s-1,
            """
        ),
    )
    assert again.written == 0 and again.already_imported == 2 and again.repeated == 1
    assert report_count(loaded) == 2
    # The same id from another source is another report.
    other = run(
        loaded,
        csv_bytes_of(f"{header}\n44.22,Zhang Rui,email,2026-11-03,s-1"),
        source=ReportSource.file,
    )
    assert other.written == 1


def test_reporter_email_is_stored_only_as_a_keyed_hash_and_dedupes_a_day(
    loaded: Engine,
) -> None:
    data = csv_bytes_of(
        f"""
        {HEADER},E-mail address
        {GOOD_ROW}, Sophie@Example.org
        {GOOD_ROW},sophie@example.org
        44.22,Zhang Rui,Phone,1,2026-11-04,sophie@example.org
        """
    )
    result = run(loaded, data)
    assert result.written == 2 and result.repeated == 1
    reports = stored_reports(loaded)
    expected = hmac.digest(REPORTER_KEY.encode(), b"sophie@example.org", "sha256").hex()
    assert set(reports["reporter_hash"]) == {expected}
    for column in reports.columns:
        assert not reports[column].astype(str).str.contains("example.org", case=False).any()


def test_reporter_emails_without_a_key_are_refused_not_hashed_with_a_default(
    loaded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UADASH_REPORTER_KEY")
    data = csv_bytes_of(f"{HEADER},Email\n{GOOD_ROW},a@example.org")
    with pytest.raises(IntakeError, match="no reporter key is set"):
        run(loaded, data)
    assert run(loaded, data, mapping={"Email": "ignore"}).written == 1
    monkeypatch.setenv("UADASH_REPORTER_KEY", "short")
    with pytest.raises(IntakeError, match="at least 32"):
        run(loaded, data)


def test_the_dedupe_keys_of_a_chunk_are_those_of_the_key_functions() -> None:
    # report_frame writes the key texts out for speed; stored keys must never change, or a
    # file imported before would be imported again.
    day = pd.Timestamp("2026-11-03")
    good = pd.DataFrame(
        {
            "case_id": [3, 3, 4, 4],
            "target_id": pd.array([12, None, 7, None], dtype="Int64"),
            "channel": ["call", "email", "letter", "letter"],
            "count": pd.array([2, 1, 5, 5], dtype="Int64"),
            "action_date": pd.Series([day] * 4, dtype="datetime64[s]"),
            "reported_at": pd.DatetimeIndex([day] * 4).tz_localize("UTC"),
            "source": ["form", "form", "file", "file"],
            "external_id": [None, "sub-7", None, None],
            "reporter_hash": ["ab" * 32, None, None, None],
            "note": [None] * 4,
        }
    )
    for file_key in ("", "f" * 64):
        keys = report_frame(good, occurrences=Occurrences(), file_key=file_key)["dedupe_key"]
        assert keys.tolist() == [
            reporter_key_of("form", 3, 12, "call", "2026-11-03", "ab" * 32),
            external_key("form", 3, 0, "email", "sub-7"),
            anonymous_key("file", 4, 7, "letter", "2026-11-03", 5, 1, file_key),
            anonymous_key("file", 4, 0, "letter", "2026-11-03", 5, 1, file_key),
        ]


@pytest.mark.parametrize("key", [b"k" * 40, b"a longer key than one block of SHA-256 " * 3])
def test_reporter_hashes_of_a_chunk_are_those_of_hash_reporter(key: bytes) -> None:
    values = [
        " Sophie@Example.org",
        "mailto:a@b.org",
        "",
        "  ",
        "not an email",
        "Zoë@Exämple.org",
        "ＡＢ@example.org",
        "a@b.org",
    ]
    hashes, reasons = _reporter_hashes(values, key=key)
    for value, stored, reason in zip(values, hashes, reasons, strict=True):
        if not value.strip():
            assert stored is None and reason is None
            continue
        try:
            expected = hash_reporter(value, key=key)
        except Unreadable as error:
            assert stored is None and reason == str(error)
        else:
            assert stored == expected and reason is None


def test_a_large_chunk_written_in_key_order_imports_once_and_exactly(loaded: Engine) -> None:
    # Past KEY_ORDER_ROWS a chunk is written in dedupe-key order; every report still lands
    # once, with its own values, and the same file again adds nothing.
    rows = [
        f"44.22,{['Zhang Rui', 'Zhang Jian', ''][i % 3]},{['letter', 'email'][i % 2]},"
        f"{1 + i % 4},2026-11-{1 + i % 20:02d},id-{i},s{i % 700}@x.org"
        for i in range(3_000)
    ]
    data = csv_bytes_of("UA,Target,Channel,Count,Date,ID,Email\n" + "\n".join(rows))
    result = run(loaded, data)
    assert result.written == 3_000
    reports = stored_reports(loaded).sort_values("external_id")
    expected = sorted(f"id-{i}" for i in range(3_000))
    assert reports["external_id"].tolist() == expected
    counts = {f"id-{i}": 1 + i % 4 for i in range(3_000)}
    assert (reports["count"] == reports["external_id"].map(counts)).all()
    assert_exact(loaded)
    again = run(loaded, data)
    assert again.written == 0 and again.already_imported == 3_000
    assert report_count(loaded) == 3_000


# --- chunks and progress ------------------------------------------------------------------------


def test_a_file_read_in_small_chunks_gives_the_same_reports_and_reports_progress(
    loaded: Engine,
) -> None:
    rows = [
        f"44.22,{['Zhang Rui', 'Zhang Jian', 'Xie Fang', ''][i % 4]},"
        f"{['letter', 'email', 'call'][i % 3]},{1 + i % 5},2026-11-{1 + i % 20:02d},"
        + (f"id-{i}" if i % 2 else "")
        for i in range(2_000)
    ]
    data = csv_bytes_of("UA,Target,Channel,Count,Date,ID\n" + "\n".join(rows + rows[:100]))
    seen: list[tuple[float, int]] = []
    result = import_csv(
        loaded,
        data,
        actor=EDITOR,
        options=CsvOptions(chunk_rows=150),
        progress=lambda fraction, read: seen.append((fraction, read)),
    )
    # The repeated 100 rows: those with an id repeat a row; the others are counted again.
    assert result.written == 2_050 and result.repeated == 50
    assert len(seen) >= 14 and seen[-1] == (1.0, 2_100)
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    assert [n for _, n in seen] == sorted(n for _, n in seen)
    assert_exact(loaded)
    with transaction(loaded) as session:
        batch = session.scalars(select(ReportBatch)).one()
        assert (
            batch.reports == 2_050
            and batch.actor == "ed@example.org"
            and batch.source == ReportSource.form
        )


def test_memory_does_not_grow_with_the_file(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    prepare(sqlite_engine, monkeypatch, tmp_path)

    def peak(rows: int) -> int:
        path = tmp_path / f"{rows}.csv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write("UA,Target,Channel,Count,Date,ID,Email\n")
            for i in range(rows):
                target = ["Zhang Rui", "Zhang Jian", ""][i % 3]
                handle.write(
                    f"44.22,{target},letter,1,2026-11-{1 + i % 20:02d},{rows}-{i},s{i}@x.org\n"
                )
        tracemalloc.start()
        try:
            result = import_csv(
                sqlite_engine, path, actor=EDITOR, options=CsvOptions(chunk_rows=1_000)
            )
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert result.written == rows

    small, large = peak(3_000), peak(24_000)
    assert large < 1.5 * small, (small, large)  # eight times the rows, about the same memory


def test_a_given_encoding_is_used_and_a_wrong_one_is_refused(loaded: Engine) -> None:
    data = "UA,Target,Channel,Date\n110.26,Daniela Cortés Ibarra,fax,2026-11-02\n"
    with pytest.raises(IntakeError, match="cannot be read as utf-8"):
        run(loaded, data.encode("cp1252"), encoding="utf-8")
    with pytest.raises(IntakeError, match="is not an encoding"):
        run(loaded, data.encode("cp1252"), encoding="klingon")
    assert run(loaded, data.encode("cp1252"), encoding="cp1252").written == 1
