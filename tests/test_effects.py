"""The effects statistics (REPORTS.md, "Effects (final report, v2)" and "Statistics v3") against an independent computation.

The study is the hand-made one of ``effects_data``: a known health effect, a
known imbalance in paid work at T0, and people who left for paid work. The
expected rows are computed here from its literal lists with statsmodels'
*formula* API (``smf.ols("y2 ~ pilot + y0", ...)``), statsmodels'
``CompareMeans`` for Welch's test and its standard error, and the standard
library's ``NormalDist`` for the z-based MDE; the product uses the array API,
``scipy.stats.ttest_ind`` and ``scipy.stats.norm``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from effects_data import (
    BY_LOT,
    CONTROL,
    PILOT,
    RESPONSES,
    expected_z_mde,
    independent_estimates,
    load,
    person_frame,
)
from scipy import stats

from via_reports.analysis.effects import (
    ATTRITION_COLUMNS,
    EFFECTS_COLUMNS,
    EXIT_COLUMNS,
    OUTCOMES,
    attrition_table,
    design,
    effects_table,
    exit_to_paid_work,
    minimum_detectable_effect,
)
from via_reports.analysis.scope import Scope
from via_reports.exceptions import ParameterError

FINAL = Scope(waves=("T0", "T1", "T2"), language="nl", min_n=3, kind="final")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The study loaded through validation: plain, randomized, without a control group."""
    folder = tmp_path_factory.mktemp("effects")
    return {
        "plain": load(folder / "plain"),
        "randomized": load(folder / "randomized", randomized=BY_LOT),
        "pilot_only": load(folder / "pilot_only", groups=("pilot",)),
        "one_sided": load(folder / "one_sided", randomized=[p for p in BY_LOT if p in PILOT]),
    }


# ---------------------------------------------------------------------------
# The independent computation


def expected_rows(outcome: str, pilot: list[str], control: list[str]) -> dict[str, dict]:
    """Per estimator the expected row of one outcome among ``pilot`` and ``control``."""
    return independent_estimates(person_frame(outcome, pilot + control))


def assert_analysis(table: pd.DataFrame, analysis: str, pilot: list[str], control: list[str]) -> None:
    rows = table[(table["analysis"] == analysis) & table["estimator"].isin(["ancova", "ancova_covariates",
                                                                             "change_score"])]
    assert list(rows["outcome"]) == [o for o in OUTCOMES for _ in range(3)]
    assert list(rows["estimator"]) == ["ancova", "ancova_covariates", "change_score"] * len(OUTCOMES)
    for outcome in OUTCOMES:
        want = expected_rows(outcome, pilot, control)
        for _, row in rows[rows["outcome"] == outcome].iterrows():
            for column, value in want[row["estimator"]].items():
                assert row[column] == pytest.approx(value, abs=1e-6, nan_ok=True), (outcome, row["estimator"], column)


# ---------------------------------------------------------------------------
# The table


def test_every_row_equals_the_formula_api_without_randomization(study):
    table = effects_table(study["plain"], FINAL)
    assert tuple(table.columns) == EFFECTS_COLUMNS
    assert set(table["analysis"]) == {"primary"}
    assert_analysis(table, "primary", PILOT, CONTROL)


def test_every_row_equals_the_formula_api_with_randomization(study):
    table = effects_table(study["randomized"], FINAL)
    assert list(dict.fromkeys(table["analysis"])) == ["primary", "sensitivity"]
    assert_analysis(table, "primary", [p for p in BY_LOT if p in PILOT], [c for c in BY_LOT if c in CONTROL])
    assert_analysis(table, "sensitivity", PILOT, CONTROL)


def test_leverage_one_gives_no_interval(study):
    """Among those assigned by lot, the covariate model of volunteer work fits p1 exactly (leverage 1):
    HC3 then divides 0 by 0, so the effect is given without interval or p."""
    table = effects_table(study["randomized"], FINAL)
    row = table[(table["analysis"] == "primary") & (table["outcome"] == "volunteer_work")
                & (table["estimator"] == "ancova_covariates")].iloc[0]
    assert np.isfinite(row["effect"]) and np.isnan(row["ci_low"]) and np.isnan(row["p_value"])


def test_known_health_effect_is_found_by_every_estimator(study):
    rows = effects_table(study["plain"], FINAL)
    health = rows[rows["outcome"] == "self_rated_health"].set_index("estimator")
    assert (health["ci_low"] > 0).all()
    # pilot changes +2 +2 +2 +1 +2 +2 +1 +2 +2 +2 +1, control 0 0 +1 0 -1 +1 +1 (c7 has no T2)
    assert health.loc["change_score", "effect"] == pytest.approx(19 / 11 - 2 / 7, abs=1e-12)


def test_baseline_imbalance_separates_ancova_from_change_score(study):
    """Nobody in the pilot has paid work at T0, 3 of 9 controls do (c9, who left for work, among the 9):
    the change score credits the pilot with the controls' losses; the adjusted estimate does not."""
    rows = effects_table(study["plain"], FINAL)
    paid = rows[rows["outcome"] == "paid_work"].set_index("estimator")
    assert paid.loc["ancova", "pilot_t0"] == 0 and paid.loc["ancova", "control_t0"] == pytest.approx(3 / 9)
    assert paid.loc["change_score", "effect"] > paid.loc["ancova", "effect"]


def test_people_who_left_for_work_count_as_successes(study):
    """Statistics v3: leavers for work are 1 in paid_work and any_participation, in no other outcome."""
    rows = effects_table(study["plain"], FINAL)
    ancova = rows[rows["estimator"] == "ancova"].set_index("outcome")
    assert "paid_work_or_exit" not in set(rows["outcome"])
    for outcome in ("paid_work", "any_participation"):
        # p11 (no T2) joins the pilot, c9 (no T2) the control group; c11 left after T2's fieldwork: not counted
        assert (ancova.loc[outcome, "n_pilot"], ancova.loc[outcome, "n_control"]) == (12, 9)
    # paid work: p1, p3, p5, p8 at T2, plus p11 and p13 (answered T2 without paid work, then left for work)
    assert ancova.loc["paid_work", "pilot_t2"] == pytest.approx(6 / 12)
    # any participation: p1 p3 p4 p5 p7 p8 p10 at T2, plus p11 and p13
    assert ancova.loc["any_participation", "pilot_t2"] == pytest.approx(9 / 12)
    # c9 counts as working; c1, c3, c5 answered with paid work
    assert ancova.loc["paid_work", "control_t2"] == pytest.approx(4 / 9)
    # an outcome work does not settle: p11 and c9 stay missing without a T2 answer
    assert (ancova.loc["volunteer_work", "n_pilot"], ancova.loc["volunteer_work", "n_control"]) == (11, 8)


def test_missing_values_leave_a_person_out_per_outcome(study):
    rows = effects_table(study["plain"], FINAL)
    n = rows[rows["estimator"] == "ancova"].set_index("outcome")[["n_pilot", "n_control"]]
    assert tuple(n.loc["ease_society_difficult"]) == (10, 7)  # p4, c6 miss T0
    assert tuple(n.loc["self_rated_health"]) == (11, 7)  # c7 misses T2
    assert tuple(n.loc["job_search_hours"]) == (10, 7)  # p7, c8 miss T0
    assert n["n_pilot"].max() == 12 and n["n_control"].max() == 9  # only with the leavers (paid work, any)


def test_design_checks_the_randomized_flag_of_both_groups(study):
    assert design(study["randomized"]).randomized
    one_sided = design(study["one_sided"])  # the column exists, but no control was assigned by lot
    assert not one_sided.randomized and one_sided.has_column
    assert (one_sided.n_pilot_randomized, one_sided.n_control_randomized) == (8, 0)
    assert [a.name for a in one_sided.analyses] == ["primary"]
    assert len(one_sided.analysis("primary").pilot) == len(PILOT)


def test_without_control_group_the_estimates_are_missing(study):
    table = effects_table(study["pilot_only"], FINAL)
    assert (table["n_control"] == 0).all()
    assert table[["effect", "ci_low", "ci_high", "p_value", "mde", "se"]].isna().all().all()


def test_single_wave_scope_is_a_parameter_error(study):
    with pytest.raises(ParameterError):
        effects_table(study["plain"], Scope(waves=("T0",), kind="final"))


def test_mde_is_the_z_based_effect_with_80_percent_power():
    """(z(0.975) + z(0.8)) = 1.959964 + 0.841621 = 2.801585 standard errors at alpha 0.05."""
    assert minimum_detectable_effect(1.0, 0.05) == pytest.approx(2.8015852, abs=1e-6)
    assert minimum_detectable_effect(0.5, 0.01) == pytest.approx(expected_z_mde(0.5, alpha=0.01), abs=1e-12)
    assert minimum_detectable_effect(0.5, 0.01) == pytest.approx(0.5 * (2.5758293 + 0.8416212), abs=1e-6)
    assert np.isnan(minimum_detectable_effect(np.nan, 0.05))  # no standard error, no MDE


def test_se_is_the_one_behind_each_interval(study):
    """The interval of every row is effect ± quantile × se: z for the HC3 ANCOVAs, Welch's t for the change score."""
    table = effects_table(study["plain"], FINAL).dropna(subset=["ci_low"])
    z = stats.norm.ppf(0.975)
    for _, row in table.iterrows():
        if row["estimator"] == "change_score":
            assert row["ci_high"] - row["ci_low"] > 2 * z * row["se"]  # t quantile > z
        else:
            assert row["ci_high"] - row["effect"] == pytest.approx(z * row["se"], abs=1e-9)
        assert row["mde"] == pytest.approx(expected_z_mde(row["se"]), abs=1e-12)


def test_alpha_sets_the_interval(study, tmp_path):
    strict = Scope(waves=("T0", "T2"), language="nl", min_n=3, kind="final", alpha=0.01)
    row = effects_table(study["plain"], strict).iloc[0]
    frame = person_frame("any_participation", PILOT + CONTROL).dropna(subset=["y0", "y2"])
    low, high = smf.ols("y2 ~ pilot + y0", frame).fit(cov_type="HC3").conf_int(alpha=0.01).loc["pilot"]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-6)


# ---------------------------------------------------------------------------
# Exit to paid work and attrition


def test_exit_to_paid_work_fisher(study):
    table = exit_to_paid_work(study["plain"], FINAL)
    assert tuple(table.columns) == EXIT_COLUMNS
    rows = table.set_index("group")
    # pilot: p11, p13 of 14; control: c9, c11 of 11
    assert (rows.loc["pilot", "count"], rows.loc["pilot", "n"]) == (2, 14)
    assert (rows.loc["control", "count"], rows.loc["control", "n"]) == (2, 11)
    assert rows.loc["pilot", "percent"] == 14.3 and rows.loc["control", "percent"] == 18.2
    expected = stats.fisher_exact([[2, 12], [2, 9]]).pvalue
    assert rows["p_value"].tolist() == pytest.approx([expected, expected], abs=1e-12)


def test_attrition_table(study):
    table = attrition_table(study["plain"], FINAL)
    assert tuple(table.columns) == ATTRITION_COLUMNS
    assert len(table) == 2 * 3 * 6  # 2 groups x 3 waves x (started, responded, not_responded, 3 reasons)

    def count(group, wave, measure, reason=None):
        rows = table[(table["group"] == group) & (table["wave"] == wave) & (table["measure"] == measure)]
        if reason is not None:
            rows = rows[rows["exit_reason"] == reason]
        assert len(rows) == 1
        return int(rows["count"].iloc[0])

    assert count("pilot", "T0", "started") == 14 and count("pilot", "T0", "responded") == 14
    assert count("pilot", "T2", "responded") == 11  # p1..p10, p13
    assert count("pilot", "T2", "left", "paid_work") == 1  # p11; p13 answered T2 first
    assert count("control", "T2", "responded") == 8
    assert count("control", "T2", "left", "paid_work") == 1  # c9; c11 left after the fieldwork
    assert count("control", "T2", "not_responded") == 3


def test_no_personal_data_in_tables(study):
    for table in (effects_table(study["randomized"], FINAL), exit_to_paid_work(study["randomized"], FINAL),
                  attrition_table(study["randomized"], FINAL)):
        assert "zzpid" not in table.to_csv()


def test_the_lists_are_complete():
    assert set(RESPONSES) == set(PILOT) | set(CONTROL)
