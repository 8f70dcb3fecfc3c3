"""Exported CSV: formula-looking text is neutralised, numbers are left alone."""

from __future__ import annotations

import io

import pandas as pd

from uadash.exports import csv_bytes, formula_safe


def test_formula_cells_are_neutralised_and_numbers_kept() -> None:
    frame = pd.DataFrame(
        {
            "note": ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "fine"],
            "count": [1, -2, 3, 4, 5, 6, 7],
        }
    )
    safe = formula_safe(frame)
    assert list(safe["note"]) == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "fine",
    ]
    assert list(safe["count"]) == [1, -2, 3, 4, 5, 6, 7]
    assert frame["note"].iloc[0].startswith("=")  # the original frame is not changed


def test_csv_has_a_bom_and_reads_back() -> None:
    data = csv_bytes(pd.DataFrame({"=name": ["Zhang Rui", "Ōsaka"], "n": [1, 2]}))
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == ["'=name", "n"]
    assert list(back["'=name"]) == ["Zhang Rui", "Ōsaka"]
