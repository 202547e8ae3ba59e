"""Were the groups alike at the start, and who dropped out? (REPORTS.md, "Balance and attrition").

Two tables on the same T0 characteristics (:data:`CHARACTERISTICS`: the
covariates of the effects analysis, prior paid work in NL, and every outcome
at T0), each with the standardised mean difference::

    smd = (mean_a − mean_b) / sqrt((var_a + var_b) / 2)      sample variances (ddof = 1)

- :func:`baseline_table` (figure ``effects.baseline``): per analysis, pilot
  against control. Everyone of the analysis counts whose value is known.
- :func:`nonresponse_table` (figure ``effects.nonresponse``): per group,
  those who answered T2 against those who did not, leaving out whoever left
  for paid work by the end of T2's fieldwork without answering (they count as
  successes in ``paid_work`` and ``any_participation``, not as drop-outs).

An |smd| above :data:`IMBALANCE` is an imbalance the text names.

Statistics v3 adds, per analysis, the row ``characteristic = joint_test``
(:func:`joint_test`): the likelihood-ratio test of
``Logit(pilot, add_constant(X)).fit(disp=0)`` against the constant-only
model (statsmodels' ``llr_pvalue``), X = :data:`JOINT_TEST_COLUMNS` (a
column that does not vary left out), in the new column ``p_value``. For an
analysis by lot, a joint p below :data:`JOINT_P_WARNING` or any |smd| above
:data:`SMD_WARNING` makes the text warn that the groups differ more than a
lottery usually produces.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from via_reports.analysis.effects import (
    COVARIATES,
    OUTCOME_UNITS,
    OUTCOMES,
    design,
    groups_present,
    left_for_paid_work,
    outcome_pairs,
    person_characteristics,
)
from via_reports.analysis.populations import respondent_ids
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset

#: The T0 characteristics compared, in table order.
CHARACTERISTICS = (*COVARIATES, "prior_paid_work_nl", *OUTCOMES)
#: |smd| above this is named as an imbalance.
IMBALANCE = 0.1
#: For an analysis by lot: a joint test p below this, or an |smd| above SMD_WARNING, is warned about.
JOINT_P_WARNING = 0.01
SMD_WARNING = 0.25
#: The characteristics of the joint test, in model order.
JOINT_TEST_COLUMNS = (*COVARIATES, "prior_paid_work_nl")


def is_share(characteristic: str) -> bool:
    """True for a 0/1 characteristic (its mean is a share); False for age and the outcomes with a unit."""
    return characteristic != "age" and characteristic not in OUTCOME_UNITS

BASELINE_COLUMNS = ("analysis", "characteristic", "n_pilot", "n_control", "pilot_mean", "control_mean", "smd",
                    "p_value")
NONRESPONSE_COLUMNS = ("group", "characteristic", "n_responded", "n_not_responded", "responded_mean",
                       "not_responded_mean", "smd")


def standardised_difference(first: np.ndarray, second: np.ndarray) -> float:
    """(mean first − mean second) / sqrt((var first + var second) / 2), sample variances.

    NaN with fewer than 2 values in a group. When neither group varies the
    difference cannot be scaled: NaN for equal means, ±inf otherwise (a
    complete separation is the largest imbalance there is).
    """
    if len(first) < 2 or len(second) < 2:
        return math.nan
    difference = float(np.mean(first) - np.mean(second))
    scale = math.sqrt((np.var(first, ddof=1) + np.var(second, ddof=1)) / 2)
    if scale == 0:
        return math.nan if difference == 0 else math.copysign(math.inf, difference)
    return difference / scale


def baseline_values(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Per participant (index participant_id) every characteristic of :data:`CHARACTERISTICS` at T0."""
    pairs = outcome_pairs(dataset, scope)
    at_t0 = pd.DataFrame({outcome: pairs[(outcome, "t0")] for outcome in OUTCOMES})
    return person_characteristics(dataset).join(at_t0)[list(CHARACTERISTICS)]


def _compare(values: pd.DataFrame, first: frozenset[str] | set[str], second: frozenset[str] | set[str],
             characteristic: str) -> tuple[int, int, float, float, float]:
    """(n first, n second, mean first, mean second, smd) of one characteristic, known values only."""
    column = values[characteristic].dropna()
    a = column[column.index.isin(first)].to_numpy()
    b = column[column.index.isin(second)].to_numpy()
    mean = lambda x: float(x.mean()) if len(x) else math.nan  # noqa: E731
    return len(a), len(b), mean(a), mean(b), standardised_difference(a, b)


def joint_test(characteristics: pd.DataFrame, pilot: frozenset[str], control: frozenset[str]
               ) -> tuple[int, int, float, bool]:
    """(n pilot, n control, LR-test p, separated) of ``Logit(pilot, add_constant(X))`` against the constant.

    Among the people of the analysis whose :data:`JOINT_TEST_COLUMNS` are all
    known (prior_paid_work_nl may be missing). ``separated`` is True when
    statsmodels reports perfect separation: the groups do not overlap; the p
    is then still statsmodels' (tiny). NaN p with fewer than 2 people in a
    group or no characteristic that varies.
    """
    import warnings

    values = characteristics.loc[characteristics.index.isin(pilot | control), list(JOINT_TEST_COLUMNS)].dropna()
    in_pilot = values.index.isin(pilot).astype(float)
    n_p, n_c = int(in_pilot.sum()), int(len(in_pilot) - in_pilot.sum())
    x = values.to_numpy(dtype=float)
    x = x[:, [np.ptp(x[:, i]) > 0 for i in range(x.shape[1])]] if len(x) else x
    if n_p < 2 or n_c < 2 or x.shape[1] == 0:
        return n_p, n_c, math.nan, False
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.Logit(in_pilot, sm.add_constant(x, has_constant="add")).fit(disp=0)
        except PerfectSeparationError:
            return n_p, n_c, 0.0, True
        except (np.linalg.LinAlgError, ValueError):
            return n_p, n_c, math.nan, False
        p_value = float(fit.llr_pvalue)
    separated = any(issubclass(w.category, PerfectSeparationWarning) for w in caught)
    return n_p, n_c, p_value, separated


def baseline_table(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Balance at T0, pilot against control, per analysis (columns :data:`BASELINE_COLUMNS`).

    Per analysis one row per characteristic, then the ``joint_test`` row
    (only ``n_*`` and ``p_value`` filled).
    """
    values = baseline_values(dataset, scope)
    characteristics = person_characteristics(dataset)
    rows = []
    for analysis in design(dataset).analyses:
        for characteristic in CHARACTERISTICS:
            n_p, n_c, mean_p, mean_c, smd = _compare(values, analysis.pilot, analysis.control, characteristic)
            rows.append({"analysis": analysis.name, "characteristic": characteristic, "n_pilot": n_p,
                         "n_control": n_c, "pilot_mean": mean_p, "control_mean": mean_c, "smd": smd,
                         "p_value": math.nan})
        n_p, n_c, p_value, _ = joint_test(characteristics, analysis.pilot, analysis.control)
        rows.append({"analysis": analysis.name, "characteristic": "joint_test", "n_pilot": n_p, "n_control": n_c,
                     "pilot_mean": math.nan, "control_mean": math.nan, "smd": math.nan, "p_value": p_value})
    table = pd.DataFrame(rows, columns=list(BASELINE_COLUMNS))
    table[["analysis", "characteristic"]] = table[["analysis", "characteristic"]].astype("string")
    table[["n_pilot", "n_control"]] = table[["n_pilot", "n_control"]].astype("int64")
    return table


def nonresponse_table(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """T0 characteristics of those who did and did not answer T2, per group (:data:`NONRESPONSE_COLUMNS`)."""
    values = baseline_values(dataset, scope)
    people = dataset.participants
    answered = respondent_ids(dataset, scope.last_wave)
    to_work = left_for_paid_work(dataset, scope.last_wave)
    rows = []
    for group in groups_present(dataset):
        members = set(people.loc[people["group"] == group, "participant_id"].astype(str))
        responded = members & answered
        not_responded = members - answered - to_work
        for characteristic in CHARACTERISTICS:
            n_r, n_n, mean_r, mean_n, smd = _compare(values, responded, not_responded, characteristic)
            rows.append({"group": group, "characteristic": characteristic, "n_responded": n_r,
                         "n_not_responded": n_n, "responded_mean": mean_r, "not_responded_mean": mean_n,
                         "smd": smd})
    table = pd.DataFrame(rows, columns=list(NONRESPONSE_COLUMNS))
    table[["group", "characteristic"]] = table[["group", "characteristic"]].astype("string")
    table[["n_responded", "n_not_responded"]] = table[["n_responded", "n_not_responded"]].astype("int64")
    return table


def separated_analyses(dataset: Dataset) -> frozenset[str]:
    """The analyses whose groups the joint test's model separates perfectly (they do not overlap)."""
    characteristics = person_characteristics(dataset)
    return frozenset(a.name for a in design(dataset).analyses
                     if joint_test(characteristics, a.pilot, a.control)[3])


def randomisation_warning(table: pd.DataFrame, analysis: str) -> bool:
    """True when the groups of ``analysis`` differ more than a lottery usually produces.

    A joint test p below :data:`JOINT_P_WARNING` or an |smd| above
    :data:`SMD_WARNING` on any characteristic (the caller asks only for an
    analysis by lot).
    """
    rows = table[table["analysis"] == analysis]
    joint = rows.loc[rows["characteristic"] == "joint_test", "p_value"]
    p_low = bool(len(joint) and pd.notna(joint.iloc[0]) and joint.iloc[0] < JOINT_P_WARNING)
    return p_low or bool((rows["smd"].abs() > SMD_WARNING).any())


def imbalanced(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a balance table whose |smd| exceeds :data:`IMBALANCE`."""
    return table[table["smd"].abs() > IMBALANCE]
