"""Statistics v3 (REPORTS.md, "Statistics v3"): p_holm, ancova_ipw and the bounds against an independent computation.

The expected numbers come from the literal lists of ``effects_data`` with
statsmodels' *formula* API (``smf.logit``, ``smf.wls``) and a Holm step-down
written out here; the product uses the array API and ``multipletests``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from effects_data import BY_LOT, CONTROL, PILOT, expected_z_mde, load, person_frame

from via_reports.analysis.effects import ALL_ESTIMATORS, EFFECTS_COLUMNS, OUTCOMES, effects_table, is_binary
from via_reports.analysis.scope import Scope

FINAL = Scope(waves=("T0", "T1", "T2"), language="nl", min_n=3, kind="final")
COVARIATES = ("female", "age", "born_nl", "education_low", "distance_long")


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    folder = tmp_path_factory.mktemp("effects_v3")
    return {"plain": effects_table(load(folder / "plain"), FINAL),
            "randomized": effects_table(load(folder / "randomized", randomized=BY_LOT), FINAL)}


def holm_by_hand(p_values: list[float]) -> list[float]:
    """Holm's step-down: the i-th smallest p times (m − i), running maximum, capped at 1."""
    order = np.argsort(p_values, kind="mergesort")
    m, adjusted, running = len(p_values), np.empty(len(p_values)), 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return list(adjusted)


def expected_ipw(frame: pd.DataFrame) -> dict:
    """ancova_ipw of one outcome from a person frame: smf.logit response model, smf.wls with HC3."""
    frame = frame.dropna(subset=["y0"]).assign(r=lambda f: f["y2"].notna().astype(float))
    covariates = [c for c in COVARIATES if frame[c].nunique() > 1]
    model = smf.logit("r ~ pilot + y0 + " + " + ".join(covariates), frame).fit(disp=0)
    answered = frame[frame["r"] == 1].assign(w=lambda f: 1 / model.predict(f))
    fit = smf.wls("y2 ~ pilot + y0", answered, weights=answered["w"]).fit(cov_type="HC3")
    low, high = fit.conf_int().loc["pilot"]
    return {"effect": fit.params["pilot"], "ci_low": low, "ci_high": high, "p_value": fit.pvalues["pilot"],
            "se": fit.bse["pilot"], "mde": expected_z_mde(fit.bse["pilot"]),
            "n_pilot": int((answered["pilot"] == 1).sum()), "n_control": int((answered["pilot"] == 0).sum())}


def expected_bounds(frame: pd.DataFrame) -> dict[str, dict]:
    frame = frame.dropna(subset=["y0"])
    pilot, control = frame[frame["pilot"] == 1], frame[frame["pilot"] == 0]
    low = pilot["y2"].fillna(0).mean() - control["y2"].fillna(1).mean()
    high = pilot["y2"].fillna(1).mean() - control["y2"].fillna(0).mean()
    return {"bound_low": {"effect": low, "n_pilot": len(pilot), "n_control": len(control),
                          "pilot_t2": pilot["y2"].fillna(0).mean(), "control_t2": control["y2"].fillna(1).mean()},
            "bound_high": {"effect": high, "n_pilot": len(pilot), "n_control": len(control),
                           "pilot_t2": pilot["y2"].fillna(1).mean(), "control_t2": control["y2"].fillna(0).mean()}}


def test_columns_and_estimators(tables):
    table = tables["plain"]
    assert tuple(table.columns) == EFFECTS_COLUMNS and {"se", "p_holm"} <= set(EFFECTS_COLUMNS)
    for outcome in OUTCOMES:
        estimators = list(table.loc[table["outcome"] == outcome, "estimator"])
        assert estimators == [e for e in ALL_ESTIMATORS if is_binary(outcome) or not e.startswith("bound")]


@pytest.mark.parametrize("outcome", ["any_participation", "self_rated_health", "job_search_hours"])
def test_ancova_ipw_equals_the_formula_api(tables, outcome):
    row = tables["plain"].query("outcome == @outcome and estimator == 'ancova_ipw'").iloc[0]
    complete = tables["plain"].query("outcome == @outcome and estimator == 'ancova'").iloc[0]
    want = expected_ipw(person_frame(outcome, PILOT + CONTROL))
    for column, value in want.items():
        assert row[column] == pytest.approx(value, abs=1e-9), column
    # the same people and unweighted means as the complete-case ancova
    for column in ("n_pilot", "n_control", "pilot_t0", "pilot_t2", "control_t0", "control_t2"):
        assert row[column] == complete[column]


@pytest.mark.parametrize("outcome", [o for o in OUTCOMES if is_binary(o)])
def test_bounds_fill_in_the_worst_and_best_case(tables, outcome):
    rows = tables["plain"][tables["plain"]["outcome"] == outcome].set_index("estimator")
    for name, want in expected_bounds(person_frame(outcome, PILOT + CONTROL)).items():
        for column, value in want.items():
            assert rows.loc[name, column] == pytest.approx(value, abs=1e-12), (name, column)
        assert rows.loc[name, ["ci_low", "ci_high", "p_value", "se", "mde", "p_holm"]].isna().all()
    assert rows.loc["bound_low", "effect"] <= rows.loc["bound_high", "effect"]


def test_paid_work_bounds_by_hand(tables):
    """Pilot with T0: 14; T2 known for 12 (p12, p14 missing); 6 with work. Control: 11, 9 known, 4 with work."""
    rows = tables["plain"][tables["plain"]["outcome"] == "paid_work"].set_index("estimator")
    assert rows.loc["bound_low", "effect"] == pytest.approx(6 / 14 - 6 / 11, abs=1e-12)
    assert rows.loc["bound_high", "effect"] == pytest.approx(8 / 14 - 4 / 11, abs=1e-12)


@pytest.mark.parametrize("variant", ["plain", "randomized"])
def test_p_holm_is_holm_over_the_secondary_outcomes(tables, variant):
    table = tables[variant]
    for (analysis, estimator), rows in table.groupby(["analysis", "estimator"]):
        rows = rows.set_index("outcome")
        if estimator.startswith("bound"):
            assert rows["p_holm"].isna().all()
            continue
        assert rows.loc["paid_work", "p_holm"] == pytest.approx(rows.loc["paid_work", "p_value"], nan_ok=True)  # primary
        secondary = rows.drop(index="paid_work").dropna(subset=["p_value"])
        want = holm_by_hand(list(secondary["p_value"]))
        assert list(secondary["p_holm"]) == pytest.approx(want, abs=1e-12), (analysis, estimator)
        assert rows.loc[rows["p_value"].isna(), "p_holm"].isna().all()  # no p, not in the family


def test_study_names_the_primary_outcome(tmp_path):
    from effects_data import build_frames
    from tiny import write_dataset

    from via_reports import load_dataset
    from via_reports.data.contracts import study_schema

    assert tuple(study_schema()["properties"]["primary_outcome"]["enum"]) == OUTCOMES
    study, frames = build_frames()
    study["primary_outcome"] = "self_rated_health"
    table = effects_table(load_dataset(write_dataset(tmp_path / "health", study, frames)), FINAL)
    ancova = table[table["estimator"] == "ancova"].set_index("outcome")
    assert ancova.loc["self_rated_health", "p_holm"] == ancova.loc["self_rated_health", "p_value"]
    secondary = ancova.drop(index="self_rated_health").dropna(subset=["p_value"])  # paid_work now among them
    assert list(secondary["p_holm"]) == pytest.approx(holm_by_hand(list(secondary["p_value"])), abs=1e-12)


def test_an_unknown_primary_outcome_is_invalid_data(tmp_path):
    from effects_data import build_frames
    from tiny import write_dataset

    from via_reports import load_dataset
    from via_reports.exceptions import ContractError

    study, frames = build_frames()
    study["primary_outcome"] = "paid_work_or_exit"  # gone in statistics v3
    with pytest.raises(ContractError) as raised:
        load_dataset(write_dataset(tmp_path / "wrong", study, frames))
    assert raised.value.exit_code == 3


# ---------------------------------------------------------------------------
# effects.flow and effects.means


def test_flow_counts_each_stage_from_the_lists(tmp_path):
    """Randomized variant, primary analysis (by lot: p1-p6, p11, p12; c1-c6, c9, c10), counted by hand."""
    from effects_data import PEOPLE, RESPONSES, T2_FIELDWORK_END

    from via_reports.figures.effects_flow import FLOW_COLUMNS, STAGES, flow

    dataset = load(tmp_path / "randomized", randomized=BY_LOT)
    figure = flow(dataset, FINAL)
    assert tuple(figure.data.columns) == FLOW_COLUMNS
    table = effects_table(dataset, FINAL)
    for analysis, pilot, control in (("primary", [p for p in BY_LOT if p in PILOT], [c for c in BY_LOT if c in CONTROL]),
                                     ("sensitivity", PILOT, CONTROL)):
        rows = figure.data[figure.data["analysis"] == analysis]
        for group, ids in (("pilot", pilot), ("control", control)):
            got = dict(zip(rows.loc[rows["group"] == group, "stage"], rows.loc[rows["group"] == group, "count"]))
            headline = table.query("analysis == @analysis and outcome == 'paid_work' and estimator == 'ancova'")
            want = {"assigned": len(ids), "answered_t0": sum(RESPONSES[i][0] is not None for i in ids),
                    "left_for_work": sum(PEOPLE[i][7] == "paid_work" and PEOPLE[i][6] <= T2_FIELDWORK_END
                                         for i in ids),
                    "answered_t2": sum(RESPONSES[i][1] is not None for i in ids),
                    "analysed": int(headline[f"n_{group}"].iloc[0])}
            assert list(got) == list(STAGES) and got == want, (analysis, group)
    assert "zzpid" not in figure.data.to_csv()


def test_means_are_the_complete_case_means(tmp_path):
    from via_reports.figures.effects_flow import MEANS_COLUMNS, means

    dataset = load(tmp_path / "plain")
    figure = means(dataset, FINAL)
    assert tuple(figure.data.columns) == MEANS_COLUMNS
    for outcome in OUTCOMES:
        frame = person_frame(outcome, PILOT + CONTROL).dropna(subset=["y0", "y2"])
        rows = figure.data[figure.data["outcome"] == outcome]
        for group, flag in (("pilot", 1), ("control", 0)):
            part = frame[frame["pilot"] == flag]
            got = rows[rows["group"] == group].set_index("wave")
            assert got.loc["T0", "mean"] == pytest.approx(part["y0"].mean(), abs=1e-12)
            assert got.loc["T2", "mean"] == pytest.approx(part["y2"].mean(), abs=1e-12)
            assert (got["n"] == len(part)).all()
