"""DerSimonian-Laird random-effects meta-analysis, with tau² and I² truncated at zero.

The method as it is defined (and as R's metafor computes ``method="DL"``),
for k studies with effects y and standard errors se:

- w = 1/se², ȳ_w = Σwy/Σw, Q = Σw(y − ȳ_w)², c = Σw − Σw²/Σw;
- tau² = max(0, (Q − (k − 1))/c);
- the pooled effect with weights 1/(se² + tau²), its standard error
  sqrt(1/Σ(1/(se² + tau²))) and a normal 95 % interval;
- I² = max(0, (Q − (k − 1))/Q); the homogeneity p: chi²(k − 1) upper tail of Q;
- the 95 % prediction interval mean ± t(k − 2) · sqrt(tau² + se_re²), for k ≥ 3.

The pooling itself is statsmodels' ``combine_effects(method_re="dl")``.
statsmodels does **not** truncate: when Q < k − 1 it returns a negative
tau², negative weights and a pooled effect that can lie outside the range of
the studies' own effects. There tau² is 0 by the definition above, and the
random-effects result is the fixed-effect one, which statsmodels computes
in the same call: :func:`pool` takes that one.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

#: The confidence level of the intervals.
LEVEL = 0.95


@dataclass(frozen=True)
class Pooled:
    """One random-effects pooling: k studies' effect, interval, heterogeneity and prediction interval."""

    k: int
    effect: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float
    q: float
    q_p: float
    pi_low: float | None
    pi_high: float | None


def pool(effects: list[float] | np.ndarray, ses: list[float] | np.ndarray) -> Pooled:
    """DerSimonian-Laird random effects of ``effects`` with standard errors ``ses`` (see the module).

    One study pools to itself (tau² 0, no heterogeneity test). A standard
    error that is not positive and finite is a ValueError.
    """
    from scipy import stats
    from statsmodels.stats.meta_analysis import combine_effects

    y = np.asarray(effects, dtype=float)
    se = np.asarray(ses, dtype=float)
    if len(y) == 0 or len(y) != len(se):
        raise ValueError("pooling needs at least one study, with one standard error per effect")
    if not np.all(np.isfinite(y)) or not np.all(np.isfinite(se)) or np.any(se <= 0):
        raise ValueError("every effect must be a number and every standard error a positive number")
    k = len(y)
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    if k == 1:
        return Pooled(1, float(y[0]), float(se[0]), float(y[0] - z * se[0]), float(y[0] + z * se[0]),
                      0.0, 0.0, 0.0, math.nan, None, None)
    with warnings.catch_warnings():  # a negative tau² makes statsmodels take square roots of negatives
        warnings.simplefilter("ignore", RuntimeWarning)
        result = combine_effects(y, se ** 2, method_re="dl", use_t=False)
    q = float(result.q)
    if result.tau2 >= 0:
        tau2, mean, se_pooled = float(result.tau2), float(result.mean_effect_re), float(result.sd_eff_w_re)
    else:  # Q < k - 1: tau² is 0 by definition, and random effects are fixed effects
        tau2, mean, se_pooled = 0.0, float(result.mean_effect_fe), float(result.sd_eff_w_fe)
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    q_p = float(stats.chi2.sf(q, k - 1))
    pi_low = pi_high = None
    if k >= 3:
        half = float(stats.t.ppf(0.5 + LEVEL / 2, k - 2)) * math.sqrt(tau2 + se_pooled ** 2)
        pi_low, pi_high = mean - half, mean + half
    return Pooled(k, mean, se_pooled, mean - z * se_pooled, mean + z * se_pooled, tau2, i2, q, q_p,
                  pi_low, pi_high)
