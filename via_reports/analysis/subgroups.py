"""Subgroup comparisons: "mannen relatief vaker dan vrouwen", computed instead of eyeballed.

REPORTS.md, "Subgroup comparisons (v2)". For a binary outcome (any
participation, instrument use, a barrier, ease 4–5 = difficult, ...) and a
two-way split of a population (sex, age ≤39 vs 40+, born in NL, ...), a
:class:`Comparison` holds both groups' counts, n and percentages, the
difference in percentage points with Newcombe's hybrid score interval
(:func:`statsmodels.stats.proportion.confint_proportions_2indep`,
``method="newcomb"``), Fisher's exact two-sided p-value
(:func:`scipy.stats.fisher_exact`) and the Holm-adjusted p-value over the
**family of all comparisons of one chapter**
(:func:`statsmodels.stats.multitest.multipletests`, ``method="holm"``).

A chapter's family is computed from the chapter alone
(:func:`chapter_comparisons`), so it is the same whether the chapter runs on
its own through papermill or inside a build. The sentences are made in
:mod:`via_reports.figures.subgroups`.

People whose outcome or split is unknown (e.g. sex ``other`` in a
women-vs-men split, an unanswered ease question) are left out of that
comparison. A split with an empty group is skipped.

scipy and statsmodels are imported where a test runs, not with the module: a
build that only re-renders (a text edit) then never loads them.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import pandas as pd

from via_reports.analysis.formatting import percent_value
from via_reports.analysis.populations import (
    age,
    born_nl,
    born_or_background,
    low_education,
    panel,
    participates,
    pilot,
    respondents,
    responses_in_wave,
    barrier_answer,
    ticked_barrier,
    uses_instrument,
)
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset

#: Groups smaller than this carry a caution.
SMALL_GROUP = 10

#: How many of the top origin countries (born there and/or background there,
#: ranked as in participants.origin) the instruments chapter compares.
TOP_BACKGROUNDS = 3

#: Columns of figure ``subgroups.comparisons`` (REPORTS.md).
COMPARISON_COLUMNS = ("chapter", "outcome", "split", "group_a", "group_b", "n_a", "count_a", "n_b", "count_b",
                      "percent_a", "percent_b", "difference", "ci_low", "ci_high", "p_value", "p_holm")

#: The codes of the two groups of each split (the first group is ``group_a``).
SPLIT_GROUPS = {
    "sex": ("female", "male"),
    "age_39": ("<=39", ">=40"),
    "education_mbo1": ("up_to_mbo1", "mbo2_or_higher"),
    "born_nl": ("true", "false"),
    "barrier_language": ("true", "false"),
    "instrument_use": ("true", "false"),
}


def split_groups(split: str) -> tuple[str, str]:
    """The group codes of a split; ``background_TR`` / ``born_TR`` give (``TR``, ``other``)."""
    if split in SPLIT_GROUPS:
        return SPLIT_GROUPS[split]
    kind, _, country = split.partition("_")
    if kind in ("background", "born") and country:
        return country, "other"
    raise KeyError(f"unknown split {split!r}")


@dataclass(frozen=True)
class Comparison:
    """One comparison: group a against group b on a binary outcome (percentages of n)."""

    chapter: str
    population: str
    wave: str | None
    outcome: str
    split: str
    group_a: str
    group_b: str
    n_a: int
    count_a: int
    n_b: int
    count_b: int
    percent_a: float
    percent_b: float
    #: percent a − percent b in percentage points (unrounded), with Newcombe's interval.
    difference: float
    ci_low: float
    ci_high: float
    #: Fisher's exact test, two-sided.
    p_value: float
    #: Holm-adjusted over the chapter's family (set by :func:`chapter_comparisons`).
    p_holm: float = float("nan")
    #: A public edition withholds ``p_holm`` when it is the term of a comparison it leaves out
    #: (:func:`public_comparisons`); the verdict (below alpha or not) stays, the number goes.
    holm_withheld: bool = False

    def reportable(self, min_cell: int | None) -> bool:
        """A public edition (threshold ``min_cell``) reports it only when no cell holds 1 to min_cell − 1 people."""
        from via_reports.analysis.disclosure import is_small

        cells = (self.count_a, self.n_a - self.count_a, self.count_b, self.n_b - self.count_b)
        return min_cell is None or not any(is_small(cell, min_cell) for cell in cells)

    @property
    def small(self) -> bool:
        """At least one group has fewer than :data:`SMALL_GROUP` people."""
        return min(self.n_a, self.n_b) < SMALL_GROUP

    def significant(self, alpha: float) -> bool:
        """Only the Holm-adjusted p counts."""
        return self.p_holm < alpha

    def row(self) -> dict:
        """The row of figure ``subgroups.comparisons`` (a withheld Holm p empty)."""
        values = asdict(self)
        if self.holm_withheld:
            values["p_holm"] = float("nan")
        return {column: values[column] for column in COMPARISON_COLUMNS}


def public_comparisons(comparisons: Sequence[Comparison], min_cell: int | None) -> list[Comparison]:
    """The comparisons of one Holm family that an edition with threshold ``min_cell`` shows.

    A comparison with a cell of 1 to ``min_cell`` − 1 people is left out; a shown
    comparison whose Holm p is a left-out comparison's term (Holm's running
    maximum) gets ``holm_withheld``, since that number is the left-out p times a
    known factor (docs/disclosure.md). The internal edition (None) shows all.
    """
    if min_cell is None:
        return list(comparisons)
    from via_reports.analysis.holm_disclosure import holm_borrowed

    left_out = pd.Series([not c.reportable(min_cell) for c in comparisons], dtype=bool)
    borrowed = holm_borrowed(pd.Series([c.p_value for c in comparisons], dtype="float64"),
                             pd.Series([c.p_holm for c in comparisons], dtype="float64"), left_out)
    return [replace(c, holm_withheld=True) if flag else c
            for c, out, flag in zip(comparisons, left_out, borrowed) if not out]


# ---------------------------------------------------------------------------
# The comparison itself
# ---------------------------------------------------------------------------


def compare(
    outcome: str,
    split: str,
    has_outcome: pd.Series,
    in_first: pd.Series,
    scope: Scope,
    *,
    chapter: str,
    population: str,
    wave: str | None = None,
) -> Comparison | None:
    """Compare the share with ``has_outcome`` between the first (``in_first`` True) and second group.

    Both series are indexed by person; missing values leave a person out.
    Returns None when either group is empty. ``p_holm`` is left NaN: only the
    chapter's family gives it.
    """
    frame = pd.DataFrame({"outcome": has_outcome, "first": in_first}).dropna()
    outcome_true = frame["outcome"].astype(bool)
    first = frame["first"].astype(bool)
    n_a, n_b = int(first.sum()), int((~first).sum())
    if n_a == 0 or n_b == 0:
        return None
    count_a, count_b = int(outcome_true[first].sum()), int(outcome_true[~first].sum())
    from scipy.stats import fisher_exact
    from statsmodels.stats.proportion import confint_proportions_2indep

    p_value = float(
        fisher_exact([[count_a, n_a - count_a], [count_b, n_b - count_b]], alternative="two-sided").pvalue
    )
    low, high = confint_proportions_2indep(count_a, n_a, count_b, n_b, method="newcomb", compare="diff",
                                           alpha=scope.alpha)
    group_a, group_b = split_groups(split)
    return Comparison(
        chapter=chapter, population=population, wave=wave, outcome=outcome, split=split,
        group_a=group_a, group_b=group_b, n_a=n_a, count_a=count_a, n_b=n_b, count_b=count_b,
        percent_a=percent_value(count_a, n_a), percent_b=percent_value(count_b, n_b),
        difference=100 * (count_a / n_a - count_b / n_b), ci_low=100 * float(low), ci_high=100 * float(high),
        p_value=p_value,
    )


def with_holm(comparisons: Sequence[Comparison]) -> list[Comparison]:
    """The comparisons with ``p_holm`` set, Holm's method over exactly these (one family)."""
    if not comparisons:
        return []
    from statsmodels.stats.multitest import multipletests

    # statsmodels' Holm branch ends with gc.collect(), a full collection: 0.17 s in a kernel
    # holding a dataset, more in a test process. Frozen objects are left out of it (gc.freeze,
    # Python 3.7+); unfreeze returns them to the collector, so no cycle is kept alive.
    gc.freeze()
    try:
        adjusted = multipletests([c.p_value for c in comparisons], method="holm")[1]
    finally:
        gc.unfreeze()
    return [replace(c, p_holm=float(p)) for c, p in zip(comparisons, adjusted)]


def family(candidates):
    """A chapter's comparisons as one family: splits with an empty group left out, then Holm over the rest.

    Wraps a function ``(dataset, scope) -> [Comparison | None, ...]``; whoever
    calls the wrapped function (the chapter alone, a build, the appendix
    figure) gets the same family with the same adjusted p-values.
    """

    @functools.wraps(candidates)
    def comparisons(dataset: Dataset, scope: Scope, *args, **kwargs) -> list[Comparison]:
        return with_holm([c for c in candidates(dataset, scope, *args, **kwargs) if c is not None])

    return comparisons


# ---------------------------------------------------------------------------
# Splits on a population (True = first group, NA = left out)
# ---------------------------------------------------------------------------


def women_vs_men(people: pd.DataFrame) -> pd.Series:
    sex = people["sex"].astype(object)
    return sex.map({"female": True, "male": False})


def up_to_39(dataset: Dataset, people: pd.DataFrame) -> pd.Series:
    return (age(dataset, people) <= 39).astype("boolean")


# ---------------------------------------------------------------------------
# The comparisons each chapter discusses
# ---------------------------------------------------------------------------


@family
def participation_comparisons(dataset: Dataset, scope: Scope) -> list[Comparison | None]:
    """Any participation in the last wave, panel: by sex, age ≤39 vs 40+, education ≤ mbo 1 vs ≥ mbo 2."""
    wave = scope.last_wave
    people = panel(dataset, scope.waves)
    outcome = participates(responses_in_wave(dataset, people, wave))
    kwargs = {"chapter": "participation", "population": "panel", "wave": wave}
    return [
        compare("participation_any", "sex", outcome, women_vs_men(people), scope, **kwargs),
        compare("participation_any", "age_39", outcome, up_to_39(dataset, people), scope, **kwargs),
        compare("participation_any", "education_mbo1", outcome, low_education(people), scope, **kwargs),
    ]


@family
def participants_comparisons(dataset: Dataset, scope: Scope) -> list[Comparison | None]:
    """Prior paid work in NL among the foreign-born pilot participants, by sex."""
    everyone = pilot(dataset)
    people = everyone[~born_nl(everyone)]
    return [compare("prior_paid_work_nl", "sex", people["prior_paid_work_nl"], women_vs_men(people), scope,
                    chapter="participants", population="pilot born outside NL")]


def top_backgrounds(dataset: Dataset, top: int = TOP_BACKGROUNDS) -> list[str]:
    """The study's own top origin countries (NL excluded), as the origin figure ranks them."""
    from via_reports.analysis.origins import origin_counts, top_countries

    return top_countries(origin_counts(dataset, pilot(dataset)), top)


@family
def instruments_comparisons(
    dataset: Dataset,
    scope: Scope,
    background_countries: Sequence[str] | None = None,
    birth_countries: Sequence[str] = (),
) -> list[Comparison | None]:
    """Using at least one instrument, respondents of the last wave: by age, language barrier, origin.

    Origin splits default to the study's top backgrounds (born there and/or
    background there), so they follow the data, not one city's population.
    """
    wave = scope.last_wave
    people = respondents(dataset, wave)
    if background_countries is None:
        background_countries = top_backgrounds(dataset)
    outcome = uses_instrument(dataset, people, wave)
    kwargs = {"chapter": "instruments", "population": "respondents", "wave": wave}
    use = "instrument_use"
    language_barrier = ticked_barrier(dataset, people, wave, "language")
    comparisons = [
        compare(use, "age_39", outcome, up_to_39(dataset, people), scope, **kwargs),
        compare(use, "barrier_language", outcome, language_barrier, scope, **kwargs),
    ]
    comparisons += [
        compare(use, f"background_{c}", outcome, born_or_background(dataset, people, c), scope, **kwargs)
        for c in background_countries
    ]
    comparisons += [
        compare(use, f"born_{c}", outcome, (people["birth_country"] == c).astype(bool), scope, **kwargs)
        for c in birth_countries
    ]
    return comparisons


def difficult(answers: pd.Series) -> pd.Series:
    """Ease 4–5 = difficult; a missing answer stays missing (left out of the comparison)."""
    return answers.map(lambda v: pd.NA if pd.isna(v) else int(v) >= 4).astype("boolean")


@family
def barriers_comparisons(dataset: Dataset, scope: Scope) -> list[Comparison | None]:
    """Barriers and ease in the last wave, panel: by sex, born in NL, instrument use."""
    wave = scope.last_wave
    people = panel(dataset, scope.waves)
    kwargs = {"chapter": "barriers", "population": "panel", "wave": wave}

    def barrier(code: str) -> pd.Series:  # NA for people who answered no barrier question (left out)
        return barrier_answer(dataset, people, wave, code)

    women = women_vs_men(people)
    born_here = born_nl(people)
    hard = difficult(responses_in_wave(dataset, people, wave)["ease_society"])
    return [
        compare("barrier_transport", "sex", barrier("transport"), women, scope, **kwargs),
        compare("barrier_home", "sex", barrier("home"), women, scope, **kwargs),
        compare("barrier_home", "born_nl", barrier("home"), born_here, scope, **kwargs),
        compare("barrier_language", "born_nl", barrier("language"), born_here, scope, **kwargs),
        compare("ease_society_difficult", "born_nl", hard, born_here, scope, **kwargs),
        compare("ease_society_difficult", "instrument_use", hard, uses_instrument(dataset, people, wave), scope,
                **kwargs),
    ]


def comparisons_frame(comparisons: Sequence[Comparison]) -> pd.DataFrame:
    """Comparisons as the tidy table of figure ``subgroups.comparisons`` (:data:`COMPARISON_COLUMNS`)."""
    frame = pd.DataFrame([c.row() for c in comparisons], columns=list(COMPARISON_COLUMNS))
    for column in ("chapter", "outcome", "split", "group_a", "group_b"):
        frame[column] = frame[column].astype("string")
    for column in ("n_a", "count_a", "n_b", "count_b"):
        frame[column] = frame[column].astype("int64")
    return frame
