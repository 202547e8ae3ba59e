"""Figures of the chapter "participants" on the tiny dataset (see tests/tiny.py), counted by hand.

Pilot = P1..P8 (n = 8, P7 left, P8 did not answer T1: both still count here).
Ages on 2020-12-31: P1 30, P2 35, P6 25 (<=39); P3 45, P5 41 (40-49); P4 55, P7 60, P8 50 (>=50).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tiny import load_tiny

from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import build_figure

INTERIM = Scope(waves=("T0", "T1"))
ENGLISH = Scope(waves=("T0", "T1"), language="en")



def counts(data: pd.DataFrame, *keys: str) -> dict:
    """{(key values...): count} of a tidy figure frame."""
    return {tuple(row[k] for k in keys): row["count"] for _, row in data.iterrows()}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


def more_countries(frames):
    """Six extra background countries with one person each: a tie at the top-5 cut."""
    extra = pd.DataFrame([("P3", "SO"), ("P5", "AF"), ("P7", "ER")], columns=["participant_id", "country"])
    frames["backgrounds"] = pd.concat([frames["backgrounds"], extra], ignore_index=True)


def outlier_years(frames):
    """P7 (prior paid work) gets 45 years: values 1, 4, 10, 20, 45 → 45 lies beyond q3 + 1.5 IQR."""
    people = frames["participants"]
    people.loc[people["participant_id"] == "P7", "years_paid_work_nl"] = 45


# --------------------------------------------------------------------------- origin


def test_origin_counts_born_background_and_union(tiny):
    figure = build_figure("participants.origin", tiny, INTERIM)
    got = counts(figure.data, "country", "measure")
    # TR: born P1, P4, P8; background P1, P2, P4, P8; union 4. MA, IQ, SY: one person each.
    assert got[("TR", "born")] == 3
    assert got[("TR", "background")] == 4
    assert got[("TR", "born_or_background")] == 4
    for country in ("IQ", "MA", "SY"):
        assert [got[(country, m)] for m in ("born", "background", "born_or_background")] == [1, 1, 1]
    assert got[("NL", "born")] == 2
    # top by union, ties by code; NL last
    assert list(dict.fromkeys(figure.data["country"])) == ["TR", "IQ", "MA", "SY", "NL"]
    assert figure.n == 8 and set(figure.data["n"]) == {8}
    assert (
        figure.data.loc[
            (figure.data["country"] == "TR") & (figure.data["measure"] == "born"), "percent"
        ].item()
        == 37.5
    )


def test_origin_top_five_ties_broken_by_country_code(tmp_path):
    dataset = load_tiny(tmp_path, more_countries)
    figure = build_figure("participants.origin", dataset, INTERIM)
    # union counts: TR 4; AF, ER, IQ, MA, SO, SY 1 each → AF, ER, IQ, MA make the cut; SO and SY do not
    assert list(dict.fromkeys(figure.data["country"])) == ["TR", "AF", "ER", "IQ", "MA", "NL"]
    assert len(figure.data) == 5 * 3 + 1
    assert any("landcode" in note for note in figure.notes)
    # MA: P3 born there (background MA, SO): born 1, background 1, union 1
    assert counts(figure.data, "country", "measure")[("AF", "born")] == 0
    assert counts(figure.data, "country", "measure")[("AF", "background")] == 1


# --------------------------------------------------------------------------- age_sex


def test_age_sex_every_cell_including_zero_and_other(tiny):
    figure = build_figure("participants.age_sex", tiny, INTERIM)
    assert list(figure.data.columns) == ["age_group", "sex", "count", "percent", "n"]
    assert len(figure.data) == 9
    assert counts(figure.data, "age_group", "sex") == {
        ("<=39", "female"): 2,
        ("<=39", "male"): 0,
        ("<=39", "other"): 1,
        ("40-49", "female"): 1,
        ("40-49", "male"): 1,
        ("40-49", "other"): 0,
        (">=50", "female"): 1,
        (">=50", "male"): 2,
        (">=50", "other"): 0,
    }
    percent = {(r.age_group, r.sex): r.percent for r in figure.data.itertuples()}
    assert percent[("<=39", "female")] == 25.0
    assert percent[("<=39", "other")] == 12.5
    assert figure.n == 8
    assert figure.title == "Deelnemers naar leeftijdsgroep en geslacht"
    assert figure.caption("3.2") == "Figuur 3.2. Deelnemers naar leeftijdsgroep en geslacht (n=8)"
    assert figure.alt_text.startswith("Staafdiagram. 39 jaar en jonger: 2 vrouwen, 0 mannen, 1 anders; ")
    # text: whole percents, half away from zero (1 of 8 = 12.5 → 13)
    assert "zijn er 4 vrouw (50%), 3 man (38%) en 1 anders (13%)" in figure.text[0]


def test_age_sex_in_english(tiny):
    figure = build_figure("participants.age_sex", tiny, ENGLISH)
    assert figure.title == "Participants by age group and sex"
    assert figure.alt_text.startswith("Bar chart. 39 and younger: 2 women, 0 men, 1 other; ")
    assert figure.caption("3.2") == "Figure 3.2. Participants by age group and sex (n=8)"


def test_age_sex_table_is_labelled_in_dutch(tiny):
    table = build_figure("participants.age_sex", tiny, INTERIM).table
    assert list(table.columns) == ["Leeftijdsgroep", "Geslacht", "Aantal", "Percentage", "n"]
    assert table.iloc[2].tolist() == ["39 jaar en jonger", "anders", 1, "12,5", 8]


# --------------------------------------------------------------------------- education


def test_education_in_code_order_with_zero_rows(tiny):
    figure = build_figure("participants.education", tiny, INTERIM)
    assert list(figure.data["education_nl"]) == [
        "none",
        "primary",
        "vmbo",
        "mbo1",
        "mbo2",
        "mbo3_4",
        "havo_vwo",
        "hbo_wo",
    ]
    assert list(figure.data["count"]) == [3, 1, 1, 1, 1, 0, 0, 1]
    assert list(figure.data["percent"]) == [37.5, 12.5, 12.5, 12.5, 12.5, 0.0, 0.0, 12.5]
    assert "3 van de 8 (38%)" in figure.text[0]
    # none, primary, vmbo, mbo1 = P1, P4, P5, P7, P3, P8
    assert "6 van de 8 deelnemers (75%)" in figure.text[1]


# --------------------------------------------------------------------------- no_nl_diploma_age


def test_no_nl_diploma_by_age_and_valued_diploma(tiny):
    figure = build_figure("participants.no_nl_diploma_age", tiny, INTERIM)
    # education none: P1 (<=39, not valued), P5 (40-49, not valued), P4 (>=50, valued)
    assert figure.n == 3
    assert counts(figure.data, "age_group", "foreign_diploma_valued") == {
        ("<=39", True): 0,
        ("<=39", False): 1,
        ("40-49", True): 0,
        ("40-49", False): 1,
        (">=50", True): 1,
        (">=50", False): 0,
    }
    assert figure.data["foreign_diploma_valued"].map(type).eq(bool).all()
    assert set(figure.data["percent"]) == {0.0, 33.3}
    assert "2 (67%)" in figure.text[0]
    # mean age 42 (30, 41, 55) against the other five: (35 + 45 + 25 + 60 + 50) / 5 = 43
    assert "gemiddeld 42 jaar oud, de andere deelnemers 43 jaar" in figure.text[1]


# --------------------------------------------------------------------------- born_nl_prior_work


def test_born_nl_by_prior_paid_work(tiny):
    figure = build_figure("participants.born_nl_prior_work", tiny, INTERIM)
    assert counts(figure.data, "born_nl", "prior_paid_work_nl") == {
        (True, True): 2,
        (True, False): 0,
        (False, True): 3,
        (False, False): 3,
    }
    assert list(figure.data["percent"]) == [25.0, 0.0, 37.5, 37.5]
    assert figure.n == 8
    assert "van de 2 deelnemers geboren in Nederland 2 (100%)" in figure.text[0]
    assert "van de 6 deelnemers niet in Nederland geboren 3 (50%)" in figure.text[0]


# --------------------------------------------------------------------------- box plots


def statistics(figure) -> dict:
    data = figure.data
    return {r.statistic: r.value for r in data[data["statistic"] != "outlier"].itertuples()}


def test_years_paid_work_box_statistics_without_outliers(tiny):
    figure = build_figure("participants.years_paid_work", tiny, INTERIM)
    # known for P2 4, P3 10, P4 20, P6 1 (P7 has prior work but no years): n = 4
    assert figure.n == 4 and set(figure.data["n"]) == {4}
    assert list(figure.data.columns) == ["statistic", "value", "count", "n"]
    # numpy linear quartiles of 1, 4, 10, 20: q1 = 1 + 0.75·3, median = 7, q3 = 10 + 0.25·10
    assert statistics(figure) == {
        "min": 1.0,
        "q1": 3.25,
        "median": 7.0,
        "q3": 12.5,
        "max": 20.0,
        "mean": 8.75,
        "whisker_low": 1.0,
        "whisker_high": 20.0,
    }
    assert "outlier" not in set(figure.data["statistic"])


def test_years_paid_work_tukey_outlier(tmp_path):
    dataset = load_tiny(tmp_path, outlier_years)
    figure = build_figure("participants.years_paid_work", dataset, INTERIM)
    # 1, 4, 10, 20, 45: q1 4, median 10, q3 20, IQR 16, upper fence 44 → 45 is an outlier
    assert figure.n == 5
    # min and max are the true extremes; the whiskers stop at the last value inside the fences
    assert statistics(figure) == {
        "min": 1.0,
        "q1": 4.0,
        "median": 10.0,
        "q3": 20.0,
        "max": 45.0,
        "mean": 16.0,
        "whisker_low": 1.0,
        "whisker_high": 20.0,
    }
    outliers = figure.data[figure.data["statistic"] == "outlier"]
    assert outliers["value"].tolist() == [45.0] and outliers["count"].tolist() == [1]
    assert figure.data.loc[figure.data["statistic"] != "outlier", "count"].isna().all()
    assert "Bij 1 deelnemer wijkt het aantal jaren sterk af" in figure.text[1]


def test_years_since_work_statistics(tiny):
    figure = build_figure("participants.years_since_work", tiny, INTERIM)
    # P2 2, P3 5, P6 1
    got = statistics(figure)
    assert figure.n == 3
    assert (got["min"], got["q1"], got["median"], got["q3"], got["max"]) == (1.0, 1.5, 2.0, 3.5, 5.0)
    assert math.isclose(got["mean"], 8 / 3)
    assert "mediaan is 2 jaar" in figure.text[0]
