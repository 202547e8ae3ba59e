"""Figures of the chapter "satisfaction" on the tiny dataset, counted by hand.

Instrument users at T1: P1 (power 5, taal_roc 4; overall 5), P2 (power 4; overall 4),
P4 (power missing; overall 2). Nobody used coach or unused.
"""

from __future__ import annotations

import pytest
from tiny import load_tiny

from via_reports.analysis.scope import Scope
from via_reports.exceptions import ParameterError
from via_reports.chapters.registry import build_figure, chapter_figure_ids, chapter_figures

INTERIM = Scope(waves=("T0", "T1"))
SMALL_MIN_N = Scope(waves=("T0", "T1"), min_n=3)
ANSWERS = ["1", "2", "3", "4", "5", "missing"]



@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


def test_overall_satisfaction_of_users(tiny):
    figure = build_figure("satisfaction.overall", tiny, INTERIM)
    assert list(figure.data.columns) == ["answer", "count", "percent", "n"]
    assert figure.data["answer"].tolist() == ANSWERS
    assert figure.data["count"].tolist() == [0, 1, 0, 1, 1, 0]
    assert figure.data["percent"].tolist() == [0.0, 33.3, 0.0, 33.3, 33.3, 0.0]
    assert figure.n == 3
    assert figure.text[0] == (
        "Van de 3 gebruikers zijn er 2 (67%) een beetje of heel tevreden, van wie 1 (33%) heel tevreden."
    )
    assert figure.text[1] == "Van de gebruikers is er 1 (een beetje) ontevreden."
    assert any("Minder dan 10" in note for note in figure.notes)


def test_overall_missing_answer(tmp_path):
    def p4_no_answer(frames):
        responses = frames["responses"]
        responses.loc[
            (responses["participant_id"] == "P4") & (responses["wave"] == "T1"), "satisfaction_overall"
        ] = None

    figure = build_figure("satisfaction.overall", load_tiny(tmp_path, p4_no_answer), INTERIM)
    assert figure.data["count"].tolist() == [0, 0, 0, 1, 1, 1]


def test_per_instrument_figure_only_with_enough_users(tiny):
    # default min_n = 10: no instrument has enough users
    assert chapter_figure_ids("satisfaction", tiny, INTERIM) == ["satisfaction.overall"]
    # min_n = 3: power (3 users) yes, taal_roc (1 user) and the unused ones no
    assert chapter_figure_ids("satisfaction", tiny, SMALL_MIN_N) == [
        "satisfaction.overall",
        "satisfaction.power",
    ]
    figures = chapter_figures("satisfaction", tiny, SMALL_MIN_N)
    assert [f.id for f in figures] == ["satisfaction.overall", "satisfaction.power"]


def test_power_satisfaction_with_missing(tiny):
    figure = build_figure("satisfaction.power", tiny, SMALL_MIN_N)
    assert figure.data["answer"].tolist() == ANSWERS
    assert figure.data["count"].tolist() == [0, 0, 0, 1, 1, 1]
    assert figure.n == 3
    assert figure.title == "Tevredenheid over Activeringscentrum Power"
    assert figure.notes == []


def test_unused_instrument_built_on_request_is_empty(tiny):
    figure = build_figure("satisfaction.unused", tiny, INTERIM)
    assert figure.n == 0
    assert figure.data["count"].tolist() == [0] * 6


def test_unknown_figure_id(tiny):
    with pytest.raises(ParameterError):
        build_figure("satisfaction.nonexistent", tiny, INTERIM)
    with pytest.raises(ParameterError):
        build_figure("participants.shoe_size", tiny, INTERIM)
