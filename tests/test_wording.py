"""How dates, ranges and lists are written: the forms reports and captions use."""

from __future__ import annotations

from datetime import date

import pytest

from uadash.wording import between, day_range, listing


@pytest.mark.parametrize(
    ("start", "end", "written"),
    [
        (date(2025, 3, 5), date(2025, 3, 5), "5 March 2025"),
        (date(2026, 11, 1), date(2026, 11, 24), "1–24 November 2026"),
        (date(2026, 10, 1), date(2026, 11, 24), "1 October – 24 November 2026"),
        (date(2025, 12, 15), date(2026, 1, 14), "15 December 2025 – 14 January 2026"),
    ],
)
def test_day_range(start: date, end: date, written: str) -> None:
    assert day_range(start, end) == written


@pytest.mark.parametrize(
    ("start", "end", "written"),
    [
        (date(2025, 3, 5), date(2025, 3, 5), "on 5 March 2025"),
        (date(2025, 3, 1), date(2025, 3, 31), "between 1 and 31 March 2025"),
        (date(2025, 1, 1), date(2025, 3, 31), "between 1 January and 31 March 2025"),
        (date(2024, 12, 15), date(2025, 1, 14), "between 15 December 2024 and 14 January 2025"),
    ],
)
def test_between(start: date, end: date, written: str) -> None:
    assert between(start, end) == written


def test_listing_joins_with_commas_and_a_final_and() -> None:
    assert listing([]) == ""
    assert listing(["A"]) == "A"
    assert listing(["A", "B"]) == "A and B"
    assert listing(["A", "B", "C"]) == "A, B and C"


def test_one_number_and_change_formatter() -> None:
    from uadash.wording import days_left_text, number, signed

    assert number(200000) == "200,000"
    assert number(None) == "—"
    assert signed(0) == "no change"  # not a green "+0"
    assert signed(1234, 12.4) == "+1,234 (+12%)"
    assert signed(-56, -3.0) == "-56 (-3%)"
    assert days_left_text(None) == "—" and days_left_text(-1024) == "-1,024"


def test_a_case_without_end_date_is_past_its_suggested_date_not_overdue() -> None:
    from uadash.wording import attention_word, suggested_only

    assert suggested_only("This action has no end date.")
    assert not suggested_only(None)
    assert attention_word("active", days_left=-623, suggested=True) == "Past the suggested date"
    assert attention_word("active", days_left=-1) == "Deadline passed"
    assert attention_word("active", days_left=3, suggested=True) == "Due soon"
    assert attention_word("closed", "released", days_left=-5) == "Closed — released"
    assert attention_word("paused", days_left=-5) == "Paused"
