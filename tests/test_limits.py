"""The limits module: the one rule for text, sizes and nesting, as every input path uses them."""

from __future__ import annotations

from uadash import limits


def test_text_rule_allows_tabs_and_newlines_and_refuses_other_control_characters() -> None:
    assert limits.text_problem("Zhang Rui\twrote\r\nthree letters") is None
    assert limits.text_problem("café — 你好") is None
    assert limits.text_problem("a\x00b") == "contains a NUL byte (U+0000) at character 2"
    assert limits.text_problem("x\x1by") == "contains a control character (U+001B) at character 2"
    assert limits.text_problem("caf\x85") == "contains a control character (U+0085) at character 4"
    assert limits.text_problem("\ud800") == "contains a lone surrogate (U+D800) at character 1"


def test_text_rule_counts_characters_against_the_limit() -> None:
    assert limits.text_problem("x" * 10, max_chars=10) is None
    assert limits.text_problem("x" * 11, max_chars=10) == (
        "is 11 characters long; at most 10 are allowed"
    )


def test_column_problems_names_each_bad_value_by_position() -> None:
    assert list(limits.column_problems(["fine", "also fine"])) == []
    assert list(limits.column_problems(["fine", "b\x00d", "x" * 5], max_chars=4)) == [
        (1, "contains a NUL byte (U+0000) at character 2"),
        (2, "is 5 characters long; at most 4 are allowed"),
    ]


def test_sizes_and_nesting() -> None:
    assert limits.size_problem(0, limits.CSV) == "is empty"
    assert limits.size_problem(10, limits.CASE_FILE) is None
    assert limits.size_problem(2 * limits.MIB, limits.CASE_FILE) == (
        "is 2,097,152 bytes; a case file may be at most 256 KiB (split it into smaller files)"
    )
    deep: list[object] = []
    for _ in range(100_000):  # no recursion: this would overflow a recursive walk
        deep = [deep]
    assert limits.nesting_depth(deep, limit=32) == 33
    assert limits.nesting_depth({"a": [1, {"b": 2}]}, limit=32) == 3
    assert limits.nesting_depth("text", limit=32) == 0
