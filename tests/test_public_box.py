"""Public box plots: no single person's value, and nothing that rests on fewer than k people (docs/disclosure.md).

The values are handed to the figure directly (``pilot`` replaced), so each
case is a handful of numbers whose percentiles are worked out by hand here
(linear interpolation: the value at sorted position (n − 1)·p).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from via_reports.analysis.scope import Scope
from via_reports.figures import participants
from via_reports.figures.public import public_figure
from via_reports.figures.public_box import public_box_statistics

#: 1..40 and one person with 45 years (n = 41): positions 40·p.
#: p10 at 4 → 5 (4 people below: 1–4), q1 at 10 → 11, median at 20 → 21, q3 at 30 → 31,
#: p90 at 36 → 37 (4 people above: 38, 39, 40, 45); mean (820 + 45) / 41 = 21.0976.
EXTREME = [*range(1, 41), 45]


def box_plot(monkeypatch, values, k=None, language="nl"):
    people = pd.DataFrame({"years_paid_work_nl": pd.Series(values, dtype="float64")})
    monkeypatch.setattr(participants, "pilot", lambda dataset: people)
    return participants.years_paid_work(None, Scope(waves=("T0", "T1"), language=language, min_cell=k))


def everything_shown(figure) -> str:
    """Every text of a figure a reader gets: CSV data, table, chart data, alt text, sentences, notes, caption."""
    return " | ".join([figure.data.to_csv(index=False), figure.display_table.to_csv(index=False),
                       json.dumps(figure.chart.to_dict()["datasets"]), figure.alt_text, *figure.text,
                       *figure.notes, figure.caption("3.6")])


def shown_statistics(figure) -> dict[str, float | None]:
    return {s: (None if pd.isna(v) else float(v)) for s, v in zip(figure.data["statistic"], figure.data["value"])}


def test_the_percentiles_by_hand_and_the_whiskers_need_k_people_beyond(monkeypatch):
    k4 = box_plot(monkeypatch, EXTREME, k=4)  # 4 people beyond each whisker: shown
    assert shown_statistics(k4) == pytest.approx(
        {"p10": 5.0, "q1": 11.0, "median": 21.0, "q3": 31.0, "p90": 37.0, "mean": 865 / 41})
    k5 = box_plot(monkeypatch, EXTREME, k=5)  # 4 < 5: both whiskers withheld, the box stays (41 >= 10)
    assert shown_statistics(k5) == pytest.approx(
        {"p10": None, "q1": 11.0, "median": 21.0, "q3": 31.0, "p90": None, "mean": 865 / 41})
    assert list(k5.data["suppressed"]) == [True, False, False, False, True, False]


def test_the_csv_names_the_percentiles_and_leaves_a_withheld_one_empty(monkeypatch, tmp_path):
    lines = box_plot(monkeypatch, EXTREME, k=5).write_csv(tmp_path).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "statistic,value,n,suppressed"
    assert lines[1] == "p10,,41,true" and lines[3] == "median,21.0,41,false" and lines[5] == "p90,,41,true"


def test_one_whisker_can_be_shown_without_the_other(monkeypatch):
    # 1..20 and ten people with 30 years (n = 30): p10 at 2.9 → 3.9 (3 below); p90 at 26.1 → 30 (nobody above)
    values = [*range(1, 21), *[30] * 10]
    stats = public_box_statistics(pd.Series(values, dtype="float64"), 3)
    assert stats["p10"] == pytest.approx(3.9) and stats["p90"] is None
    figure = box_plot(monkeypatch, values, k=3)
    rows = [row for rows in figure.chart.to_dict()["datasets"].values() for row in rows]
    assert {row.get("p90", "absent") for row in rows if "q1" in row} == {None}
    layers = figure.chart.to_dict()["layer"]
    assert sum(layer["mark"]["type"] == "rule" for layer in layers) == 1  # only the low whisker is drawn


@pytest.mark.parametrize("k", [2, 5, 10, 20, 21, 41])
def test_one_person_with_45_years_is_nowhere_in_the_public_figure(monkeypatch, k):
    figure = box_plot(monkeypatch, EXTREME, k=k)
    shown = everything_shown(figure)
    assert "45" not in shown.replace("×", ""), shown
    assert {"min", "max", "whisker_low", "whisker_high", "outlier"}.isdisjoint(figure.data["statistic"])
    # the same search finds it in the internal edition
    assert "45" in everything_shown(box_plot(monkeypatch, EXTREME))


def test_the_quartiles_and_the_mean_need_2k_people(monkeypatch):
    values = [3, 5, 8, 8, 9, 12, 13, 15, 20]  # n = 9
    assert set(shown_statistics(box_plot(monkeypatch, values, k=5)).values()) == {None}  # 9 < 10
    figure = box_plot(monkeypatch, values, k=5)
    assert figure.caption().endswith("(n=9; snorharen p10–p90)") and not figure.n_withheld
    assert "pas vanaf 10 personen" in figure.text[0]
    shown = shown_statistics(box_plot(monkeypatch, [*values, 21], k=5))  # n = 10: median at 4.5 → 10.5
    assert shown["median"] == pytest.approx(10.5) and shown["mean"] == pytest.approx(11.4)
    assert box_plot(monkeypatch, values[:4], k=5).caption().endswith("(n<5)")


def test_the_caption_csv_and_table_name_the_percentiles_in_english_too(monkeypatch):
    figure = box_plot(monkeypatch, EXTREME, k=4, language="en")
    assert figure.caption().endswith("(n=41; whiskers p10–p90)")
    assert list(figure.data["statistic"]) == ["p10", "q1", "median", "q3", "p90", "mean"]
    assert "10th percentile (p10)" in set(figure.display_table["Statistic"])
    assert "The median is 21 years" in figure.text[0] and any("p10" in note for note in figure.notes)


def test_the_internal_edition_is_unchanged(monkeypatch):
    figure = box_plot(monkeypatch, EXTREME)
    assert list(figure.data["statistic"]) == ["min", "q1", "median", "q3", "max", "mean", "whisker_low",
                                              "whisker_high"]  # 45 is within 31 + 1.5 × 20: no outlier
    assert figure.min_cell is None and "suppressed" not in figure.data


def test_an_internal_figure_made_public_afterwards_shows_no_whisker(monkeypatch):
    # public_figure of an internal box plot has no values to find the percentiles with: whiskers withheld
    shown = shown_statistics(public_figure(box_plot(monkeypatch, EXTREME), 4))
    assert shown["p10"] is None and shown["p90"] is None and shown["median"] == 21.0
    assert 45.0 not in shown.values()
