"""SPSS files as institutes keep them: labelled numbers, labelled booleans, user-missing codes.

Each .sav is written here with pyreadstat exactly as SPSS would store it
(numbers with value labels, missing values declared per variable), in place
of one table of the tiny dataset (see tests/tiny.py); the expected values are
read off the rows below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from via_reports import load_dataset
from via_reports.cli import main
from via_reports.data.dataset import validate_folder

BOOLEANS = ["paid_work", "unpaid_work", "volunteer_work", "education", "enough_social_contacts",
            "discrimination_experienced"]
JA_NEE = {0: "nee", 1: "ja"}


def responses_sav(folder, frame: pd.DataFrame, value_labels: dict, missing_ranges: dict | None = None):
    """Replace responses.csv of a written dataset by responses.sav: codes as numbers, labels as given."""
    out = frame.copy()
    for column in ("wave", "mode"):  # string codes, as an SPSS string variable
        out[column] = out[column].astype(str)
    (folder / "responses.csv").unlink()
    pyreadstat.write_sav(out, str(folder / "responses.sav"), variable_value_labels=value_labels,
                         missing_ranges=missing_ranges or {})
    return folder


def numeric_booleans(frame: pd.DataFrame, yes: float = 1.0, no: float = 0.0) -> pd.DataFrame:
    out = frame.copy()
    for column in BOOLEANS:
        out[column] = [np.nan if v is None or pd.isna(v) else (yes if v else no) for v in out[column]]
    return out


def test_labelled_booleans_with_missing_answers_load(tiny, write):
    """0 = nee, 1 = ja with empty answers: no crash; empty where the contract allows it."""
    study, frames = tiny
    responses = numeric_booleans(frames["responses"])
    responses.loc[0, "enough_social_contacts"] = np.nan   # P1 T0 did not answer
    responses.loc[3, "discrimination_experienced"] = np.nan
    folder = responses_sav(write(study, frames), responses, {c: JA_NEE for c in BOOLEANS})
    loaded = load_dataset(folder).responses
    assert pd.isna(loaded.loc[0, "enough_social_contacts"])
    assert pd.isna(loaded.loc[3, "discrimination_experienced"])
    # the other answers as in tests/tiny.py: P2 T0 works, P1 T0 volunteers
    assert loaded["paid_work"].tolist()[:3] == [False, True, False]
    assert loaded["volunteer_work"].tolist()[:3] == [True, False, False]
    assert loaded["enough_social_contacts"].tolist()[1:3] == [True, False]


def test_a_missing_required_boolean_is_a_violation_not_a_traceback(tiny, write, capsys):
    study, frames = tiny
    responses = numeric_booleans(frames["responses"])
    responses.loc[4, "paid_work"] = np.nan  # required
    folder = responses_sav(write(study, frames), responses, {c: JA_NEE for c in BOOLEANS})
    assert main(["validate", str(folder)]) == 3
    found = validate_folder(folder).violations
    assert [(v.table, v.row, v.column, v.rule) for v in found] == [("responses", 5, "paid_work", "required")]
    assert "Traceback" not in capsys.readouterr().out


def test_the_label_decides_not_the_number(tiny, write):
    """1 = ja, 2 = nee (SPSS's habit) and English labels give the same booleans as 0/1."""
    study, frames = tiny
    reference = load_dataset(write(study, frames)).responses
    responses = numeric_booleans(frames["responses"], yes=1.0, no=2.0)
    labels = {c: {1: "Ja", 2: "Nee"} for c in BOOLEANS[:3]} | {c: {1: "yes", 2: "no"} for c in BOOLEANS[3:]}
    loaded = load_dataset(responses_sav(write(study, frames), responses, labels)).responses
    for column in BOOLEANS:
        assert loaded[column].tolist() == reference[column].tolist(), column


def test_user_missing_codes_are_missing(tiny, write):
    """9 declared missing, and a range 97-99: both become empty answers, whatever their label."""
    study, frames = tiny
    responses = numeric_booleans(frames["responses"])
    responses.loc[0, "ease_society"] = 9       # P1 T0: 4 in tiny.py
    responses.loc[1, "ease_society"] = 98      # P2 T0: 2
    responses.loc[2, "enough_social_contacts"] = 9
    ease = {1: "heel makkelijk", 2: "makkelijk", 3: "niet makkelijk/niet moeilijk", 4: "moeilijk",
            5: "heel moeilijk", 9: "weet niet", 98: "geweigerd"}
    labels = {c: {**JA_NEE, 9: "geen antwoord"} for c in BOOLEANS} | {"ease_society": ease}
    missing = {"ease_society": [9, {"lo": 97, "hi": 99}], "enough_social_contacts": [9]}
    loaded = load_dataset(responses_sav(write(study, frames), responses, labels, missing)).responses
    assert loaded["ease_society"].tolist()[:4] == [pd.NA, pd.NA, 5, 3]
    assert pd.isna(loaded.loc[2, "enough_social_contacts"])
    assert loaded["ease_society"].notna().sum() == frames["responses"]["ease_society"].notna().sum() - 2


def test_labelled_codes_map_through_the_codebook(tiny, write):
    """Ease stored the other way round (1 = heel moeilijk), sex in English, health with end labels only."""
    study, frames = tiny
    reference = load_dataset(write(study, frames))
    responses = numeric_booleans(frames["responses"])
    responses["ease_paid_work"] = [np.nan if pd.isna(v) else 6 - v for v in responses["ease_paid_work"]]
    responses.loc[5, "ease_society"] = 8  # P6 T0 (1 in tiny.py): the codebook's "weet niet", not declared missing
    labels = {c: JA_NEE for c in BOOLEANS} | {
        "ease_paid_work": {1: "Heel moeilijk", 2: "moeilijk", 3: "niet makkelijk/niet moeilijk", 4: "makkelijk",
                           5: "heel makkelijk"},
        "ease_society": {8: "weet niet"},
        "self_rated_health": {1: "slecht", 10: "uitstekend"},
    }
    folder = responses_sav(write(study, frames), responses, labels)
    loaded = load_dataset(folder).responses
    assert loaded["ease_paid_work"].tolist() == reference.responses["ease_paid_work"].tolist()
    assert pd.isna(loaded.loc[5, "ease_society"])
    assert loaded["self_rated_health"].tolist() == reference.responses["self_rated_health"].tolist()

    participants = frames["participants"].copy()
    participants["sex"] = participants["sex"].map({"female": 1.0, "male": 2.0, "other": 3.0})
    for column in ("foreign_diploma_valued", "prior_paid_work_nl"):
        participants[column] = participants[column].astype(float)
    (folder / "participants.csv").unlink()
    pyreadstat.write_sav(participants, str(folder / "participants.sav"), variable_value_labels={
        "sex": {1: "Female", 2: "male", 3: "other"}, "foreign_diploma_valued": JA_NEE,
        "prior_paid_work_nl": JA_NEE})
    assert load_dataset(folder).participants["sex"].tolist() == reference.participants["sex"].tolist()


def test_an_undeclared_no_answer_code_is_named_with_a_hint(tiny, write):
    study, frames = tiny
    responses = numeric_booleans(frames["responses"])
    responses.loc[2, "enough_social_contacts"] = 9
    labels = {c: {**JA_NEE, 9: "geen antwoord"} for c in BOOLEANS}
    folder = responses_sav(write(study, frames), responses, labels)
    found = validate_folder(folder, "en").violations
    assert [(v.row, v.column, v.value, v.rule) for v in found] == [
        (3, "enough_social_contacts", "geen antwoord", "type_boolean")]
    assert "missing value" in found[0].message


@pytest.mark.parametrize("missing", [[9], [{"lo": 9, "hi": 9}]])
def test_a_required_answer_that_is_user_missing_is_reported(missing, tiny, write):
    study, frames = tiny
    responses = numeric_booleans(frames["responses"])
    responses.loc[6, "education"] = 9
    labels = {c: {**JA_NEE, 9: "geen antwoord"} for c in BOOLEANS}
    folder = responses_sav(write(study, frames), responses, labels, {"education": missing})
    found = validate_folder(folder).violations
    assert [(v.row, v.column, v.rule) for v in found] == [(7, "education", "required")]
