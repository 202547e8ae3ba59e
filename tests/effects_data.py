"""A hand-made final-report study for the effects tests: a known effect, a known imbalance, leavers.

Every value is written out below, so the tests compute what they expect from
these lists (with statsmodels' formula API, numpy and scipy), not with the
code under test.

- **Known effect**: self-rated health rises by about 2 points in the pilot and
  hardly in the control group.
- **Known baseline imbalance**: nobody in the pilot has paid work at T0,
  3 of the 8 control participants with both waves do.
- **People who left for paid work**: zzpid_p11 (pilot) and zzpid_c9 (control)
  left before the end of T2's fieldwork without answering T2, so they count as
  1 in ``paid_work`` and ``any_participation`` and are not drop-outs there; zzpid_p13 answered T2 and
  left for work afterwards (still within the fieldwork); zzpid_c11 left for
  work only after T2's fieldwork, so is an ordinary non-respondent.
- zzpid_p12, zzpid_p14 and zzpid_c10 answered T0 only: drop-outs.

Participant ids carry the marker ``zzpid`` so that a leak into any output is
easy to find.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
from tiny import tiny_tables, write_dataset

N = None  # missing

#: Response columns, in the order of the value rows below.
COLUMNS = ("paid_work", "unpaid_work", "volunteer_work", "education", "ease_society", "ease_paid_work",
           "self_rated_health", "enough_social_contacts", "discrimination_experienced", "job_search_hours")
BOOLEAN = {"paid_work", "unpaid_work", "volunteer_work", "education", "enough_social_contacts",
           "discrimination_experienced"}

# id: (T0 values, T2 values or None when T2 was not answered)
RESPONSES = {
    "zzpid_p1": ((0, 0, 1, 0, 4, 5, 5, 0, 1, 2.0), (1, 0, 1, 0, 3, 4, 7, 1, 0, 6.0)),
    "zzpid_p2": ((0, 0, 0, 0, 5, 5, 6, 1, 0, 0.0), (0, 0, 0, 0, 4, 5, 8, 1, 0, 4.0)),
    "zzpid_p3": ((0, 0, 0, 1, 3, 5, 4, 0, 1, 1.0), (1, 0, 0, 0, 3, 4, 6, 1, 1, 8.0)),
    "zzpid_p4": ((0, 0, 1, 0, N, 4, 7, 1, 0, 3.0), (0, 0, 1, 0, 4, 5, 8, 1, 0, 2.0)),
    "zzpid_p5": ((0, 1, 0, 0, 2, 5, 5, N, 0, 0.0), (1, 1, 1, 0, 2, 3, 7, 1, 0, 5.0)),
    "zzpid_p6": ((0, 0, 0, 0, 4, 5, 6, 0, 0, 4.0), (0, 0, 0, 0, 5, 5, 8, 0, 1, 4.0)),
    "zzpid_p7": ((0, 0, 0, 0, 5, 4, 5, 1, 1, N), (0, 0, 0, 1, 2, 4, 6, N, 0, 3.0)),
    "zzpid_p8": ((0, 0, 1, 0, 1, 5, 6, 0, 0, 2.0), (1, 0, 1, 0, 1, 4, 8, 1, 0, 6.0)),
    "zzpid_p9": ((0, 0, 0, 0, 3, 5, 3, 0, 0, 0.5), (0, 0, 0, 0, 3, 5, 5, 0, 0, 1.0)),
    "zzpid_p10": ((0, 0, 0, 1, 4, 5, 7, 1, 1, 1.5), (0, 0, 1, 0, 4, 5, 9, 1, 1, 2.5)),
    "zzpid_p11": ((0, 0, 1, 0, 3, 4, 6, 1, 0, 5.0), None),
    "zzpid_p12": ((0, 0, 0, 0, 5, 5, 4, 0, 1, 0.0), None),
    "zzpid_p13": ((0, 0, 0, 0, 3, 5, 5, 0, 0, 2.0), (0, 0, 0, 0, 3, 5, 6, 0, 0, 1.0)),
    "zzpid_p14": ((0, 0, 1, 1, 2, 4, 8, 1, 0, 6.0), None),
    "zzpid_c1": ((1, 0, 0, 0, 4, 5, 5, 0, 1, 3.0), (1, 0, 0, 0, 4, 5, 5, 0, 1, 3.0)),
    "zzpid_c2": ((0, 0, 1, 0, 4, 4, 6, 1, 0, 1.0), (0, 0, 0, 0, 5, 5, 6, 1, 0, 1.0)),
    "zzpid_c3": ((1, 0, 0, 0, 3, 4, 5, 1, 0, 2.0), (1, 0, 0, 0, 3, 4, 6, 1, 0, 2.5)),
    "zzpid_c4": ((0, 1, 0, 0, 2, 5, 7, 0, 1, 0.0), (0, 0, 1, 0, 2, 5, 7, 0, 0, 0.0)),
    "zzpid_c5": ((0, 0, 0, 0, 5, 5, 6, 0, 0, 4.0), (1, 0, 0, 0, 5, 4, 5, 0, 1, 4.0)),
    "zzpid_c6": ((1, 0, 0, 0, N, 5, 5, 1, 0, 2.0), (0, 0, 0, 0, 3, 5, 6, 1, 0, 1.5)),
    "zzpid_c7": ((0, 0, 0, 1, 1, 4, 4, 0, 1, 1.0), (0, 0, 0, 1, 2, 4, N, 0, 1, 1.0)),
    "zzpid_c8": ((0, 0, 1, 0, 4, 5, 6, 1, 0, N), (0, 0, 1, 0, 4, 5, 7, 1, 0, 2.0)),
    "zzpid_c9": ((0, 0, 0, 0, 3, 4, 6, 1, 0, 4.0), None),
    "zzpid_c10": ((0, 0, 0, 0, 4, 5, 5, 0, 0, 0.0), None),
    "zzpid_c11": ((1, 0, 0, 0, 5, 5, 4, 0, 1, 1.0), None),
}

# id: sex, birth_year, birth_country, education_nl, distance, prior_paid_work_nl, exit_date, exit_reason
PEOPLE = {
    "zzpid_p1": ("female", 1980, "TR", "none", "long", False, None, None),
    "zzpid_p2": ("male", 1975, "NL", "mbo2", "long", True, None, None),
    "zzpid_p3": ("female", 1990, "MA", "vmbo", "short", False, None, None),
    "zzpid_p4": ("female", 1965, "NL", "primary", "long", True, None, None),
    "zzpid_p5": ("male", 1985, "TR", "none", "short", False, None, None),
    "zzpid_p6": ("female", 1970, "IQ", "primary", "long", True, None, None),
    "zzpid_p7": ("male", 1995, "NL", "hbo_wo", "long", False, None, None),
    "zzpid_p8": ("female", 1982, "TR", "mbo1", "short", True, None, None),
    "zzpid_p9": ("male", 1960, "MA", "mbo2", "long", False, None, None),
    "zzpid_p10": ("female", 1988, "NL", "mbo2", "short", True, None, None),
    "zzpid_p11": ("female", 1978, "TR", "none", "long", False, "2021-03-01", "paid_work"),
    "zzpid_p12": ("male", 1972, "SY", "none", "long", False, None, None),
    "zzpid_p13": ("male", 1983, "TR", "vmbo", "long", True, "2021-05-15", "paid_work"),
    "zzpid_p14": ("female", 1993, "NL", "mbo2", "short", True, None, None),
    "zzpid_c1": ("female", 1979, "TR", "none", "long", True, None, None),
    "zzpid_c2": ("male", 1968, "NL", "vmbo", "short", False, None, None),
    "zzpid_c3": ("female", 1991, "MA", "none", "long", True, None, None),
    "zzpid_c4": ("male", 1984, "NL", "hbo_wo", "long", False, None, None),
    "zzpid_c5": ("female", 1973, "TR", "primary", "short", False, None, None),
    "zzpid_c6": ("male", 1987, "IQ", "mbo1", "long", True, None, None),
    "zzpid_c7": ("female", 1962, "NL", "mbo3_4", "short", False, None, None),
    "zzpid_c8": ("female", 1980, "TR", "none", "long", True, None, None),
    "zzpid_c9": ("female", 1976, "MA", "none", "long", False, "2021-05-01", "paid_work"),
    "zzpid_c10": ("male", 1981, "TR", "none", "short", False, None, None),
    "zzpid_c11": ("female", 1969, "NL", "mbo2", "long", True, "2021-08-01", "paid_work"),
}
PILOT = [pid for pid in PEOPLE if "_p" in pid]
CONTROL = [pid for pid in PEOPLE if "_c" in pid]
#: Assigned by lot in the randomized variant.
BY_LOT = [f"zzpid_p{i}" for i in range(1, 7)] + ["zzpid_p11", "zzpid_p12"] + \
    [f"zzpid_c{i}" for i in range(1, 7)] + ["zzpid_c9", "zzpid_c10"]
T2_FIELDWORK_END = "2021-06-30"
REFERENCE_YEAR = 2020
DATES = {"T0": "2020-01-10", "T2": "2021-04-15"}


def build_frames(*, randomized: list[str] | None = None, groups: tuple[str, ...] = ("pilot", "control"),
                 exits: bool = True) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The study as tables; ``randomized`` adds that column (true for these ids)."""
    study, tiny = tiny_tables()
    people, responses, backgrounds = [], [], []
    for pid, (sex, born, country, education, distance, worked, exit_date, reason) in PEOPLE.items():
        group = "pilot" if pid in PILOT else "control"
        if group not in groups:
            continue
        if not exits:
            exit_date = reason = None
        people.append({
            "participant_id": pid, "group": group, "sex": sex, "birth_year": born, "birth_country": country,
            "generation": "second" if country == "NL" else "first", "education_nl": education,
            "foreign_diploma_valued": False, "prior_paid_work_nl": worked, "years_paid_work_nl": None,
            "years_since_paid_work_nl": None, "distance": distance,
            "neighbourhood": "Noord" if group == "pilot" else "Zuid", "start_date": "2019-11-15",
            "exit_date": exit_date, "exit_reason": reason})
        backgrounds.append({"participant_id": pid, "country": "TR" if country == "NL" else country})
        for wave, values in zip(("T0", "T2"), RESPONSES[pid]):
            if values is None:
                continue
            row = {"participant_id": pid, "wave": wave, "response_date": DATES[wave], "mode": "self",
                   "satisfaction_overall": None}
            for column, value in zip(COLUMNS, values):
                row[column] = (None if value is None else bool(value)) if column in BOOLEAN else value
            responses.append(row)
    participants = pd.DataFrame(people)
    if randomized is not None:
        participants["randomized"] = participants["participant_id"].isin(randomized)
    frames = {
        "participants": participants,
        "backgrounds": pd.DataFrame(backgrounds),
        "responses": pd.DataFrame(responses),
        "barriers": tiny["barriers"].iloc[0:0],
        "instrument_use": tiny["instrument_use"].iloc[0:0],
        "non_use_reasons": tiny["non_use_reasons"].iloc[0:0],
        "instruments": tiny["instruments"],
    }
    return study, frames


def load(folder, **options):
    from via_reports import load_dataset

    study, frames = build_frames(**options)
    return load_dataset(write_dataset(folder, study, frames))


# ---------------------------------------------------------------------------
# Person-level values for the expected results, straight from the lists above


def _value(values, column: str) -> float:
    if values is None:
        return np.nan
    value = values[COLUMNS.index(column)]
    return np.nan if value is None else float(value)


def wave_value(pid: str, wave: int, outcome: str) -> float:
    """The outcome of ``pid`` at T0 (wave 0) or T2 (wave 1) as REPORTS.md defines it, NaN when unknown."""
    values = RESPONSES[pid][wave]
    exit_date, reason = PEOPLE[pid][6], PEOPLE[pid][7]
    if outcome in ("any_participation", "paid_work") and wave == 1 and reason == "paid_work" \
            and exit_date <= T2_FIELDWORK_END:
        return 1.0  # left for paid work by the end of T2's fieldwork, answered or not
    if outcome == "any_participation":
        parts = [_value(values, c) for c in ("paid_work", "unpaid_work", "volunteer_work", "education")]
        return np.nan if values is None else float(max(parts))
    if outcome in ("ease_society_difficult", "ease_paid_work_difficult"):
        raw = _value(values, outcome.removesuffix("_difficult"))
        return np.nan if np.isnan(raw) else float(raw >= 4)
    return _value(values, outcome)


def person_frame(outcome: str, ids: list[str]) -> pd.DataFrame:
    """Per person of ``ids``: y0, y2, pilot and the covariates (everyone, NaN where unknown)."""
    rows = []
    for pid in ids:
        sex, born, country, education, distance = PEOPLE[pid][:5]
        rows.append({"pid": pid, "y0": wave_value(pid, 0, outcome), "y2": wave_value(pid, 1, outcome),
                     "pilot": float(pid in PILOT), "female": float(sex == "female"),
                     "age": float(REFERENCE_YEAR - born), "born_nl": float(country == "NL"),
                     "education_low": float(education in ("none", "primary", "vmbo", "mbo1")),
                     "distance_long": float(distance == "long"),
                     "prior_paid_work_nl": float(PEOPLE[pid][5])})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# The expected estimates, computed independently of via_reports

COVARIATES = "female + age + born_nl + education_low + distance_long"


def expected_z_mde(se: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """(z(1 − alpha/2) + z(power)) × se with the standard library's normal quantiles (not scipy's)."""
    z = NormalDist().inv_cdf
    return (z(1 - alpha / 2) + z(power)) * se


def independent_estimates(frame: pd.DataFrame) -> dict[str, dict]:
    """Per estimator the expected row of one outcome, from a person frame (y0, y2, pilot, covariates).

    statsmodels' formula API for the regressions, its ``CompareMeans`` for
    Welch's test and its standard error, NormalDist for the MDE: not the product's
    array API, ``scipy.stats.ttest_ind`` and ``scipy.stats.norm``.
    """
    frame = frame.dropna(subset=["y0", "y2"])
    in_pilot, in_control = frame[frame["pilot"] == 1], frame[frame["pilot"] == 0]
    # a regressor that does not vary among the people analysed is left out
    covariates = " + ".join(c for c in COVARIATES.split(" + ") if frame[c].nunique() > 1)
    baseline = " + y0" if frame["y0"].nunique() > 1 else ""
    fits = {"ancova": smf.ols(f"y2 ~ pilot{baseline}", frame).fit(cov_type="HC3"),
            "ancova_covariates": smf.ols(f"y2 ~ pilot{baseline} + {covariates}", frame).fit(cov_type="HC3")}
    common = {"n_pilot": len(in_pilot), "n_control": len(in_control),
              "pilot_t0": in_pilot["y0"].mean(), "pilot_t2": in_pilot["y2"].mean(),
              "control_t0": in_control["y0"].mean(), "control_t2": in_control["y2"].mean()}
    rows = {}
    for name, fit in fits.items():
        low, high = fit.conf_int().loc["pilot"]
        p_value, se = fit.pvalues["pilot"], fit.bse["pilot"]
        exog = fit.model.exog
        if np.diag(exog @ np.linalg.pinv(exog)).max() > 1 - 1e-10:
            # someone with leverage 1: HC3 divides 0 by 0, so there is no interval (statsmodels prints noise)
            low = high = p_value = se = np.nan
        rows[name] = {**common, "effect": fit.params["pilot"], "ci_low": low, "ci_high": high, "p_value": p_value,
                      "se": se, "mde": expected_z_mde(se)}
    welch = CompareMeans(DescrStatsW((in_pilot["y2"] - in_pilot["y0"]).to_numpy()),
                         DescrStatsW((in_control["y2"] - in_control["y0"]).to_numpy()))
    low, high = welch.tconfint_diff(usevar="unequal")
    se = welch.std_meandiff_separatevar
    rows["change_score"] = {**common, "effect": (in_pilot["y2"] - in_pilot["y0"]).mean()
                            - (in_control["y2"] - in_control["y0"]).mean(),
                            "ci_low": low, "ci_high": high, "p_value": welch.ttest_ind(usevar="unequal")[1],
                            "se": se, "mde": expected_z_mde(se)}
    return rows
