"""Statistics v3 on generated datasets with a known design problem (REPORTS.md, "Statistics v3").

Each case changes the hand-made study of ``effects_data`` in one way and
checks the numbers and the words the chapter and the bottom line give:
not assigned by lot; no ``randomized`` column; a badly imbalanced lottery
(must warn); a response model that separates perfectly (empty ancova_ipw
row, the text says so); an adverse estimate with p < 0.10 (named); an
outcome with no T2 answers in one group.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from effects_data import BY_LOT, CONTROL, PILOT, RESPONSES, build_frames
from tiny import write_dataset

from via_reports import load_dataset
from via_reports.analysis.scope import Scope
from via_reports.figures.effects_text import EffectsResults, baseline_text, outcomes_text
from via_reports.document.bottom_line import conclusions, summary

FINAL = Scope(waves=("T0", "T1", "T2"), language="nl", min_n=3, kind="final")
ENGLISH = Scope(waves=("T0", "T1", "T2"), language="en", min_n=3, kind="final")


def results_of(folder, change=None, scope=FINAL, **options) -> EffectsResults:
    study, frames = build_frames(**options)
    if change:
        change(study, frames)
    return EffectsResults.compute(load_dataset(write_dataset(folder, study, frames)), scope)


def chapter(results: EffectsResults) -> str:
    return " ".join(outcomes_text(results) + baseline_text(results))


def never_an_effect(text: str) -> None:
    """Without a lottery: no 'aangetoond'/'demonstrated', no 'effect' except 'oorzakelijk effect'/'causal effect'."""
    lowered = text.lower().replace("oorzakelijk effect", "").replace("causal effect", "")
    lowered = lowered.replace("{chap:effects}", "")  # the placeholder of a chapter reference, not a word
    assert "aangetoond" not in lowered and "demonstrated" not in lowered
    assert not re.search(r"\beffect", lowered), re.search(r".{60}\beffect.{60}", lowered)


@pytest.mark.parametrize("scope", [FINAL, ENGLISH], ids=["nl", "en"])
def test_not_assigned_by_lot(tmp_path, scope):
    """A randomized column that is false for everyone: the groups were not formed by lot, and no '(pilot 0'."""
    results = results_of(tmp_path / "none", scope=scope, randomized=[])
    assert not results.randomized and results.has_column
    text = chapter(results)
    assert ("niet door loting tot stand gekomen" if scope.language == "nl" else "not assigned") in text
    assert "pilot 0" not in text
    never_an_effect(text)
    never_an_effect(summary(results, scope.language) + conclusions(results, scope.language))


@pytest.mark.parametrize("scope", [FINAL, ENGLISH], ids=["nl", "en"])
def test_no_randomized_column(tmp_path, scope):
    results = results_of(tmp_path / "no_column", scope=scope)
    assert results.has_column is False
    text = chapter(results)
    assert ("De gegevens leggen niet vast hoe" if scope.language == "nl" else "The data do not record how") in text
    assert not re.search(r"door loting ingedeeld: \d|assigned by lot: \d", text)  # no count by lot
    never_an_effect(text)
    never_an_effect(summary(results, scope.language) + conclusions(results, scope.language))


def test_a_badly_imbalanced_lottery_warns(tmp_path):
    """By lot, every pilot participant born abroad and every control born in NL: |SMD| is infinite, the
    joint test's p is tiny, the chapter and the bottom line warn."""
    def imbalance(study, frames):
        people = frames["participants"]
        lot_pilot = people["participant_id"].isin([p for p in BY_LOT if p in PILOT])
        lot_control = people["participant_id"].isin([c for c in BY_LOT if c in CONTROL])
        people.loc[lot_pilot, "birth_country"] = "TR"
        people.loc[lot_pilot, "generation"] = "first"
        people.loc[lot_control, "birth_country"] = "NL"
        people.loc[lot_control, "generation"] = "second"

    results = results_of(tmp_path / "imbalanced", imbalance, randomized=BY_LOT)
    joint = results.baseline.query("analysis == 'primary' and characteristic == 'joint_test'").iloc[0]
    assert joint["p_value"] < 0.01
    assert "Let op: bij de start verschilden de door loting ingedeelde groepen meer dan een loting" in chapter(results)
    assert "Let op:" in summary(results, "nl") and "Let op:" in conclusions(results, "nl")
    # born_nl alone separates the groups by lot: the text says that they do not overlap
    assert results.separated == frozenset({"primary"})
    assert "overlappen in hun gemeten kenmerken niet" in chapter(results)
    balanced = results_of(tmp_path / "as_drawn", randomized=BY_LOT)
    imbalanced_smd = (balanced.baseline.query("analysis == 'primary'")["smd"].abs() > 0.25).any()
    assert ("Let op:" in summary(balanced, "nl")) == bool(imbalanced_smd or
                                                          balanced.baseline.query("characteristic == 'joint_test' "
                                                                                  "and analysis == 'primary'")
                                                          ["p_value"].iloc[0] < 0.01)


def test_a_response_model_that_separates_gives_an_empty_ipw_row(tmp_path):
    """Everyone without a T2 answer has a short distance to the labour market, everyone else a long one:
    distance_long predicts answering perfectly, so ancova_ipw is empty and the text says why."""
    missing = {pid for pid, (_, t2) in RESPONSES.items() if t2 is None}

    def separate(study, frames):
        people = frames["participants"]
        people["distance"] = np.where(people["participant_id"].isin(missing), "short", "long")

    results = results_of(tmp_path / "separated", separate)
    row = results.outcomes.query("analysis == 'primary' and outcome == 'volunteer_work' "
                                 "and estimator == 'ancova_ipw'").iloc[0]
    assert np.isnan(row[["effect", "ci_low", "ci_high", "p_value", "se", "mde", "p_holm"]].astype(float)).all()
    assert row["n_pilot"] > 0  # the row is there, with the people of the ancova
    assert "De weging voor uitval kon niet worden geschat" in chapter(results)
    # an empty row is out of the Holm family
    family = results.outcomes.query("analysis == 'primary' and estimator == 'ancova_ipw' and outcome != 'paid_work'")
    assert family["p_holm"].notna().sum() == family["p_value"].notna().sum()


def test_an_adverse_estimate_with_p_below_010_is_named(tmp_path):
    """Enough social contacts: every pilot participant answers 'no' at T2, so the pilot is worse than control."""
    def worse(study, frames):
        responses = frames["responses"]
        pilot_t2 = responses["participant_id"].isin(PILOT) & (responses["wave"] == "T2")
        responses.loc[pilot_t2, "enough_social_contacts"] = False

    results = results_of(tmp_path / "adverse", worse)
    row = results.estimates().loc["enough_social_contacts"]
    assert row["effect"] < 0 and row["p_value"] < 0.10
    text = chapter(results)
    assert "Mogelijk ongunstige ontwikkeling: bij genoeg sociale contacten ligt de pilotgroep" in text
    assert "Mogelijk ongunstige ontwikkeling: bij genoeg sociale contacten" in summary(results, "nl")


def test_an_outcome_without_t2_answers_in_one_group(tmp_path):
    """No control participant answered job_search_hours or discrimination at T2: no estimate, no crash."""
    def no_answers(study, frames):
        responses = frames["responses"]
        control_t2 = responses["participant_id"].isin(CONTROL) & (responses["wave"] == "T2")
        responses.loc[control_t2, "job_search_hours"] = None
        responses["discrimination_experienced"] = responses["discrimination_experienced"].astype(object)
        responses.loc[control_t2, "discrimination_experienced"] = None

    results = results_of(tmp_path / "no_t2", no_answers)
    rows = results.outcomes.query("analysis == 'primary' and outcome == 'job_search_hours'")
    assert (rows["n_control"] == 0).all() and rows["effect"].isna().all()
    bounds = results.outcomes.query("analysis == 'primary' and outcome == 'discrimination_experienced' "
                                    "and estimator in ('bound_low', 'bound_high')").set_index("estimator")
    assert bounds.loc["bound_low", "control_t2"] == 1 and bounds.loc["bound_high", "control_t2"] == 0
    text = chapter(results)
    assert "**Uren per week zoeken naar werk (secundaire uitkomst)**: te weinig antwoorden" in text
    assert "Uren per week zoeken naar werk (secundaire uitkomst): geen schatting mogelijk" in summary(results, "nl")
