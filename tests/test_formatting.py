"""Numbers as the reports print them: rounding half away from zero, Dutch number format."""

from __future__ import annotations

import math

import pytest

from via_reports.analysis.formatting import (
    format_number,
    format_rounded,
    join_words,
    p_value_text,
    percent_text,
    percent_value,
    round_half_away,
    whole_percent,
)


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (12.5, 0, 13),
        (13.5, 0, 14),
        (-2.5, 0, -3),
        (0.5, 0, 1),
        (1.5, 0, 2),
        (2.4999, 0, 2),
        (0.05, 1, 0.1),
        (0.15, 1, 0.2),
        (0.25, 1, 0.3),
        (0.35, 1, 0.4),
        (2.675, 2, 2.68),
        (6.65, 1, 6.7),
    ],
)
def test_round_half_away_from_zero_unlike_python_round(value, decimals, expected):
    assert round_half_away(value, decimals) == expected


def test_python_round_would_have_been_wrong():
    # the reason the helper exists
    assert round(12.5) == 12 and round_half_away(12.5) == 13
    assert round(0.125, 2) == 0.12 and round_half_away(0.125, 2) == 0.13


@pytest.mark.parametrize(
    "count, n, expected",
    [
        (1, 8, 12.5),
        (3, 8, 37.5),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 6, 16.7),
        (0, 5, 0.0),
        (5, 5, 100.0),
        (1, 2000, 0.1),  # 0.05 → 0.1 (half away from zero)
        (1, 4000, 0.0),  # 0.025 → 0.0
        (3, 2000, 0.2),  # 0.15 → 0.2
        (1, 16, 6.3),  # 6.25 → 6.3
    ],
)
def test_percent_value_one_decimal(count, n, expected):
    assert percent_value(count, n) == expected


def test_percent_of_zero_is_undefined():
    assert math.isnan(percent_value(0, 0))


@pytest.mark.parametrize(
    "count, n, expected", [(1, 8, 13), (3, 8, 38), (54, 124, 44), (1, 200, 1), (5, 8, 63)]
)
def test_whole_percent_for_text(count, n, expected):
    assert whole_percent(count, n) == expected


def test_percent_text_in_both_languages():
    assert percent_text(54, 124, "nl") == "54 van de 124 (44%)"
    assert percent_text(54, 124, "en") == "54 of 124 (44%)"
    assert percent_text(1, 8, "nl") == "1 van de 8 (13%)"
    assert percent_text(54, 124, "nl", "deelnemers") == "54 van de 124 deelnemers (44%)"
    assert percent_text(0, 0, "nl") == "0 van de 0"


def test_dutch_number_format():
    assert format_number(6.7, "nl") == "6,7"
    assert format_number(6.7, "en") == "6.7"
    assert format_number(1234.5, "nl", 1) == "1.234,5"
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(12.25, "nl", 1) == "12,3"
    assert format_number(3, "nl", 1) == "3,0"


def test_format_rounded_drops_trailing_zeros():
    assert format_rounded(3.0, "nl") == "3"
    assert format_rounded(6.5, "nl") == "6,5"
    assert format_rounded(10.25, "nl") == "10,3"
    assert format_rounded(8.15, "en") == "8.2"


def test_p_value_text():
    assert p_value_text(0.0312, "nl") == "p = 0,031"
    assert p_value_text(0.0312, "en") == "p = 0.031"
    assert p_value_text(0.0004, "nl") == "p < 0,001"
    assert p_value_text(0.5, "nl") == "p = 0,500"
    assert p_value_text(0.06, "nl") == "p = 0,060"  # trailing zeros stay: a fixed number of decimals
    assert p_value_text(1.0, "en") == "p = 1.000"
    assert p_value_text(float("nan"), "nl") == "p = –"


def test_p_value_number_for_tables():
    from via_reports.analysis.formatting import p_value_number

    assert p_value_number(0.06, "nl") == "0,060"
    assert p_value_number(0.0004, "nl") == "< 0,001"
    assert p_value_number(0.0004, "en") == "< 0.001"
    assert p_value_number(0.04951, "nl") == "0,0495"


def test_join_words():
    assert join_words(["a", "b", "c"], "nl") == "a, b en c"
    assert join_words(["a", "b"], "en") == "a and b"
    assert join_words(["a"], "nl") == "a"
    assert join_words([], "nl") == ""


def test_numpy_floats_are_formatted_like_python_floats():
    import numpy as np

    from via_reports.analysis.formatting import format_number, round_half_away

    assert round_half_away(np.float64(2.5)) == 3
    assert round_half_away(np.float64(-0.125), 2) == -0.13
    assert format_number(np.float64(0.125), "nl", 2) == format_number(0.125, "nl", 2)


@pytest.mark.parametrize("p, text", [(0.0495, "p = 0,0495"), (0.031, "p = 0,031"), (0.05, "p = 0,050"),
                                     (0.0004, "p < 0,001"), (0.12, "p = 0,120")])
def test_p_value_never_rounds_across_the_threshold(p, text):
    from via_reports.analysis.formatting import p_value_text

    assert p_value_text(p, "nl") == text
