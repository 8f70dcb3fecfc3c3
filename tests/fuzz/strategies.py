"""Hypothesis strategies for hostile input: valid CSV files, OSDI documents and case files,
then mutated — bytes flipped, cut short, encodings mixed, values made huge or deeply nested."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from hypothesis import strategies as st

from tests.conftest import CASES_DIR
from tests.intake_support import CHINA_CAMPAIGN

CASES = ["44.22", "UA 44/22", "44.22-2", "UA 44/2022", "39.26", "110.26", "97.26", "64.26"]
TARGETS = ["", "Zhang Rui", "Director Zhang Rui", "zhang rui", "Xie Fang", "Zhang", "Nobody"]
CHANNELS = ["letter", "email", "Phone", "post", "X", "tweet", "fax", "call", "pigeon", ""]
DATES = [
    "2026-11-03",
    "2026-11-03T10:00",
    "2026-11-03T23:30:00+05:00",
    "03/11/2026",
    "13/11/2026",
    "3 November 2026",
    "03.11.2026",
    "1/0/2026",
    "0000-01-01",
    "9999-12-31",
    "2026-02-30",
    "",
]
HEADERS = ["UA", "Target", "Channel", "Count", "Date", "Note", "ID", "Email", "Reported at"]
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from('\x00\x1b\x85\r\n,;"'),
    max_size=30,
)
NASTY = st.sampled_from(
    [
        "x" * 10_001,
        "y" * 300,
        "\x00",
        "é" * 5000,
        '"',
        "=cmd|' /C calc'!A0",
        "\ud800"[:0] + "\u202e",
    ]
)


@st.composite
def csv_rows(draw: st.DrawFn) -> list[list[str]]:
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        rows.append(
            [
                draw(st.sampled_from(CASES) | TEXT),
                draw(st.sampled_from(TARGETS)),
                draw(st.sampled_from(CHANNELS)),
                draw(st.sampled_from(["", "1", "2", "0", "-1", "1.0", "99999999999"]) | TEXT),
                draw(st.sampled_from(DATES) | TEXT),
                draw(TEXT | NASTY),
                draw(st.sampled_from(["", "sub-1", "sub-2"]) | TEXT),
                draw(st.sampled_from(["", "a@example.org", "not an email"])),
                draw(st.sampled_from(["", "2026-11-03T10:00Z", "0000-01-01"])),
            ]
        )
    return rows


def _csv_text(headers: list[str], rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A form export, then perhaps damaged."""
    rows = draw(csv_rows())
    headers = list(HEADERS)
    if draw(st.booleans()):
        headers[draw(st.integers(0, len(headers) - 1))] = draw(st.sampled_from(HEADERS) | TEXT)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    text = _csv_text(headers, rows, delimiter)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # an encoding mix: one row from another program
        extra = _csv_text(headers, draw(csv_rows()), delimiter).split("\r\n", 1)[1]
        data += extra.encode(draw(st.sampled_from(["utf-8", "cp1252", "latin-1"])), "replace")
    return draw(mutated(data))


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """Valid bytes, damaged in zero or more of the ways files get damaged."""
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["flip", "truncate", "insert", "duplicate", "none"]))
        if not data or how == "none":
            continue
        at = draw(st.integers(0, len(data) - 1))
        if how == "flip":
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif how == "truncate":
            data = data[:at]
        elif how == "insert":
            piece = draw(st.binary(max_size=8) | st.sampled_from([b"\x00", b"\xc3", b'"', b"\n"]))
            data = data[:at] + piece + data[at:]
        else:
            data = data[:at] + data[at : at + 200] * draw(st.integers(2, 50)) + data[at:]
    return data


def _deep(levels: int, leaf: object = "x") -> object:
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def outreach(draw: st.DrawFn) -> dict[str, object]:
    record: dict[str, object] = {
        "identifiers": [f"action_network:{draw(st.integers(0, 50))}"],
        "type": draw(st.sampled_from(["email", "phone", "postal mail", "in-person", "tweet"])),
        "action_date": draw(st.sampled_from(DATES)),
        "created_date": draw(st.sampled_from(["2026-11-03T09:00:00Z", "", "later"])),
        "targets": [
            {"title": "Director", "given_name": "Rui", "family_name": "Zhang"},
        ][: draw(st.integers(0, 1))],
        "_links": {"osdi:advocacy_campaign": {"href": CHINA_CAMPAIGN}},
    }
    for _ in range(draw(st.integers(0, 2))):  # a field of the wrong kind
        name = draw(st.sampled_from([*record, "message", "_embedded"]))
        record[name] = draw(JSON_VALUES | st.sampled_from(["x:1", _deep(40), 1e308, "x" * 20_000]))
    return record


@st.composite
def osdi_files(draw: st.DrawFn) -> bytes:
    records = draw(st.lists(outreach(), min_size=1, max_size=6))
    shape = draw(st.sampled_from(["list", "hal", "one", "webhook"]))
    document: object
    if shape == "hal":
        document = {"_embedded": {"osdi:outreaches": records}}
    elif shape == "one":
        document = records[0]
    elif shape == "webhook":
        document = [{"osdi:outreach": record} for record in records]
    else:
        document = records
    if draw(st.integers(0, 9)) == 0:
        document = _deep(draw(st.integers(30, 100_000)), document)
    try:
        text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    except RecursionError:  # json.dumps itself recurses: write it out by hand
        text = "[" * 100_000 + "]" * 100_000
    return draw(mutated(text.encode("utf-8", "surrogatepass")))


CASE_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(Path(CASES_DIR).glob("*.yaml"))]
YAML_PIECES = [
    "&a ",
    "*a",
    "!!python/object:os.system ",
    '"\\0"',
    "[[[[[[[[[[[[[[[[[[[[",
    "{" * 50,
    "\n  - ",
    ": ",
    "\t",
    "x" * 100_001,  # one past the longest text a case file may hold
    "'",
    "ua_number: '44.22'\n",
    "status: closed\n",
    "deadline: 2025-02-30\n",
]


@st.composite
def case_files(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(CASE_TEXTS))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(YAML_PIECES) | TEXT) + text[at:]
    return draw(mutated(text.encode("utf-8", "surrogatepass")))
