"""The demo dataset against the numbers the interim report published.

Every number is recomputed here with plain pandas from the CSV files that
``write_demo`` writes, independently of the report code. Populations as in
docs/figures.md: pilot (134), panel = pilot with T0 and T1 (124); age = 2020 -
birth_year. The published numbers themselves are listed, with the counts that
yield them, in via_reports/demo/numbers.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from via_reports import demo
from via_reports.data.contracts import load_contract

TABLES = ["participants", "backgrounds", "responses", "barriers", "instrument_use", "non_use_reasons",
          "instruments"]
TYPES = ["paid_work", "unpaid_work", "volunteer_work", "education"]
LOW_EDUCATION = {"none", "primary", "vmbo", "mbo1"}


# ---------------------------------------------------------------------------
# Fixtures: read the written files back as plain strings and convert by hand
# ---------------------------------------------------------------------------

def _bool(series: pd.Series) -> pd.Series:
    unknown = set(series) - {"true", "false", ""}
    assert not unknown, f"unexpected boolean values {unknown}"
    return series.map({"true": True, "false": False, "": None})


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", np.nan))


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    return demo.write_demo(tmp_path_factory.mktemp("demo") / "dataset")


@pytest.fixture(scope="module")
def raw(demo_dir) -> dict[str, pd.DataFrame]:
    return {t: pd.read_csv(demo_dir / f"{t}.csv", dtype=str, keep_default_na=False) for t in TABLES}


@pytest.fixture(scope="module")
def study(demo_dir) -> dict:
    return yaml.safe_load((demo_dir / "study.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def participants(raw) -> pd.DataFrame:
    p = raw["participants"].copy()
    for column in ["foreign_diploma_valued", "prior_paid_work_nl", "randomized"]:
        p[column] = _bool(p[column])
    for column in ["birth_year", "years_paid_work_nl", "years_since_paid_work_nl"]:
        p[column] = _num(p[column])
    p["age"] = 2020 - p["birth_year"]
    p["age_group"] = pd.cut(p["age"], [0, 39, 49, 200], labels=["<=39", "40-49", ">=50"]).astype(str)
    p["born_nl"] = p["birth_country"] == "NL"
    return p.set_index("participant_id", drop=False)


@pytest.fixture(scope="module")
def pilot(participants) -> pd.DataFrame:
    return participants[participants["group"] == "pilot"]


@pytest.fixture(scope="module")
def responses(raw) -> pd.DataFrame:
    r = raw["responses"].copy()
    for column in TYPES + ["enough_social_contacts", "discrimination_experienced"]:
        r[column] = _bool(r[column])
    for column in ["ease_society", "ease_paid_work", "satisfaction_overall", "self_rated_health",
                   "job_search_hours"]:
        r[column] = _num(r[column])
    r["any"] = r[TYPES].any(axis=1)
    return r


@pytest.fixture(scope="module")
def panel_ids(pilot, responses) -> set[str]:
    pilot_responses = responses[responses["participant_id"].isin(pilot.index)]
    t0 = set(pilot_responses.loc[pilot_responses["wave"] == "T0", "participant_id"])
    t1 = set(pilot_responses.loc[pilot_responses["wave"] == "T1", "participant_id"])
    return t0 & t1


@pytest.fixture(scope="module")
def panel_responses(responses, panel_ids) -> pd.DataFrame:
    return responses[responses["participant_id"].isin(panel_ids)]


def _wave(frame: pd.DataFrame, wave: str) -> pd.DataFrame:
    return frame[frame["wave"] == wave].set_index("participant_id")


def _origin_union(pilot: pd.DataFrame, backgrounds: pd.DataFrame, country: str) -> set[str]:
    born = set(pilot.index[pilot["birth_country"] == country])
    background = set(backgrounds.loc[backgrounds["country"] == country, "participant_id"]) & set(pilot.index)
    return born | background


def _ticked(barriers: pd.DataFrame, ids: set[str], wave: str, barrier: str) -> set[str]:
    rows = barriers[(barriers["wave"] == wave) & (barriers["barrier"] == barrier)]
    return set(rows["participant_id"]) & ids


def _fisher(group_a: set[str], group_b: set[str], positive: set[str]) -> tuple[float, float, float]:
    """Share positive in a, share positive in b, two-sided Fisher p."""
    a, b = len(group_a & positive), len(group_b & positive)
    _, p = stats.fisher_exact([[a, len(group_a) - a], [b, len(group_b) - b]])
    return a / len(group_a), b / len(group_b), p


# ---------------------------------------------------------------------------
# Participants, waves and attrition
# ---------------------------------------------------------------------------

def test_134_pilot_participants(pilot):
    assert len(pilot) == 134


def test_4_moved_away_during_2020_answering_t0_only(pilot, responses):
    exits_2020 = pilot[pilot["exit_date"].str.startswith("2020")]
    assert len(exits_2020) == 4
    assert set(exits_2020["exit_reason"]) == {"moved"}
    waves = responses[responses["participant_id"].isin(exits_2020.index)].groupby("participant_id")["wave"]
    assert waves.apply(set).tolist() == [{"T0"}] * 4


def test_everyone_in_the_pilot_answered_t0(pilot, responses):
    assert set(pilot.index) <= set(responses.loc[responses["wave"] == "T0", "participant_id"])


def test_124_answered_t1_all_also_t0(pilot, responses, panel_ids):
    t1 = set(responses.loc[responses["wave"] == "T1", "participant_id"]) & set(pilot.index)
    assert len(t1) == 124
    assert panel_ids == t1


def test_6_others_did_not_answer_t1_and_stay_in_the_study(pilot, panel_ids):
    others = pilot[~pilot.index.isin(panel_ids) & (pilot["exit_reason"] != "moved")]
    assert len(others) == 6
    assert (others["exit_date"] == "").all()


def test_born_abroad_100_born_nl_34(pilot):
    assert (~pilot["born_nl"]).sum() == 100
    assert pilot["born_nl"].sum() == 34


def test_nl_born_26_aged_39_or_younger(pilot):
    assert (pilot.loc[pilot["born_nl"], "age_group"] == "<=39").sum() == 26


@pytest.mark.parametrize("age_group, count", [("<=39", 45), ("40-49", 45), (">=50", 44)])
def test_age_groups(pilot, age_group, count):
    assert (pilot["age_group"] == age_group).sum() == count


@pytest.mark.parametrize("sex, count", [("female", 83), ("male", 51)])
def test_sex(pilot, sex, count):
    assert (pilot["sex"] == sex).sum() == count


def test_no_sex_other_in_pilot(pilot):
    assert set(pilot["sex"]) == {"female", "male"}


@pytest.mark.parametrize("age_group, women, men", [("<=39", 30, 15), ("40-49", 30, 15), (">=50", 23, 21)])
def test_age_group_by_sex(pilot, age_group, women, men):
    in_group = pilot[pilot["age_group"] == age_group]
    assert (in_group["sex"] == "female").sum() == women
    assert (in_group["sex"] == "male").sum() == men


# ---------------------------------------------------------------------------
# Origin
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("country, count", [("TR", 45), ("MA", 22), ("IQ", 19)])
def test_origin_groups_born_and_or_background(pilot, raw, country, count):
    assert len(_origin_union(pilot, raw["backgrounds"], country)) == count


def test_turkish_group_31_women_14_men(pilot, raw):
    group = pilot.loc[sorted(_origin_union(pilot, raw["backgrounds"], "TR"))]
    assert (group["sex"] == "female").sum() == 31
    assert (group["sex"] == "male").sum() == 14


def test_moroccan_group_16_aged_39_or_younger(pilot, raw):
    group = pilot.loc[sorted(_origin_union(pilot, raw["backgrounds"], "MA"))]
    assert (group["age_group"] == "<=39").sum() == 16


def test_iraqi_group_is_exactly_the_iraq_born(pilot, raw):
    born = set(pilot.index[pilot["birth_country"] == "IQ"])
    background = set(raw["backgrounds"].loc[raw["backgrounds"]["country"] == "IQ", "participant_id"])
    assert background & set(pilot.index) == born
    assert _origin_union(pilot, raw["backgrounds"], "IQ") == born


def test_iraqi_group_14_without_nl_education(pilot, raw):
    group = pilot.loc[sorted(_origin_union(pilot, raw["backgrounds"], "IQ"))]
    assert (group["education_nl"] == "none").sum() == 14


def test_top5_origins_nl_excluded(pilot, raw):
    countries = (set(pilot["birth_country"]) | set(raw["backgrounds"]["country"])) - {"NL"}
    sizes = {c: len(_origin_union(pilot, raw["backgrounds"], c)) for c in countries}
    ranking = sorted(sizes, key=lambda c: (-sizes[c], c))
    assert ranking[:3] == ["TR", "MA", "IQ"]
    assert sizes[ranking[3]] < 19 and sizes[ranking[4]] < 19


def test_every_participant_has_a_background(participants, raw):
    assert set(raw["backgrounds"]["participant_id"]) == set(participants.index)


# ---------------------------------------------------------------------------
# Education and work history
# ---------------------------------------------------------------------------

def test_59_without_nl_education_51_without_valued_diploma(pilot):
    none = pilot[pilot["education_nl"] == "none"]
    assert len(none) == 59
    assert (none["foreign_diploma_valued"] == False).sum() == 51  # noqa: E712


def test_without_nl_education_older_on_average(pilot):
    none = pilot["education_nl"] == "none"
    assert pilot.loc[none, "age"].mean() - pilot.loc[~none, "age"].mean() >= 5


def test_87_with_prior_paid_work(pilot):
    assert pilot["prior_paid_work_nl"].sum() == 87


@pytest.mark.parametrize("born_nl, total, worked", [(True, 34, 29), (False, 100, 58)])
def test_prior_paid_work_by_birth_country(pilot, born_nl, total, worked):
    group = pilot[pilot["born_nl"] == born_nl]
    assert len(group) == total
    assert group["prior_paid_work_nl"].sum() == worked


def test_foreign_born_men_worked_relatively_more_often(pilot):
    foreign = pilot[~pilot["born_nl"]]
    men = set(foreign.index[foreign["sex"] == "male"])
    women = set(foreign.index[foreign["sex"] == "female"])
    worked = set(foreign.index[foreign["prior_paid_work_nl"] == True])  # noqa: E712
    share_men, share_women, p = _fisher(men, women, worked)
    assert share_men > share_women
    assert p < 0.05


def test_years_paid_work_box_plot(pilot):
    values = pilot["years_paid_work_nl"].dropna().to_numpy()
    assert len(values) == 86
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    assert q1 == 3
    assert median == 6.5
    assert 7.5 <= values.mean() <= 8.5
    iqr = q3 - q1
    assert (values > q3 + 1.5 * iqr).sum() == 3
    assert (values < q1 - 1.5 * iqr).sum() == 0
    assert all((2 * values) == np.round(2 * values))  # whole or half years


def test_years_since_paid_work_known_for_84(pilot):
    values = pilot["years_since_paid_work_nl"].dropna()
    assert len(values) == 84
    assert (values >= 0).all()
    assert all((2 * values) == np.round(2 * values))


def test_years_present_only_with_prior_work(participants):
    no_work = participants[participants["prior_paid_work_nl"] == False]  # noqa: E712
    assert no_work["years_paid_work_nl"].isna().all()
    assert no_work["years_since_paid_work_nl"].isna().all()
    worked = participants[participants["prior_paid_work_nl"] == True]  # noqa: E712
    pilot_worked = worked[worked["group"] == "pilot"]
    assert pilot_worked["years_paid_work_nl"].notna().sum() == 86


def test_generation_consistent_with_birth_country(participants, raw):
    foreign = participants[~participants["born_nl"]]
    assert set(foreign["generation"]) == {"first"}
    backgrounds = raw["backgrounds"].groupby("participant_id")["country"].apply(set)
    for pid, row in participants[participants["born_nl"]].iterrows():
        expected = "second" if backgrounds[pid] - {"NL"} else "none"
        assert row["generation"] == expected, pid


# ---------------------------------------------------------------------------
# Participation (panel, n = 124)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("wave, count", [("T0", 54), ("T1", 53)])
def test_participation_any_per_wave(panel_responses, wave, count):
    assert len(_wave(panel_responses, wave)) == 124
    assert _wave(panel_responses, wave)["any"].sum() == count


def test_participation_any_at_both_waves_47(panel_responses):
    t0, t1 = _wave(panel_responses, "T0")["any"], _wave(panel_responses, "T1")["any"]
    assert (t0 & t1.reindex(t0.index)).sum() == 47


def test_volunteer_work_most_common_and_falling(panel_responses):
    counts = {w: _wave(panel_responses, w)[TYPES].sum() for w in ["T0", "T1"]}
    for wave in ["T0", "T1"]:
        assert counts[wave].idxmax() == "volunteer_work"
        assert (counts[wave].drop("volunteer_work") < counts[wave]["volunteer_work"]).all()
    assert counts["T1"]["volunteer_work"] <= 0.75 * counts["T0"]["volunteer_work"]


@pytest.mark.parametrize("subgroup, more, less", [
    ("sex", "male", "female"),
    ("age", "40+", "<=39"),
    ("education", "<=mbo1", ">=mbo2"),
])
def test_t1_participation_subgroups(pilot, panel_responses, subgroup, more, less):
    t1 = _wave(panel_responses, "T1").join(pilot[["sex", "age_group", "education_nl"]])
    split = {
        "sex": t1["sex"],
        "age": np.where(t1["age_group"] == "<=39", "<=39", "40+"),
        "education": np.where(t1["education_nl"].isin(LOW_EDUCATION), "<=mbo1", ">=mbo2"),
    }[subgroup]
    shares = t1.groupby(split)["any"].mean()
    assert shares[more] > shares[less]


# ---------------------------------------------------------------------------
# Instruments, reasons for non-use and satisfaction (T1, n = 124)
# ---------------------------------------------------------------------------

def test_t1_instrument_use_only_by_t1_respondents(raw, panel_ids):
    use = raw["instrument_use"]
    assert set(use.loc[use["wave"] == "T1", "participant_id"]) <= panel_ids
    assert (use["wave"] != "T0").all()


def test_46_use_at_least_one_instrument(raw, panel_ids):
    use = raw["instrument_use"]
    assert len(set(use.loc[use["wave"] == "T1", "participant_id"]) & panel_ids) == 46


@pytest.mark.parametrize("instrument, low, high", [
    ("power", 22, 22),
    ("taaltraject_roc", 11, 11),
    ("dcw_praktijkdiagnose", 2, 6),
    ("werken_aan_werk", 2, 6),
    ("taalcoach", 2, 6),
])
def test_users_per_instrument_t1(raw, instrument, low, high):
    use = raw["instrument_use"]
    users = use.loc[(use["wave"] == "T1") & (use["instrument"] == instrument), "participant_id"]
    assert low <= users.nunique() <= high


def test_some_use_two_instruments(raw):
    use = raw["instrument_use"]
    per_person = use[use["wave"] == "T1"].groupby("participant_id").size()
    assert (per_person >= 2).sum() >= 1


def test_unused_instrument_in_catalogue(raw):
    catalogue = set(raw["instruments"]["instrument"])
    used = set(raw["instrument_use"]["instrument"])
    assert {"power", "taaltraject_roc", "dcw_praktijkdiagnose", "werken_aan_werk", "taalcoach"} <= catalogue
    assert catalogue - used, "an offered instrument that nobody uses must be in the catalogue"
    assert used <= catalogue
    assert raw["instruments"]["instrument"].str.fullmatch(r"[a-z0-9_]{1,40}").all()
    assert (raw["instruments"]["label_en"] != "").all()
    roc = raw["instruments"].set_index("instrument").loc["taaltraject_roc"]
    assert roc["label_nl"] == "Taaltraject ROC" and roc["provider"] == "ROC van Twente"
    assert raw["instruments"].set_index("instrument").loc["power", "label_nl"] == "Activeringscentrum Power"


@pytest.mark.parametrize("answer, count", [(5, 23), (4, 8), (3, 14), (2, 1), (1, 0)])
def test_t1_overall_satisfaction_of_the_46_users(raw, panel_responses, answer, count):
    users = set(raw["instrument_use"].loc[raw["instrument_use"]["wave"] == "T1", "participant_id"])
    t1 = _wave(panel_responses, "T1").loc[sorted(users)]
    assert t1["satisfaction_overall"].notna().all()
    assert (t1["satisfaction_overall"] == answer).sum() == count


def test_t1_satisfaction_shares_as_published(raw, panel_responses):
    users = set(raw["instrument_use"].loc[raw["instrument_use"]["wave"] == "T1", "participant_id"])
    scores = _wave(panel_responses, "T1").loc[sorted(users), "satisfaction_overall"]
    assert (scores >= 4).sum() / len(scores) == pytest.approx(2 / 3, abs=0.02)  # two thirds satisfied
    assert (scores == 5).sum() / len(scores) == 0.5  # half very satisfied


def test_satisfaction_overall_only_for_instrument_users(raw, responses):
    users = set(zip(raw["instrument_use"]["participant_id"], raw["instrument_use"]["wave"]))
    answered = responses[responses["satisfaction_overall"].notna()]
    assert set(zip(answered["participant_id"], answered["wave"])) <= users


def test_78_t1_respondents_without_instruments(raw, panel_ids):
    use = raw["instrument_use"]
    non_users = panel_ids - set(use.loc[use["wave"] == "T1", "participant_id"])
    assert len(non_users) == 78
    reasons = raw["non_use_reasons"]
    assert set(reasons.loc[reasons["wave"] == "T1", "participant_id"]) <= non_users


@pytest.mark.parametrize("reason, low, high", [
    ("health", 42, 42),
    ("not_suitable", 16, 16),
    ("has_income", 7, 7),
    ("not_offered", 0, 9),
    ("no_time", 0, 9),
    ("other", 0, 9),
])
def test_t1_reasons_for_non_use(raw, reason, low, high):
    reasons = raw["non_use_reasons"]
    count = reasons.loc[(reasons["wave"] == "T1") & (reasons["reason"] == reason), "participant_id"].nunique()
    assert low <= count <= high


def test_free_text_present_for_privacy_checks(raw):
    reasons = raw["non_use_reasons"]
    assert (reasons.loc[reasons["reason"] == "other", "other_text"] != "").all()
    assert (reasons.loc[reasons["reason"] != "other", "other_text"] == "").all()
    assert reasons["other_text"].str.contains("wil eerst taal leren").any()
    barriers = raw["barriers"]
    assert (barriers.loc[barriers["barrier"] == "other", "other_text"] != "").all()


# ---------------------------------------------------------------------------
# Ease and barriers (panel, n = 124)
# ---------------------------------------------------------------------------

def test_ease_society_majority_difficult_and_more_at_t1(panel_responses):
    difficult = {w: (_wave(panel_responses, w)["ease_society"] >= 4).sum() for w in ["T0", "T1"]}
    assert difficult["T0"] > 62 and difficult["T1"] > 62
    assert difficult["T1"] > difficult["T0"]


@pytest.mark.parametrize("wave", ["T0", "T1"])
def test_ease_paid_work_nearly_all_difficult(panel_responses, wave):
    ease = _wave(panel_responses, wave)["ease_paid_work"]
    assert len(ease) == 124
    assert (ease >= 4).sum() / 124 >= 0.90


@pytest.mark.parametrize("wave", ["T0", "T1"])
def test_medical_about_three_quarters_and_most_ticked(raw, panel_ids, wave):
    counts = {b: len(_ticked(raw["barriers"], panel_ids, wave, b))
              for b in ["medical", "transport", "home", "language", "other", "none"]}
    assert 0.70 <= counts["medical"] / 124 <= 0.80
    assert max(counts, key=counts.get) == "medical"


@pytest.mark.parametrize("barrier", ["transport", "language"])
def test_transport_and_language_much_more_often_at_t1(raw, panel_ids, barrier):
    t0 = len(_ticked(raw["barriers"], panel_ids, "T0", barrier))
    t1 = len(_ticked(raw["barriers"], panel_ids, "T1", barrier))
    assert t1 >= 1.6 * t0


@pytest.mark.parametrize("wave", ["T0", "T1"])
def test_only_a_few_without_any_barrier(raw, panel_ids, wave):
    barriers = raw["barriers"]
    rows = barriers[(barriers["wave"] == wave) & barriers["participant_id"].isin(panel_ids)]
    none_domains = rows[rows["barrier"] == "none"].groupby("participant_id")["domain"].apply(set)
    assert 1 <= (none_domains == {"society", "work"}).sum() <= 5


def test_none_never_combined_within_a_domain(raw):
    barriers = raw["barriers"]
    per_answer = barriers.groupby(["participant_id", "wave", "domain"])["barrier"].apply(set)
    assert all(codes == {"none"} for codes in per_answer if "none" in codes)


@pytest.mark.parametrize("barrier, subgroup, more, less", [
    ("transport", "sex", "female", "male"),
    ("home", "sex", "female", "male"),
    ("home", "born", "abroad", "nl"),
    ("language", "born", "abroad", "nl"),
])
def test_t1_barrier_subgroups_fisher(raw, pilot, panel_ids, barrier, subgroup, more, less):
    panel = pilot.loc[sorted(panel_ids)]
    labels = panel["sex"] if subgroup == "sex" else np.where(panel["born_nl"], "nl", "abroad")
    groups = {label: set(panel.index[labels == label]) for label in [more, less]}
    ticked = _ticked(raw["barriers"], panel_ids, "T1", barrier)
    share_more, share_less, p = _fisher(groups[more], groups[less], ticked)
    assert share_more > share_less
    assert p < 0.05


# ---------------------------------------------------------------------------
# Dates, study design, T2 and control group
# ---------------------------------------------------------------------------

def test_response_dates_in_fieldwork_and_before_exit(participants, responses, study):
    windows = {w: [str(d) for d in v["fieldwork"]] for w, v in study["waves"].items()}
    for _, row in responses.iterrows():
        first, last = windows[row["wave"]]
        assert first <= row["response_date"] <= last, (row["participant_id"], row["wave"])
        exit_date = participants.loc[row["participant_id"], "exit_date"]
        assert exit_date == "" or row["response_date"] < exit_date


def test_start_and_exit_dates(participants, study):
    start, end = str(study["study_period"]["start"]), str(study["study_period"]["end"])
    assert participants["start_date"].between(start, end).all()
    exited = participants[participants["exit_date"] != ""]
    assert (exited["exit_date"] >= exited["start_date"]).all()
    assert ((participants["exit_date"] == "") == (participants["exit_reason"] == "")).all()
    assert set(exited["exit_reason"]) <= {"moved", "paid_work", "other"}
    for value in list(participants["start_date"]) + list(exited["exit_date"]):
        dt.date.fromisoformat(value)


def test_pilot_neighbourhood_distance_and_ids(pilot, participants):
    assert set(pilot["neighbourhood"]) == {"Noord-Noord"}
    assert set(pilot["distance"]) == {"long"}
    assert pilot.index.str.fullmatch(r"P\d{4}").all()
    control = participants[participants["group"] == "control"]
    assert control.index.str.fullmatch(r"C\d{4}").all()


def test_randomized_column(pilot, participants):
    control = participants[participants["group"] == "control"]
    assert control["randomized"].all()
    assert pilot["randomized"].sum() == 40
    assert pilot["randomized"].notna().all()


def test_t2_wave_plausible(pilot, responses, panel_ids):
    t2 = set(responses.loc[responses["wave"] == "T2", "participant_id"]) & set(pilot.index)
    assert 100 <= len(t2 & panel_ids) <= 120
    exits_2021 = pilot[pilot["exit_date"].str.startswith("2021")]
    assert {"paid_work", "other"} <= set(exits_2021["exit_reason"])
    assert not set(exits_2021.index) & t2
    t2_rows = responses[(responses["wave"] == "T2") & responses["participant_id"].isin(pilot.index)]
    outcomes = ["self_rated_health", "enough_social_contacts", "discrimination_experienced",
                "job_search_hours"]
    for column in outcomes:
        assert t2_rows[column].notna().mean() > 0.8
    assert t2_rows["self_rated_health"].dropna().between(1, 10).all()
    assert t2_rows["job_search_hours"].dropna().between(0, 80).all()


def test_control_group(participants, responses, raw):
    control = participants[participants["group"] == "control"]
    assert len(control) == 68
    assert "Noord-Noord" not in set(control["neighbourhood"])
    control_responses = responses[responses["participant_id"].isin(control.index)]
    assert (control_responses["wave"] == "T0").sum() == 68
    assert 50 <= (control_responses["wave"] == "T2").sum() <= 60
    assert not set(raw["instrument_use"]["participant_id"]) & set(control.index)
    assert not set(raw["non_use_reasons"]["participant_id"]) & set(control.index)
    assert set(raw["barriers"]["participant_id"]) & set(control.index)
    assert control_responses["satisfaction_overall"].isna().all()


EFFECT_OUTCOMES = ["any", "paid_work", "volunteer_work", "ease_society_difficult", "ease_paid_work_difficult",
                   "self_rated_health", "enough_social_contacts"]


def _effect(participants: pd.DataFrame, responses: pd.DataFrame, analysis: str, outcome: str):
    """Welch's t-test on T0 -> T2 change scores, pilot vs control (as the effects chapter computes them)."""
    frame = responses.copy()
    for column in ["ease_society", "ease_paid_work"]:
        frame[f"{column}_difficult"] = (frame[column] >= 4).astype(float).where(frame[column].notna())
    pilot = participants["group"] == "pilot"
    if analysis == "primary":
        pilot &= participants["randomized"] == True  # noqa: E712
    changes = []
    for ids in [set(participants.index[pilot]), set(participants.index[participants["group"] == "control"])]:
        t0, t2 = _wave(frame, "T0")[outcome], _wave(frame, "T2")[outcome]
        both = sorted(ids & set(t0.index) & set(t2.index))
        changes.append((t2.loc[both].astype(float) - t0.loc[both].astype(float)).dropna())
    result = stats.ttest_ind(changes[0], changes[1], equal_var=False)
    return changes[0].mean() - changes[1].mean(), result.pvalue


@pytest.mark.parametrize("analysis", ["primary", "sensitivity"])
@pytest.mark.parametrize("outcome", EFFECT_OUTCOMES)
def test_effects_small_and_not_significant(participants, responses, analysis, outcome):
    _, p = _effect(participants, responses, analysis, outcome)
    assert p > 0.05


@pytest.mark.parametrize("analysis", ["primary", "sensitivity"])
@pytest.mark.parametrize("outcome", ["any", "self_rated_health"])
def test_pilot_does_a_bit_better(participants, responses, analysis, outcome):
    effect, _ = _effect(participants, responses, analysis, outcome)
    assert effect > 0


def test_exit_to_paid_work_not_significant(participants):
    pilot = participants[participants["group"] == "pilot"]
    control = participants[participants["group"] == "control"]
    a, b = (pilot["exit_reason"] == "paid_work").sum(), (control["exit_reason"] == "paid_work").sum()
    assert a > b
    _, p = stats.fisher_exact([[a, len(pilot) - a], [b, len(control) - b]])
    assert p > 0.05


# ---------------------------------------------------------------------------
# Contract rules across the whole dataset
# ---------------------------------------------------------------------------

def test_columns_as_in_contract(raw):
    for table in TABLES:
        assert list(raw[table].columns) == list(load_contract(table).columns), table


def test_contract_rules(raw, participants, responses, study):
    codes = {
        "group": {"pilot", "control"}, "sex": {"female", "male", "other"},
        "generation": {"first", "second", "none"},
        "education_nl": {"none", "primary", "vmbo", "mbo1", "mbo2", "mbo3_4", "havo_vwo", "hbo_wo"},
        "distance": {"short", "long"},
    }
    for column, allowed in codes.items():
        assert set(participants[column]) <= allowed, column
    # keys unique
    keys = {"participants": ["participant_id"], "backgrounds": ["participant_id", "country"],
            "responses": ["participant_id", "wave"],
            "barriers": ["participant_id", "wave", "domain", "barrier"],
            "instrument_use": ["participant_id", "wave", "instrument"],
            "non_use_reasons": ["participant_id", "wave", "reason"], "instruments": ["instrument"]}
    for table, key in keys.items():
        assert not raw[table].duplicated(key).any(), table
    assert participants.index.str.fullmatch(r"[A-Za-z0-9_-]{1,32}").all()
    assert participants["birth_year"].between(1920, 2005).all()
    for column in ["foreign_diploma_valued", "prior_paid_work_nl"]:
        assert participants[column].notna().all()
    assert (participants[["years_paid_work_nl", "years_since_paid_work_nl"]].dropna() >= 0).all().all()
    # existence
    ids = set(participants.index)
    assert set(raw["backgrounds"]["participant_id"]) <= ids
    assert set(responses["participant_id"]) <= ids
    assert set(responses["wave"]) <= set(study["waves"])
    answered = set(zip(responses["participant_id"], responses["wave"]))
    for table in ["barriers", "instrument_use", "non_use_reasons"]:
        assert set(zip(raw[table]["participant_id"], raw[table]["wave"])) <= answered, table
    # non-use reasons only without instrument use in that wave
    used = set(zip(raw["instrument_use"]["participant_id"], raw["instrument_use"]["wave"]))
    assert not set(zip(raw["non_use_reasons"]["participant_id"], raw["non_use_reasons"]["wave"])) & used
    # codes in the long tables
    assert set(raw["barriers"]["domain"]) <= {"society", "work"}
    assert set(raw["barriers"]["barrier"]) <= {"medical", "transport", "home", "language", "other", "none"}
    assert set(raw["non_use_reasons"]["reason"]) <= {"health", "not_suitable", "not_offered", "no_time",
                                                     "has_income", "other"}
    assert set(responses["mode"]) <= {"self", "with_caseworker", "by_phone"}
    satisfaction = _num(raw["instrument_use"]["satisfaction"]).dropna()
    assert satisfaction.between(1, 5).all()
    for column in ["ease_society", "ease_paid_work", "satisfaction_overall"]:
        assert responses[column].dropna().between(1, 5).all()
    assert responses[TYPES].notna().all().all()
    assert raw["backgrounds"]["country"].str.fullmatch(r"[A-Z]{2}").all()


# ---------------------------------------------------------------------------
# study.yaml, determinism, refusing to overwrite
# ---------------------------------------------------------------------------

def test_study_yaml(study):
    assert study["contract_version"] == 1
    assert study["report_language"] == "nl"
    assert study["title"] == "Wijkgericht en intensief ondersteunen bij integratie op de arbeidsmarkt"
    assert study["client"] == "Gemeente Enschede"
    # synthetic data, made-up colophon: no real staff, ISBN or publisher (issue 12)
    assert study["authors"] == ["A. Voorbeeld", "B. Voorbeeld"] and "contributors" not in study
    assert study["publisher"] == {"name": "via-reports demo"}
    assert not {"isbn", "isbn_final", "download_url"} & set(study)
    assert study["reference_date"] == dt.date(2020, 12, 31)
    assert study["publication_date"] == dt.date(2021, 4, 1)
    assert study["study_period"] == {"start": dt.date(2019, 11, 1), "end": dt.date(2021, 6, 30)}
    assert study["waves"]["T1"]["fieldwork"] == [dt.date(2020, 10, 15), dt.date(2021, 1, 8)]
    assert study["synthetic"] is True and "verzonnen" in study["synthetic_note"]
    assert study["neighbourhood"] == "Noord-Noord"


def test_build_demo_matches_written_files(raw):
    meta, tables = demo.build_demo()
    assert meta["pilot_name"] == "VIA-pilot Enschede"
    assert set(tables) == set(TABLES)
    for name in TABLES:
        assert list(tables[name].columns) == list(raw[name].columns)
        assert len(tables[name]) == len(raw[name])
    value = tables["participants"]["prior_paid_work_nl"].iloc[0]
    assert isinstance(value, bool)


def test_two_writes_are_byte_identical(demo_dir, tmp_path):
    second = demo.write_demo(tmp_path / "again")
    names = sorted(p.name for p in demo_dir.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert names == sorted(["study.yaml"] + [f"{t}.csv" for t in TABLES])
    for name in names:
        assert (demo_dir / name).read_bytes() == (second / name).read_bytes(), name


def test_refuses_to_overwrite_non_empty_folder(tmp_path):
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "participants.csv").write_text("mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not empty"):
        demo.write_demo(target)
    assert (target / "participants.csv").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in target.iterdir()) == ["participants.csv"]


def test_writes_into_existing_empty_folder(tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    assert demo.write_demo(target) == target
    assert (target / "study.yaml").exists()
