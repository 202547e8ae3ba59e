"""A withheld row withholds every statistic computed from its cells, in every figure (docs/disclosure.md).

Issue 26's example: the public final edition withheld the counts of
``effects.exit_paid_work`` and kept Fisher's exact p (0.6259...) with both
group sizes, from which the counts 2 of 40 and 2 of 68 follow. Here every
figure of the demo's public interim and final editions is audited: in a
withheld row only keys and group sizes may be left, and a statistic computed
from the cells of several rows (a test of two groups) is withheld in all of them.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import fisher_exact

from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import build_figure, chapter_figures, chapters_for

pytestmark = pytest.mark.slow

#: Columns a withheld row may keep: who is described (group sizes), never what was found.
GROUP_SIZES = {"n", "n_pilot", "n_control", "n_responded", "n_not_responded", "n_a", "n_b"}


@pytest.fixture(scope="module")
def demo():
    from via_reports import load_dataset

    return load_dataset(None)


def public_figures(demo, wave, k):
    scope = Scope.for_wave(demo, wave, min_cell=k)
    return [f for spec in chapters_for(scope.kind) if spec.is_computed for f in chapter_figures(spec.id, demo, scope)]


def shown_statistics(row: pd.Series) -> dict[str, float]:
    """The numbers a withheld row still shows, group sizes apart."""
    return {column: value for column, value in row.items()
            if column not in GROUP_SIZES and column != "suppressed" and isinstance(value, (int, float))
            and not isinstance(value, bool) and not pd.isna(value)}


@pytest.mark.parametrize(("wave", "k"), [("T1", 10), ("T2", 10), ("T2", 30)])
def test_no_withheld_row_of_any_figure_shows_a_statistic(demo, wave, k):
    audited, withheld = 0, 0
    for figure in public_figures(demo, wave, k):
        audited += 1
        assert "suppressed" in figure.data, figure.id
        for _, row in figure.data[figure.data["suppressed"].astype(bool)].iterrows():
            withheld += 1
            assert shown_statistics(row) == {}, (figure.id, dict(row))
    assert audited >= 15 and withheld > 0


def test_fishers_p_of_exit_to_paid_work_goes_with_its_withheld_counts(demo):
    internal = build_figure("effects.exit_paid_work", demo, Scope.for_wave(demo, "T2")).data
    primary = internal[internal["analysis"] == "primary"].set_index("group")
    # the internal p is Fisher's exact test of the two groups' counts (the example: 2 of 40 against 2 of 68)
    table = [[int(primary.loc[g, "count"]), int(primary.loc[g, "n"] - primary.loc[g, "count"])]
             for g in ("pilot", "control")]
    assert math.isclose(fisher_exact(table)[1], primary["p_value"].iloc[0])
    public = build_figure("effects.exit_paid_work", demo, Scope.for_wave(demo, "T2", min_cell=10))
    assert public.data["p_value"].isna().all() and public.data["count"].isna().all()
    assert list(public.data["n"]) == list(internal["n"])  # the group sizes stay
    assert set(public.table.iloc[:, -1]) == {"×"}  # the table's p column
    assert "0,6259" not in public.alt_text and "0,63" not in " ".join(public.text)


def test_a_p_value_stays_where_every_count_of_its_test_is_shown(demo):
    # at k=2 the sensitivity analysis (5 of 134 against 2 of 68) shows its counts and so its p
    public = build_figure("effects.exit_paid_work", demo, Scope.for_wave(demo, "T2", min_cell=2)).data
    assert public["p_value"].notna().all() and not public["suppressed"].any()
    at3 = build_figure("effects.exit_paid_work", demo, Scope.for_wave(demo, "T2", min_cell=3)).data
    sensitivity = at3[at3["analysis"] == "sensitivity"]
    # one group's count of 2 is withheld: the p of that analysis goes in both rows, the other count stays
    assert sensitivity["p_value"].isna().all() and sensitivity["suppressed"].all()
    assert sensitivity["count"].notna().sum() == 1


def test_the_public_alt_text_carries_no_internal_number(demo):
    scope = Scope.for_wave(demo, "T2", min_cell=10)
    public = build_figure("effects.exit_paid_work", demo, scope)
    internal = build_figure("effects.exit_paid_work", demo, Scope.for_wave(demo, "T2"))
    assert "2 van de 40" in internal.alt_text and "2 van de 40" not in public.alt_text
    assert public.alt_text.startswith("Staafdiagram. ")


def test_top_names_no_row_when_a_withheld_row_may_be_higher(demo):
    """At k=30 the most named barrier at T1 (medical) is withheld, its complement being small: the highest
    shown one (language) is not the most named, so top() names none; at k=5 nothing is withheld."""
    from via_reports.document.text import TextContext

    def top(k):
        scope = Scope.for_wave(demo, "T1", min_cell=k)
        figure = build_figure("barriers.by_wave", demo, scope)
        context = TextContext(figures={figure.id: figure}, language="nl", min_cell=k)
        return context.top("barriers.by_wave", "barrier", exclude=["none"], wave="T1")

    internal = build_figure("barriers.by_wave", demo, Scope.for_wave(demo, "T1")).data
    at_t1 = internal[(internal["wave"] == "T1") & (internal["barrier"] != "none")]
    assert at_t1.loc[at_t1["count"].idxmax(), "barrier"] == "medical"
    assert top(5).code == "medical"
    withheld = top(30)
    assert (withheld.code, withheld.label, withheld.count, withheld.percent) == ("×",) * 4


@pytest.mark.parametrize(("wave", "k"), [("T1", 10), ("T2", 10)])
def test_no_shown_holm_p_of_a_subgroup_comparison_is_a_left_out_comparisons_term(demo, wave, k):
    """Holm's adjusted p of a shown comparison is its own term or a shown one's, never a left-out one's."""
    internal = build_figure("subgroups.comparisons", demo, Scope.for_wave(demo, wave)).data
    public = next(f for f in public_figures(demo, wave, k) if f.id == "subgroups.comparisons").data
    keys = ["chapter", "outcome", "split"]
    shown_keys = set(map(tuple, public[keys].astype(str).to_numpy()))
    checked = withheld = 0
    for _, family in internal.groupby("chapter", sort=False):
        m = len(family)
        ranks = family["p_value"].rank(method="first").astype(int)
        terms = {tuple(map(str, row[keys])): min(1.0, (m - ranks[i] + 1) * row["p_value"])
                 for i, row in family.iterrows()}
        shown_terms = {round(term, 12) for key, term in terms.items() if key in shown_keys}
        for _, row in public[public["chapter"] == family["chapter"].iloc[0]].iterrows():
            if pd.isna(row["p_holm"]):
                withheld += 1
                continue
            checked += 1
            assert round(row["p_holm"], 12) in shown_terms, dict(row)
    assert checked > 0
    if (wave, k) == ("T1", 10):  # instruments, age: its Holm p was the left-out background_MA's term
        assert withheld > 0


def test_a_shown_test_of_change_loses_a_holm_p_that_a_withheld_test_set(demo):
    """change.by_wave keeps its rows; a shown row whose Holm p is a withheld row's term loses it, and
    change() then reports that test as not reported instead of reading a verdict from a missing p."""
    import dataclasses

    from statsmodels.stats.multitest import multipletests

    from via_reports.figures.public import public_figure
    from via_reports.figures.wording import wording

    internal = build_figure("change.by_wave", demo, Scope.for_wave(demo, "T1"))
    shown_at_10 = ~public_figure(internal, 10).data["suppressed"].astype(bool)
    data = internal.data.copy()
    family = data.index[data["chapter"] == data.loc[~shown_at_10, "chapter"].iloc[0]]
    hidden = [i for i in family if not shown_at_10[i]][0]
    shown = [i for i in family if shown_at_10[i]][0]
    m = len(family)
    data.loc[family, "p_value"] = 0.5
    data.loc[hidden, "p_value"] = 0.001  # ranked first: term 0.001 * m
    data.loc[shown, "p_value"] = 0.0011  # ranked second: own term 0.0011 * (m - 1) < 0.001 * m
    data.loc[family, "p_holm"] = multipletests(data.loc[family, "p_value"], method="holm")[1]
    assert data.at[shown, "p_holm"] == pytest.approx(0.001 * m)
    public = public_figure(dataclasses.replace(internal, data=data), 10)
    assert not public.data.at[shown, "suppressed"] and pd.isna(public.data.at[shown, "p_holm"])
    assert public.data.at[shown, "p_value"] == pytest.approx(0.0011)
    others = [i for i in family if i not in (hidden, shown) and shown_at_10[i]]
    assert all(public.data.at[i, "p_holm"] == pytest.approx(data.at[i, "p_holm"]) for i in others)
    column = wording("change", public.language)["table"]["p_holm"]
    assert public.table[column].iloc[list(data.index).index(shown)] == "×"
