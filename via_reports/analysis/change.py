"""Did something change between two waves? Paired tests on the panel (REPORTS.md, "Change within persons").

Every sentence that says a share rose or fell ("vaker op T1 dan op T0",
"moeilijker op T1") rests on one row of :func:`change_table` (figure
``change.by_wave``):

- a binary measure (each participation type and ``participation_any``, each
  barrier): McNemar's exact test on the paired 2×2 table
  (:func:`statsmodels.stats.contingency_tables.mcnemar` with ``exact=True``);
  ``value_from`` / ``value_to`` are counts of the panel;
- an ease scale (1 very easy … 5 very difficult): the Wilcoxon signed-rank
  test (:func:`scipy.stats.wilcoxon`, default options) among the people with
  an answer at both waves; the values are their means.

Waves are compared one after the other (T0→T1, T1→T2) and, with more than
two waves, first against last (T0→T2).

Statistics v3: every row names its ``chapter`` (``participation`` for the
participation types and "any", ``barriers`` for the barriers and the ease
scales) and carries ``p_holm``, Holm-adjusted over the change tests of that
chapter (:mod:`via_reports.analysis.multiplicity`). :func:`direction` turns a
row into ``up``, ``down`` or ``same``; without ``p_holm`` < alpha it is
``same`` ("no clear change", never "about the same").

scipy and statsmodels are imported where a test runs, not with the module: a
build that only re-renders (a text edit) then never loads them.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from via_reports.analysis.populations import (
    BARRIERS,
    PARTICIPATION_TYPES,
    barrier_answer,
    panel,
    participates,
    responses_in_wave,
)
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset

#: Binary measures, in table order.
BINARY_MEASURES = (*PARTICIPATION_TYPES, "participation_any", *(f"barrier_{b}" for b in BARRIERS))
#: Ease scales (1–5, higher = more difficult).
SCALE_MEASURES = ("ease_society", "ease_paid_work")
MEASURES = (*BINARY_MEASURES, *SCALE_MEASURES)

CHANGE_COLUMNS = ("measure", "wave_from", "wave_to", "n", "value_from", "value_to", "test", "p_value", "chapter",
                  "p_holm")
#: The chapter of each measure: its sentences are written there, and its tests form one Holm family.
CHAPTER_OF = {**{m: "participation" for m in (*PARTICIPATION_TYPES, "participation_any")},
              **{m: "barriers" for m in (*(f"barrier_{b}" for b in BARRIERS), *SCALE_MEASURES)}}


def wave_pairs(scope: Scope) -> list[tuple[str, str]]:
    """Consecutive waves of the scope, and first → last when there are more than two."""
    waves = list(scope.waves)
    pairs = list(zip(waves, waves[1:]))
    if len(waves) > 2:
        pairs.append((waves[0], waves[-1]))
    return pairs


def mcnemar_p(before: pd.Series, after: pd.Series) -> float:
    """McNemar's exact p for paired booleans (same index)."""
    before, after = before.astype(bool), after.astype(bool)
    table = [[int((before & after).sum()), int((before & ~after).sum())],
             [int((~before & after).sum()), int((~before & ~after).sum())]]
    from statsmodels.stats.contingency_tables import mcnemar

    return float(mcnemar(table, exact=True).pvalue)


def wilcoxon_p(before: np.ndarray, after: np.ndarray) -> float:
    """The Wilcoxon signed-rank p (scipy's defaults); NaN without pairs."""
    if len(before) == 0:
        return math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all differences zero: scipy says p = 1 and warns
        from scipy.stats import wilcoxon

        return float(wilcoxon(before, after).pvalue)


def _binary_values(dataset: Dataset, people: pd.DataFrame, wave: str,
                   responses: pd.DataFrame) -> dict[str, pd.Series]:
    """Each binary measure of ``people`` in ``wave``; ``responses``: their responses in that wave."""
    values = {t: responses[t].fillna(False).astype(bool) for t in PARTICIPATION_TYPES}
    values["participation_any"] = participates(responses)
    for barrier in BARRIERS:
        values[f"barrier_{barrier}"] = barrier_answer(dataset, people, wave, barrier)  # NA: not answered
    return values


def change_table(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Every paired test behind a sentence about change (columns :data:`CHANGE_COLUMNS`), on the panel.

    Empty (no rows) when the scope has a single wave.
    """
    people = panel(dataset, scope.waves)
    pairs = wave_pairs(scope)
    # each wave's answers and measures once: with three waves, each wave is in two of the three pairs
    waves = list(dict.fromkeys(wave for pair in pairs for wave in pair))
    answers = {wave: responses_in_wave(dataset, people, wave) for wave in waves}
    binary = {wave: _binary_values(dataset, people, wave, answers[wave]) for wave in waves}
    rows = []
    for wave_from, wave_to in pairs:
        before, after = binary[wave_from], binary[wave_to]
        for measure in BINARY_MEASURES:
            # the pairs with both answers known (one denominator per measure: a barrier question left
            # unanswered is missing, not "not ticked"); participation is always answered
            known = before[measure].notna() & after[measure].notna()
            x, y = before[measure][known].astype(bool), after[measure][known].astype(bool)
            rows.append({"measure": measure, "wave_from": wave_from, "wave_to": wave_to, "n": int(known.sum()),
                         "value_from": float(x.sum()), "value_to": float(y.sum()), "test": "mcnemar",
                         "p_value": mcnemar_p(x, y) if known.any() else math.nan})
        answers_from, answers_to = answers[wave_from], answers[wave_to]
        for measure in SCALE_MEASURES:
            known = answers_from[measure].notna() & answers_to[measure].notna()
            x = answers_from.loc[known, measure].astype(float).to_numpy()
            y = answers_to.loc[known, measure].astype(float).to_numpy()
            rows.append({"measure": measure, "wave_from": wave_from, "wave_to": wave_to, "n": int(known.sum()),
                         "value_from": float(x.mean()) if len(x) else math.nan,
                         "value_to": float(y.mean()) if len(y) else math.nan,
                         "test": "wilcoxon", "p_value": wilcoxon_p(x, y)})
    table = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    table["chapter"] = table["measure"].map(CHAPTER_OF)
    table["p_holm"] = math.nan
    from via_reports.analysis.multiplicity import holm

    for _, family in table.groupby("chapter", sort=False):
        table.loc[family.index, "p_holm"] = holm(family["p_value"].to_numpy(dtype=float))
    for column in ("measure", "wave_from", "wave_to", "test", "chapter"):
        table[column] = table[column].astype("string")
    table["n"] = table["n"].astype("int64")
    numbers = ["value_from", "value_to", "p_value", "p_holm"]
    table[numbers] = table[numbers].astype(float)
    return table


def direction(row: pd.Series | dict, alpha: float) -> str:
    """``up`` or ``down`` when the paired test has ``p_holm`` (else p) < ``alpha``, otherwise ``same``."""
    p = row["p_holm"] if "p_holm" in row else row["p_value"]
    if p is None or not p < alpha or row["value_to"] == row["value_from"]:
        return "same"
    return "up" if row["value_to"] > row["value_from"] else "down"


def is_adverse_change(row: pd.Series | dict) -> bool:
    """A change against the participants: less participation, more barriers, or finding things more difficult.

    ``barrier_none`` is the exception among barriers: fewer people without barriers is the adverse way.
    """
    if row["value_to"] == row["value_from"]:
        return False
    rose = row["value_to"] > row["value_from"]
    measure = row["measure"]
    if measure in (*PARTICIPATION_TYPES, "participation_any") or measure == "barrier_none":
        return not rose
    return rose


def change_row(table: pd.DataFrame, measure: str, wave_from: str, wave_to: str) -> pd.Series:
    """The one row of ``table`` for ``measure`` between two waves (KeyError when absent)."""
    rows = table[(table["measure"] == measure) & (table["wave_from"] == wave_from) & (table["wave_to"] == wave_to)]
    if len(rows) != 1:
        raise KeyError(f"no change test for {measure} from {wave_from} to {wave_to}")
    return rows.iloc[0]
