"""Hostile and careless input (issue 13): each failure the attack run found, through the command
line on both backends. Every refusal is one line naming the row, record or field, exits 1 and
writes nothing; nothing ends in a traceback (exit 2)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.intake_support import (
    CHINA_CAMPAIGN,
    OSDI_SAMPLE,
    batch_count,
    prepare,
    report_count,
)
from uadash import cli

HEADER = "UA,Target,Channel,Count,Date,Note,ID\n"


@pytest.fixture
def loaded(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


def uadash(engine: Engine, *argv: str) -> int:
    return cli.main(["--database-url", engine.url.render_as_string(hide_password=False), *argv])


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def refused(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "unexpected" not in captured.err
    return captured.out + captured.err


# --- CSV -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0000-01-01", "0000-01-01T10:00", "0001-01-01", "9999-12-31"])
def test_a_year_zero_date_is_refused_with_its_row(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    path = write(tmp_path, "r.csv", HEADER + f"44.22,Zhang Rui,email,1,{value},,\n")
    assert uadash(loaded, "import-actions", str(path)) == 1
    out = refused(capsys)
    assert f"row 2, column Date: {value!r} is " in out
    assert report_count(loaded) == 0


@pytest.mark.parametrize(
    ("cell", "column", "what"),
    [
        ("a\x00b", "Note", "a NUL byte (U+0000)"),
        ("x\x1b[31m", "Note", "a control character (U+001B)"),
        ("id\x00", "ID", "a NUL byte (U+0000)"),
        ("caf\x85", "ID", "a control character (U+0085)"),
    ],
)
def test_control_characters_are_refused_alike_on_both_backends(
    loaded: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cell: str,
    column: str,
    what: str,
) -> None:
    note, ident = (cell, "") if column == "Note" else ("", cell)
    row = f'44.22,Zhang Rui,email,1,2026-11-03,"{note}","{ident}"\n'
    path = write(tmp_path, "r.csv", HEADER + "44.22,,email,1,2026-11-02,fine,\n" + row)
    assert uadash(loaded, "import-actions", str(path)) == 1
    out = refused(capsys)
    assert f"row 3, column {column}: {cell!r} contains {what}" in out
    assert report_count(loaded) == 0


def test_an_over_long_note_is_refused(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "r.csv", HEADER + f"44.22,,email,1,2026-11-03,{'x' * 10_001},\n")
    assert uadash(loaded, "import-actions", str(path)) == 1
    assert "row 2, column Note: " in (out := refused(capsys))
    assert "is 10,001 characters long; at most 10,000 are allowed" in out


def test_a_line_beyond_the_limit_is_refused_without_reading_it_whole(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "r.csv", HEADER + "44.22,,email,1,2026-11-03," + "x" * (3 << 20))
    assert uadash(loaded, "import-actions", str(path)) == 1
    assert "line 2 is longer than 1,048,576 characters" in refused(capsys)
    header_only = write(tmp_path, "h.csv", "x" * (3 << 20))
    assert uadash(loaded, "import-actions", str(header_only)) == 1
    assert "line 1 is longer than 1,048,576 characters" in refused(capsys)


@pytest.mark.parametrize("value", ["1/0/2026", "0/5/2026", "13/13/2026", "32/1/2026"])
def test_a_month_or_day_that_does_not_exist_is_not_called_ambiguous(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    path = write(tmp_path, "r.csv", HEADER + f"44.22,,email,1,{value},,\n")
    assert uadash(loaded, "import-actions", str(path)) == 1
    out = refused(capsys)
    assert f"row 2, column Date: {value!r} is not a date that exists" in out
    assert "could be day/month" not in out


def test_a_file_mixing_utf8_and_windows_1252_is_refused_naming_the_lines(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (
        HEADER.encode()
        + "44.22,,email,1,2026-11-03,café,\n".encode()
        + b"44.22,,email,1,2026-11-04,,\n"
        + "44.22,,email,1,2026-11-05,naïve,\n".encode("cp1252")
    )
    path = write(tmp_path, "mixed.csv", data)
    assert uadash(loaded, "import-actions", str(path)) == 1
    out = refused(capsys)
    assert "mixes encodings" in out and "line 2" in out and "line 4" in out
    assert report_count(loaded) == 0
    # Said which, it does what it is told.
    assert uadash(loaded, "import-actions", str(path), "--encoding", "cp1252") == 0
    assert report_count(loaded) == 3


def test_a_duplicated_header_gets_advice_that_works(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "r.csv", "UA,channel,Date,channel\n44.22,email,2026-11-03,letter\n")
    assert uadash(loaded, "import-actions", str(path)) == 1
    out = refused(capsys)
    assert "--map channel=ignore" not in out and "--map 'channel=ignore'" not in out
    assert "2 columns called 'channel' (columns 2 and 4)" in out and "rename" in out
    # Two different headers that both look like the channel: the advice given is taken.
    path = write(tmp_path, "s.csv", "UA,channel,Date,Type\n44.22,email,2026-11-03,letter\n")
    assert uadash(loaded, "import-actions", str(path)) == 1
    out = refused(capsys)
    assert "--map 'Type=ignore'" in out
    assert uadash(loaded, "import-actions", str(path), "--map", "Type=ignore") == 0


def test_the_command_line_lists_the_ignored_columns(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "r.csv", "UA,Channel,Date,Colour,Shoe size\n44.22,email,2026-11-03,,\n")
    assert uadash(loaded, "import-actions", str(path)) == 0
    assert "Ignored columns: 'Colour', 'Shoe size'." in (capsys.readouterr().out)


def test_identical_anonymous_rows_of_another_file_are_counted_and_can_be_imported(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "44.22,,email,1,2026-11-03,,\n" * 3
    first = write(tmp_path, "first.csv", HEADER + rows)
    second = write(tmp_path, "second.csv", HEADER + rows + "44.22,,letter,1,2026-11-03,,\n")
    assert uadash(loaded, "import-actions", str(first)) == 0
    capsys.readouterr()
    assert uadash(loaded, "import-actions", str(second)) == 0
    out = capsys.readouterr().out
    assert "3 rows with neither id nor reporter email were taken as repeats of identical" in out
    assert "--count-identical" in out
    assert report_count(loaded) == 4
    third = write(tmp_path, "third.csv", HEADER + rows)
    assert uadash(loaded, "import-actions", str(third), "--count-identical") == 0
    assert "Imported 3 reports" in capsys.readouterr().out
    assert report_count(loaded) == 7
    # The same file again adds nothing, even when counting identical rows.
    assert uadash(loaded, "import-actions", str(third), "--count-identical") == 0
    assert report_count(loaded) == 7


# --- files that are not files --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["import-actions", "import-osdi", "load-cases"])
def test_a_folder_a_device_or_an_empty_file_is_named_for_what_it_is(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    if command != "load-cases":  # a folder of case files is what load-cases reads
        assert uadash(loaded, command, str(folder)) == 1
        assert f"{folder}: is a folder" in refused(capsys)
    assert uadash(loaded, command, "/dev/zero") == 1
    assert "/dev/zero: is not a regular file" in refused(capsys)
    assert uadash(loaded, command, "/dev/null") == 1
    assert "/dev/null: is not a regular file" in refused(capsys)
    empty = write(tmp_path, "empty.yaml", b"")
    assert uadash(loaded, command, str(empty)) == 1
    assert f"{empty}: is empty" in refused(capsys)
    assert report_count(loaded) == 0 and batch_count(loaded) == 0


# --- OSDI ----------------------------------------------------------------------------------------


def osdi(tmp_path: Path, records: object) -> Path:
    return write(tmp_path, "o.json", json.dumps(records))


def record(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "identifiers": ["action_network:r1"],
        "type": "email",
        "action_date": "2026-11-03T09:00:00Z",
        "targets": [{"title": "Director", "given_name": "Rui", "family_name": "Zhang"}],
        "_links": {"osdi:advocacy_campaign": {"href": CHINA_CAMPAIGN}},
    }
    return base | fields


CAMPAIGN = ["--campaign", f"{CHINA_CAMPAIGN}=44.22"]


def test_deep_json_is_refused_without_recursion(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    assert uadash(loaded, "import-osdi", str(path), *CAMPAIGN) == 1
    assert "nested more than 32 levels deep" in refused(capsys)
    nested: object = "x"
    for _ in range(40):
        nested = {"a": nested}
    path = osdi(tmp_path, [record(message=nested)])
    assert uadash(loaded, "import-osdi", str(path), *CAMPAIGN) == 1
    assert "nested more than 32 levels deep" in refused(capsys)


def test_identifiers_that_are_not_a_list_are_refused_by_record_and_field(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = osdi(tmp_path, [record(), record(identifiers="x:1")])
    assert uadash(loaded, "import-osdi", str(path), *CAMPAIGN) == 1
    out = refused(capsys)
    assert "record 2, field identifiers: 'x:1' is not a list" in out
    assert report_count(loaded) == 0


def test_osdi_problems_are_named_by_record_identifier_and_field(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = osdi(
        tmp_path,
        [
            record(),
            record(identifiers=["action_network:bad"], type="pigeon"),
            record(identifiers=["action_network:nul"], action_date="2026-11-03\x00"),
        ],
    )
    assert uadash(loaded, "import-osdi", str(path), *CAMPAIGN) == 1
    out = refused(capsys)
    assert "record 2 (action_network:bad), field type: 'pigeon' is not a channel" in out
    assert "record 3 (action_network:nul), field action_date: " in out
    assert "row " not in out and "column " not in out


def test_an_embedded_that_is_not_an_object_is_refused(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found by the fuzz suite: `"_embedded": null` on one outreach was an AttributeError.
    path = osdi(tmp_path, record(_embedded=None))
    assert uadash(loaded, "import-osdi", str(path), *CAMPAIGN) == 1
    assert "_embedded is null, not an object" in refused(capsys)


def test_the_osdi_sample_still_imports(loaded: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert uadash(loaded, "import-osdi", str(OSDI_SAMPLE), *CAMPAIGN) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


# --- case files ----------------------------------------------------------------------------------

BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_yaml_alias_bomb_is_refused_before_it_is_expanded(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bomb.yaml", BOMB)
    started = time.monotonic()
    assert uadash(loaded, "load-cases", str(path)) == 1
    assert time.monotonic() - started < 30  # a sanity bound, not a timing assertion: it ends
    out = refused(capsys)
    assert f"{path}:1: YAML anchor: anchors (&name) and aliases (*name) are not allowed" in out


def test_one_anchor_is_refused_too(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "a.yaml", "ua_number: &n '99.26'\ntitle: *n\n")
    assert uadash(loaded, "load-cases", str(path)) == 1
    assert "anchors (&name) and aliases (*name) are not allowed" in refused(capsys)


@pytest.mark.parametrize(
    "text", ["[" * 100_000, "a:\n" + "".join(" " * i + "- \n" for i in range(1, 60))]
)
def test_deeply_nested_yaml_is_refused(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = write(tmp_path, "deep.yaml", text)
    assert uadash(loaded, "load-cases", str(path)) == 1
    assert "nested more than 16 levels deep" in refused(capsys)


def test_a_nul_escape_in_a_case_file_is_refused(
    loaded: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "n.yaml", 'ua_number: "99.26"\ntitle: "A\\0B"\n')
    assert uadash(loaded, "load-cases", str(path)) == 1
    assert f"{path}:2: title: contains a NUL byte (U+0000) at character 2" in refused(capsys)
