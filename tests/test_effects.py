"""The effects chapter: T0→T2 change, pilot vs control, on a hand-made dataset.

Every outcome value below is written out per person, so the expected table is
computed from these lists with plain numpy and scipy's Welch test, not with
the code under test.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from tiny import tiny_tables, write_dataset

from via_reports.analysis.effects import (
    ATTRITION_COLUMNS,
    EFFECTS_COLUMNS,
    EXIT_COLUMNS,
    OUTCOME_LABELS,
    OUTCOMES,
    attrition_table,
    effects_figure,
    effects_table,
    effects_text,
    exit_to_paid_work,
)
from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import chapter_figures
from via_reports.data.dataset import load_dataset
from via_reports.figures.figure import Figure

N = None  # missing answer

# Participant ids carry a marker so that a leak into any output is easy to find.
PILOT = [f"zzpid_p{i}" for i in range(1, 9)]
CONTROL = [f"zzpid_c{i}" for i in range(1, 8)]

# Per outcome column: pilot T0, pilot T2, control T0, control T2 (one value per person above).
HAND = {
    "paid_work": ([0, 0, 0, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 1, 0, 0],
                  [0, 0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
    "unpaid_work": ([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1, 0],
                    [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]),
    "volunteer_work": ([1, 0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 1, 1, 0, 0, 1],
                       [0, 1, 0, 0, 0, 0, 1], [0, 1, 0, 1, 0, 0, 0]),
    "education": ([0, 0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
                  [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1]),
    "ease_society": ([4, 5, 3, N, 2, 4, 5, 1], [3, 4, 3, 4, 2, 5, 2, 1],
                     [4, 4, 3, 2, 5, N, 1], [4, 5, 3, 2, 5, 3, N]),
    "ease_paid_work": ([5, 5, 5, 5, 5, 5, 5, 5], [5, 4, 3, 5, 5, 4, 5, 3],
                       [5, 5, 4, 4, 5, 5, 5], [5, 5, 4, 5, 5, 3, 5]),
    # pilot changes +2 +3 +2 +1 +2 +2 +1 +2, control 0 +1 0 0 +1 0 (last one missing at T2)
    "self_rated_health": ([5, 6, 4, 7, 5, 6, 5, 6], [7, 9, 6, 8, 7, 8, 6, 8],
                          [5, 6, 5, 7, 6, 5, 4], [5, 7, 5, 7, 7, 5, N]),
    "enough_social_contacts": ([0, 1, 0, 1, N, 0, 0, 1], [1, 1, 1, 1, 1, 0, N, 1],
                               [0, 1, 1, 0, 0, 1, 0], [0, 1, 0, 0, 1, 1, 0]),
}
BOOLEAN_COLUMNS = ("paid_work", "unpaid_work", "volunteer_work", "education", "enough_social_contacts")
WAVE_DATES = {"T0": "2020-01-10", "T1": "2020-11-10", "T2": "2021-04-10"}
FINAL = Scope(waves=("T0", "T1", "T2"), language="nl", min_n=3, kind="final")


# ---------------------------------------------------------------------------
# Building the dataset


def _participant(pid: str, group: str, exit_date=None, exit_reason=None) -> dict:
    return {
        "participant_id": pid, "group": group, "sex": "female", "birth_year": 1980, "birth_country": "TR",
        "generation": "first", "education_nl": "none", "foreign_diploma_valued": False,
        "prior_paid_work_nl": False, "years_paid_work_nl": None, "years_since_paid_work_nl": None,
        "distance": "long", "neighbourhood": "Noord" if group == "pilot" else "Zuid",
        "start_date": "2019-11-15", "exit_date": exit_date, "exit_reason": exit_reason,
    }


def _response(pid: str, wave: str, values: dict) -> dict:
    row = {
        "participant_id": pid, "wave": wave, "response_date": WAVE_DATES[wave], "mode": "self",
        "paid_work": False, "unpaid_work": False, "volunteer_work": False, "education": False,
        "ease_society": 3, "ease_paid_work": 3, "satisfaction_overall": None, "self_rated_health": 5,
        "enough_social_contacts": False, "discrimination_experienced": False, "job_search_hours": 0.0,
    }
    for column, value in values.items():
        row[column] = (None if value is None else bool(value)) if column in BOOLEAN_COLUMNS else value
    return row


def hand_rows(people: list[str], index: int) -> list[dict]:
    """One response dict per person with column values from HAND (index 0/1 = pilot T0/T2, 2/3 = control)."""
    return [{column: HAND[column][index][i] for column in HAND} for i in range(len(people))]


def build_frames(*, randomized: dict[str, bool] | None = None, with_control: bool = True,
                 exits: dict[str, tuple[str, str]] | None = None,
                 control: list[str] | None = None) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The hand-made study: 8 pilot + 7 control with T0 and T2 (values in HAND), plus

    - ``zzpid_p9``: pilot, answered T0 only (counts as started, not in any effect);
    - ``zzpid_c8``: control, answered T2 only.
    """
    study, tiny = tiny_tables()
    exits = exits or {}
    control_ids = CONTROL if control is None else control
    people = [_participant(pid, "pilot", *exits.get(pid, (None, None))) for pid in PILOT + ["zzpid_p9"]]
    responses = []
    for pid, values in zip(PILOT, hand_rows(PILOT, 0)):
        responses.append(_response(pid, "T0", values))
    for pid, values in zip(PILOT, hand_rows(PILOT, 1)):
        responses.append(_response(pid, "T2", values))
    responses.append(_response("zzpid_p9", "T0", {"self_rated_health": 3}))
    if with_control:
        people += [_participant(pid, "control", *exits.get(pid, (None, None)))
                   for pid in control_ids + ["zzpid_c8"]]
        for pid, values in zip(CONTROL, hand_rows(CONTROL, 2)):
            if pid in control_ids:
                responses.append(_response(pid, "T0", values))
        for pid, values in zip(CONTROL, hand_rows(CONTROL, 3)):
            if pid in control_ids:
                responses.append(_response(pid, "T2", values))
        responses.append(_response("zzpid_c8", "T2", {"self_rated_health": 9}))
    participants = pd.DataFrame(people)
    if randomized is not None:
        participants["randomized"] = [randomized.get(pid, False) for pid in participants["participant_id"]]
    frames = {
        "participants": participants,
        "backgrounds": pd.DataFrame({"participant_id": participants["participant_id"], "country": "TR"}),
        "responses": pd.DataFrame(responses),
        "barriers": tiny["barriers"].iloc[0:0],
        "instrument_use": tiny["instrument_use"].iloc[0:0],
        "non_use_reasons": tiny["non_use_reasons"].iloc[0:0],
        "instruments": tiny["instruments"],
    }
    return study, frames


@pytest.fixture
def load(tmp_path):
    counter = iter(range(1000))

    def _load(**options):
        study, frames = build_frames(**options)
        return load_dataset(write_dataset(tmp_path / f"effects{next(counter)}", study, frames))

    return _load


# ---------------------------------------------------------------------------
# The expected table, from the hand lists


def _array(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values])


def _outcome_arrays(outcome: str, index: int) -> np.ndarray:
    """The outcome as floats per person for HAND index (0..3), NaN where missing."""
    if outcome == "any_participation":
        parts = [_array(HAND[c][index]) for c in ("paid_work", "unpaid_work", "volunteer_work", "education")]
        return np.max(np.vstack(parts), axis=0)
    if outcome in ("ease_society_difficult", "ease_paid_work_difficult"):
        raw = _array(HAND[outcome.removesuffix("_difficult")][index])
        return np.where(np.isnan(raw), np.nan, (raw >= 4).astype(float))
    return _array(HAND[outcome][index])


def expected_row(outcome: str, pilot_people: list[int], control_people: list[int]) -> dict:
    p0, p2 = _outcome_arrays(outcome, 0)[pilot_people], _outcome_arrays(outcome, 1)[pilot_people]
    c0, c2 = _outcome_arrays(outcome, 2)[control_people], _outcome_arrays(outcome, 3)[control_people]
    p_ok = ~np.isnan(p0) & ~np.isnan(p2)
    c_ok = ~np.isnan(c0) & ~np.isnan(c2)
    p0, p2, c0, c2 = p0[p_ok], p2[p_ok], c0[c_ok], c2[c_ok]
    test = stats.ttest_ind(p2 - p0, c2 - c0, equal_var=False)
    ci = test.confidence_interval(0.95)
    return {"outcome": outcome, "n_pilot": len(p0), "n_control": len(c0),
            "pilot_t0": p0.mean(), "pilot_t2": p2.mean(), "control_t0": c0.mean(), "control_t2": c2.mean(),
            "effect": (p2 - p0).mean() - (c2 - c0).mean(), "ci_low": ci.low, "ci_high": ci.high,
            "p_value": test.pvalue}


def assert_rows(actual: pd.DataFrame, analysis: str, pilot_people: list[int], control_people: list[int]):
    rows = actual[actual["analysis"] == analysis].reset_index(drop=True)
    assert list(rows["outcome"]) == list(OUTCOMES)
    for _, row in rows.iterrows():
        want = expected_row(row["outcome"], pilot_people, control_people)
        for column, value in want.items():
            if isinstance(value, str):
                assert row[column] == value
            else:
                assert row[column] == pytest.approx(value, abs=1e-6), (row["outcome"], column)


# ---------------------------------------------------------------------------
# The table


def test_table_matches_hand_computation_without_randomization(load):
    dataset = load()
    table = effects_table(dataset, FINAL)
    assert tuple(table.columns) == EFFECTS_COLUMNS
    assert list(table["analysis"]) == ["primary"] * len(OUTCOMES)
    assert_rows(table, "primary", list(range(8)), list(range(7)))


def test_known_health_effect(load):
    row = effects_table(load(), FINAL).set_index("outcome").loc["self_rated_health"]
    pilot_change = np.array([2, 3, 2, 1, 2, 2, 1, 2], float)
    control_change = np.array([0, 1, 0, 0, 1, 0], float)
    # 1.875 - 1/3
    assert row["effect"] == pytest.approx(pilot_change.mean() - control_change.mean(), abs=1e-9)
    low, high = stats.ttest_ind(pilot_change, control_change, equal_var=False).confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-9)
    assert row["ci_low"] > 0


def test_missing_values_are_excluded_per_outcome(load):
    table = effects_table(load(), FINAL).set_index("outcome")
    # pilot p4 has no ease_society at T0; controls c6 (T0) and c7 (T2) miss it
    ease = table.loc["ease_society_difficult"]
    assert (ease["n_pilot"], ease["n_control"]) == (7, 5)
    # health: control c7 misses T2; contacts: pilot p5 (T0) and p7 (T2) miss it
    assert table.loc["self_rated_health", "n_control"] == 6
    assert table.loc["enough_social_contacts", "n_pilot"] == 6
    # people with only one wave (p9, c8) never count
    assert table["n_pilot"].max() == 8 and table["n_control"].max() == 7
    # any_participation of pilot at T0: p1, p4 volunteer, p5 paid, p6 education → 4 of 8
    assert table.loc["any_participation", "pilot_t0"] == pytest.approx(4 / 8)


def test_randomized_primary_and_sensitivity(load):
    randomized = {pid: True for pid in PILOT[:5] + CONTROL}
    table = effects_table(load(randomized=randomized), FINAL)
    assert list(table["analysis"]) == ["primary"] * len(OUTCOMES) + ["sensitivity"] * len(OUTCOMES)
    assert_rows(table, "primary", [0, 1, 2, 3, 4], list(range(7)))
    assert_rows(table, "sensitivity", list(range(8)), list(range(7)))


def test_randomized_column_without_pilot_true_gives_only_primary(load):
    table = effects_table(load(randomized={pid: True for pid in CONTROL}), FINAL)
    assert set(table["analysis"]) == {"primary"}
    assert_rows(table, "primary", list(range(8)), list(range(7)))


def test_fewer_than_two_per_group_gives_nan_not_error(load):
    dataset = load(control=CONTROL[:1])
    table = effects_table(dataset, FINAL)
    assert (table["n_control"] == 1).all()
    assert table[["effect", "ci_low", "ci_high", "p_value"]].isna().all().all()
    # the means of the one person are still there
    assert table.set_index("outcome").loc["self_rated_health", "control_t2"] == 5


# ---------------------------------------------------------------------------
# Exit to paid work and attrition

EXITS = {
    "zzpid_p2": ("2021-05-01", "paid_work"), "zzpid_p3": ("2021-05-01", "paid_work"),
    "zzpid_p5": ("2021-05-01", "moved"), "zzpid_p9": ("2020-09-01", "paid_work"),
    "zzpid_c3": ("2021-05-01", "paid_work"),
}


def test_exit_to_paid_work_fisher(load):
    table = exit_to_paid_work(load(exits=EXITS), FINAL)
    assert tuple(table.columns) == EXIT_COLUMNS
    rows = table.set_index("group")
    # pilot: p2, p3, p9 of 9; control: c3 of 8 (c1..c7 and c8)
    assert (rows.loc["pilot", "count"], rows.loc["pilot", "n"]) == (3, 9)
    assert (rows.loc["control", "count"], rows.loc["control", "n"]) == (1, 8)
    assert rows.loc["pilot", "percent"] == 33.3 and rows.loc["control", "percent"] == 12.5
    expected = stats.fisher_exact([[3, 6], [1, 7]]).pvalue
    assert rows["p_value"].tolist() == pytest.approx([expected, expected], abs=1e-12)


def test_exit_to_paid_work_per_analysis_with_randomization(load):
    randomized = {pid: True for pid in PILOT[:3] + CONTROL}
    table = exit_to_paid_work(load(exits=EXITS, randomized=randomized), FINAL)
    primary = table[table["analysis"] == "primary"].set_index("group")
    assert (primary.loc["pilot", "count"], primary.loc["pilot", "n"]) == (2, 3)  # p2, p3 of p1..p3
    assert primary.loc["pilot", "p_value"] == pytest.approx(stats.fisher_exact([[2, 1], [1, 7]]).pvalue)
    assert set(table["analysis"]) == {"primary", "sensitivity"}


def test_attrition_table(load):
    table = attrition_table(load(exits=EXITS), FINAL)
    assert tuple(table.columns) == ATTRITION_COLUMNS
    # 2 groups x 3 waves x (started, responded, not_responded, 3 exit reasons): zero rows included
    assert len(table) == 2 * 3 * 6

    def count(group, wave, measure, reason=None):
        rows = table[(table["group"] == group) & (table["wave"] == wave) & (table["measure"] == measure)]
        if reason is not None:
            rows = rows[rows["exit_reason"] == reason]
        assert len(rows) == 1
        return int(rows["count"].iloc[0])

    assert count("pilot", "T0", "started") == 9
    assert count("pilot", "T0", "responded") == 9
    assert count("pilot", "T1", "responded") == 0  # nobody answered T1 in this study
    assert count("pilot", "T1", "left", "paid_work") == 1  # p9 left in September 2020
    assert count("pilot", "T2", "responded") == 8
    assert count("pilot", "T2", "not_responded") == 1
    assert count("pilot", "T2", "left", "paid_work") == 1  # p2 and p3 left after answering T2
    assert count("pilot", "T2", "left", "moved") == 0
    assert count("control", "T0", "responded") == 7 and count("control", "T0", "not_responded") == 1
    assert count("control", "T2", "responded") == 8 and count("control", "T2", "not_responded") == 0  # c1..c8
    assert table.loc[(table["measure"] == "started") & (table["group"] == "control"), "n"].eq(8).all()


# ---------------------------------------------------------------------------
# Wording


def _sentence(text: list[str], outcome: str, language: str = "nl") -> str:
    label = OUTCOME_LABELS[outcome][language]
    [sentence] = [s for s in text if s.startswith(f"**{label}**")]
    return sentence


def _nl(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def test_effect_stated_only_where_interval_excludes_zero(load):
    dataset = load()
    table = effects_table(dataset, FINAL).set_index("outcome")
    text = effects_text(dataset, FINAL)
    stated = {o for o in OUTCOMES if "aantoonbaar verschil" in _sentence(text, o)}
    excludes_zero = {o for o in OUTCOMES if table.loc[o, "ci_low"] > 0 or table.loc[o, "ci_high"] < 0}
    assert stated == excludes_zero
    # one case each way
    assert "self_rated_health" in stated
    assert "volunteer_work" not in stated
    for outcome in set(OUTCOMES) - stated:
        assert "geen aantoonbaar effect" in _sentence(text, outcome)


def test_found_sentence_has_direction_size_and_dutch_decimal_comma(load):
    dataset = load()
    effect = 1.875 - 2 / 6
    sentence = _sentence(effects_text(dataset, FINAL), "self_rated_health")
    assert "hoger" in sentence
    assert f"{_nl(effect, 2)} punt" in sentence  # 1,54 punt
    row = effects_table(dataset, FINAL).set_index("outcome").loc["self_rated_health"]
    assert f"{_nl(row['ci_low'], 2)} tot {_nl(row['ci_high'], 2)}" in sentence
    assert not re.search(r"\d\.\d", sentence)


def test_not_found_sentence_gives_the_interval(load):
    dataset = load()
    row = effects_table(dataset, FINAL).set_index("outcome").loc["volunteer_work"]
    sentence = _sentence(effects_text(dataset, FINAL), "volunteer_work")
    assert f"{_nl(row['ci_low'] * 100, 1)} tot {_nl(row['ci_high'] * 100, 1)} procentpunt" in sentence
    assert "omvat dus nul" in sentence


def test_english_wording(load):
    dataset = load()
    scope = Scope(waves=("T0", "T1", "T2"), language="en", min_n=3, kind="final")
    text = effects_text(dataset, scope)
    assert "demonstrable difference" in _sentence(text, "self_rated_health", "en")
    assert "1.54 points higher" in _sentence(text, "self_rated_health", "en")
    assert "no demonstrable effect" in _sentence(text, "volunteer_work", "en")
    assert any("not assigned to the pilot and control groups by lot" in s for s in text)


def test_caveats_are_always_named(load):
    text = effects_text(load(exits=EXITS), FINAL)
    joined = " ".join(text)
    assert "niet door loting" in joined  # no randomization: groups may differ at baseline
    assert "al bij T0 van elkaar verschillen" in joined
    assert "De groepen zijn klein (pilot n=8, controlegroep n=7" in joined
    # attrition: of those who started, how many answered T2
    assert "8 van de 9 (89%) pilotdeelnemers en 8 van de 8 (100%) mensen uit de controlegroep" in joined
    assert "door toeval" in joined  # several outcomes
    assert "Fisher" in joined and "3 van de 9 (33%)" in joined


def test_randomized_caveat(load):
    randomized = {pid: True for pid in PILOT[:5] + CONTROL}
    text = " ".join(effects_text(load(randomized=randomized), FINAL))
    # p1..p5 randomized; p6..p8 and p9 not
    assert "alleen de 5 deelnemers mee die door loting zijn ingedeeld; 4 pilotdeelnemers zijn niet" in text
    assert "gevoeligheidsanalyse neemt alle 9 pilotdeelnemers mee" in text.lower()
    assert "In de gevoeligheidsanalyse met alle pilotdeelnemers (8 met T0 en T2)" in text


def test_never_overstates(load):
    for options in ({}, {"randomized": {pid: True for pid in PILOT[:5] + CONTROL}}):
        dataset = load(**options)
        for language in ("nl", "en"):
            scope = Scope(waves=("T0", "T1", "T2"), language=language, min_n=3, kind="final")
            joined = " ".join(effects_text(dataset, scope)).lower()
            for word in ("werkt", "works", "bewezen", "proven", "proves", "effectief", "effective"):
                assert not re.search(rf"\b{word}\b", joined)


def test_too_small_comparison(load):
    dataset = load(control=CONTROL[:2])
    scope = Scope(waves=("T0", "T1", "T2"), language="nl", min_n=5, kind="final")
    text = effects_text(dataset, scope)
    joined = " ".join(text)
    assert "te klein om conclusies uit te trekken" in joined
    assert "8 pilotdeelnemers en 2 mensen uit de controlegroep" in joined
    assert "aantoonbaar verschil" not in joined
    figure = effects_figure(dataset, scope)
    assert isinstance(figure, Figure)
    assert any("te klein" in note for note in figure.notes)
    english = " ".join(effects_text(dataset, Scope(waves=("T0", "T2"), language="en", min_n=5, kind="final")))
    assert "too small to draw conclusions from" in english


def test_default_min_n_makes_this_study_too_small(load):
    text = " ".join(effects_text(load(), Scope(waves=("T0", "T1", "T2"), kind="final")))
    assert "minstens 10 per groep" in text


def test_no_control_group(load):
    dataset = load(with_control=False)
    text = effects_text(dataset, FINAL)
    assert text == [text[0]] and "geen controlegroep" in text[0] and "niet mogelijk" in text[0]
    assert effects_figure(dataset, FINAL) is None
    table = effects_table(dataset, FINAL)
    assert (table["n_control"] == 0).all() and table["effect"].isna().all()
    assert exit_to_paid_work(dataset, FINAL)["p_value"].isna().all()
    assert set(attrition_table(dataset, FINAL)["group"]) == {"pilot"}
    assert [f.id for f in chapter_figures("effects", dataset, FINAL)] == ["effects.attrition"]


def test_single_wave_scope_is_a_parameter_error(load):
    from via_reports.exceptions import ParameterError

    with pytest.raises(ParameterError):
        effects_table(load(), Scope(waves=("T0",), kind="final"))


# ---------------------------------------------------------------------------
# The figure


def test_figure(load, tmp_path):
    dataset = load(randomized={pid: True for pid in PILOT[:5] + CONTROL}, exits=EXITS)
    figure = effects_figure(dataset, FINAL)
    assert figure.id == "effects.outcomes"
    assert figure.n == 5 + 7  # randomized pilot p1..p5 and control c1..c7 with T0 and T2
    assert figure.n_label == "pilot n=5, controlegroep n=7"
    assert figure.caption("7.1").endswith("(pilot n=5, controlegroep n=7)")
    pd.testing.assert_frame_equal(figure.data, effects_table(dataset, FINAL))
    assert "Ervaren gezondheid (1–10)" in figure.alt_text
    assert figure.text == effects_text(dataset, FINAL)
    path = figure.write_csv(tmp_path / "figures")
    assert path.read_text().splitlines()[0] == ",".join(EFFECTS_COLUMNS)

    english = effects_figure(dataset, Scope(waves=("T0", "T1", "T2"), language="en", min_n=3, kind="final"))
    assert english.n_label == "pilot n=5, control group n=7"
    assert "Self-rated health (1–10)" in english.alt_text


def test_no_personal_data_in_figures(load, tmp_path):
    dataset = load(randomized={pid: True for pid in PILOT[:5] + CONTROL}, exits=EXITS)
    figures = chapter_figures("effects", dataset, FINAL)
    assert [f.id for f in figures] == ["effects.outcomes", "effects.attrition", "effects.exit_paid_work"]
    for figure in figures:
        outputs = [json.dumps(figure.chart.to_dict()), figure.data.to_csv(), figure.display_table.to_csv(),
                   figure.alt_text, " ".join(figure.text), " ".join(figure.notes),
                   figure.write_csv(tmp_path / "figures").read_text()]
        for output in outputs:
            assert "zzpid" not in output


def test_chart_renders(load):
    import vl_convert

    dataset = load(randomized={pid: True for pid in PILOT[:5] + CONTROL}, exits=EXITS)
    svg = vl_convert.vegalite_to_svg(effects_figure(dataset, FINAL).chart.to_json())
    assert svg.startswith("<svg") and "Ervaren gezondheid" in svg
    for figure in chapter_figures("effects", dataset, FINAL)[1:]:
        assert vl_convert.vegalite_to_svg(figure.chart.to_json()).startswith("<svg")


def test_too_small_figure_still_renders(load):
    import vl_convert

    figure = effects_figure(load(control=CONTROL[:1]), FINAL)
    assert figure is not None and figure.n == 9
    assert vl_convert.vegalite_to_svg(figure.chart.to_json()).startswith("<svg")
    assert "geen schatting" in figure.alt_text


def test_binary_means_in_text_round_half_away_from_zero():
    """57 of 200 is 28.5%: the text says 29%, not 28% (0.285 * 100 == 28.499999999999996 in floats)."""
    import pandas as pd

    from via_reports.analysis.effects import _means_sentence

    row = pd.Series({"outcome": "paid_work", "n_pilot": 200, "n_control": 200, "pilot_t0": 57 / 200,
                     "pilot_t2": 29 / 200, "control_t0": 0.5, "control_t2": 0.25})
    sentence = _means_sentence(row, "nl")
    assert "29%" in sentence and "15%" in sentence and "28%" not in sentence and "14%" not in sentence
