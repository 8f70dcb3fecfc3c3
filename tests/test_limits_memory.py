"""Memory stays bounded at the size limits (docs/limits.md): a CSV file, an OSDI file and a case
file as large as allowed are read or refused within a stated peak, measured in a fresh Python
process (its peak resident memory, `VmHWM`, imports included)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASES_DIR, ROOT
from uadash import limits

MIB = 1 << 20
# Peaks asserted, imports of pandas and SQLAlchemy (about 100 MiB) included.
CSV_PEAK = 250 * MIB  # measured: 145 MiB
OSDI_PEAK = 500 * MIB  # measured: 302 MiB
CASE_FILE_PEAK = 250 * MIB  # measured: 160 MiB

MEASURE = """
import sys
from pathlib import Path
from uadash.reports.intake import IntakeError
from uadash.cases.files import CaseFileError
kind, path = sys.argv[1], Path(sys.argv[2])
outcome = "read"
try:
    if kind == "csv":
        from uadash.reports.csv_import import detect_encoding, open_binary, _open_csv
        with open_binary(path) as (handle, _), _open_csv(handle, None) as opened:
            for _ in opened.reader:
                pass
    elif kind == "osdi":
        from uadash.reports.osdi import read_outreaches
        outcome = f"read {len(read_outreaches(path))} records"
    else:
        from datetime import date
        from uadash.cases.files import read_case_file
        read_case_file(path, today=date(2026, 11, 24))
except (IntakeError, CaseFileError) as error:
    outcome = f"refused: {str(error).splitlines()[0][-120:]}"
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would hold the parent's peak (a long
# pytest run's) rather than this process's own.
with open("/proc/self/status") as status:
    peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(peak_kib * 1024)
print(outcome)
"""


def peak(kind: str, path: Path) -> tuple[int, str]:
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=600,
    )
    size, outcome = run.stdout.strip().splitlines()
    print(f"{kind} at {path.stat().st_size:,} bytes: peak {int(size) / MIB:.0f} MiB, {outcome}")
    return int(size), outcome


def test_a_csv_file_at_its_size_limit_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    # 2 GiB of one endless line (a sparse file: no disk is used): read a block at a time,
    # refused at the first line longer than the limit, never read whole.
    path = tmp_path / "endless.csv"
    with path.open("wb") as handle:
        handle.write(b"UA,Channel,Date")
        handle.truncate(limits.CSV.file_bytes)
    used, outcome = peak("csv", path)
    assert outcome.startswith("refused: line 1 is longer than 1,048,576 characters"), outcome
    assert used < CSV_PEAK, used / MIB
    path.write_bytes(b"")
    with path.open("wb") as handle:  # one byte over: refused before a byte is read
        handle.truncate((limits.CSV.file_bytes or 0) + 1)
    used, outcome = peak("csv", path)
    assert "a CSV import may be at most 2,048 MiB" in outcome
    assert used < CSV_PEAK


def test_an_osdi_file_at_its_size_limit_is_read_in_bounded_memory(tmp_path: Path) -> None:
    record = json.loads((ROOT / "tests" / "data" / "osdi_outreaches.json").read_text())[
        "_embedded"
    ]["osdi:outreaches"][0]
    one = json.dumps(record)
    limit = limits.OSDI.file_bytes or 0
    count = min((limit - 2) // (len(one) + 1), limits.OSDI.rows or 0)
    text = "[" + ",".join([one] * count) + "]"
    path = tmp_path / "outreaches.json"
    path.write_text(text + " " * (limit - len(text)))
    assert path.stat().st_size == limit
    used, outcome = peak("osdi", path)
    assert outcome == f"read {count} records", outcome
    assert used < OSDI_PEAK, used / MIB


@pytest.mark.parametrize("shape", ["comments", "long text"])
def test_a_case_file_at_its_size_limit_is_read_or_refused_in_bounded_memory(
    tmp_path: Path, shape: str
) -> None:
    case = (CASES_DIR / "ua-44.22-2-china.yaml").read_text(encoding="utf-8")
    limit = limits.CASE_FILE.file_bytes or 0
    if shape == "comments":
        filler = "# a comment line that pads the file to its limit\n"
        text = case + filler * ((limit - len(case.encode())) // len(filler))
    else:  # one value far beyond the longest text allowed
        text = case + "deadline_note: " + "x" * (limit - len(case.encode()) - 40) + "\n"
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    assert limit - 100 < path.stat().st_size <= limit
    used, outcome = peak("case", path)
    if shape == "comments":
        assert outcome == "read", outcome
    else:
        assert "characters long; at most 100,000 are allowed" in outcome, outcome
    assert used < CASE_FILE_PEAK, used / MIB
