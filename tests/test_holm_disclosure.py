"""A shown Holm p that is a withheld test's term is withheld too (analysis/holm_disclosure.py).

Holm's adjusted p of the i-th smallest p is max over j <= i of min(1, (m - j + 1) p_(j)).
When that maximum is reached at a withheld test, the shown number is the withheld
p times a known factor, which gives its counts away as Fisher's p did (issue 26).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from via_reports.analysis.holm_disclosure import holm_borrowed


def by_definition(p: list[float]) -> tuple[list[float], list[int]]:
    """Holm's adjusted p and, per test, the position of the test whose term it is (written out here)."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted, source = [0.0] * m, [0] * m
    best, best_at = -1.0, None
    for rank, i in enumerate(order):
        term = min(1.0, (m - rank) * p[i])
        if term > best:
            best, best_at = term, i
        adjusted[i], source[i] = best, (i if term >= best else best_at)
    return adjusted, source


def family(p: list[float], withheld: list[bool]):
    adjusted = multipletests(p, method="holm")[1]
    return pd.Series(p), pd.Series(adjusted), pd.Series(withheld)


def test_the_definition_written_here_is_statsmodels_holm():
    p = [0.01, 0.04, 0.03, 0.2, 0.005]
    assert by_definition(p)[0] == pytest.approx(list(multipletests(p, method="holm")[1]), abs=1e-15)


def test_a_shown_p_holm_that_is_a_withheld_tests_term_is_borrowed():
    # ranked: 0.010 (x3 = 0.030, withheld), 0.011 (x2 = 0.022 -> 0.030 borrowed), 0.30 (x1 = 0.30, own)
    p, adjusted, withheld = family([0.011, 0.010, 0.30], [False, True, False])
    assert list(adjusted) == pytest.approx([0.030, 0.030, 0.30])
    assert list(holm_borrowed(p, adjusted, withheld)) == [True, False, False]


def test_an_own_term_or_a_shown_tests_term_is_not_borrowed():
    p, adjusted, withheld = family([0.011, 0.010, 0.30], [True, False, False])
    assert not holm_borrowed(p, adjusted, withheld).any()  # the withheld 0.011's p_holm is withheld anyway
    p, adjusted, withheld = family([0.02, 0.010, 0.30], [False, True, False])
    assert not holm_borrowed(p, adjusted, withheld).any()  # 0.02 x 2 = 0.04 > 0.03: its own term


def test_ties_and_the_cap_at_one_follow_the_definition():
    # the first two terms are capped at 1, and the third row's 1 is also the shown first row's term:
    # the withheld row adds nothing to what is shown
    p, adjusted, withheld = family([0.6, 0.5, 0.9], [False, True, False])
    assert list(adjusted) == [1.0, 1.0, 1.0]
    assert not holm_borrowed(p, adjusted, withheld).any()
    # equal terms: the shown row's own term equals the maximum, so it tells nothing new
    p, adjusted, withheld = family([0.02, 0.0133333333333333333, 0.5], [False, True, False])
    assert holm_borrowed(p, adjusted, withheld).tolist() == [False, False, False]


@pytest.mark.parametrize("seed", range(30))
def test_borrowed_is_exactly_where_the_definition_takes_a_withheld_term(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, 9))
    p = list(rng.uniform(0, 0.2, m))
    withheld = list(rng.uniform(size=m) < 0.4)
    adjusted, source = by_definition(p)
    expected = [not withheld[i] and source[i] != i and withheld[source[i]] for i in range(m)]
    got = holm_borrowed(pd.Series(p), pd.Series(adjusted), pd.Series(withheld))
    assert got.tolist() == expected


def test_a_family_formed_otherwise_withholds_every_shown_p_holm():
    p = pd.Series([0.01, 0.02, 0.5])
    not_holm = pd.Series([0.01, 0.02, 0.5])  # not what Holm gives for these three
    assert holm_borrowed(p, not_holm, pd.Series([True, False, False])).tolist() == [False, True, True]


def test_rows_without_a_test_are_not_in_the_family():
    p = pd.Series([0.011, None, 0.010, 0.30], dtype="float64")
    adjusted = pd.Series([0.030, None, 0.030, 0.30], dtype="float64")
    withheld = pd.Series([False, True, True, False])
    assert holm_borrowed(p, adjusted, withheld).tolist() == [True, False, False, False]


# --------------------------------------------------------------------------- in the subgroup comparisons

def comparison(p: float, count_a: int, **kw):
    from via_reports.analysis.subgroups import Comparison

    values = dict(chapter="instruments", population="respondents", wave="T1", outcome="instrument_use",
                  split="sex", group_a="female", group_b="male", n_a=40, count_a=count_a, n_b=40, count_b=20,
                  percent_a=count_a / 40 * 100, percent_b=50.0, difference=count_a / 40 * 100 - 50, ci_low=-10.0,
                  ci_high=10.0, p_value=p)
    values.update(kw)
    return Comparison(**values)


def test_a_public_edition_withholds_a_holm_p_that_a_left_out_comparison_set():
    from via_reports.analysis.subgroups import public_comparisons, with_holm

    # the second has a cell of 3 (< k = 5): left out; its Holm term 0.010 x 3 = 0.030 is the first's p_holm
    family = with_holm([comparison(0.011, 20, split="sex"), comparison(0.010, 3, split="age_39"),
                        comparison(0.30, 20, split="born_nl")])
    assert [c.p_holm for c in family] == pytest.approx([0.030, 0.030, 0.30])
    shown = public_comparisons(family, 5)
    assert [c.split for c in shown] == ["sex", "born_nl"]
    assert [c.holm_withheld for c in shown] == [True, False]
    assert math.isnan(shown[0].row()["p_holm"]) and shown[1].row()["p_holm"] == pytest.approx(0.30)
    assert shown[0].significant(0.05)  # the verdict stays: it only says the number is below alpha
    assert public_comparisons(family, None) == family  # the internal edition shows every number


def test_the_withheld_holm_p_is_marked_in_the_sentence():
    from via_reports.analysis.subgroups import public_comparisons, with_holm
    from via_reports.figures.subgroups import comparison_sentence

    family = with_holm([comparison(0.011, 20, split="sex"), comparison(0.010, 3, split="age_39"),
                        comparison(0.30, 20, split="born_nl")])
    sentence = comparison_sentence(public_comparisons(family, 5)[0], "nl", 0.05)
    assert "p = ×" in sentence and "0,030" not in sentence


def _outcomes_table(p_secondary, p_primary):
    """An effects.outcomes table of one analysis and estimator: a primary outcome and secondary ones,
    p_holm as analysis/effects.py ``add_holm`` sets it (Holm over the secondary ones, the primary's own p)."""
    from statsmodels.stats.multitest import multipletests

    rows = [{"analysis": "primary", "outcome": "primary_one", "estimator": "ancova",
             "p_value": p_primary, "p_holm": p_primary}]
    adjusted = multipletests(p_secondary, method="holm")[1]
    rows += [{"analysis": "primary", "outcome": f"secondary_{i}", "estimator": "ancova", "p_value": p, "p_holm": a}
             for i, (p, a) in enumerate(zip(p_secondary, adjusted))]
    return pd.DataFrame(rows)


def test_an_outcome_whose_holm_p_is_a_withheld_outcomes_term_loses_it():
    """Secondary p 0.001, 0.02 (withheld), 0.021, 0.5: Holm terms 0.004, 0.06, 0.042, 0.5, so the
    third's adjusted p is 0.06 = 3 × the withheld 0.02 (worked by hand); the primary (p 0.3) is no part."""
    from via_reports.figures.public import outcomes_holm_borrowed

    table = _outcomes_table([0.001, 0.02, 0.021, 0.5], 0.3)
    assert table["p_holm"].tolist() == pytest.approx([0.3, 0.004, 0.06, 0.06, 0.5])
    withheld = [False, False, True, False, False]
    assert outcomes_holm_borrowed(table, withheld).tolist() == [False, False, False, True, False]
    assert not outcomes_holm_borrowed(table, [False] * 5).any()


def test_a_withheld_primary_outcome_lends_no_holm_p():
    from via_reports.figures.public import outcomes_holm_borrowed

    table = _outcomes_table([0.001, 0.02, 0.021, 0.5], 0.3)
    # the primary outcome withheld: it is not in the Holm family, so nothing is borrowed from it
    assert not outcomes_holm_borrowed(table, [True, False, False, False, False]).any()
