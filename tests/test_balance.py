"""Balance at T0 and who dropped out before T2, against numpy on the hand-made lists of ``effects_data``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from effects_data import BY_LOT, CONTROL, PEOPLE, PILOT, RESPONSES, T2_FIELDWORK_END, load, person_frame

from via_reports.analysis.balance import (
    BASELINE_COLUMNS,
    CHARACTERISTICS,
    NONRESPONSE_COLUMNS,
    baseline_table,
    nonresponse_table,
    standardised_difference,
)
from via_reports.analysis.scope import Scope

FINAL = Scope(waves=("T0", "T1", "T2"), language="nl", min_n=3, kind="final")
PERSON = ("female", "age", "born_nl", "education_low", "distance_long", "prior_paid_work_nl")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("balance")
    return {"plain": load(folder / "plain"), "randomized": load(folder / "randomized", randomized=BY_LOT)}


def t0_values(characteristic: str, ids: list[str]) -> np.ndarray:
    """The characteristic at T0 of ``ids`` with a known value, from the literal lists."""
    outcome = "any_participation" if characteristic in PERSON else characteristic
    frame = person_frame(outcome, ids)
    column = characteristic if characteristic in PERSON else "y0"
    return frame[column].dropna().to_numpy()


def smd(a: np.ndarray, b: np.ndarray) -> float:
    return (a.mean() - b.mean()) / np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)


def assert_rows(rows, first: list[str], second: list[str], names: tuple[str, str]) -> None:
    rows = rows[rows["characteristic"] != "joint_test"]  # test_joint_test_is_the_lr_test_of_a_logit
    assert list(rows["characteristic"]) == list(CHARACTERISTICS)
    for _, row in rows.iterrows():
        a, b = t0_values(row["characteristic"], first), t0_values(row["characteristic"], second)
        assert (row[f"n_{names[0]}"], row[f"n_{names[1]}"]) == (len(a), len(b)), row["characteristic"]
        assert row[f"{names[0]}_mean"] == pytest.approx(a.mean(), abs=1e-12)
        assert row[f"{names[1]}_mean"] == pytest.approx(b.mean(), abs=1e-12)
        if min(len(a), len(b)) < 2:
            assert math.isnan(row["smd"])
            continue
        scale = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
        if scale == 0:
            assert math.isnan(row["smd"]) if a.mean() == b.mean() else math.isinf(row["smd"])
        else:
            assert row["smd"] == pytest.approx(smd(a, b), abs=1e-6), row["characteristic"]


def test_baseline_table_per_analysis(study):
    table = baseline_table(study["randomized"], FINAL)
    assert tuple(table.columns) == BASELINE_COLUMNS
    lot_pilot, lot_control = [p for p in BY_LOT if p in PILOT], [c for c in BY_LOT if c in CONTROL]
    assert_rows(table[table["analysis"] == "primary"], lot_pilot, lot_control, ("pilot", "control"))
    assert_rows(table[table["analysis"] == "sensitivity"], PILOT, CONTROL, ("pilot", "control"))


def test_known_imbalance_in_paid_work(study):
    rows = baseline_table(study["plain"], FINAL).set_index("characteristic")
    # nobody in the pilot, 4 of 11 controls with T0 (c1, c3, c6, c11) had paid work
    assert rows.loc["paid_work", "pilot_mean"] == 0 and rows.loc["paid_work", "control_mean"] == pytest.approx(4 / 11)
    assert rows.loc["paid_work", "smd"] < -0.1


def test_nonresponse_leaves_out_who_left_for_work(study):
    table = nonresponse_table(study["plain"], FINAL)
    assert tuple(table.columns) == NONRESPONSE_COLUMNS

    def split(group: list[str]) -> tuple[list[str], list[str]]:
        answered = [p for p in group if RESPONSES[p][1] is not None]
        to_work = [p for p in group if PEOPLE[p][7] == "paid_work" and PEOPLE[p][6] <= T2_FIELDWORK_END]
        return answered, [p for p in group if p not in answered and p not in to_work]

    for group, members in (("pilot", PILOT), ("control", CONTROL)):
        answered, dropped = split(members)
        assert_rows(table[table["group"] == group], answered, dropped, ("responded", "not_responded"))
    # p12 and p14 dropped out, p11 left for work; c10 and c11 dropped out (c11 left after the fieldwork)
    assert split(PILOT)[1] == ["zzpid_p12", "zzpid_p14"] and split(CONTROL)[1] == ["zzpid_c10", "zzpid_c11"]


def test_standardised_difference_edge_cases():
    assert math.isnan(standardised_difference(np.array([1.0]), np.array([0.0, 1.0])))
    assert math.isnan(standardised_difference(np.ones(3), np.ones(4)))
    assert standardised_difference(np.zeros(3), np.ones(4)) == -math.inf
    a, b = np.array([1.0, 0, 1, 1]), np.array([0.0, 0, 1])
    assert standardised_difference(a, b) == pytest.approx(smd(a, b), abs=1e-12)


def test_joint_test_is_the_lr_test_of_a_logit(study):
    """Statistics v3: per analysis, llr_pvalue of smf.logit(pilot ~ X) on everyone of the analysis with X known."""
    import statsmodels.formula.api as smf

    table = baseline_table(study["randomized"], FINAL)
    lot = [p for p in BY_LOT]
    for analysis, ids in (("primary", lot), ("sensitivity", PILOT + CONTROL)):
        frame = person_frame("paid_work", ids).dropna(subset=list(PERSON))
        varying = [c for c in PERSON if frame[c].nunique() > 1]
        fit = smf.logit("pilot ~ " + " + ".join(varying), frame).fit(disp=0)
        row = table[(table["analysis"] == analysis) & (table["characteristic"] == "joint_test")].iloc[0]
        assert row["p_value"] == pytest.approx(fit.llr_pvalue, abs=1e-9)
        assert (row["n_pilot"], row["n_control"]) == (int(frame["pilot"].sum()), int((1 - frame["pilot"]).sum()))
        assert math.isnan(row["smd"]) and math.isnan(row["pilot_mean"])
    others = table[table["characteristic"] != "joint_test"]
    assert others["p_value"].isna().all()
