"""Figures of the chapter "participation" on the tiny dataset, counted by hand.

Panel (T0 and T1) = P1..P6, n = 6: P7 left (moved) and P8 did not answer T1.

        T0: paid unpaid volunteer education   T1: paid unpaid volunteer education
P1          -    -      yes       -               -    -      -         -
P2          yes  -      -         -               yes  -      -         -
P3          -    -      -         -               -    -      yes       -
P4          -    -      yes       yes             -    -      yes       -
P5          -    -      -         -               -    -      -         -
P6          -    -      -         yes             -    -      -         yes
(P8, not in the panel, has unpaid work at T0.)
"""

from __future__ import annotations

import pandas as pd
import pytest
from tiny import load_tiny

from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import build_figure

INTERIM = Scope(waves=("T0", "T1"))
FINAL = Scope(waves=("T0", "T1", "T2"), kind="final")



@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


def by_key(data: pd.DataFrame, *keys: str, column: str = "count") -> dict:
    return {
        tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]: row[column]
        for _, row in data.iterrows()
    }


def test_by_wave_counts_per_type_and_any(tiny):
    figure = build_figure("participation.by_wave", tiny, INTERIM)
    assert figure.n == 6 and set(figure.data["n"]) == {6}
    assert list(figure.data.columns) == ["wave", "type", "count", "percent", "n"]
    assert list(figure.data["wave"]) == ["T0"] * 5 + ["T1"] * 5
    assert list(figure.data["type"][:5]) == ["paid_work", "unpaid_work", "volunteer_work", "education", "any"]
    got = by_key(figure.data, "wave", "type")
    assert [got[("T0", t)] for t in ("paid_work", "unpaid_work", "volunteer_work", "education", "any")] == [
        1,
        0,
        2,
        2,
        4,
    ]
    assert [got[("T1", t)] for t in ("paid_work", "unpaid_work", "volunteer_work", "education", "any")] == [
        1,
        0,
        2,
        1,
        4,
    ]
    percent = by_key(figure.data, "wave", "type", column="percent")
    assert percent[("T0", "any")] == 66.7
    assert percent[("T0", "paid_work")] == 16.7
    assert percent[("T1", "education")] == 16.7
    assert figure.text[0] == (
        "Bij T0 is er bij 4 van de 6 deelnemers (67%) sprake van participatie, bij T1 4 (67%)."
    )


def test_left_participant_is_in_pilot_but_not_in_panel(tiny):
    # P8's unpaid work at T0 does not count: P8 did not answer T1
    figure = build_figure("participation.by_wave", tiny, INTERIM)
    assert by_key(figure.data, "wave", "type")[("T0", "unpaid_work")] == 0
    assert build_figure("participants.age_sex", tiny, INTERIM).n == 8


def test_all_waves_needs_participation_at_every_wave(tiny):
    figure = build_figure("participation.all_waves", tiny, INTERIM)
    assert list(figure.data.columns) == ["type", "count", "percent", "n"]
    # any at both waves: P2, P4, P6 (P1 only T0, P3 only T1); volunteer at both: P4
    assert by_key(figure.data, "type") == {
        "paid_work": 1,
        "unpaid_work": 0,
        "volunteer_work": 1,
        "education": 1,
        "any": 3,
    }
    assert by_key(figure.data, "type", column="percent")["any"] == 50.0
    assert figure.text == [
        "Bij 3 van de 6 deelnemers (50%) is er op alle meetmomenten (T0 en T1) sprake van participatie."
    ]


def test_final_report_has_one_block_per_wave(tiny):
    figure = build_figure("participation.by_wave", tiny, FINAL)
    assert list(dict.fromkeys(figure.data["wave"])) == ["T0", "T1", "T2"]
    # T2: paid P2, P3; volunteer P1, P3, P4; education P5, P6; any P1..P6
    got = by_key(figure.data, "wave", "type")
    assert [got[("T2", t)] for t in ("paid_work", "unpaid_work", "volunteer_work", "education", "any")] == [
        2,
        0,
        3,
        2,
        6,
    ]
    everywhere = by_key(build_figure("participation.all_waves", tiny, FINAL).data, "type")
    # any at T0, T1 and T2: P2, P4, P6
    assert everywhere["any"] == 3


def test_english_text(tiny):
    figure = build_figure("participation.by_wave", tiny, Scope(waves=("T0", "T1"), language="en"))
    assert figure.title == "Number of participants taking part in work or education, per wave"
    assert figure.text[0] == "At T0, 4 of 6 participants (67%) take part in work or education, at T1 4 (67%)."
