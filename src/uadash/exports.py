"""CSV for people's spreadsheets: UTF-8 with a byte-order mark (so Excel reads accents right),
and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

from typing import Any

import pandas as pd

# A text cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice
# and Google Sheets: OWASP's "CSV injection" list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text value that a spreadsheet would evaluate gets a leading apostrophe; numbers,
    dates and empty cells pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are all neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(column)) for column in safe.columns]
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as formula-safe CSV, UTF-8 with BOM, no index."""
    return formula_safe(frame).to_csv(index=False).encode("utf-8-sig")


# Columns that only join tables inside uadash: their numbers mean nothing to a reader.
INTERNAL_COLUMNS = ("case_id", "target_key", "channel_order", "period_end")


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind a chart as a reader wants them in a spreadsheet: no internal ids,
    shares and other fractions rounded to 3 decimals (0.452, not 0.45234871093750004)."""
    shown = frame.drop(columns=[c for c in INTERNAL_COLUMNS if c in frame.columns])
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].round(3)
    return shown
