"""Subgroup comparisons v2: counts by hand on the tiny dataset; statistics against an independent computation.

Panel (T0, T1) = P1..P6. Any participation at T1: P2, P3, P4, P6 (not P1, P5).
sex: P1, P2, P5 female; P3, P4 male; P6 other (left out of women vs men).

The product takes Newcombe's interval from ``confint_proportions_2indep``,
Fisher's p from ``scipy.stats.fisher_exact`` and Holm from ``multipletests``;
here the interval is built from two Wilson intervals (Newcombe 1998, method
10), Fisher's p by summing hypergeometric probabilities, and Holm by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import hypergeom
from statsmodels.stats.proportion import proportion_confint
from tiny import load_tiny

from via_reports.analysis.scope import Scope
from via_reports.analysis.subgroups import (
    COMPARISON_COLUMNS,
    Comparison,
    compare,
    comparisons_frame,
    with_holm,
)
from via_reports.chapters.registry import CHAPTERS, chapter_comparisons
from via_reports.exceptions import ParameterError
from via_reports.figures.subgroups import chapter_intro, comparison_sentence

INTERIM = Scope(waves=("T0", "T1"))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


def fisher(a_yes, a_n, b_yes, b_n) -> float:
    """Two-sided Fisher: the probability of every table no more likely than the one observed."""
    total, yes = a_n + b_n, a_yes + b_yes
    support = np.arange(max(0, yes - b_n), min(yes, a_n) + 1)
    probabilities = hypergeom.pmf(support, total, yes, a_n)
    observed = hypergeom.pmf(a_yes, total, yes, a_n)
    return float(min(1.0, probabilities[probabilities <= observed * (1 + 1e-7)].sum()))


def newcombe(a_yes, a_n, b_yes, b_n, alpha=0.05) -> tuple[float, float]:
    """Newcombe's hybrid score interval of p_a − p_b, in percentage points."""
    p_a, p_b = a_yes / a_n, b_yes / b_n
    l_a, u_a = proportion_confint(a_yes, a_n, alpha=alpha, method="wilson")
    l_b, u_b = proportion_confint(b_yes, b_n, alpha=alpha, method="wilson")
    d = p_a - p_b
    return 100 * (d - np.sqrt((p_a - l_a) ** 2 + (u_b - p_b) ** 2)), \
        100 * (d + np.sqrt((u_a - p_a) ** 2 + (p_b - l_b) ** 2))


def holm(p_values: list[float]) -> list[float]:
    order = np.argsort(p_values, kind="stable")
    m, adjusted, running = len(p_values), [0.0] * len(p_values), 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def assert_family(comparisons: list[Comparison]) -> None:
    """Every row of a chapter's family equals the independent computation to 1e-6."""
    raw = [fisher(c.count_a, c.n_a, c.count_b, c.n_b) for c in comparisons]
    for c, p, p_holm in zip(comparisons, raw, holm(raw)):
        low, high = newcombe(c.count_a, c.n_a, c.count_b, c.n_b)
        want = {"difference": 100 * (c.count_a / c.n_a - c.count_b / c.n_b), "ci_low": low, "ci_high": high,
                "p_value": p, "p_holm": p_holm, "percent_a": round(100 * c.count_a / c.n_a + 1e-9, 1),
                "percent_b": round(100 * c.count_b / c.n_b + 1e-9, 1)}
        for column, value in want.items():
            assert getattr(c, column) == pytest.approx(value, abs=1e-6), (c.outcome, c.split, column)


def by_split(comparisons: list[Comparison]) -> dict[tuple[str, str], Comparison]:
    return {(c.outcome, c.split): c for c in comparisons}


def counts(c: Comparison) -> tuple[int, int, int, int]:
    return c.count_a, c.n_a, c.count_b, c.n_b


def sentence(c: Comparison, language: str = "nl", alpha: float = 0.05) -> str:
    return comparison_sentence(c, language, alpha)


# --------------------------------------------------------------------------- compare() on hand-made series


def series(*values) -> pd.Series:
    return pd.Series(values, index=[f"x{i}" for i in range(len(values))])


def one(outcome: str, split: str, has: pd.Series, first: pd.Series, scope: Scope = INTERIM) -> Comparison:
    """A family of one comparison (Holm leaves a single p as it is)."""
    [c] = with_holm([compare(outcome, split, has, first, scope, chapter="participation", population="panel")])
    return c


def test_compare_two_clear_groups():
    # 20 women, 15 participate; 20 men, 4 participate
    outcome = series(*([True] * 15 + [False] * 5 + [True] * 4 + [False] * 16))
    women = series(*([True] * 20 + [False] * 20))
    c = one("participation_any", "sex", outcome, women)
    assert counts(c) == (15, 20, 4, 20) and (c.group_a, c.group_b) == ("female", "male")
    assert (c.percent_a, c.percent_b) == (75.0, 20.0)
    assert_family([c])
    assert c.p_holm == c.p_value and c.significant(0.05) and not c.small
    assert sentence(c) == (
        "Vrouwen participeren relatief vaker dan mannen (75% van 20 tegen 20% van 20; verschil +55,0 "
        "procentpunt, 95%-BI 24,3 tot 73,3; Fisher-toets p = 0,001, na Holm-correctie p = 0,001).")
    assert sentence(c, "en").startswith(
        "Women take part in work or education relatively more often than men (75% of 20 versus 20% of 20;")


def test_the_first_group_stays_the_subject_when_it_scores_lower():
    outcome = series(*([True] * 2 + [False] * 18 + [True] * 14 + [False] * 6))
    women = series(*([True] * 20 + [False] * 20))
    c = one("barrier_transport", "sex", outcome, women)
    assert c.difference == pytest.approx(-60.0)
    assert sentence(c).startswith(
        "Vrouwen noemen relatief minder vaak vervoersproblemen als belemmering dan mannen (10% van 20 tegen "
        "70% van 20; verschil -60,0 procentpunt")
    assert sentence(c, "en").startswith("Women report transport problems as a barrier relatively less often than men")


def test_dutch_grammar_of_each_outcome():
    outcome = series(*([True] * 18 + [False] * 2 + [True] * 3 + [False] * 17))
    first = series(*([True] * 20 + [False] * 20))
    ease = sentence(one("ease_society_difficult", "born_nl", outcome, first))
    assert ease.startswith("In Nederland geboren deelnemers vinden het relatief vaker dan elders geboren "
                           "deelnemers (heel) moeilijk om mee te doen in de maatschappij (")
    worked = sentence(one("prior_paid_work_nl", "sex", outcome, first))
    assert worked.startswith("Vrouwen hadden relatief vaker eerder betaald werk in Nederland dan mannen (")
    use = sentence(one("instrument_use", "age_39", outcome, first))
    assert use.startswith("Deelnemers van 39 jaar en jonger gebruiken relatief vaker minstens één instrument dan "
                          "deelnemers van 40 jaar en ouder (")


def test_no_clear_difference_at_or_above_alpha():
    outcome = series(*([True] * 10 + [False] * 10 + [True] * 9 + [False] * 11))
    women = series(*([True] * 20 + [False] * 20))
    c = one("participation_any", "sex", outcome, women)
    assert_family([c])
    assert not c.significant(0.05)
    assert sentence(c) == (
        "Tussen vrouwen en mannen is er geen duidelijk verschil in participatie (50% van 20 tegen 45% van 20; "
        "verschil +5,0 procentpunt, 95%-BI -23,9 tot 32,8; Fisher-toets p = 1,000, na Holm-correctie "
        "p = 1,000).")


@pytest.mark.parametrize("yes, n", [(0, 12), (1, 12), (12, 12)])
def test_sentences_for_zero_one_and_all(yes, n):
    outcome = series(*([True] * yes + [False] * (n - yes) + [False] * 12))
    first = series(*([True] * n + [False] * 12))
    text = sentence(one("barrier_home", "sex", outcome, first))
    assert text[0].isalpha() and text[0].isupper()
    assert f"{round(100 * yes / n)}% van {n} tegen 0% van 12" in text


def test_missing_values_leave_people_out_and_empty_group_gives_none():
    outcome = series(True, False, pd.NA, True)
    first = series(True, True, True, pd.NA)
    assert compare("participation_any", "sex", outcome, first, INTERIM, chapter="participation",
                   population="panel") is None
    c = one("participation_any", "sex", outcome, series(True, False, False, pd.NA))
    assert counts(c) == (1, 1, 0, 1)
    assert c.small and "Let op: minstens één groep telt minder dan 10 deelnemers" in sentence(c)


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
    assert sex.small and not sex.significant(0.05)
    assert "geen duidelijk verschil" in sentence(sex) and "Let op" in sentence(sex)
    # <=39: P1 no, P2 yes, P6 yes; 40+: P3 yes, P4 yes, P5 no
    assert counts(got[("participation_any", "age_39")]) == (2, 3, 2, 3)
    # <= mbo1: P1 no, P3 yes, P4 yes, P5 no; >= mbo2: P2 yes, P6 yes
    education = got[("participation_any", "education_mbo1")]
    assert counts(education) == (2, 4, 2, 2)
    assert education.p_value == pytest.approx(fisher(2, 4, 2, 2))
    assert (sex.wave, sex.population, sex.chapter) == ("T1", "panel", "participation")


def test_a_difference_is_stated_only_below_alpha_after_holm():
    women = series(*([True] * 20 + [False] * 20))
    clear = compare("participation_any", "sex", series(*([True] * 18 + [False] * 2 + [True] * 4 + [False] * 16)),
                    women, INTERIM, chapter="participation", population="panel")
    # 10 of 20 against 3 of 20: Fisher p = 0.041, doubled by Holm as the second smallest of three
    doubtful = compare("participation_any", "age_39", series(*([True] * 10 + [False] * 10 + [True] * 3 + [False] * 17)),
                       women, INTERIM, chapter="participation", population="panel")
    null = compare("participation_any", "education_mbo1", series(*([True, False] * 20)), women, INTERIM,
                   chapter="participation", population="panel")
    family = with_holm([clear, doubtful, null])
    assert_family(family)
    maybe = family[1]
    assert maybe.p_value < 0.05 < maybe.p_holm  # significant alone, not after Holm over the family
    assert "relatief" not in sentence(maybe) and "geen duidelijk verschil" not in sentence(maybe)
    # statistics v3: Newcombe's interval excludes 0 but Holm's p does not: "does not hold up after correction"
    assert maybe.ci_low > 0 or maybe.ci_high < 0
    assert "houdt geen stand na correctie voor het aantal vergelijkingen" in sentence(maybe)
    assert "relatief" in sentence(maybe, alpha=maybe.p_holm + 0.001)
    assert "relatief vaker" in sentence(family[0])


@pytest.mark.parametrize("chapter", [c.id for c in CHAPTERS if c.comparisons is not None and "interim" in c.reports])
def test_every_row_equals_the_independent_computation(tiny, chapter):
    assert_family(chapter_comparisons(chapter, tiny, INTERIM))


@pytest.mark.slow
def test_demo_families_equal_the_independent_computation():
    from via_reports import load_dataset

    demo = load_dataset(None)
    for wave in ("T1", "T2"):
        scope = Scope.for_wave(demo, wave)
        for chapter in ("participants", "participation", "instruments", "barriers"):
            assert_family(chapter_comparisons(chapter, demo, scope))


def test_chapter_intro_calls_the_comparisons_exploratory(tiny):
    intro = chapter_intro(chapter_comparisons("barriers", tiny, INTERIM), "nl", 0.05)
    assert "verkennend" in intro and "Holm" in intro and "de 6 vergelijkingen in dit hoofdstuk" in intro
    single = chapter_intro(chapter_comparisons("participants", tiny, INTERIM), "nl", 0.05)
    assert "met één vergelijking in dit hoofdstuk is geen correctie" in single


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
    assert (turkish.group_a, turkish.group_b) == ("TR", "other")
    assert sentence(turkish).startswith("Tussen deelnemers met een Turkse achtergrond en de andere deelnemers")
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
    # barriers at T1 answered by P1, P2, P5 (women) and P3 (man); P4 and P6 left them empty and are left out
    # (statistics v3: one denominator per measure, as the chapter's share of each barrier)
    assert counts(got[("barrier_transport", "sex")]) == (1, 3, 0, 1)  # P1
    assert counts(got[("barrier_home", "sex")]) == (1, 3, 0, 1)  # P2
    assert counts(got[("barrier_home", "born_nl")]) == (1, 1, 0, 3)  # NL-born P2 (P6 left out)
    assert counts(got[("barrier_language", "born_nl")]) == (0, 1, 1, 3)  # P3
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


def test_rows_and_frame(tiny):
    comparisons = chapter_comparisons("participation", tiny, INTERIM)
    record = comparisons[0].row()
    assert tuple(record) == COMPARISON_COLUMNS
    assert record["count_a"] == 1 and record["n_b"] == 2 and record["chapter"] == "participation"
    frame = comparisons_frame(comparisons)
    assert tuple(frame.columns) == COMPARISON_COLUMNS and len(frame) == 3


# --------------------------------------------------------------------------- the figure subgroups.comparisons


def test_comparisons_figure(tiny, tmp_path):
    import vl_convert

    from via_reports.figures.subgroups import comparisons_figure

    family = [c for chapter in ("participants", "participation", "instruments", "barriers")
              for c in chapter_comparisons(chapter, tiny, INTERIM)]
    titles = {"participants": "Deelnemers", "participation": "Participatie", "instruments": "Instrumenten",
              "barriers": "Belemmeringen"}
    figure = comparisons_figure(family, titles, INTERIM)
    assert figure.id == "subgroups.comparisons" and figure.n == len(family) == 15
    assert tuple(figure.data.columns) == COMPARISON_COLUMNS
    assert figure.data.to_dict("records") == comparisons_frame(family).to_dict("records")
    header = figure.write_csv(tmp_path).read_text().splitlines()[0]
    assert header == ",".join(COMPARISON_COLUMNS)
    table = figure.display_table
    assert list(table.columns) == ["Hoofdstuk", "Uitkomst", "Eerste groep", "Tweede groep", "Eerste groep, % (n)",
                                   "Tweede groep, % (n)", "Verschil (%-punt)", "95%-BI", "p (Fisher)", "p (Holm)"]
    # statistics v3: the participants chapter compares within the foreign-born pilot participants, and says so
    assert table.iloc[0]["Eerste groep"] == "Vrouwen die buiten Nederland geboren zijn"
    assert table.iloc[0]["Hoofdstuk"] == "Deelnemers"
    assert all(p == "< 0,001" or len(p.split(",")[1]) >= 3 for p in table["p (Holm)"])
    assert vl_convert.vegalite_to_svg(figure.chart.to_json()).startswith("<svg")
