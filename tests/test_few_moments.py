"""The few-values path of `parse_moments` / `local_days` (a live request's dates, read one by
one with `parse_moment`) gives exactly what the bulk path gives, and leaves every unreadable
value to the bulk path so that its messages do not change."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from uadash.reports import intake
from uadash.reports.intake import DateOrder, local_days, parse_moments

READABLE = [
    "2026-11-24",
    " 2026-11-24 ",
    "2026-11-24T10:30",
    "2026-11-24 10:30:15",
    "2026-11-24 10:30:15.5",
    "2026-11-24T23:59:59.123456",
    "2026-11-24T10:30:00Z",
    "2026-11-24T10:30:00+05:30",
    "2026-11-24 10:30-0800",
    "2026-03-29 02:30",  # skipped by daylight saving in Europe
    "2026-10-25 02:30",  # repeated by daylight saving in Europe
    "24.11.2026",
    "11/24/2026",
    "24/11/26 3:05 pm",
    "November 24, 2026",
    "2026/1/5",
]
UNREADABLE = ["", "tomorrow", "2026-02-30", "0000-01-01", "2026-11-24 25:00", "3/4/2026"]
ZONES = [UTC, ZoneInfo("Europe/London"), ZoneInfo("Asia/Kolkata"), timezone(timedelta(hours=-5))]


def _bulk(monkeypatch: pytest.MonkeyPatch, values: list[str], zone: object) -> tuple:
    with monkeypatch.context() as patch:
        patch.setattr(intake, "FEW_MOMENTS", -1)
        instants, reasons = parse_moments(values, order=DateOrder.auto, zone=zone)  # type: ignore[arg-type]
        return instants, reasons, local_days(instants, zone)  # type: ignore[arg-type]


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_few_readable_values_read_as_in_bulk(monkeypatch: pytest.MonkeyPatch, zone: object) -> None:
    for value in READABLE:
        few, few_reasons = parse_moments([value], order=DateOrder.auto, zone=zone)  # type: ignore[arg-type]
        bulk, bulk_reasons, bulk_days = _bulk(monkeypatch, [value], zone)
        assert few.tolist() == bulk.tolist(), value
        assert few_reasons.tolist() == bulk_reasons.tolist() == [None], value
        assert local_days(few, zone).tolist() == bulk_days.tolist(), value  # type: ignore[arg-type]
    many, _ = parse_moments(READABLE, order=DateOrder.auto, zone=zone)  # type: ignore[arg-type]
    assert many.tolist() == _bulk(monkeypatch, READABLE, zone)[0].tolist()


def test_an_unreadable_value_gets_the_bulk_paths_message(monkeypatch: pytest.MonkeyPatch) -> None:
    values = [*READABLE[:3], *UNREADABLE]
    instants, reasons = parse_moments(values, order=DateOrder.auto, zone=UTC)
    bulk, bulk_reasons, _ = _bulk(monkeypatch, values, UTC)
    assert reasons.tolist() == bulk_reasons.tolist()
    assert np.array_equal(np.isnat(instants), np.isnat(bulk))
    assert reasons[len(READABLE[:3])] == "is missing"
    # Year 0 is no Python date, but pandas reads it (read_cells then says it is too early):
    # the few-values path must not answer "is not a date that exists" for it.
    year_zero = 3 + UNREADABLE.index("0000-01-01")
    assert reasons[year_zero] is None
    assert all(
        reason for position, reason in enumerate(reasons) if position >= 3 and position != year_zero
    )


def test_not_a_time_reads_as_no_day() -> None:
    days = local_days(np.array(["NaT", "2026-11-24T23:30"], dtype="datetime64[us]"), ZONES[2])
    assert np.isnat(days[0]) and str(days[1]) == "2026-11-25"


def test_a_day_outside_pythons_years_reads_as_in_bulk() -> None:
    # 0000-01-01 is a numpy instant but no Python datetime (tolist() gives a bare number): the
    # few-values path must hand it to pandas, not crash (the import page showed an error id).
    instants = np.array(["0000-01-01T10:00", "2026-11-03T10:00", "NaT"], dtype="datetime64[us]")
    days = local_days(instants, UTC)
    assert days[0] == np.datetime64("0000-01-01", "D")
    assert days[1] == np.datetime64("2026-11-03", "D")
    assert np.isnat(days[2])
