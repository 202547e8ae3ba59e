"""Did the pilot work? The statistics of the effects chapter (REPORTS.md, "Effects (final report, v2)").

**Analyses** (:func:`design`). When participants carry ``randomized`` and
both groups have people with randomized = true, ``primary`` compares the
randomized pilot participants with the randomized control participants and
``sensitivity`` compares all pilot with all control participants. Otherwise
there is one ``primary`` analysis of all against all, and the text says that
assignment was not by lot.

**Outcomes** (:data:`OUTCOMES`) at the first (T0) and last wave (T2) of the
scope, binary ones as 0/1. ``any_participation`` and ``paid_work`` at T2 are
1 for whoever left for paid work by the end of T2's fieldwork, answered T2 or
not (statistics v3), so that the people the pilot is for do not drop out of
the comparison; the other outcomes stay missing without a T2 answer.

**Estimators**, among the people of an analysis with the outcome known at
both waves:

- ``ancova`` (the headline): ``OLS(y2, add_constant(column_stack([pilot, y0])))``
  with HC3 robust standard errors (statsmodels' ``fit(cov_type="HC3")``,
  normal-based interval and p);
- ``ancova_covariates``: the same plus :data:`COVARIATES`;
- ``change_score``: Welch's t-test on T2 − T0 (``scipy.stats.ttest_ind``).

A regressor that does not vary among the people analysed, or that is a
linear combination of the regressors before it, is left out (for ``y0``:
then the model compares the T2 means). Every row also carries the minimum
detectable effect from its own standard error (:func:`minimum_detectable_effect`).

Row-level data never leave this module: tables carry counts, means and test
statistics only.

scipy and statsmodels are imported where a test runs, not with the module: a
build that only re-renders (a text edit) then never loads them.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from via_reports.analysis.formatting import percent_value
from via_reports.analysis.populations import EDUCATION_UP_TO_MBO1, PARTICIPATION_TYPES, respondent_ids
from via_reports.analysis.scope import Scope
from via_reports.data.codebook import load_codebook
from via_reports.data.dataset import Dataset
from via_reports.exceptions import ParameterError

#: The outcomes, in report order (stable codes).
OUTCOMES = (
    "any_participation",
    "paid_work",
    "volunteer_work",
    "ease_society_difficult",
    "ease_paid_work_difficult",
    "self_rated_health",
    "enough_social_contacts",
    "discrimination_experienced",
    "job_search_hours",
)
#: The unit of each outcome that is not a 0/1 share: ``points`` (a 1–10 scale) or ``hours``.
#: Every other outcome is binary, its effect a difference in proportions.
OUTCOME_UNITS = {"self_rated_health": "points", "job_search_hours": "hours"}
#: The outcomes that leaving for paid work settles at T2 (1 for a leaver, answered or not).
EXIT_SETTLES = ("any_participation", "paid_work")

#: The analyses, in order (``sensitivity`` only with randomization).
ANALYSES = ("primary", "sensitivity")
#: The complete-case estimators, in order; ``ancova`` is the headline.
ESTIMATORS = ("ancova", "ancova_covariates", "change_score")
#: Every estimator of the table: the complete-case ones, then those for missing T2 answers
#: (:mod:`via_reports.analysis.effects_missing`; the bounds only for binary outcomes).
ALL_ESTIMATORS = (*ESTIMATORS, "ancova_ipw", "bound_low", "bound_high")
#: The outcome the bottom line answers first when study.yaml names none (``primary_outcome``).
DEFAULT_PRIMARY_OUTCOME = "paid_work"
#: Covariates of ``ancova_covariates``, in model order.
COVARIATES = ("female", "age", "born_nl", "education_low", "distance_long")
#: Power at which the minimum detectable effect is computed.
POWER = 0.8

GROUPS = ("pilot", "control")

#: Columns of :func:`effects_table` (the CSV of figure ``effects.outcomes``).
EFFECTS_COLUMNS = ("analysis", "outcome", "estimator", "n_pilot", "n_control", "pilot_t0", "pilot_t2",
                   "control_t0", "control_t2", "effect", "ci_low", "ci_high", "p_value", "mde", "se",
                   "p_holm")
#: Columns of :func:`attrition_table`.
ATTRITION_COLUMNS = ("group", "wave", "measure", "exit_reason", "count", "percent", "n")
#: Columns of :func:`exit_to_paid_work`.
EXIT_COLUMNS = ("analysis", "group", "count", "n", "percent", "p_value")


def is_binary(outcome: str) -> bool:
    """True for outcomes coded 0/1 (effects in proportion points)."""
    return outcome not in OUTCOME_UNITS


# ---------------------------------------------------------------------------
# Who is compared


@dataclass(frozen=True)
class Analysis:
    """One analysis: which pilot and which control participants are compared (ids stay internal)."""

    name: str
    pilot: frozenset[str]
    control: frozenset[str]


@dataclass(frozen=True)
class Design:
    """How the groups came about, and the analyses that follow from it."""

    #: True when both groups have participants assigned by lot.
    randomized: bool
    analyses: tuple[Analysis, ...]
    #: All participants per group, and those with randomized = true (0 without the column).
    n_pilot: int
    n_control: int
    n_pilot_randomized: int
    n_control_randomized: int
    #: Whether the ``randomized`` column is present at all.
    has_column: bool

    def analysis(self, name: str) -> Analysis:
        return next(a for a in self.analyses if a.name == name)


def _ids(people: pd.DataFrame) -> frozenset[str]:
    return frozenset(people["participant_id"].astype(str))


def design(dataset: Dataset) -> Design:
    """The analyses of this dataset (REPORTS.md, "Analyses")."""
    people = dataset.participants
    pilot = people[people["group"] == "pilot"]
    control = people[people["group"] == "control"]
    # the loader gives every contract column, so a column without a single value was not in the data
    has_column = "randomized" in people.columns and bool(people["randomized"].notna().any())
    if has_column:
        by_lot = people["randomized"].fillna(False).astype(bool)
        pilot_lot, control_lot = _ids(pilot[by_lot[pilot.index]]), _ids(control[by_lot[control.index]])
    else:
        pilot_lot, control_lot = frozenset(), frozenset()
    everyone = Analysis("primary", _ids(pilot), _ids(control))
    randomized = bool(pilot_lot and control_lot)
    if randomized:
        analyses = (Analysis("primary", pilot_lot, control_lot),
                    Analysis("sensitivity", everyone.pilot, everyone.control))
    else:
        analyses = (everyone,)
    return Design(randomized, analyses, len(pilot), len(control), len(pilot_lot), len(control_lot), has_column)


def primary_outcome(dataset: Dataset) -> str:
    """study.yaml's ``primary_outcome`` (validated against :data:`OUTCOMES`), default ``paid_work``."""
    return dataset.study.raw.get("primary_outcome") or DEFAULT_PRIMARY_OUTCOME


def _check_scope(scope: Scope) -> tuple[str, str]:
    if scope.first_wave == scope.last_wave:
        raise ParameterError(
            f"the effects analysis compares the first and the last wave of the report, "
            f"but the scope covers only {scope.first_wave}")
    return scope.first_wave, scope.last_wave


# ---------------------------------------------------------------------------
# Person-level values (internal)


def _as_float(series: pd.Series) -> pd.Series:
    """Booleans as 0/1 and numbers as floats, missing as NaN."""
    return pd.Series(series.astype("Float64").to_numpy(dtype=float, na_value=np.nan), index=series.index)


def outcome_values(responses: pd.DataFrame) -> pd.DataFrame:
    """Per response (participant_id, wave) every outcome as the response gives it, as floats (NaN = missing).

    Exits to paid work are not in it: :func:`outcome_pairs` adds them at T2.
    """
    any_participation = responses[PARTICIPATION_TYPES[0]].astype("boolean")
    for column in PARTICIPATION_TYPES[1:]:
        any_participation = any_participation | responses[column].astype("boolean")
    values = pd.DataFrame({
        "participant_id": responses["participant_id"].astype(str),
        "wave": responses["wave"].astype(str),
        "any_participation": _as_float(any_participation),
        "paid_work": _as_float(responses["paid_work"]),
        "volunteer_work": _as_float(responses["volunteer_work"]),
        "ease_society_difficult": _as_float(responses["ease_society"].astype("Int64") >= 4),
        "ease_paid_work_difficult": _as_float(responses["ease_paid_work"].astype("Int64") >= 4),
        "self_rated_health": _as_float(responses["self_rated_health"]),
        "enough_social_contacts": _as_float(responses["enough_social_contacts"]),
        "discrimination_experienced": _as_float(responses["discrimination_experienced"]),
        "job_search_hours": _as_float(responses["job_search_hours"]),
    })
    return values.reset_index(drop=True)


def left_for_paid_work(dataset: Dataset, wave: str) -> frozenset[str]:
    """Everyone whose exit_reason is paid_work with exit_date on or before the end of ``wave``'s fieldwork."""
    people = dataset.participants
    end = pd.Timestamp(dataset.study.wave(wave).fieldwork_end)
    left = (people["exit_reason"] == "paid_work").fillna(False) & (people["exit_date"] <= end).fillna(False)
    return _ids(people[left.to_numpy(dtype=bool)])


def outcome_pairs(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Every participant × (outcome, ``t0`` | ``t2``), NaN where unknown; index participant_id.

    At T2, :data:`EXIT_SETTLES` are 1 for everyone who left for paid work by
    the end of T2's fieldwork, whatever (or whether) they answered: having
    left for a job settles both, and a leaver often no longer answers.
    """
    t0, t2 = _check_scope(scope)
    everyone = pd.Index(dataset.participants["participant_id"].astype(str), name="participant_id")
    values = outcome_values(dataset.responses)
    first = values[values["wave"] == t0].set_index("participant_id")[list(OUTCOMES)].reindex(everyone)
    last = values[values["wave"] == t2].set_index("participant_id")[list(OUTCOMES)].reindex(everyone)
    last.loc[last.index.isin(left_for_paid_work(dataset, t2)), list(EXIT_SETTLES)] = 1.0
    pairs = pd.concat({"t0": first, "t2": last}, axis=1)
    return pairs.swaplevel(axis=1)


def person_characteristics(dataset: Dataset) -> pd.DataFrame:
    """Per participant (index participant_id) the covariates and prior_paid_work_nl as floats."""
    people = dataset.participants.set_index(dataset.participants["participant_id"].astype(str))
    reference_year = dataset.study.reference_date.year
    return pd.DataFrame({
        "female": (people["sex"] == "female").astype(float),
        "age": (reference_year - people["birth_year"]).astype(float),
        "born_nl": (people["birth_country"] == "NL").astype(float),
        "education_low": people["education_nl"].isin(EDUCATION_UP_TO_MBO1).astype(float),
        "distance_long": (people["distance"] == "long").astype(float),
        "prior_paid_work_nl": _as_float(people["prior_paid_work_nl"]),
    }, index=people.index.rename("participant_id"))


# ---------------------------------------------------------------------------
# Estimators


@dataclass(frozen=True)
class Estimate:
    """An effect with its interval, p-value and the standard error behind the interval (NaN where undefined)."""

    effect: float
    ci_low: float
    ci_high: float
    p_value: float
    se: float = math.nan


NO_ESTIMATE = Estimate(math.nan, math.nan, math.nan, math.nan)


def _adds_information(design_matrix: pd.DataFrame, column: pd.Series) -> bool:
    """True when ``column`` varies and is not a linear combination of the columns already in the design."""
    if np.ptp(column.to_numpy()) == 0:
        return False
    before = np.linalg.matrix_rank(design_matrix.to_numpy())
    return np.linalg.matrix_rank(np.column_stack([design_matrix.to_numpy(), column.to_numpy()])) > before


def ancova(y2: pd.Series, pilot: pd.Series, regressors: pd.DataFrame, confidence: float) -> Estimate:
    """OLS of ``y2`` on a constant, ``pilot`` and ``regressors`` (in order) with HC3 standard errors.

    ``regressors`` holds ``y0`` and, for ``ancova_covariates``, the
    covariates; any that adds no information is left out. The effect is the
    coefficient of ``pilot``; interval and p are statsmodels' (normal-based for
    a robust covariance). With an observation of leverage 1 the HC3 variance
    is undefined: effect only, interval and p NaN.
    """
    import statsmodels.api as sm

    exog = sm.add_constant(pd.DataFrame({"pilot": pilot.astype(float)}), has_constant="add")
    for name in regressors.columns:
        if _adds_information(exog, regressors[name]):
            exog[name] = regressors[name].astype(float)
    if len(y2) <= exog.shape[1]:
        return NO_ESTIMATE
    model = sm.OLS(y2.astype(float), exog)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = model.fit(cov_type="HC3")
    effect = float(fit.params["pilot"])
    leverage = fit.get_influence().hat_matrix_diag
    if np.any(leverage > 1 - 1e-10) or not np.isfinite(fit.bse["pilot"]):
        return Estimate(effect, math.nan, math.nan, math.nan)
    low, high = fit.conf_int(alpha=1 - confidence).loc["pilot"]
    return Estimate(effect, float(low), float(high), float(fit.pvalues["pilot"]), float(fit.bse["pilot"]))


def change_score(pilot_change: np.ndarray, control_change: np.ndarray, confidence: float) -> Estimate:
    """Mean change in the pilot minus that in the control group, Welch's t-test.

    ``se`` is Welch's standard error of the difference, read back from the
    interval scipy computes (half its width over the t quantile at Welch's
    degrees of freedom), so that it is exactly the one behind that interval.
    When neither group has any spread the test is undefined: the difference
    is still given, interval, p and se are NaN.
    """
    effect = float(pilot_change.mean() - control_change.mean())
    if np.ptp(pilot_change) == 0 and np.ptp(control_change) == 0:
        return Estimate(effect, math.nan, math.nan, math.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from scipy import stats

        result = stats.ttest_ind(pilot_change, control_change, equal_var=False)
        interval = result.confidence_interval(confidence)
        se = (interval.high - interval.low) / (2 * stats.t.ppf(0.5 + confidence / 2, result.df))
    return Estimate(effect, float(interval.low), float(interval.high), float(result.pvalue), float(se))


def minimum_detectable_effect(se: float, alpha: float, power: float = POWER) -> float:
    """(z(1 − alpha/2) + z(power)) × se: the effect a two-sided test at ``alpha`` finds with ``power``.

    REPORTS.md (statistics v3): the MDE comes from the estimator's own
    standard error (HC3 for an ANCOVA, Welch's for the change score), not from
    a t-test on the raw T2 values, so it shrinks where the baseline explains
    part of the variance, as the estimate's interval does. z is
    ``scipy.stats.norm.ppf``. NaN without a standard error.
    """
    if not (se == se and math.isfinite(se)):
        return math.nan
    from scipy.stats import norm

    return float((norm.ppf(1 - alpha / 2) + norm.ppf(power)) * se)


# ---------------------------------------------------------------------------
# The table


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan


def _analysed(pairs: pd.DataFrame, outcome: str, ids: frozenset[str]) -> pd.DataFrame:
    """The people of ``ids`` with ``outcome`` known at both waves: columns t0, t2."""
    values = pairs[outcome].dropna()
    return values[values.index.isin(ids)]


def outcome_rows(analysis: Analysis, outcome: str, pairs: pd.DataFrame, characteristics: pd.DataFrame,
                 alpha: float) -> list[dict]:
    """The three estimator rows of one analysis and outcome."""
    pilot, control = _analysed(pairs, outcome, analysis.pilot), _analysed(pairs, outcome, analysis.control)
    common = {
        "analysis": analysis.name, "outcome": outcome, "n_pilot": len(pilot), "n_control": len(control),
        "pilot_t0": _mean(pilot["t0"].to_numpy()), "pilot_t2": _mean(pilot["t2"].to_numpy()),
        "control_t0": _mean(control["t0"].to_numpy()), "control_t2": _mean(control["t2"].to_numpy()),
    }
    estimates = dict.fromkeys(ESTIMATORS, NO_ESTIMATE)
    if len(pilot) >= 2 and len(control) >= 2:
        both = pd.concat([pilot, control])
        in_pilot = pd.Series(both.index.isin(analysis.pilot).astype(float), index=both.index)
        y0 = both[["t0"]].rename(columns={"t0": "y0"})
        confidence = 1 - alpha
        estimates["ancova"] = ancova(both["t2"], in_pilot, y0, confidence)
        covariates = characteristics.loc[both.index, list(COVARIATES)]
        estimates["ancova_covariates"] = ancova(both["t2"], in_pilot, y0.join(covariates), confidence)
        estimates["change_score"] = change_score((pilot["t2"] - pilot["t0"]).to_numpy(),
                                                 (control["t2"] - control["t0"]).to_numpy(), confidence)
    return [{**common, "estimator": name, "effect": e.effect, "ci_low": e.ci_low, "ci_high": e.ci_high,
             "p_value": e.p_value, "mde": minimum_detectable_effect(e.se, alpha), "se": e.se}
            for name, e in estimates.items()]


def add_holm(table: pd.DataFrame, primary: str) -> pd.DataFrame:
    """``p_holm``: Holm over the secondary outcomes of one analysis and estimator; the primary's is its p.

    A row without p (no estimate, or a bound) stays out of the family and gets no p_holm.
    """
    from via_reports.analysis.multiplicity import holm

    table = table.copy()
    table["p_holm"] = np.nan
    for _, rows in table.groupby(["analysis", "estimator"], sort=False):
        secondary = rows[rows["outcome"] != primary]
        table.loc[secondary.index, "p_holm"] = holm(secondary["p_value"].to_numpy(dtype=float))
        first = rows[rows["outcome"] == primary]
        table.loc[first.index, "p_holm"] = first["p_value"]
    return table


def effects_table(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """The effects table (columns :data:`EFFECTS_COLUMNS`): analysis × outcome × estimator.

    T0 is ``scope.first_wave``, T2 ``scope.last_wave``; intervals at
    1 − ``scope.alpha``. With fewer than 2 people with both values in a group,
    effect, interval, p, se and mde are NaN (the means are still given).
    Per outcome the complete-case rows come first, then ``ancova_ipw`` and, for
    a binary outcome, the bounds (:mod:`via_reports.analysis.effects_missing`).
    """
    from via_reports.analysis.effects_missing import missing_rows

    pairs = outcome_pairs(dataset, scope)
    characteristics = person_characteristics(dataset)
    rows = []
    for analysis in design(dataset).analyses:
        for outcome in OUTCOMES:
            complete = outcome_rows(analysis, outcome, pairs, characteristics, scope.alpha)
            rows += complete + missing_rows(analysis, outcome, is_binary(outcome), pairs, characteristics,
                                            scope.alpha, complete[0])
    table = add_holm(pd.DataFrame(rows, columns=list(EFFECTS_COLUMNS)), primary_outcome(dataset))
    for column in ("analysis", "outcome", "estimator"):
        table[column] = table[column].astype("string")
    table[["n_pilot", "n_control"]] = table[["n_pilot", "n_control"]].astype("int64")
    return table


def people_with_both_waves(dataset: Dataset, scope: Scope) -> dict[str, dict[str, int]]:
    """Per analysis: how many pilot and control people answered both T0 and T2."""
    t0, t2 = _check_scope(scope)
    both = respondent_ids(dataset, t0) & respondent_ids(dataset, t2)
    return {a.name: {"pilot": len(both & a.pilot), "control": len(both & a.control)}
            for a in design(dataset).analyses}


# ---------------------------------------------------------------------------
# Exit to paid work and attrition


def exit_to_paid_work(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Per analysis and group: participants with exit_reason = paid_work by the end of the study.

    Every participant of the group is in the denominator (``n``); ``percent``
    has one decimal; ``p_value`` is Fisher's exact test (two-sided) on the 2×2
    table pilot/control × paid work yes/no, NaN when a group is empty.
    """
    people = dataset.participants
    ids_to_work = _ids(people[(people["exit_reason"] == "paid_work").fillna(False).to_numpy(dtype=bool)])
    rows = []
    for analysis in design(dataset).analyses:
        counts = {"pilot": (len(analysis.pilot & ids_to_work), len(analysis.pilot)),
                  "control": (len(analysis.control & ids_to_work), len(analysis.control))}
        (a, n_pilot), (c, n_control) = counts["pilot"], counts["control"]
        p_value = math.nan
        if n_pilot and n_control:
            from scipy.stats import fisher_exact

            p_value = float(fisher_exact([[a, n_pilot - a], [c, n_control - c]]).pvalue)
        for group, (count, n) in counts.items():
            rows.append({"analysis": analysis.name, "group": group, "count": count, "n": n,
                         "percent": percent_value(count, n), "p_value": p_value})
    table = pd.DataFrame(rows, columns=list(EXIT_COLUMNS))
    table[["analysis", "group"]] = table[["analysis", "group"]].astype("string")
    return table


def groups_present(dataset: Dataset) -> list[str]:
    """``pilot`` and/or ``control``, as far as the data hold them."""
    present = set(dataset.participants["group"].dropna())
    return [g for g in GROUPS if g in present]


def attrition_table(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Response and attrition per group (present in the data) and wave of the scope.

    Tidy, zero rows included. ``measure``: ``started`` (all participants of
    the group), ``responded``, ``not_responded``, and ``left`` once per exit
    reason (``exit_reason`` filled only there): non-respondents of that wave
    who had left the study by the end of its fieldwork. The rest of
    ``not_responded`` did not answer while still in the study. ``percent`` is
    of ``n`` = started, one decimal.
    """
    people = dataset.participants.set_index("participant_id")
    reasons = list(load_codebook()["exit_reason"].codes)
    rows = []
    for group in groups_present(dataset):
        members = people[people["group"] == group]
        n = len(members)
        for wave in scope.waves:
            responded = members.index.isin(list(respondent_ids(dataset, wave)))
            fieldwork_end = pd.Timestamp(dataset.study.wave(wave).fieldwork_end)
            left = ~responded & (members["exit_date"] <= fieldwork_end).fillna(False).to_numpy(dtype=bool)
            counts = [("started", None, n), ("responded", None, int(responded.sum())),
                      ("not_responded", None, int((~responded).sum()))]
            for reason in reasons:
                counts.append(("left", reason, int((left & (members["exit_reason"] == reason)
                                                     .fillna(False).to_numpy(dtype=bool)).sum())))
            for measure, reason, count in counts:
                rows.append({"group": group, "wave": wave, "measure": measure, "exit_reason": reason,
                             "count": count, "percent": percent_value(count, n), "n": n})
    table = pd.DataFrame(rows, columns=list(ATTRITION_COLUMNS))
    for column in ("group", "wave", "measure", "exit_reason"):
        table[column] = table[column].astype("string")
    table[["count", "n"]] = table[["count", "n"]].astype("int64")
    return table
