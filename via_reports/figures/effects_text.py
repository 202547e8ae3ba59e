"""The words of the effects chapter, and its bottom line for the summary and the conclusions.

Everything here reads the tables of :mod:`via_reports.analysis.effects` and
:mod:`via_reports.analysis.balance` (the data of the effects figures), never
the persons, so the chapter, the summary and the conclusions say the same
thing from the same numbers. Wording comes from
``templates/pdf/wording/effects.yaml``.

The rules (REPORTS.md, "Effects (final report, v2)"):

- "aantoonbaar effect" only where the interval of the ``ancova`` estimate of
  the primary analysis excludes 0; otherwise "geen aantoonbaar effect" with
  the minimum detectable effect;
- where the estimators disagree, the text says so: another estimator with
  the other verdict, or with an estimate more than half the minimum
  detectable effect away from the headline (for the change score the gap is
  the baseline difference, which the text then names); likewise where the
  sensitivity analysis reaches the other verdict;
- the caveats that apply are named: small groups, attrition and who dropped
  out, baseline imbalance (|SMD| > 0.1), the non-randomized part, several
  outcomes, and one or two caseworkers for every pilot participant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from via_reports.analysis.balance import IMBALANCE, baseline_table, is_share, nonresponse_table, separated_analyses
from via_reports.analysis.effects import (
    DEFAULT_PRIMARY_OUTCOME,
    OUTCOMES,
    attrition_table,
    design,
    effects_table,
    exit_to_paid_work,
    primary_outcome,
)
from via_reports.analysis.formatting import join_words, p_value_text, percent_text, whole_percent
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures import effects_checks as checks
from via_reports.figures.effects_public import is_withheld, withheld_outcomes, withheld_sentence
from via_reports.figures.effects_units import decimals, scale, unit
from via_reports.figures.wording import lower_first, number, plural, signed, smd_text, wording

#: A group size a public edition withholds, in words (it is 1 to k−1 people).
FEWER_THAN = {"nl": "minder dan {k}", "en": "fewer than {k}"}

#: Below this many people per group (with both waves) the text calls the groups small.
SMALL_GROUP = 100
#: How many characteristics a sentence about imbalance or drop-out names at most.
MAX_ITEMS = 3


def _overlay(base: dict, over: dict) -> dict:
    """``base`` with ``over``'s keys replacing its own, mapping by mapping."""
    merged = dict(base)
    for key, value in over.items():
        merged[key] = _overlay(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) \
            and not {"one", "other"} >= set(value) else value
    return merged


def excludes_zero(row: pd.Series | dict) -> bool:
    low, high = row["ci_low"], row["ci_high"]
    return bool(pd.notna(low) and pd.notna(high) and (low > 0 or high < 0))


@dataclass(frozen=True)
class EffectsResults:
    """The tables the effects wording is made from, with what it needs to know about the report."""

    outcomes: pd.DataFrame
    baseline: pd.DataFrame
    nonresponse: pd.DataFrame
    attrition: pd.DataFrame
    first_wave: str
    last_wave: str
    language: str
    alpha: float = 0.05
    min_n: int = 10
    #: How many caseworkers guided all pilot participants (study.yaml ``caseworkers``), if known.
    caseworkers: int | None = None
    #: With a ``randomized`` column that is not true in both groups: (pilot, control) counts by lot.
    one_sided_lottery: tuple[int, int] | None = None
    #: study.yaml's primary_outcome (statistics v3): answered first; the others are secondary.
    primary_outcome: str = DEFAULT_PRIMARY_OUTCOME
    #: Whether participants carry ``randomized`` (None: not known, as for the bottom line made from figures).
    has_column: bool | None = None
    #: The analyses whose groups the joint test's model separates perfectly.
    separated: frozenset[str] = frozenset()
    #: The threshold k of a public edition (None internally): withheld outcomes are named with it.
    min_cell: int | None = None
    #: A public edition's lottery warning that rests on a withheld balance row: the chapter states it as a
    #: verdict (figures/effects_public.py), and the bottom line, made from the public figures, repeats it.
    warning_withheld: bool = False
    _estimates: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def compute(cls, dataset: Dataset, scope: Scope) -> "EffectsResults":
        plan = design(dataset)
        one_sided = None
        if plan.has_column and not plan.randomized and (plan.n_pilot_randomized or plan.n_control_randomized):
            one_sided = (plan.n_pilot_randomized, plan.n_control_randomized)  # a lottery in one group only
        return cls(effects_table(dataset, scope), baseline_table(dataset, scope), nonresponse_table(dataset, scope),
                   attrition_table(dataset, scope), scope.first_wave, scope.last_wave, scope.language, scope.alpha,
                   scope.min_n, dataset.study.raw.get("caseworkers"), one_sided, primary_outcome(dataset),
                   plan.has_column, separated_analyses(dataset))

    @classmethod
    def from_figures(cls, figures: dict[str, Any], language: str, first_wave: str, last_wave: str,
                     alpha: float, min_n: int, caseworkers: int | None,
                     primary: str | None = None, min_cell: int | None = None) -> "EffectsResults | None":
        """From the data of the effects figures of a report (None when there is no effects.outcomes)."""
        needed = ("effects.outcomes", "effects.baseline", "effects.nonresponse", "effects.attrition")
        if not all(figure_id in figures for figure_id in needed):
            return None
        data = [figures[figure_id].data for figure_id in needed]
        warned = min_cell is not None and wording("effects_v3", language, alpha)["warning_withheld"].format(
            k=min_cell) in (figures["effects.baseline"].text or [])
        return cls(*data, first_wave, last_wave, language, alpha, min_n, caseworkers, None,
                   primary or DEFAULT_PRIMARY_OUTCOME, min_cell=min_cell, warning_withheld=warned)

    @property
    def words(self) -> dict[str, Any]:
        """effects.yaml's wording; without assignment by lot with effects_v3.yaml's ``not_by_lot`` laid over it."""
        key = ("words", self.randomized)
        if key not in self._estimates:
            words = wording("effects", self.language, self.alpha)
            if not self.randomized:
                words = _overlay(words, wording("effects_v3", self.language, self.alpha)["not_by_lot"])
            self._estimates[key] = words
        return self._estimates[key]

    @property
    def randomized(self) -> bool:
        return "sensitivity" in set(self.outcomes["analysis"])

    def estimates(self, analysis: str = "primary", estimator: str = "ancova") -> pd.DataFrame:
        """The rows of one analysis and estimator, indexed by outcome in report order."""
        if (analysis, estimator) not in self._estimates:
            rows = self.outcomes[(self.outcomes["analysis"] == analysis)
                                 & (self.outcomes["estimator"] == estimator)]
            self._estimates[analysis, estimator] = rows.set_index("outcome").reindex(
                [o for o in OUTCOMES if o in set(rows["outcome"])])
        return self._estimates[analysis, estimator]

    def assigned(self, analysis: str) -> tuple[int, int]:
        """Everyone in the analysis, per group (the n of a characteristic everyone has)."""
        row = self.baseline[(self.baseline["analysis"] == analysis) & (self.baseline["characteristic"] == "female")]
        return int(row["n_pilot"].iloc[0]), int(row["n_control"].iloc[0])

    def analysed(self) -> tuple[int | str, int | str]:
        """The most people per group with an outcome at both waves, in the primary analysis.

        A group size that a public edition withholds (1 to k−1 people) comes back as words,
        "minder dan k" / "fewer than k": it is small, and its number is not shown.
        """
        rows = self.estimates()

        def most(column: str) -> int | str:
            value = pd.to_numeric(rows[column], errors="coerce").max()
            return FEWER_THAN[self.language].format(k=self.min_cell) if pd.isna(value) else int(value)

        return most("n_pilot"), most("n_control")

    def analysis_name(self, analysis: str) -> str:
        key = "primary_randomized" if analysis == "primary" and self.randomized else analysis
        return self.words["analysis_in_text"][key]

    # ------------------------------------------------------------------ numbers in words

    def values(self, outcome: str, row: pd.Series) -> dict[str, str]:
        """effect, low, high (in the outcome's unit), p, mde and unit, formatted."""
        factor, places, language = scale(outcome), decimals(outcome), self.language
        return {
            "effect": signed(row["effect"] * factor, language, places),
            "size": number(abs(row["effect"]) * factor, language, places),
            "low": number(row["ci_low"] * factor, language, places),
            "high": number(row["ci_high"] * factor, language, places),
            "mde": number(row["mde"] * factor, language, places),
            "p": p_value_text(row["p_value"], language, self.alpha) if pd.notna(row["p_value"]) else "p = –",
            "unit": self.words["units"][unit(outcome)],
            "ci": self.words["ci_short"],
        }

    def share_or_mean(self, characteristic: str, mean: float, n: int) -> str:
        """A T0 value in words: '13%' for a share (from the count), '43,9' for a mean."""
        if pd.isna(mean) or not n:
            return "–"
        if not is_share(characteristic):
            return number(mean, self.language, 1)
        return f"{whole_percent(round(mean * n), n)}%"


# ---------------------------------------------------------------------------
# The chapter


def _design_text(results: EffectsResults) -> list[str]:
    text = results.words["text"]
    t0 = results.first_wave
    if results.randomized:
        pilot, control = results.assigned("primary")
        pilot_all, control_all = results.assigned("sensitivity")
        paragraphs = [text["randomized"].format(pilot=pilot, pilot_all=pilot_all, control=control,
                                                control_all=control_all)]
    elif results.has_column is False:
        paragraphs = [checks.v3_words(results)["no_column"].format(t0=t0)]  # no count of people by lot
    else:
        paragraphs = [text["not_randomized"].format(t0=t0)]
        if results.one_sided_lottery is not None:
            lot_pilot, lot_control = results.one_sided_lottery
            paragraphs[0] += " " + text["lottery_one_sided"].format(pilot=lot_pilot, control=lot_control)
    paragraphs.append(checks.estimand_text(results))
    if results.caseworkers:
        count = int(results.caseworkers)
        paragraphs.append(plural(text["caseworkers"], count).format(count=count))
    return paragraphs


def _means_sentence(results: EffectsResults, outcome: str, row: pd.Series) -> str:
    """'Het aandeel ging in de pilotgroep van 0% naar 15%, ...' (a share from its count, rounded half up)."""
    values = {f"{group[0]}{wave[1]}": results.share_or_mean(outcome, row[f"{group}_{wave}"], int(row[f"n_{group}"]))
              for group in ("pilot", "control") for wave in ("t0", "t2")}
    key = "means_proportion" if is_share(outcome) else "means_mean"
    return results.words["text"][key].format(**values)


def disagreeing_estimators(results: EffectsResults, outcome: str) -> list[str]:
    """The other estimators whose verdict differs from ``ancova``'s, or whose estimate lies > mde/2 away."""
    headline = results.estimates().loc[outcome]
    found = []
    for estimator in ("change_score", "ancova_covariates"):
        other = results.estimates("primary", estimator).loc[outcome]
        if pd.isna(other["effect"]) or pd.isna(headline["effect"]):
            continue
        far = pd.notna(headline["mde"]) and abs(other["effect"] - headline["effect"]) > headline["mde"] / 2
        if excludes_zero(other) != excludes_zero(headline) or far:
            found.append(estimator)
    return found


def sensitivity_differs(results: EffectsResults, outcome: str) -> bool:
    """True when the sensitivity analysis reaches the other verdict on the headline estimate
    (never when it has no interval, as when a public edition withholds its row)."""
    if not results.randomized:
        return False
    primary, sensitivity = results.estimates().loc[outcome], results.estimates("sensitivity").loc[outcome]
    if pd.isna(sensitivity["ci_low"]) or pd.isna(sensitivity["ci_high"]):
        return False
    return excludes_zero(primary) != excludes_zero(sensitivity)


def _other_estimates(results: EffectsResults, outcome: str, row: pd.Series) -> list[str]:
    text = results.words["text"]
    sentences = []
    for estimator in disagreeing_estimators(results, outcome):
        other = results.estimates("primary", estimator).loc[outcome]
        sentences.append(text["other_estimate"][estimator].format(**results.values(outcome, other)))
        if estimator == "change_score" and row["pilot_t0"] != row["control_t0"]:
            gap = {group: results.share_or_mean(outcome, row[f"{group}_t0"], int(row[f"n_{group}"]))
                   for group in ("pilot", "control")}
            sentences.append(text["baseline_gap"].format(t0=results.first_wave, **gap))
    if sensitivity_differs(results, outcome):
        other = results.estimates("sensitivity").loc[outcome]
        key = "sensitivity_found" if excludes_zero(other) else "sensitivity_not_found"
        sentences.append(text[key].format(**results.values(outcome, other)))
    elif results.randomized and is_withheld(results.estimates("sensitivity").loc[outcome]):
        sentences.append(checks.v3_words(results)["sensitivity_withheld"].format(k=results.min_cell))
    return sentences


def outcome_paragraph(results: EffectsResults, outcome: str) -> str:
    """The verdict on one outcome of the primary analysis, with its numbers and where estimates disagree."""
    words, text = results.words, results.words["text"]
    row = results.estimates().loc[outcome]
    if is_withheld(row):  # a public edition: named as withheld, none of its numbers
        return withheld_sentence(f"**{words['outcomes'][outcome]}**", results.language, results.min_cell)
    common = {"label": checks.outcome_label(results, outcome), "n_pilot": int(row["n_pilot"]),
              "n_control": int(row["n_control"]), "t0": results.first_wave, "t2": results.last_wave}
    if row["n_pilot"] < results.min_n or row["n_control"] < results.min_n:
        return text["outcome_too_few"].format(**common)
    if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]) or pd.isna(row["effect"]):
        return text["outcome_no_interval"].format(**common)
    values = results.values(outcome, row)
    if checks.demonstrable(results, outcome, row):
        direction = text["direction"]["up" if row["effect"] > 0 else "down"]
        sentences = [text["found"].format(**common, **values, direction=direction,
                                          measure=text["measure"][unit(outcome)])]
    else:
        sentences = [text["not_found"].format(**common, **values)]
        if pd.notna(row["mde"]):
            sentences.append(text["mde"].format(**values))
    sentences.append(_means_sentence(results, outcome, row))
    sentences += _other_estimates(results, outcome, row)
    sentences += checks.outcome_extras(results, outcome, row)
    return " ".join(sentences)


def _usable(results: EffectsResults, analysis: str = "primary") -> pd.DataFrame:
    rows = results.estimates(analysis)
    return rows[(rows["n_pilot"] >= results.min_n) & (rows["n_control"] >= results.min_n)]


def found_outcomes(results: EffectsResults, analysis: str = "primary") -> list[str]:
    """The outcomes with a demonstrable effect (headline interval excludes 0, groups large enough;
    for a secondary outcome also p_holm < alpha)."""
    return [outcome for outcome, row in _usable(results, analysis).iterrows()
            if checks.demonstrable(results, outcome, row)]


def too_small_note(results: EffectsResults) -> str | None:
    """The "too small to draw conclusions from" sentence, when a group has fewer than min_n people."""
    pilot, control = results.analysed()
    if all(isinstance(n, int) and n >= results.min_n for n in (pilot, control)):
        return None
    return results.words["text"]["too_small"].format(t0=results.first_wave, t2=results.last_wave,
                                                     min_n=results.min_n, pilot=pilot, control=control)


def outcomes_text(results: EffectsResults) -> list[str]:
    """The paragraphs under figure ``effects.outcomes``: method, design, verdict per outcome, caveats."""
    words, text = results.words, results.words["text"]
    t0, t2 = results.first_wave, results.last_wave
    paragraphs = [text["method"].format(t0=t0, t2=t2), *_design_text(results)]
    too_small = too_small_note(results)
    if too_small:
        return paragraphs + [too_small]
    pilot, control = results.analysed()
    outcomes = checks.primary_first(list(results.estimates().index), results.primary_outcome)
    if results.primary_outcome in outcomes:
        paragraphs.append(checks.primary_intro(results))
    paragraphs.append(checks.v3_words(results)["missing_intro"].format(t2=t2))
    paragraphs += [outcome_paragraph(results, outcome) for outcome in outcomes]
    if results.randomized:
        found = [lower_first(words["outcomes"][o]) for o in found_outcomes(results, "sensitivity")]
        key = "sensitivity_some" if found else "sensitivity_none"
        paragraphs.append(text[key].format(outcomes=join_words(found, results.language)))
        hidden = [o for o, row in results.estimates("sensitivity").iterrows() if is_withheld(row)]
        if hidden:  # a public edition: the verdict covers only the outcomes it shows, and says so
            paragraphs.append(checks.v3_words(results)["sensitivity_shown_only"].format(
                n=len(hidden), k=results.min_cell))
    k = len(results.estimates()) - len(withheld_outcomes(results.outcomes))  # a public edition: those it shows
    ci = words["ci"]
    paragraphs.append(text["some_found"].format(k=k) if found_outcomes(results)
                      else text["none_found"].format(k=k, ci=ci))
    if min(pilot, control) < SMALL_GROUP:
        paragraphs.append(text["small_groups"].format(pilot=pilot, control=control))
    return paragraphs


def balance_items(results: EffectsResults, rows: pd.DataFrame, first: str, second: str,
                   template: str, limit: int | None = None) -> list[str]:
    """'betaald werk (0% tegen 12%; −0,51)' for the most imbalanced rows (|smd| > 0.1), largest first."""
    rows = rows[rows["smd"].abs() > IMBALANCE]
    rows = rows.reindex(rows["smd"].abs().sort_values(ascending=False, kind="mergesort").index)
    if limit is not None:
        rows = rows.head(limit)
    items = []
    for _, row in rows.iterrows():
        characteristic = row["characteristic"]
        values = {key: results.share_or_mean(characteristic, row[f"{side}_mean"], int(row[f"n_{side}"]))
                  for key, side in (("first", first), ("second", second))}
        items.append(template.format(label=results.words["nouns"][characteristic],
                                     smd=smd_text(row["smd"], results.language),
                                     **{first: values["first"], second: values["second"]}))
    return items


def baseline_text(results: EffectsResults) -> list[str]:
    """Which characteristics differed at the start, per analysis (|SMD| > 0.1)."""
    text = results.words["text"]
    paragraphs = []
    for analysis in dict.fromkeys(results.baseline["analysis"]):
        rows = results.baseline[results.baseline["analysis"] == analysis]
        items = balance_items(results, rows, "pilot", "control", text["balance_item"])
        common = {"t0": results.first_wave, "analysis": results.analysis_name(analysis)}
        if items:
            paragraphs.append(plural(text["imbalanced"], len(items)).format(
                count=len(items), items=join_words(items, results.language), **common))
        else:
            paragraphs.append(text["balanced"].format(**common))
    paragraphs.append(text["balance_adjusted"].format(t0=results.first_wave))
    return paragraphs + checks.joint_test_text(results)


def nonresponse_text(results: EffectsResults) -> list[str]:
    """Who dropped out before T2, per group: the largest differences at T0."""
    text = results.words["text"]
    t0, t2 = results.first_wave, results.last_wave
    sentences = [text["nonresponse_intro"].format(t2=t2)]
    for group in dict.fromkeys(results.nonresponse["group"]):
        rows = results.nonresponse[results.nonresponse["group"] == group]
        counts = {"responded": int(rows["n_responded"].max()), "not_responded": int(rows["n_not_responded"].max())}
        name = text["group_in_text"][group]
        if counts["not_responded"] == 0:
            sentences.append(text["nonresponse_group_none"].format(group=name))
            continue
        items = balance_items(results, rows, "responded", "not_responded", text["nonresponse_item"], MAX_ITEMS)
        key = "nonresponse_group" if items else "nonresponse_group_alike"
        sentences.append(text[key].format(group=name, t0=t0, items=join_words(items, results.language), **counts))
    return [" ".join(sentences)]


def attrition_sentence(dataset: Dataset, scope: Scope) -> str:
    """Of those who started in the primary analysis, how many answered T2, per group."""
    text = wording("effects", scope.language)["text"]
    plan = design(dataset)
    primary = plan.analysis("primary")
    answered = set(dataset.responses.loc[dataset.responses["wave"] == scope.last_wave, "participant_id"])
    pilot_text = percent_text(len(primary.pilot & answered), len(primary.pilot), scope.language)
    control_text = percent_text(len(primary.control & answered), len(primary.control), scope.language)
    who = text["pilot_who_randomized"] if plan.randomized else text["pilot_who"]
    return text["attrition"].format(t2=scope.last_wave, pilot_text=pilot_text, pilot_who=who,
                                    control_text=control_text)


def exit_sentence(dataset: Dataset, scope: Scope) -> str:
    """Exit to paid work per group in the primary analysis, with Fisher's exact test."""
    text = wording("effects", scope.language)["text"]
    table = exit_to_paid_work(dataset, scope)
    primary = table[table["analysis"] == "primary"].set_index("group")
    p = primary.loc["pilot", "p_value"]
    verdict = text["exit_difference"] if (pd.notna(p) and p < scope.alpha) else text["exit_no_difference"]
    share = {g: percent_text(int(primary.loc[g, "count"]), int(primary.loc[g, "n"]), scope.language)
             for g in ("pilot", "control")}
    who = text["pilot_who_randomized"] if design(dataset).randomized else text["pilot_who"]
    return text["exit"].format(pilot_text=share["pilot"], pilot_who=who, control_text=share["control"],
                               p=p_value_text(p, scope.language, scope.alpha), verdict=verdict)
