"""Figures of the chapter "instruments" on the tiny dataset, counted by hand.

Respondents at T1 = P1..P6 (n = 6). Use at T1: P1 power + taal_roc, P2 power,
P4 power. Nobody used coach or unused. Non-users P3 (health, other), P5
(health), P6 (not_suitable).
"""

from __future__ import annotations

import pandas as pd
import pytest
from tiny import load_tiny

from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import build_figure

INTERIM = Scope(waves=("T0", "T1"))



@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


def by_key(data: pd.DataFrame, key: str, column: str = "count") -> dict:
    return dict(zip(data[key], data[column]))


def test_use_per_instrument_with_unused_ones_and_any(tiny):
    figure = build_figure("instruments.use", tiny, INTERIM)
    assert list(figure.data.columns) == ["instrument", "count", "percent", "n"]
    assert list(figure.data["instrument"]) == ["power", "taal_roc", "coach", "unused", "any"]
    assert by_key(figure.data, "instrument") == {"power": 3, "taal_roc": 1, "coach": 0, "unused": 0, "any": 3}
    assert by_key(figure.data, "instrument", "percent") == {
        "power": 50.0,
        "taal_roc": 16.7,
        "coach": 0.0,
        "unused": 0.0,
        "any": 50.0,
    }
    assert figure.n == 6
    assert figure.title == "Gebruik van instrumenten op T1"
    assert figure.text[0] == "Op T1 gebruiken 3 van de 6 deelnemers (50%) minstens één instrument."
    assert "Activeringscentrum Power (3) en Taaltraject ROC (1)" in figure.text[1]
    assert "Sollicitatietraining: 0" in figure.alt_text


def test_use_in_t0_scope_counts_t0(tiny):
    # nobody used an instrument at T0; respondents at T0 are all eight pilot participants
    figure = build_figure("instruments.use", tiny, Scope(waves=("T0",)))
    assert figure.n == 8
    assert set(figure.data["count"]) == {0}


def test_non_use_reasons_among_non_users(tiny):
    figure = build_figure("instruments.non_use_reasons", tiny, INTERIM)
    assert list(figure.data.columns) == ["reason", "count", "percent", "n"]
    assert list(figure.data["reason"]) == [
        "health",
        "not_suitable",
        "not_offered",
        "no_time",
        "has_income",
        "other",
    ]
    assert list(figure.data["count"]) == [2, 1, 0, 0, 0, 1]
    assert list(figure.data["percent"]) == [66.7, 33.3, 0.0, 0.0, 0.0, 33.3]
    assert figure.n == 3
    assert figure.text[1] == "De meest genoemde reden is 'vanwege gezondheid': 2 van de 3 (67%)."


def test_labels_in_english_fall_back_to_dutch(tmp_path):
    def no_english_label(frames):
        frames["instruments"].loc[frames["instruments"]["instrument"] == "coach", "label_en"] = None

    dataset = load_tiny(tmp_path, no_english_label)
    figure = build_figure("instruments.use", dataset, Scope(waves=("T0", "T1"), language="en"))
    assert "Taalcoach: 0" in figure.alt_text
    assert "Activation centre Power: 3" in figure.alt_text
    assert figure.table["Instrument"].tolist()[-1] == "at least one instrument"
