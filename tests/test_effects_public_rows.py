"""Public edition of the effects chapter per row, not per outcome (REPORTS.md, "Public edition, per outcome").

Disclosure control withholds the rows that need it: a row of ``effects.outcomes``
whose group or share is 1 to k−1 people. The complete-case rows of one analysis
and outcome share their people and means, so they fall together; a bound row
falls on its own shares. An outcome is named as withheld as a whole only when its
headline row (primary analysis, ``ancova``) is; otherwise it keeps its verdict and
MDE, and its paragraph names the rows withheld.

The expected withheld rows are computed here from the internal rows' shares and
n's (a share times n is a count), not with the code under test.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from via_reports import load_dataset
from via_reports.analysis.scope import Scope
from via_reports.document.bottom_line import conclusions, summary
from via_reports.figures.effects_public import withheld_outcomes
from via_reports.figures.effects_public_text import public_results
from via_reports.figures.effects_text import EffectsResults, outcome_paragraph, outcomes_text
from via_reports.figures.wording import wording

BINARY = {"any_participation", "paid_work", "volunteer_work", "ease_society_difficult", "ease_paid_work_difficult",
          "enough_social_contacts", "discrimination_experienced"}


@pytest.fixture(scope="module")
def demo_results() -> dict[str, EffectsResults]:
    return {language: EffectsResults.compute(load_dataset(None, language), Scope(
        waves=("T0", "T1", "T2"), language=language, min_n=10, kind="final")) for language in ("nl", "en")}


def small_cells(row: pd.Series, k: int) -> bool:
    """A group of 1 to k−1 people, or a yes/no share that is (or leaves) 1 to k−1 people."""
    for side in ("pilot", "control"):
        n = int(row[f"n_{side}"])
        if 0 < n < k:
            return True
        if row["outcome"] in BINARY:
            for wave in ("t0", "t2"):
                count = int(np.floor(row[f"{side}_{wave}"] * n + 0.5))
                if 0 < count < k or 0 < n - count < k:
                    return True
    return False


def test_an_outcome_is_withheld_only_when_its_headline_row_is(demo_results):
    results = demo_results["nl"]
    rows = results.outcomes
    headline = rows[(rows["analysis"] == "primary") & (rows["estimator"] == "ancova")]
    expected = {r["outcome"] for _, r in headline.iterrows() if small_cells(r, 10)}
    # the demo at k = 10: paid work 7 of 36 at T2, finding work hard 2 of 34 not, contacts 9 of 31, discrimination 1 of 32
    assert expected == {"paid_work", "ease_paid_work_difficult", "enough_social_contacts", "discrimination_experienced"}
    public = public_results(results, 10)
    assert set(withheld_outcomes(public.outcomes)) == expected
    # a row with cells of k or more people in an analysis whose headline is shown stays (enough social contacts'
    # sensitivity analysis: 39 of 105 and 28 of 53)
    shown = public.outcomes[(public.outcomes["analysis"] == "sensitivity")
                            & (public.outcomes["outcome"] == "enough_social_contacts")]
    assert not shown["suppressed"].any() and shown["effect"].notna().all()
    for _, row in rows.iterrows():
        mine = public.outcomes.loc[row.name]
        if small_cells(row, 10):
            assert mine["suppressed"] and pd.isna(mine["effect"]), (row["outcome"], row["estimator"])


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_small_bound_row_is_named_and_the_outcome_keeps_its_verdict(demo_results, language):
    """k = 2: 'finding paid work hard' has 34 of 34 pilot at T0, 39 of 40 with missing answers filled in:
    the bound rows leave 1 person, the complete-case rows none. The bounds go, the outcome stays."""
    results = demo_results[language]
    rows = results.outcomes.set_index(["analysis", "outcome", "estimator"])
    bound = rows.loc[("primary", "ease_paid_work_difficult", "bound_low")]
    assert int(bound["n_pilot"]) - round(bound["pilot_t0"] * bound["n_pilot"]) == 1
    headline = pd.Series({**rows.loc[("primary", "ease_paid_work_difficult", "ancova")],
                          "outcome": "ease_paid_work_difficult"})
    assert not small_cells(headline, 2)
    public = public_results(results, 2)
    assert "ease_paid_work_difficult" not in withheld_outcomes(public.outcomes)
    flags = public.outcomes.set_index(["analysis", "outcome", "estimator"])["suppressed"]
    assert flags[("primary", "ease_paid_work_difficult", "bound_low")]
    assert flags[("primary", "ease_paid_work_difficult", "bound_high")]
    assert not flags[("primary", "ease_paid_work_difficult", "ancova")]
    paragraph = outcome_paragraph(public, "ease_paid_work_difficult")
    v3 = wording("effects_v3", language)
    assert v3["bounds_withheld"].format(t2="T2", k=2) in paragraph
    internal = outcome_paragraph(results, "ease_paid_work_difficult")
    first = internal.split(". ")[0]
    assert paragraph.startswith(first)  # the verdict and its numbers stay
    values = results.values("ease_paid_work_difficult", bound)
    assert values["effect"] in internal and values["effect"] not in paragraph  # the bound's estimate goes
    items = summary(public, language)
    label = wording("effects", language)["outcomes"]["ease_paid_work_difficult"]
    mde = results.values("ease_paid_work_difficult",
                         rows.loc[("primary", "ease_paid_work_difficult", "ancova")])["mde"]
    line = next(line for line in items.splitlines() if line.startswith(f"- {label} ("))
    assert mde in line


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_withheld_sensitivity_row_is_named(demo_results, language):
    """The sensitivity analysis' rows of one outcome withheld, its headline shown: the paragraph says so."""
    results = demo_results[language]
    public = public_results(results, 2)
    data = public.outcomes.copy()
    rows = (data["analysis"] == "sensitivity") & (data["outcome"] == "volunteer_work") \
        & ~data["estimator"].isin(["bound_low", "bound_high"])
    data.loc[rows, ["effect", "ci_low", "ci_high", "p_value", "p_holm", "se", "mde"]] = np.nan
    data.loc[rows, "suppressed"] = True
    public = dataclasses.replace(public, outcomes=data, _estimates={})
    paragraph = outcome_paragraph(public, "volunteer_work")
    assert wording("effects_v3", language)["sensitivity_withheld"].format(k=2) in paragraph
    assert "nan" not in paragraph.lower()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_withheld_primary_outcome_is_still_answered_first(demo_results, language):
    results = demo_results[language]
    public = public_results(results, 10)
    v3 = wording("effects_v3", language)
    label = wording("effects", language)["outcomes"]["paid_work"]
    first = v3["primary_answer"].format(label=label[0].lower() + label[1:])
    for text in (summary(public, language), conclusions(public, language)):
        assert first in text
        assert text.index(first) < text.index(wording("effects", language)["outcomes"]["any_participation"])
    lines = [line for line in summary(public, language).splitlines() if line.startswith("- ")]
    assert lines[0].startswith(f"- {label} (")  # the primary outcome's line first, though withheld
    # the chapter counts only the outcomes it shows in its "none of k" sentence
    shown = 9 - len(withheld_outcomes(public.outcomes))
    text = " ".join(outcomes_text(public))
    assert wording("effects", language)["text"]["none_found"].split("{k}")[0] + str(shown) in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_public_bottom_line_keeps_a_lottery_warning_resting_on_a_withheld_row(language):
    """k = 10: the demo's warning rests on paid work at T0 (8 of 68 controls), a withheld balance row. The
    chapter states the warning as a verdict; the bottom line, made from the public figures, repeats it."""
    from via_reports.analysis.scope import Scope
    from via_reports.figures.balance import baseline, nonresponse
    from via_reports.figures.effects import attrition, outcomes
    from via_reports.figures.public import public_figure

    dataset = load_dataset(None, language)
    scope = Scope(waves=("T0", "T1", "T2"), language=language, min_n=10, kind="final", min_cell=10)
    figures = {f.id: public_figure(f, 10) for f in (outcomes(dataset, scope), baseline(dataset, scope),
                                                    nonresponse(dataset, scope), attrition(dataset, scope))}
    results = EffectsResults.from_figures(figures, language, "T0", "T2", 0.05, 10, None, None, 10)
    sentence = wording("effects_v3", language)["warning_withheld"].format(k=10)
    assert results.warning_withheld and sentence in " ".join(figures["effects.baseline"].text)
    assert sentence in summary(results, language) and sentence in conclusions(results, language)
    internal = EffectsResults.from_figures(figures, language, "T0", "T2", 0.05, 10, None, None, None)
    assert not internal.warning_withheld  # only a public edition (min_cell) reads it


def test_the_public_forest_plot_draws_every_shown_row_and_no_withheld_one():
    """Before, the generic emptying of public charts (rows matched by code) emptied every point of the
    labelled forest plot as soon as one row was withheld."""
    from via_reports.analysis.scope import Scope
    from via_reports.figures.effects import outcomes
    from via_reports.figures.public import public_figure

    dataset = load_dataset(None, "en")
    scope = Scope(waves=("T0", "T1", "T2"), language="en", min_n=10, kind="final", min_cell=10)
    figure = public_figure(outcomes(dataset, scope), 10)
    drawn = [row for rows in figure.chart.to_dict().get("datasets", {}).values() for row in rows
             if row.get("effect") is not None and row["effect"] == row["effect"] and "outcome" in row]  # not NaN
    labels = wording("effects", "en")["outcomes"]
    headline = figure.data[figure.data["estimator"] == "ancova"]
    shown = headline[~headline["suppressed"]]
    assert len(drawn) == len(shown) == 11  # 2 analyses x 9 outcomes, 7 withheld
    expected = {(labels[r["outcome"]], round(r["effect"] * (100 if r["outcome"] in BINARY else 1), 9))
                for _, r in shown.iterrows()}
    assert {(row["outcome"], round(row["effect"], 9)) for row in drawn} == expected


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_public_flow_chart_shows_no_withheld_count(language):
    """effects.flow's chart carries labels ("Hoofdanalyse", "VIA-pilot") where its data carry codes: before,
    no chart row matched a withheld data row, and the public PDF printed the withheld counts (2 left for
    work, 34 of 40 answered T2) in the flow boxes. No withheld count may reach the chart."""
    from via_reports.analysis.scope import Scope
    from via_reports.figures.effects_flow import flow, means
    from via_reports.figures.public import public_figure

    dataset = load_dataset(None, language)
    scope = Scope(waves=("T0", "T1", "T2"), language=language, min_n=10, kind="final", min_cell=10)
    for build, value in ((flow, "count"), (means, "mean")):
        internal = build(dataset, scope)
        public = public_figure(internal, 10)
        withheld = public.data[public.data["suppressed"]]
        assert len(withheld)  # the demo at k = 10 withholds some
        hidden = {float(v) for v in internal.data.loc[withheld.index, value]}
        shown = {float(v) for v in public.data.loc[~public.data["suppressed"], value].dropna()}
        numbers = [v for rows in public.chart.to_dict().get("datasets", {}).values() for row in rows
                   for k, v in row.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        leaked = [v for v in numbers if float(v) in hidden - shown]
        assert not leaked, (internal.id, leaked)


@pytest.mark.parametrize("k", [10, 2])
def test_no_shown_holm_p_on_the_demo_is_a_withheld_outcomes_term(demo_results, k):
    """Holm's adjusted p of a shown secondary outcome may be a withheld one's p times a known factor:
    the public table then leaves it out, and the outcome's paragraph says why (worked in the test)."""
    from statsmodels.stats.multitest import multipletests

    results = demo_results["nl"]
    public = public_results(results, k)
    primary = results.primary_outcome
    for (analysis, estimator), rows in results.outcomes.groupby(["analysis", "estimator"], sort=False):
        family = rows[(rows["outcome"] != primary) & rows["p_value"].notna()]
        if family.empty:
            continue
        hidden = public.outcomes.loc[family.index, "suppressed"].astype(bool)
        p = family["p_value"].to_numpy(dtype=float)
        m = len(p)
        ranked = sorted(range(m), key=lambda i: p[i])
        terms = {ranked[r]: min(1.0, (m - r) * p[ranked[r]]) for r in range(m)}
        for rank, i in enumerate(ranked):
            if hidden.iloc[i]:
                continue
            maximum = max(terms[ranked[r]] for r in range(rank + 1))
            own = terms[i] >= maximum - 1e-12
            shown = public.outcomes.loc[family.index[i], "p_holm"]
            if own:
                assert shown == pytest.approx(multipletests(p, method="holm")[1][i])
            else:  # the maximum is other tests' term: shown only if one of them is shown too
                sources = [ranked[r] for r in range(rank + 1) if abs(terms[ranked[r]] - maximum) <= 1e-12]
                assert pd.isna(shown) or not all(hidden.iloc[s] for s in sources)
                assert pd.notna(shown) or all(hidden.iloc[s] for s in sources)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_shown_outcome_whose_holm_p_was_withheld_says_why(demo_results, language):
    """When the public table leaves out a borrowed Holm p (figures/public.py), the paragraph neither
    states a Holm p nor a verdict on it, and says why; an internal edition keeps its Holm sentence."""
    results = demo_results[language]
    public = public_results(results, 10)
    row = (public.outcomes["analysis"] == "primary") & (public.outcomes["outcome"] == "volunteer_work")
    borrowed = dataclasses.replace(public, outcomes=public.outcomes.assign(
        p_holm=public.outcomes["p_holm"].mask(row)), _estimates={})
    words = wording("effects_v3", language)
    paragraph = outcome_paragraph(borrowed, "volunteer_work")
    assert words["holm_withheld"].format(k=10) in paragraph
    assert words["holm_value"].split("{")[0] not in paragraph
    assert words["holm_value"].split("{")[0] in outcome_paragraph(public, "volunteer_work")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_sensitivity_verdict_of_a_public_edition_covers_only_what_it_shows(demo_results, language):
    """'In the sensitivity analysis no interval excludes 0' would also speak of withheld outcomes:
    the public edition says how many it leaves out (counted here from the small cells)."""
    results = demo_results[language]
    rows = results.outcomes[(results.outcomes["analysis"] == "sensitivity")
                            & (results.outcomes["estimator"] == "ancova")]
    n = sum(small_cells(row, 10) for _, row in rows.iterrows())
    assert n > 0  # the demo at k = 10 withholds the sensitivity rows of paid work and discrimination, at least
    sentence = wording("effects_v3", language)["sensitivity_shown_only"]
    assert sentence.format(n=n, k=10) in outcomes_text(public_results(results, 10))
    assert not any(sentence.split("{")[0] in p for p in outcomes_text(results))
