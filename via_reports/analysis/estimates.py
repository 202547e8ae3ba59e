"""What every effect estimator shares: the analysis compared, the estimate, its minimum detectable effect.

The complete-case estimators (:mod:`via_reports.analysis.effects`) and the
missing-answer estimators (:mod:`via_reports.analysis.effects_missing`) both
compare one :class:`Analysis`, return an :class:`Estimate` and state its
minimum detectable effect; the effects table runs both. These pieces sit in a
module below the two, so that neither imports the other back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Covariates of ``ancova_covariates``, in model order.
COVARIATES = ("female", "age", "born_nl", "education_low", "distance_long")
#: Power at which the minimum detectable effect is computed.
POWER = 0.8


@dataclass(frozen=True)
class Analysis:
    """One analysis: which pilot and which control participants are compared (ids stay internal)."""

    name: str
    pilot: frozenset[str]
    control: frozenset[str]


@dataclass(frozen=True)
class Estimate:
    """An effect with its interval, p-value and the standard error behind the interval (NaN where undefined)."""

    effect: float
    ci_low: float
    ci_high: float
    p_value: float
    se: float = math.nan


NO_ESTIMATE = Estimate(math.nan, math.nan, math.nan, math.nan)


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
