"""The bad files of issue 13, as an upload gives them to the import page: each must get a
message and no traceback (tests/pages/test_import_hostile.py, tests/browser/)."""

from __future__ import annotations

import json

from tests.intake_support import CHINA_CAMPAIGN

HEADER = "UA,Target,Channel,Count,Date,Note\n"


def _record(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "identifiers": ["action_network:r1"],
        "type": "email",
        "action_date": "2026-11-03T09:00:00Z",
        "targets": [{"title": "Director", "given_name": "Rui", "family_name": "Zhang"}],
        "_links": {"osdi:advocacy_campaign": {"href": CHINA_CAMPAIGN}},
    }
    return base | fields


# name -> (file name, bytes, a piece of the message the page shows)
BAD_FILES: dict[str, tuple[str, bytes, str]] = {
    "year zero": (
        "year0.csv",
        (HEADER + "44.22,Zhang Rui,email,1,0000-01-01T10:00,\n").encode(),
        "is before 1973",
    ),
    "NUL in a note": (
        "nul.csv",
        (HEADER + "44.22,,email,1,2026-11-03,a\x00b\n").encode(),
        "contains a NUL byte",
    ),
    "month 0": ("month0.csv", (HEADER + "44.22,,email,1,1/0/2026,\n").encode(), "exists"),
    "mixed encodings": (
        "mixed.csv",
        HEADER.encode()
        + "44.22,,email,1,2026-11-03,café\n".encode()
        + "44.22,,email,1,2026-11-04,naïve\n".encode("cp1252"),
        "mixes encodings",
    ),
    "duplicated header": (
        "twice.csv",
        b"UA,channel,Date,channel\n44.22,email,2026-11-03,letter\n",
        "2 columns called 'channel'",
    ),
    "one endless line": ("line.csv", b"UA," + b"x" * (2 << 20), "longer than"),
    "empty file": ("empty.csv", b"", "is empty"),
    "deep JSON": ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested more than"),
    "identifiers not a list": (
        "ids.json",
        json.dumps([_record(identifiers="x:1")]).encode(),
        "is not a list",
    ),
    "not JSON": ("broken.json", b'{"_embedded": [', "not valid JSON"),
}
