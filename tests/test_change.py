"""Paired change tests (REPORTS.md, "Change within persons") against an independent computation.

The product calls statsmodels' ``mcnemar(exact=True)`` and scipy's
``wilcoxon`` with its defaults. Here McNemar's exact p is the two-sided
binomial test of the discordant pairs (``scipy.stats.binomtest``), and the
Wilcoxon p is computed from the signed ranks: by enumerating every sign
pattern for small samples (what scipy's default does for n ≤ 13, exactly
without ties, as a permutation test with them) and by the normal
approximation with the tie correction for larger samples with ties.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, norm, rankdata
from tiny import load_tiny

from via_reports.analysis.change import BINARY_MEASURES, CHANGE_COLUMNS, MEASURES, change_table, direction
from via_reports.analysis.scope import Scope
from via_reports.figures.change import change_sentence, changes_text

INTERIM = Scope(waves=("T0", "T1"))
FINAL = Scope(waves=("T0", "T1", "T2"), kind="final")
TYPES = ("paid_work", "unpaid_work", "volunteer_work", "education")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tiny(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def demo():
    from via_reports import load_dataset

    return load_dataset(None)


# ---------------------------------------------------------------------------
# The independent computation, from the raw tables


def panel_ids(dataset, waves) -> list[str]:
    people = dataset.participants
    ids = set(people.loc[people["group"] == "pilot", "participant_id"])
    for wave in waves:
        ids &= set(dataset.responses.loc[dataset.responses["wave"] == wave, "participant_id"])
    return sorted(ids)


def values(dataset, ids: list[str], wave: str, measure: str) -> pd.Series:
    """Per person: 0/1 for a participation measure (missing = no), for a barrier 0/1 and NaN where the person
    has no barrier row in that wave (the questions left empty: statistics v3, one denominator per measure),
    the answer 1–5 (NaN) for an ease scale."""
    answers = dataset.responses[dataset.responses["wave"] == wave].set_index("participant_id").reindex(ids)
    if measure in TYPES:
        return answers[measure].fillna(False).astype(bool).astype(int)
    if measure == "participation_any":
        return answers[list(TYPES)].fillna(False).astype(bool).any(axis=1).astype(int)
    if measure.startswith("barrier_"):
        rows = dataset.barriers
        ticked = set(rows.loc[(rows["wave"] == wave) & (rows["barrier"] == measure[8:]), "participant_id"])
        answered = set(rows.loc[rows["wave"] == wave, "participant_id"])
        return pd.Series([float(i in ticked) if i in answered else np.nan for i in ids], index=ids)
    return answers[measure].astype(float)


def mcnemar_p(before: pd.Series, after: pd.Series) -> float:
    up, down = int(((before == 0) & (after == 1)).sum()), int(((before == 1) & (after == 0)).sum())
    return 1.0 if up + down == 0 else binomtest(up, up + down, 0.5).pvalue


def wilcoxon_p(before: np.ndarray, after: np.ndarray) -> float:
    d = before - after
    n_zero = int((d == 0).sum())
    d = d[d != 0]
    ranks = rankdata(np.abs(d))
    r_plus = ranks[d > 0].sum()
    ties = len(np.unique(np.abs(d))) < len(d)
    if len(d) + n_zero <= 13 or not (ties or n_zero):
        # every sign pattern of the ranks is equally likely under H0
        sums = np.array([np.dot(ranks, signs) for signs in itertools.product((0, 1), repeat=len(ranks))])
        less, greater = (sums <= r_plus + 1e-9).mean(), (sums >= r_plus - 1e-9).mean()
        return float(min(1.0, 2 * min(less, greater)))
    n = len(d)
    _, counts = np.unique(np.abs(d), return_counts=True)
    se = np.sqrt((n * (n + 1) * (2 * n + 1) - (counts ** 3 - counts).sum() / 2) / 24)
    return float(2 * norm.sf(abs((r_plus - n * (n + 1) / 4) / se)))


def assert_table(dataset, scope: Scope) -> pd.DataFrame:
    table = change_table(dataset, scope)
    assert tuple(table.columns) == CHANGE_COLUMNS
    ids = panel_ids(dataset, scope.waves)
    for _, row in table.iterrows():
        before = values(dataset, ids, row["wave_from"], row["measure"])
        after = values(dataset, ids, row["wave_to"], row["measure"])
        if row["test"] == "mcnemar":
            known = before.notna() & after.notna()
            # no pair with both answers (the tiny data's T2 has no barrier rows): no test, p empty
            p = mcnemar_p(before[known], after[known]) if known.any() else np.nan
            want = (int(known.sum()), before[known].sum(), after[known].sum(), p)
        else:
            known = before.notna() & after.notna()
            x, y = before[known].to_numpy(), after[known].to_numpy()
            want = (int(known.sum()), x.mean(), y.mean(), wilcoxon_p(x, y))
        got = (row["n"], row["value_from"], row["value_to"], row["p_value"])
        assert got == pytest.approx(want, abs=1e-6, nan_ok=True), (row["measure"], row["wave_from"], row["wave_to"])
    # statistics v3: the chapter of each measure, and Holm (step-down, by hand) over one chapter's tests
    participation = {*TYPES, "participation_any"}
    assert list(table["chapter"]) == ["participation" if m in participation else "barriers"
                                      for m in table["measure"]]
    for _, family in table.groupby("chapter"):
        known = family.dropna(subset=["p_value"])
        order = np.argsort(known["p_value"].to_numpy(), kind="mergesort")
        running, want = 0.0, np.empty(len(known))
        for rank, index in enumerate(order):
            running = max(running, min(1.0, (len(known) - rank) * known["p_value"].iloc[index]))
            want[index] = running
        assert list(known["p_holm"]) == pytest.approx(list(want), abs=1e-12)
    return table


# ---------------------------------------------------------------------------
# The table


def test_tiny_interim_rows(tiny):
    table = assert_table(tiny, INTERIM)
    assert list(table["measure"]) == list(MEASURES)
    assert set(zip(table["wave_from"], table["wave_to"])) == {("T0", "T1")}
    assert list(table["test"]) == ["mcnemar"] * len(BINARY_MEASURES) + ["wilcoxon"] * 2
    rows = table.set_index("measure")
    # volunteer work: P1, P4 at T0; P3, P4 at T1 (panel P1..P6)
    assert (rows.loc["volunteer_work", "value_from"], rows.loc["volunteer_work", "value_to"]) == (2, 2)
    # ease_society answered at both waves by P1..P4, P6 (P5 has none at T0)
    assert rows.loc["ease_society", "n"] == 5


def test_tiny_final_rows_compare_consecutive_waves_and_first_with_last(tiny):
    table = assert_table(tiny, FINAL)
    assert list(dict.fromkeys(zip(table["wave_from"], table["wave_to"]))) == [("T0", "T1"), ("T1", "T2"),
                                                                           ("T0", "T2")]


@pytest.mark.parametrize("scope", [INTERIM, FINAL], ids=["interim", "final"])
def test_demo_rows(demo, scope):
    assert_table(demo, scope)


def test_single_wave_has_no_tests(tiny):
    assert change_table(tiny, Scope(waves=("T0",))).empty


# ---------------------------------------------------------------------------
# Words


def test_demo_changes_that_are_significant(demo):
    """The published claims: volunteer work falls, transport and language rise from T0 to T1."""
    table = change_table(demo, INTERIM)
    changed = {r["measure"]: direction(r, 0.05) for _, r in table.iterrows() if direction(r, 0.05) != "same"}
    assert changed == {"volunteer_work": "down", "barrier_transport": "up", "barrier_language": "up"}


def _row(measure, before, after, p, n=124, test="mcnemar") -> pd.Series:
    return pd.Series({"measure": measure, "wave_from": "T0", "wave_to": "T1", "n": n, "value_from": before,
                      "value_to": after, "test": test, "p_value": p, "p_holm": p})


def test_a_change_needs_p_below_alpha():
    assert direction(_row("paid_work", 8, 20, 0.049), 0.05) == "up"
    assert direction(_row("paid_work", 20, 8, 0.049), 0.05) == "down"
    assert direction(_row("paid_work", 8, 20, 0.05), 0.05) == "same"
    assert direction(_row("paid_work", 8, 20, float("nan")), 0.05) == "same"


@pytest.mark.parametrize("before, after", [(0, 0), (0, 1), (1, 30), (30, 1)])
def test_sentences_for_zero_one_and_many(before, after):
    p = 0.001 if before != after else 1.0
    for language in ("nl", "en"):
        text = change_sentence(_row("volunteer_work", before, after, p), language, 0.05)
        assert text[0].isalpha() and text[0].isupper()
        assert ("McNemar" in text) and ("p =" in text or "p <" in text)
    nl = change_sentence(_row("volunteer_work", before, after, p), "nl", 0.05)
    word = {True: "geen duidelijke verandering", False: "steeg" if after > before else "daalde"}[before == after]
    assert word in nl and "ongeveer gelijk" not in nl


def test_a_change_needs_holm_below_alpha_and_a_fall_with_p_below_010_is_named():
    """Statistics v3: p = 0.01 but p_holm = 0.08 is no clear change; a fall with p < 0.10 is a possible adverse
    development; a rise of a participation type is not."""
    fall = _row("volunteer_work", 38, 22, 0.01)
    fall["p_holm"] = 0.08
    assert direction(fall, 0.05) == "same"
    nl = change_sentence(fall, "nl", 0.05)
    assert "geen duidelijke verandering" in nl and "mogelijk ongunstige ontwikkeling" in nl
    assert "(38 en 22 van de 124; McNemar-toets, p = 0,010; gecorrigeerd voor het aantal toetsen p = 0,080)" in nl
    en = change_sentence(fall, "en", 0.05)
    assert "no clear change" in en and "possible adverse development" in en and "about the same" not in en
    rise = _row("volunteer_work", 22, 38, 0.01)
    rise["p_holm"] = 0.08
    assert "ongunstig" not in change_sentence(rise, "nl", 0.05)
    barrier_up = _row("barrier_transport", 23, 44, 0.04)
    barrier_up["p_holm"] = 0.3
    assert "mogelijk ongunstige ontwikkeling" in change_sentence(barrier_up, "nl", 0.05)


def test_ease_sentence_names_wilcoxon():
    same = change_sentence(_row("ease_society", 3.72, 3.91, 0.127, n=116, test="wilcoxon"), "nl", 0.05)
    assert same.startswith("Hoe moeilijk deelnemers het vinden om mee te doen in de maatschappij, veranderde")
    assert "niet duidelijk" in same and "Wilcoxon-toets, p = 0,127; gecorrigeerd voor het aantal toetsen p = 0,127; n=116" in same
    harder = change_sentence(_row("ease_society", 3.7, 4.2, 0.01, n=116, test="wilcoxon"), "nl", 0.05)
    assert "op T1 gemiddeld moeilijker" in harder


def test_unchanged_measures_are_no_clear_change_with_their_values(demo):
    text = changes_text(change_table(demo, INTERIM), list(TYPES), "participation", INTERIM,
                        always=["participation_any"])
    assert text[0].startswith("Bij het aantal deelnemers met minstens één vorm van participatie is tussen T0 en "
                              "T1 geen duidelijke verandering te zien (54 en 53 van de 124;")
    assert "Het aantal deelnemers met vrijwilligerswerk daalde van 38 op T0 naar 22 op T1" in text[1]
    assert text[2].startswith("Bij betaald werk (")
    assert "geen duidelijke verandering te zien" in text[2]
    assert not any("ongeveer gelijk" in t for t in text)


def test_change_figure(tiny, tmp_path):
    import vl_convert

    from via_reports.figures.change import by_wave

    figure = by_wave(tiny, FINAL)
    assert figure.id == "change.by_wave" and figure.n == 6
    pd.testing.assert_frame_equal(figure.data, change_table(tiny, FINAL))
    assert figure.write_csv(tmp_path).read_text().splitlines()[0] == ",".join(CHANGE_COLUMNS)
    table = figure.display_table
    assert list(table.columns) == ["Maat", "Meetmomenten", "n", "Eerste meting", "Tweede meting", "Toets", "p",
                                   "p (Holm)"]
    assert set(table["Toets"]) == {"McNemar-toets", "Wilcoxon-toets"}
    assert table.iloc[0].tolist()[:5] == ["Betaald werk", "T0 → T1", 6, "1 (16,7%)", "1 (16,7%)"]
    assert vl_convert.vegalite_to_svg(figure.chart.to_json()).startswith("<svg")
    assert by_wave(tiny, Scope(waves=("T0",))) is None
