"""Subgroup comparisons: counts by hand on the tiny dataset, p-values against scipy directly.

Panel (T0, T1) = P1..P6. Any participation at T1: P2, P3, P4, P6 (not P1, P5).
sex: P1, P2, P5 female; P3, P4 male; P6 other (left out of women vs men).
"""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import fisher_exact
from tiny import load_tiny

from via_reports.analysis.scope import Scope
from via_reports.analysis.subgroups import (
    OUTCOMES,
    SPLITS,
    Comparison,
    compare,
    comparisons_frame,
)
from via_reports.chapters.registry import chapter_comparisons
from via_reports.exceptions import ParameterError

INTERIM = Scope(waves=("T0", "T1"))



@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


def fisher(a_yes, a_n, b_yes, b_n) -> float:
    return fisher_exact([[a_yes, a_n - a_yes], [b_yes, b_n - b_yes]], alternative="two-sided").pvalue


def by_split(comparisons: list[Comparison]) -> dict[tuple[str, str], Comparison]:
    return {(c.outcome, c.split): c for c in comparisons}


def counts(c: Comparison) -> tuple[int, int, int, int]:
    return c.count_a, c.n_a, c.count_b, c.n_b


# --------------------------------------------------------------------------- compare() on hand-made series


def series(*values) -> pd.Series:
    return pd.Series(values, index=[f"x{i}" for i in range(len(values))])


def test_compare_two_clear_groups_says_relatively_more_often():
    # 20 women, 15 participate; 20 men, 4 participate
    outcome = series(*([True] * 15 + [False] * 5 + [True] * 4 + [False] * 16))
    women = series(*([True] * 20 + [False] * 20))
    c = compare(
        OUTCOMES["participation_any"],
        SPLITS["sex"],
        outcome,
        women,
        INTERIM,
        chapter="participation",
        population="panel",
        wave="T1",
    )
    assert counts(c) == (15, 20, 4, 20)
    assert (c.percent_a, c.percent_b) == (75.0, 20.0)
    assert c.p_value == pytest.approx(fisher(15, 20, 4, 20))
    assert c.p_value < 0.05 and c.significant and not c.small
    assert c.sentence == (
        "Vrouwen participeren relatief vaker dan mannen (75% van 20 tegen 20% van 20; p = 0,001)."
    )
    english = compare(
        OUTCOMES["participation_any"],
        SPLITS["sex"],
        outcome,
        women,
        Scope(waves=("T0",), language="en"),
        chapter="participation",
        population="panel",
    )
    assert english.sentence.startswith(
        "Women take part in work or education relatively more often than men (75% of 20"
    )


def test_compare_higher_group_is_named_first():
    outcome = series(*([True] * 2 + [False] * 18 + [True] * 14 + [False] * 6))
    women = series(*([True] * 20 + [False] * 20))
    c = compare(
        OUTCOMES["barrier_transport"],
        SPLITS["sex"],
        outcome,
        women,
        INTERIM,
        chapter="barriers",
        population="panel",
    )
    assert c.sentence.startswith(
        "Mannen noemen relatief vaker vervoersproblemen als belemmering dan vrouwen (70% van 20 "
        "tegen 10% van 20;"
    )


def test_compare_no_clear_difference_above_alpha():
    outcome = series(*([True] * 10 + [False] * 10 + [True] * 9 + [False] * 11))
    women = series(*([True] * 20 + [False] * 20))
    c = compare(
        OUTCOMES["participation_any"],
        SPLITS["sex"],
        outcome,
        women,
        INTERIM,
        chapter="participation",
        population="panel",
    )
    assert c.p_value == pytest.approx(fisher(10, 20, 9, 20))
    assert not c.significant
    assert "relatief vaker" not in c.sentence
    assert c.sentence == (
        "Tussen vrouwen (50% van 20) en mannen (45% van 20) is er geen duidelijk verschil in "
        "participatie (p = 1,0)."
    )


def test_missing_values_leave_people_out_and_empty_group_gives_none():
    outcome = series(True, False, pd.NA, True)
    first = series(True, True, True, pd.NA)
    assert (
        compare(
            OUTCOMES["participation_any"],
            SPLITS["sex"],
            outcome,
            first,
            INTERIM,
            chapter="participation",
            population="panel",
        )
        is None
    )
    first = series(True, False, False, pd.NA)
    c = compare(
        OUTCOMES["participation_any"],
        SPLITS["sex"],
        outcome,
        first,
        INTERIM,
        chapter="participation",
        population="panel",
    )
    assert counts(c) == (1, 1, 0, 1)


# --------------------------------------------------------------------------- chapters on the tiny dataset


def test_participation_comparisons(tiny):
    got = by_split(chapter_comparisons("participation", tiny, INTERIM))
    assert list(got) == [
        ("participation_any", "sex"),
        ("participation_any", "age_39"),
        ("participation_any", "education_mbo1"),
    ]
    sex = got[("participation_any", "sex")]
    # women P1 no, P2 yes, P5 no = 1 of 3; men P3, P4 yes = 2 of 2; P6 (other) left out
    assert counts(sex) == (1, 3, 2, 2)
    assert sex.p_value == pytest.approx(fisher(1, 3, 2, 2))
    assert (sex.percent_a, sex.percent_b) == (33.3, 100.0)
    assert sex.small and not sex.significant
    assert "geen duidelijk verschil" in sex.sentence and "Let op" in sex.sentence
    # <=39: P1 no, P2 yes, P6 yes; 40+: P3 yes, P4 yes, P5 no
    assert counts(got[("participation_any", "age_39")]) == (2, 3, 2, 3)
    # <= mbo1: P1 no, P3 yes, P4 yes, P5 no; >= mbo2: P2 yes, P6 yes
    education = got[("participation_any", "education_mbo1")]
    assert counts(education) == (2, 4, 2, 2)
    assert education.p_value == pytest.approx(fisher(2, 4, 2, 2))
    assert (sex.wave, sex.population, sex.chapter) == ("T1", "panel", "participation")


def test_relatively_more_often_only_below_alpha(tiny):
    p = fisher(1, 3, 2, 2)
    above = Scope(waves=("T0", "T1"), alpha=p - 0.01)
    below = Scope(waves=("T0", "T1"), alpha=p + 0.01)
    not_significant = by_split(chapter_comparisons("participation", tiny, above))[
        ("participation_any", "sex")
    ]
    significant = by_split(chapter_comparisons("participation", tiny, below))[("participation_any", "sex")]
    assert "relatief vaker" not in not_significant.sentence
    assert significant.significant
    assert significant.sentence.startswith(
        "Mannen participeren relatief vaker dan vrouwen (100% van 2 tegen 33% van 3;"
    )
    assert significant.sentence.endswith("dus dit is onzeker.")


def test_participants_comparison_prior_work_of_foreign_born_by_sex(tiny):
    (c,) = chapter_comparisons("participants", tiny, INTERIM)
    # foreign-born women P1 no, P5 no, P7 yes; men P3 yes, P4 yes, P8 no
    assert (c.outcome, c.split) == ("prior_paid_work_nl", "sex")
    assert counts(c) == (1, 3, 2, 3)
    assert c.p_value == pytest.approx(fisher(1, 3, 2, 3))


def test_instruments_comparisons(tiny):
    got = by_split(chapter_comparisons("instruments", tiny, INTERIM))
    assert list(got) == [
        ("instrument_use", "age_39"),
        ("instrument_use", "barrier_language"),
        ("instrument_use", "background_TR"),
        ("instrument_use", "background_IQ"),
        ("instrument_use", "background_MA"),
    ]  # the top three origins of the tiny pilot: TR (4), then IQ, MA, SY tie at 1 and code order decides
    # users at T1: P1, P2, P4
    assert counts(got[("instrument_use", "age_39")]) == (2, 3, 1, 3)
    # language barrier at T1: P3 (no instrument)
    assert counts(got[("instrument_use", "barrier_language")]) == (0, 1, 3, 5)
    # Turkish background or born in Turkey: P1, P2, P4 — all users
    turkish = got[("instrument_use", "background_TR")]
    assert counts(turkish) == (3, 3, 0, 3)
    assert turkish.p_value == pytest.approx(fisher(3, 3, 0, 3)) == pytest.approx(0.1)
    assert turkish.group_a == "deelnemers met een Turkse achtergrond"
    # born in and/or background Iraq: P5; Morocco: P3 (neither uses an instrument)
    assert counts(got[("instrument_use", "background_IQ")]) == (0, 1, 3, 5)
    assert counts(got[("instrument_use", "background_MA")]) == (0, 1, 3, 5)


def test_barriers_comparisons(tiny):
    got = by_split(chapter_comparisons("barriers", tiny, INTERIM))
    assert list(got) == [
        ("barrier_transport", "sex"),
        ("barrier_home", "sex"),
        ("barrier_home", "born_nl"),
        ("barrier_language", "born_nl"),
        ("ease_society_difficult", "born_nl"),
        ("ease_society_difficult", "instrument_use"),
    ]
    assert counts(got[("barrier_transport", "sex")]) == (1, 3, 0, 2)  # P1
    assert counts(got[("barrier_home", "sex")]) == (1, 3, 0, 2)  # P2
    assert counts(got[("barrier_home", "born_nl")]) == (1, 2, 0, 4)  # NL-born P2, P6
    assert counts(got[("barrier_language", "born_nl")]) == (0, 2, 1, 4)  # P3
    # ease_society at T1 4-5: P1, P3, P4, P5 (all foreign-born); NL-born P2, P6 answer 2
    difficult = got[("ease_society_difficult", "born_nl")]
    assert counts(difficult) == (0, 2, 4, 4)
    assert difficult.p_value == pytest.approx(fisher(0, 2, 4, 4))
    # users P1 (5), P2 (2), P4 (4); non-users P3 (4), P5 (5), P6 (2)
    assert counts(got[("ease_society_difficult", "instrument_use")]) == (2, 3, 2, 3)


def test_missing_ease_is_left_out(tmp_path):
    def p5_no_answer(frames):
        responses = frames["responses"]
        responses.loc[(responses["participant_id"] == "P5") & (responses["wave"] == "T1"), "ease_society"] = (
            None
        )

    got = by_split(chapter_comparisons("barriers", load_tiny(tmp_path, p5_no_answer), INTERIM))
    assert counts(got[("ease_society_difficult", "born_nl")]) == (0, 2, 3, 3)


def test_split_with_an_empty_group_is_skipped(tmp_path):
    def nobody_from_morocco(frames):
        people, backgrounds = frames["participants"], frames["backgrounds"]
        people.loc[people["participant_id"] == "P3", "birth_country"] = "TR"
        backgrounds.loc[backgrounds["participant_id"] == "P3", "country"] = "TR"

    # top three now TR, IQ, SY; the only Syrian (P7) left before T1, so that group is empty
    got = by_split(chapter_comparisons("instruments", load_tiny(tmp_path, nobody_from_morocco), INTERIM))
    assert ("instrument_use", "background_SY") not in got
    assert [split for _, split in got] == ["age_39", "barrier_language", "background_TR", "background_IQ"]


def test_origin_splits_follow_the_study_not_a_fixed_city(tmp_path):
    def syrian_and_somali_study(frames):
        people, backgrounds = frames["participants"], frames["backgrounds"]
        mapping = {"TR": "SY", "MA": "SO", "IQ": "SO"}
        people["birth_country"] = people["birth_country"].replace(mapping)
        backgrounds["country"] = backgrounds["country"].replace(mapping)
        frames["backgrounds"] = backgrounds.drop_duplicates(["participant_id", "country"])

    got = by_split(chapter_comparisons("instruments", load_tiny(tmp_path, syrian_and_somali_study), INTERIM))
    assert ("instrument_use", "background_SY") in got and ("instrument_use", "background_SO") in got


def test_chapters_without_comparisons_and_unknown_chapters(tiny):
    assert chapter_comparisons("satisfaction", tiny, INTERIM) == []
    with pytest.raises(ParameterError):
        chapter_comparisons("nonsense", tiny, INTERIM)


def test_as_dict_and_frame(tiny):
    comparisons = chapter_comparisons("participation", tiny, INTERIM)
    record = comparisons[0].as_dict()
    assert record["count_a"] == 1 and record["n_b"] == 2 and record["sentence"] == comparisons[0].sentence
    frame = comparisons_frame(comparisons)
    assert len(frame) == 3 and "p_value" in frame.columns
