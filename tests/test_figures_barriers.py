"""Figures of the chapter "barriers" on the tiny dataset, counted by hand (panel P1..P6, n = 6).

ease_society   T0: P1 4, P2 2, P3 5, P4 3, P5 -, P6 1    T1: P1 5, P2 2, P3 4, P4 4, P5 5, P6 2
ease_paid_work T0: P1 5, P2 4, P3 5, P4 4, P5 5, P6 2    T1: P1 5, P2 4, P3 5, P4 -, P5 5, P6 3
barriers T0: P1 medical (society) + language (work); P2 none (society) + home (work);
             P3 medical (society and work); P4 other (work)
         T1: P1 medical + transport (society); P2 home (work); P3 language (work); P5 none (both)
"""

from __future__ import annotations

import pandas as pd
import pytest
from tiny import load_tiny

from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import build_figure

INTERIM = Scope(waves=("T0", "T1"))
ANSWERS = ["1", "2", "3", "4", "5", "missing"]
BARRIERS = ["medical", "transport", "home", "language", "other", "none"]



@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


def per_wave(data: pd.DataFrame, key: str, wave: str, column: str = "count") -> list:
    return data.loc[data["wave"] == wave, column].tolist()


def test_ease_society_answers_with_missing(tiny):
    figure = build_figure("barriers.ease_society", tiny, INTERIM)
    assert list(figure.data.columns) == ["wave", "answer", "count", "percent", "n"]
    assert figure.data["answer"].tolist() == ANSWERS * 2
    assert per_wave(figure.data, "answer", "T0") == [1, 1, 1, 1, 1, 1]
    assert per_wave(figure.data, "answer", "T1") == [0, 2, 0, 2, 2, 0]
    assert per_wave(figure.data, "answer", "T0", "percent") == [16.7] * 6
    assert per_wave(figure.data, "answer", "T1", "percent") == [0.0, 33.3, 0.0, 33.3, 33.3, 0.0]
    assert figure.n == 6
    # difficult (4-5): T0 P1, P3 = 2 of the 5 who answered (statistics v3: one denominator per measure, the
    # answered, as in the subgroup comparisons); T1 P1, P3, P4, P5 = 4 of 6
    assert figure.text == [
        (
            "Het aantal deelnemers dat het moeilijk of heel moeilijk vindt om deel te nemen aan de "
            "maatschappij, van wie de vraag beantwoordde: op T0 2 van de 5 (40%) en op T1 4 van de 6 (67%)."
        ),
        # the change rests on the paired Wilcoxon test of P1..P4 and P6 (P5 did not answer at T0)
        (
            "Hoe moeilijk deelnemers het vinden om mee te doen in de maatschappij, veranderde tussen T0 en T1 "
            "niet duidelijk: gemiddeld 3,00 en 3,40 op een schaal van 1 (heel makkelijk) tot 5 (heel moeilijk) "
            "(Wilcoxon-toets, p = 0,625; gecorrigeerd voor het aantal toetsen p = 1,000; n=5)."
        ),
    ]
    assert "weet niet / geen antwoord 1 (17%)" in figure.alt_text


def test_ease_paid_work_answers(tiny):
    figure = build_figure("barriers.ease_paid_work", tiny, INTERIM)
    assert per_wave(figure.data, "answer", "T0") == [0, 1, 0, 2, 3, 0]
    assert per_wave(figure.data, "answer", "T1") == [0, 0, 1, 1, 3, 1]


def test_barriers_ticked_in_either_domain(tiny):
    figure = build_figure("barriers.by_wave", tiny, INTERIM)
    assert list(figure.data.columns) == ["wave", "barrier", "count", "percent", "n"]
    assert figure.data["barrier"].tolist() == BARRIERS * 2
    # P3's medical in both domains counts once; P2's none (society) and home (work) count both
    assert per_wave(figure.data, "barrier", "T0") == [2, 0, 1, 1, 1, 1]
    # P5's none in both domains counts once
    assert per_wave(figure.data, "barrier", "T1") == [1, 1, 1, 1, 0, 1]
    # statistics v3, one denominator per measure: the n of a wave is who answered the barrier questions
    # (a row in either domain): T0 P1..P4, T1 P1, P2, P3, P5; P6 (and P5 at T0, P4 at T1) left them empty
    assert per_wave(figure.data, "barrier", "T0", "percent") == [50.0, 0.0, 25.0, 25.0, 25.0, 25.0]
    assert per_wave(figure.data, "barrier", "T1", "percent") == [25.0, 25.0, 25.0, 25.0, 0.0, 25.0]
    assert figure.n == 6 and per_wave(figure.data, "barrier", "T0", "n") == [4] * 6
    assert per_wave(figure.data, "barrier", "T1", "n") == [4] * 6


def test_barriers_of_people_outside_the_panel_do_not_count(tmp_path):
    def p8_barrier(frames):
        extra = pd.DataFrame([("P8", "T0", "society", "transport", None)], columns=frames["barriers"].columns)
        frames["barriers"] = pd.concat([frames["barriers"], extra], ignore_index=True)

    figure = build_figure("barriers.by_wave", load_tiny(tmp_path, p8_barrier), INTERIM)
    assert per_wave(figure.data, "barrier", "T0")[1] == 0
