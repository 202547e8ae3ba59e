"""Missing T2 answers: the two sensitivity estimators of statistics v3 (REPORTS.md, "Missing T2 answers").

The complete-case estimators of :mod:`via_reports.analysis.effects` compare
only the people who answered T2. Whether that biases the comparison depends
on who dropped out, so two more rows per analysis and outcome say how much
it could matter:

- ``ancova_ipw`` (:func:`ipw_estimate`): the ANCOVA weighted by the inverse
  of each person's estimated chance of answering T2. Among the people of the
  analysis with the T0 value known, r = 1 where the T2 value is known; the
  response model is ``Logit(r, add_constant(column_stack([pilot, y0,
  female, age, born_nl, education_low, distance_long]))).fit(disp=0)`` (a
  named covariate that does not vary among those people is left out); the
  weights 1 / p̂ of those with r = 1 go into ``WLS(y2,
  add_constant(column_stack([pilot, y0])), weights=w).fit(cov_type="HC3")``.
  A response model that separates perfectly or does not converge gives no
  estimate: the row is empty and the text says so (a weight of 1 / p̂ with
  p̂ → 1 or → 0 would be arbitrary).
- ``bound_low`` / ``bound_high`` (:func:`bounds`, binary outcomes only): a
  missing T2 value filled in as the worst case for the pilot (0 in the pilot,
  1 in the control group) and as the best case (the reverse). If the
  conclusion on an outcome holds at both bounds, missing answers cannot
  overturn it.

Row-level data stay in this module; the rows carry counts, means and test
statistics only. statsmodels is imported where a model runs.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from via_reports.analysis.effects import (
    COVARIATES,
    NO_ESTIMATE,
    Analysis,
    Estimate,
    minimum_detectable_effect,
)

#: The estimators this module adds, in table order (bounds only for binary outcomes).
MISSING_ESTIMATORS = ("ancova_ipw", "bound_low", "bound_high")


def _response_model_probabilities(r: np.ndarray, regressors: np.ndarray) -> np.ndarray | None:
    """p̂ of answering T2 from the Logit response model; None when it separates perfectly or does not converge."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationError, PerfectSeparationWarning

    exog = sm.add_constant(regressors, has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.Logit(r, exog).fit(disp=0)
        except (PerfectSeparationError, np.linalg.LinAlgError, ValueError):
            return None
    trouble = (PerfectSeparationWarning, ConvergenceWarning)
    if any(issubclass(w.category, trouble) for w in caught) or not fit.mle_retvals.get("converged", False):
        return None
    probabilities = np.asarray(fit.predict(exog), dtype=float)
    if not np.all(np.isfinite(probabilities)) or np.any(probabilities <= 0):
        return None
    return probabilities


def ipw_estimate(values: pd.DataFrame, in_pilot: np.ndarray, characteristics: pd.DataFrame,
                 confidence: float) -> Estimate:
    """``ancova_ipw`` of one analysis and outcome.

    ``values`` holds t0 and t2 (NaN where unknown) of the people of the
    analysis with t0 known; ``in_pilot`` is 1/0 in the same order. Plain
    arrays, as in the spec's formula: the models run once per analysis and
    outcome, and pandas' bookkeeping would cost more than the fits.
    """
    import statsmodels.api as sm

    y0, y2 = values["t0"].to_numpy(dtype=float), values["t2"].to_numpy(dtype=float)
    r = (~np.isnan(y2)).astype(float)
    if np.ptp(r) == 0 or np.ptp(in_pilot) == 0:
        return NO_ESTIMATE  # nobody (or everybody) is missing: the response model separates
    covariates = characteristics.loc[values.index, list(COVARIATES)].to_numpy(dtype=float)
    varying = [covariates[:, i] for i in range(covariates.shape[1]) if np.ptp(covariates[:, i]) > 0]
    probabilities = _response_model_probabilities(r, np.column_stack([in_pilot, y0, *varying]))
    if probabilities is None:
        return NO_ESTIMATE
    answered = r == 1
    weights = 1 / probabilities[answered]
    regressors = [in_pilot[answered]]
    if np.ptp(y0[answered]) > 0 and np.linalg.matrix_rank(np.column_stack([in_pilot[answered], y0[answered],
                                                                           np.ones(answered.sum())])) == 3:
        regressors.append(y0[answered])  # as in the ancova row: a y0 that adds nothing is left out
    exog = sm.add_constant(np.column_stack(regressors), has_constant="add")
    if answered.sum() <= exog.shape[1] or np.ptp(in_pilot[answered]) == 0:
        return NO_ESTIMATE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = sm.WLS(y2[answered], exog, weights=weights).fit(cov_type="HC3")
    effect, se = float(fit.params[1]), float(fit.bse[1])
    # the leverage of the weighted regression, from the whitened design HC3 uses (WLS has no get_influence)
    wexog = fit.model.wexog
    leverage = np.einsum("ij,jk,ik->i", wexog, fit.normalized_cov_params, wexog)
    if np.any(leverage > 1 - 1e-10) or not np.isfinite(se):
        return Estimate(effect, math.nan, math.nan, math.nan)
    low, high = fit.conf_int(alpha=1 - confidence)[1]
    return Estimate(effect, float(low), float(high), float(fit.pvalues[1]), se)


def _with_t0(pairs: pd.DataFrame, outcome: str, ids: frozenset[str]) -> pd.DataFrame:
    """The people of ``ids`` with ``outcome`` known at T0: columns t0, t2 (t2 NaN where unknown)."""
    values = pairs[outcome]
    values = values[values.index.isin(ids)]
    return values[values["t0"].notna()]


def bounds(pilot: pd.DataFrame, control: pd.DataFrame) -> dict[str, dict]:
    """The two bound rows' numbers: missing T2 values set to the worst and the best case for the pilot."""
    rows = {}
    for name, (fill_pilot, fill_control) in (("bound_low", (0.0, 1.0)), ("bound_high", (1.0, 0.0))):
        pilot_t2 = pilot["t2"].fillna(fill_pilot).to_numpy(dtype=float)
        control_t2 = control["t2"].fillna(fill_control).to_numpy(dtype=float)
        mean_p = float(pilot_t2.mean()) if len(pilot_t2) else math.nan
        mean_c = float(control_t2.mean()) if len(control_t2) else math.nan
        rows[name] = {"pilot_t2": mean_p, "control_t2": mean_c, "effect": mean_p - mean_c}
    return rows


def missing_rows(analysis: Analysis, outcome: str, binary: bool, pairs: pd.DataFrame,
                 characteristics: pd.DataFrame, alpha: float, complete_case: dict) -> list[dict]:
    """The ``ancova_ipw`` row and, for a binary outcome, the two bound rows of one analysis and outcome.

    ``complete_case`` is the ``ancova`` row: ``ancova_ipw`` reports the same
    people's n and unweighted means (those in the WLS are those with both waves).
    """
    nan = math.nan
    empty = {"effect": nan, "ci_low": nan, "ci_high": nan, "p_value": nan, "mde": nan, "se": nan}
    pilot, control = _with_t0(pairs, outcome, analysis.pilot), _with_t0(pairs, outcome, analysis.control)
    estimate = NO_ESTIMATE
    answered = (pilot["t2"].notna().sum(), control["t2"].notna().sum())
    if min(answered) >= 2:
        both = pd.concat([pilot, control])
        estimate = ipw_estimate(both, both.index.isin(analysis.pilot).astype(float), characteristics, 1 - alpha)
    rows = [{**complete_case, "estimator": "ancova_ipw", "effect": estimate.effect, "ci_low": estimate.ci_low,
             "ci_high": estimate.ci_high, "p_value": estimate.p_value, "se": estimate.se,
             "mde": minimum_detectable_effect(estimate.se, alpha)}]
    if binary:
        common = {"analysis": analysis.name, "outcome": outcome, "n_pilot": len(pilot), "n_control": len(control),
                  "pilot_t0": float(pilot["t0"].mean()) if len(pilot) else nan,
                  "control_t0": float(control["t0"].mean()) if len(control) else nan}
        for name, numbers in bounds(pilot, control).items():
            rows.append({**common, **empty, **numbers, "estimator": name})
    return rows
