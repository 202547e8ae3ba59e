"""The DerSimonian-Laird pooling of the synthesis against a computation written here, and at its edges."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from via_reports.programme.meta import pool


def dersimonian_laird(y: list[float], se: list[float]) -> dict[str, float]:
    """The method as defined (metafor's "DL"), written out with numpy only."""
    y, v = np.asarray(y, float), np.asarray(se, float) ** 2
    k = len(y)
    w = 1 / v
    mean_fe = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - mean_fe) ** 2))
    c = np.sum(w) - np.sum(w ** 2) / np.sum(w)
    tau2 = max(0.0, (q - (k - 1)) / c)
    w_re = 1 / (v + tau2)
    mean = float(np.sum(w_re * y) / np.sum(w_re))
    se_re = math.sqrt(1 / np.sum(w_re))
    z = 1.959963984540054
    out = {"effect": mean, "se": se_re, "ci_low": mean - z * se_re, "ci_high": mean + z * se_re, "tau2": tau2,
           "i2": max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0, "q": q, "q_p": 1 - stats.chi2.cdf(q, k - 1)}
    if k >= 3:
        half = stats.t.ppf(0.975, k - 2) * math.sqrt(tau2 + se_re ** 2)
        out["pi_low"], out["pi_high"] = mean - half, mean + half
    return out


def check(result, expected: dict[str, float]) -> None:
    for name, value in expected.items():
        assert getattr(result, name) == pytest.approx(value, rel=1e-9, abs=1e-12), name


HETEROGENEOUS = ([0.02, 0.31, 0.12, 0.48, -0.09, 0.20], [0.05, 0.07, 0.04, 0.09, 0.06, 0.05])
#: Q < k - 1: the studies agree more closely than their standard errors make likely.
HOMOGENEOUS = ([0.100, 0.104, 0.097, 0.101, 0.099], [0.05, 0.06, 0.05, 0.07, 0.04])


def test_heterogeneous_studies_equal_the_formulas():
    result = pool(*HETEROGENEOUS)
    expected = dersimonian_laird(*HETEROGENEOUS)
    assert expected["tau2"] > 0 and expected["i2"] > 0.5  # the case the random effects are for
    check(result, expected)
    assert result.k == 6


def test_homogeneous_studies_truncate_tau2_and_equal_the_fixed_effect():
    from statsmodels.stats.meta_analysis import combine_effects

    y, se = HOMOGENEOUS
    raw = combine_effects(np.array(y), np.array(se) ** 2, method_re="dl")
    assert raw.q < len(y) - 1 and raw.tau2 < 0  # statsmodels does not truncate: the trap this guards
    result = pool(y, se)
    w = 1 / np.asarray(se) ** 2
    fixed = float(np.sum(w * np.asarray(y)) / np.sum(w))
    assert result.tau2 == 0.0 and result.i2 == 0.0
    assert result.effect == pytest.approx(fixed, rel=1e-12)
    assert result.se == pytest.approx(math.sqrt(1 / np.sum(w)), rel=1e-12)
    assert min(y) <= result.effect <= max(y)
    check(result, dersimonian_laird(y, se))


def test_bcg_trials_match_metafor():
    """The 13 BCG vaccine trials (log risk ratios), metafor's rma(method="DL"): tau² 0.3088, estimate
    -0.7141 (se 0.1787), Q 152.23, I² 92.12 %."""
    trials = [(4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
              (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
              (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
              (27, 16886, 29, 17825)]
    y = [math.log((a / (a + b)) / (c / (c + d))) for a, b, c, d in trials]
    se = [math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)) for a, b, c, d in trials]
    result = pool(y, se)
    assert result.tau2 == pytest.approx(0.3088, abs=5e-4)
    assert result.effect == pytest.approx(-0.7141, abs=5e-4)
    assert result.se == pytest.approx(0.1787, abs=5e-4)
    assert result.q == pytest.approx(152.2330, abs=5e-3)
    assert result.i2 == pytest.approx(0.9212, abs=5e-4)


def test_prediction_interval_only_from_three_studies():
    two = pool([0.1, 0.3], [0.05, 0.05])
    assert two.pi_low is None and two.pi_high is None
    three = pool([0.1, 0.3, 0.2], [0.05, 0.05, 0.05])
    assert three.pi_low is not None and three.pi_low < three.ci_low < three.ci_high < three.pi_high
    check(three, dersimonian_laird([0.1, 0.3, 0.2], [0.05, 0.05, 0.05]))


def test_one_study_pools_to_itself():
    result = pool([0.2], [0.1])
    assert (result.k, result.effect, result.tau2) == (1, 0.2, 0.0)
    assert result.ci_low == pytest.approx(0.2 - 1.959963984540054 * 0.1)
    assert math.isnan(result.q_p)


@pytest.mark.parametrize("y, se", [([], []), ([0.1, 0.2], [0.1]), ([0.1], [0.0]), ([float("nan")], [0.1])])
def test_bad_input_is_refused(y, se):
    with pytest.raises(ValueError):
        pool(y, se)
