"""What statistics v3 adds to the words of the effects chapter and the bottom line.

REPORTS.md, "Statistics v3: what a methods reviewer signs". Like
:mod:`via_reports.figures.effects_text`, everything here reads the tables
(the data of the effects figures), never the persons:

- the estimand (intention to treat) and, without a ``randomized`` column,
  that the data do not record how the groups were formed;
- the primary outcome, answered first; a secondary outcome is demonstrable
  only where its Holm-adjusted p (``p_holm``) is below alpha, and where its
  interval excludes 0 but ``p_holm`` does not, the text says the difference
  does not hold up after the correction;
- what the interval rules out ("effects larger than ci_high and smaller than
  ci_low are unlikely");
- an estimate against the pilot with p < :data:`ADVERSE_P`, named as a
  possible adverse development even when not significant;
- the missing-answer checks: ``ancova_ipw`` (or that it could not be
  estimated) and the bounds, with whether the conclusion holds at both;
- the randomisation check: the joint test, its warning for an analysis by
  lot (joint p < 0.01 or an |SMD| > 0.25), and groups that do not overlap.

Wording comes from ``templates/pdf/wording/effects_v3.yaml``.
"""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd

from via_reports.analysis.balance import JOINT_P_WARNING, SMD_WARNING, randomisation_warning
from via_reports.analysis.formatting import p_value_number, p_value_text
from via_reports.figures.effects_public import is_withheld
from via_reports.figures.effects_units import decimals, scale
from via_reports.figures.wording import lower_first, number, signed, smd_text, wording



class EffectsResults(Protocol):
    """What the checks read of the effects chapter's results.

    The results are :class:`via_reports.figures.effects_text.EffectsResults`,
    whose words import this module; described here, not imported, so that
    the two modules do not import each other (docs/architecture.md).
    """

    baseline: pd.DataFrame
    first_wave: str
    last_wave: str
    language: str
    alpha: float
    primary_outcome: str
    separated: frozenset[str]

    @property
    def words(self) -> dict[str, Any]: ...

    @property
    def randomized(self) -> bool: ...

    def estimates(self, analysis: str = "primary", estimator: str = "ancova") -> pd.DataFrame: ...

    def analysis_name(self, analysis: str) -> str: ...

    def values(self, outcome: str, row: pd.Series) -> dict[str, str]: ...

    def share_or_mean(self, characteristic: str, mean: float, n: int) -> str: ...

#: Below this p an estimate against the pilot is named as a possible adverse development.
ADVERSE_P = 0.10
#: Outcomes where a lower value is the better one; for every other outcome higher is better.
LOWER_IS_BETTER = frozenset({"ease_society_difficult", "ease_paid_work_difficult", "discrimination_experienced"})


def v3_words(results: "EffectsResults") -> dict[str, Any]:
    return wording("effects_v3", results.language, results.alpha)


def _excludes_zero(row: pd.Series) -> bool:
    low, high = row["ci_low"], row["ci_high"]
    return bool(pd.notna(low) and pd.notna(high) and (low > 0 or high < 0))


def demonstrable(results: "EffectsResults", outcome: str, row: pd.Series) -> bool:
    """The interval excludes 0 and, for a secondary outcome, ``p_holm`` < alpha too."""
    if not _excludes_zero(row):
        return False
    if outcome == results.primary_outcome:
        return True
    p_holm = row.get("p_holm", float("nan"))
    return bool(pd.notna(p_holm) and p_holm < results.alpha)


def primary_first(outcomes: list[str], primary: str) -> list[str]:
    """The outcomes with the primary one first, the rest in report order."""
    return [o for o in outcomes if o == primary] + [o for o in outcomes if o != primary]


def estimand_text(results: "EffectsResults") -> str:
    words = v3_words(results)
    return words["estimand_by_lot" if results.randomized else "estimand_not_by_lot"]


def primary_intro(results: "EffectsResults") -> str:
    words = v3_words(results)
    k = len(results.estimates()) - 1
    label = lower_first(results.words["outcomes"][results.primary_outcome])
    return words["primary_intro"].format(label=label, k=k, alpha=number(results.alpha, results.language, 2))


def is_adverse(outcome: str, row: pd.Series) -> bool:
    """An estimate against the pilot (worse than control) with p < :data:`ADVERSE_P`."""
    if pd.isna(row["effect"]) or pd.isna(row["p_value"]) or not row["p_value"] < ADVERSE_P:
        return False
    against = row["effect"] > 0 if outcome in LOWER_IS_BETTER else row["effect"] < 0
    return bool(against)


def adverse_outcomes(results: "EffectsResults") -> list[str]:
    return [o for o, row in results.estimates().iterrows() if is_adverse(o, row)]


def adverse_sentence(results: "EffectsResults", outcome: str, row: pd.Series) -> str:
    words = v3_words(results)
    values = results.values(outcome, row)
    return words["adverse"].format(label=lower_first(results.words["outcomes"][outcome]), size=values["size"],
                                   unit=values["unit"], p=values["p"],
                                   worse=words["worse"]["up" if row["effect"] > 0 else "down"])


def _row(results: "EffectsResults", outcome: str, estimator: str) -> pd.Series | None:
    rows = results.estimates("primary", estimator)
    return rows.loc[outcome] if outcome in rows.index else None


def bounds_hold(results: "EffectsResults", outcome: str) -> bool | None:
    """Whether the headline conclusion holds at both bounds (None without bounds or estimate).

    A demonstrable effect holds when both bounds lie on its side of 0; "no
    demonstrable effect" holds when both lie inside the headline's interval.
    """
    row = results.estimates().loc[outcome]
    low, high = _row(results, outcome, "bound_low"), _row(results, outcome, "bound_high")
    if low is None or high is None or pd.isna(low["effect"]) or pd.isna(row["ci_low"]):
        return None
    bounds = (low["effect"], high["effect"])
    if demonstrable(results, outcome, row):
        return all(b > 0 for b in bounds) if row["effect"] > 0 else all(b < 0 for b in bounds)
    return all(row["ci_low"] <= b <= row["ci_high"] for b in bounds)


def bounds_sentences(results: "EffectsResults", outcome: str) -> list[str]:
    words = v3_words(results)
    low, high = _row(results, outcome, "bound_low"), _row(results, outcome, "bound_high")
    if low is None or high is None:
        return []
    if is_withheld(low) or is_withheld(high):  # a public edition withheld a bound row
        return [words["bounds_withheld"].format(t2=results.last_wave, k=results.min_cell)]
    if pd.isna(low["effect"]):
        return []
    factor, places, language = scale(outcome), decimals(outcome), results.language
    sentences = [words["bounds"].format(
        t0=results.first_wave, t2=results.last_wave, low=signed(low["effect"] * factor, language, places),
        high=signed(high["effect"] * factor, language, places), unit=results.values(outcome, low)["unit"],
        n_pilot=int(low["n_pilot"]), n_control=int(low["n_control"]))]
    holds = bounds_hold(results, outcome)
    if holds is not None:
        label = lower_first(results.words["outcomes"][outcome])
        sentences.append(words["bounds_hold" if holds else "bounds_fail"].format(label=label))
    return sentences


def ipw_sentence(results: "EffectsResults", outcome: str) -> str | None:
    row = _row(results, outcome, "ancova_ipw")
    if row is None:
        return None
    words = v3_words(results)
    if pd.isna(row["effect"]) or pd.isna(row["ci_low"]):
        return words["ipw_failed"].format(t2=results.last_wave)
    return words["ipw"].format(t2=results.last_wave, **results.values(outcome, row))


def outcome_extras(results: "EffectsResults", outcome: str, row: pd.Series) -> list[str]:
    """The v3 sentences of one outcome's paragraph: ruled out, Holm, adverse, drop-out checks."""
    words = v3_words(results)
    values = results.values(outcome, row)
    sentences = [words["ruled_out" if results.randomized else "ruled_out_not_by_lot"].format(**values)]
    if outcome != results.primary_outcome and pd.notna(row.get("p_holm", float("nan"))):
        p_holm = p_value_number(row["p_holm"], results.language, results.alpha)
        key = "holm_not_held" if _excludes_zero(row) and not demonstrable(results, outcome, row) else "holm_value"
        sentences.append(words[key].format(p_holm=p_holm))
    elif outcome != results.primary_outcome and results.min_cell is not None and pd.notna(row.get("p_value")):
        # a public edition withheld this Holm p: it was a withheld outcome's term (figures/public.py)
        sentences.append(words["holm_withheld"].format(k=results.min_cell))
        if _excludes_zero(row):
            sentences.append(words["holm_withheld_claim"])
    if is_adverse(outcome, row):
        sentences.append(adverse_sentence(results, outcome, row))
    ipw = ipw_sentence(results, outcome)
    if ipw:
        sentences.append(ipw)
    return sentences + bounds_sentences(results, outcome)


def outcome_label(results: "EffectsResults", outcome: str) -> str:
    """'Betaald werk (primaire uitkomst)'."""
    words = v3_words(results)
    role = words["primary"] if outcome == results.primary_outcome else words["secondary"]
    return f"{results.words['outcomes'][outcome]} {role}"


# ---------------------------------------------------------------------------
# The randomisation check


def _joint_p(results: "EffectsResults", analysis: str) -> float:
    rows = results.baseline[(results.baseline["analysis"] == analysis)
                            & (results.baseline["characteristic"] == "joint_test")]
    if rows.empty or "p_value" not in rows:
        return float("nan")
    return float(rows["p_value"].iloc[0])


def lottery_warning(results: "EffectsResults") -> str | None:
    """The warning for the primary analysis by lot when its groups differ more than a lottery usually produces.

    It names what set it off (REPORTS.md, "Randomisation check"): each characteristic with |SMD| above
    :data:`SMD_WARNING` with both groups' values, and the joint test, below :data:`JOINT_P_WARNING` or not;
    then what the estimates do about it.
    """
    if not results.randomized or "p_value" not in results.baseline:
        return None
    if not randomisation_warning(results.baseline, "primary"):
        return None
    words, language = v3_words(results), results.language
    rows = results.baseline[(results.baseline["analysis"] == "primary")
                            & (results.baseline["characteristic"] != "joint_test")]
    rows = rows[rows["smd"].abs() > SMD_WARNING]
    rows = rows.reindex(rows["smd"].abs().sort_values(ascending=False, kind="mergesort").index)
    reasons = [words["warning_smd"].format(
        label=results.words["nouns"].get(row["characteristic"], row["characteristic"]),
        smd=smd_text(row["smd"], language), limit=number(SMD_WARNING, language, 2),
        **{side: results.share_or_mean(row["characteristic"], row[f"{side}_mean"], int(row[f"n_{side}"]))
           for side in ("pilot", "control")}) for _, row in rows.iterrows()]
    p = _joint_p(results, "primary")
    if pd.notna(p):
        key = "warning_joint_low" if p < JOINT_P_WARNING else "warning_joint_fine"
        reasons.append(words[key].format(p=p_value_text(p, language, 0.01),
                                         limit=number(JOINT_P_WARNING, language, 2)))
    return words["warning"].format(reasons="; ".join(reasons), t0=results.first_wave)


def joint_test_text(results: "EffectsResults") -> list[str]:
    """Per analysis: the joint test, and whether its groups do not overlap; then the warning if it applies."""
    words = v3_words(results)
    sentences = []
    for analysis in dict.fromkeys(results.baseline["analysis"]):
        p = _joint_p(results, analysis)
        name = results.analysis_name(analysis)
        if analysis in results.separated:
            sentences.append(words["separated"].format(analysis=name))
        if pd.isna(p):
            continue
        p_text = p_value_text(p, results.language, 0.01)
        by_lot = results.randomized and analysis == "primary"
        rows = results.baseline[results.baseline["analysis"] == analysis]
        fine = by_lot and p >= 0.01 and not (rows["smd"].abs() > SMD_WARNING).any()
        sentences.append(words["joint_fine" if fine else "joint_plain"].format(analysis=name, p=p_text))
    warning = lottery_warning(results)
    return sentences + ([warning] if warning else [])
