"""A tiny, hand-countable dataset for tests, and a writer for every input format.

Eight pilot participants and three control participants. Every number a test
asserts can be counted from the rows below by hand.

pilot   sex     born age(2020) education  prior_work years  T0 T1  notes
P1      female  TR   30 (<=39) none       false      -      y  y
P2      female  NL   35 (<=39) mbo2       true       4      y  y
P3      male    MA   45 (40-49) vmbo      true       10     y  y
P4      male    TR   55 (>=50) none       true       20     y  y
P5      female  IQ   41 (40-49) none      false      -      y  y
P6      other   NL   25 (<=39) hbo_wo     true       1      y  y
P7      female  SY   60 (>=50) primary    true       -      y  -    left: moved 2020-06-01
P8      male    TR   50 (>=50) mbo1       false      -      y  -    did not answer T1
control C1..C3 answer T0 and T2 (no instrument use).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import yaml

STUDY = {
    "contract_version": 1,
    "report_language": "nl",
    "title": "Testonderzoek",
    "subtitle_interim": "Tussenrapport over een testonderzoek",
    "subtitle_final": "Eindrapport over een testonderzoek",
    "title_en": "Test study",
    "subtitle_interim_en": "Interim report on a test study",
    "subtitle_final_en": "Final report on a test study",
    "pilot_name": "Testpilot",
    "pilot_name_en": "Test pilot",
    "client": "Gemeente Test",
    "client_en": "Municipality of Test",
    "authors": ["A. Auteur"],
    "contributors": ["B. Medewerker"],
    "place": "Utrecht",
    "publication_date": "2021-04-01",
    "isbn": "978-0-00-000000-2",
    "isbn_final": "978-0-00-000001-9",
    "study_period": {"start": "2019-11-01", "end": "2021-06-30"},
    "reference_date": "2020-12-31",
    "waves": {
        "T0": {"fieldwork": ["2019-12-15", "2020-08-07"]},
        "T1": {"fieldwork": ["2020-10-15", "2021-01-08"]},
        "T2": {"fieldwork": ["2021-04-01", "2021-06-30"]},
    },
}

_P = [
    # id, group, sex, birth_year, birth_country, generation, education_nl, diploma, prior, years, since, exit_date, exit_reason
    ("P1", "pilot", "female", 1990, "TR", "first", "none", False, False, None, None, None, None),
    ("P2", "pilot", "female", 1985, "NL", "second", "mbo2", False, True, 4, 2, None, None),
    ("P3", "pilot", "male", 1975, "MA", "first", "vmbo", False, True, 10, 5, None, None),
    ("P4", "pilot", "male", 1965, "TR", "first", "none", True, True, 20, None, None, None),
    ("P5", "pilot", "female", 1979, "IQ", "first", "none", False, False, None, None, None, None),
    ("P6", "pilot", "other", 1995, "NL", "none", "hbo_wo", False, True, 1, 1, None, None),
    ("P7", "pilot", "female", 1960, "SY", "first", "primary", False, True, None, None, "2020-06-01", "moved"),
    ("P8", "pilot", "male", 1970, "TR", "first", "mbo1", False, False, None, None, None, None),
    ("C1", "control", "female", 1980, "TR", "first", "none", False, False, None, None, None, None),
    ("C2", "control", "male", 1972, "MA", "first", "vmbo", False, True, 3, 4, None, None),
    ("C3", "control", "female", 1988, "NL", "second", "mbo3_4", False, True, 2, 1, "2021-05-01", "paid_work"),
]

_BACKGROUNDS = [
    ("P1", "TR"), ("P2", "NL"), ("P2", "TR"), ("P3", "MA"), ("P4", "TR"), ("P5", "IQ"),
    ("P6", "NL"), ("P7", "SY"), ("P8", "TR"), ("C1", "TR"), ("C2", "MA"), ("C3", "NL"), ("C3", "MA"),
]

_R = [
    # id, wave, date, paid, unpaid, volunteer, education, ease_society, ease_paid_work, satisfaction_overall, health, contacts
    ("P1", "T0", "2020-01-10", False, False, True, False, 4, 5, None, 6, True),
    ("P2", "T0", "2020-01-11", True, False, False, False, 2, 4, None, 7, True),
    ("P3", "T0", "2020-01-12", False, False, False, False, 5, 5, None, 5, False),
    ("P4", "T0", "2020-01-13", False, False, True, True, 3, 4, None, 4, False),
    ("P5", "T0", "2020-01-14", False, False, False, False, None, 5, None, 5, True),
    ("P6", "T0", "2020-01-15", False, False, False, True, 1, 2, None, 8, True),
    ("P7", "T0", "2020-01-16", False, False, False, False, 4, 5, None, 3, False),
    ("P8", "T0", "2020-01-17", False, True, False, False, 4, 5, None, 6, True),
    ("P1", "T1", "2020-11-10", False, False, False, False, 5, 5, 5, 6, True),
    ("P2", "T1", "2020-11-11", True, False, False, False, 2, 4, 4, 7, True),
    ("P3", "T1", "2020-11-12", False, False, True, False, 4, 5, None, 6, False),
    ("P4", "T1", "2020-11-13", False, False, True, False, 4, None, 2, 4, False),
    ("P5", "T1", "2020-11-14", False, False, False, False, 5, 5, None, 5, True),
    ("P6", "T1", "2020-11-15", False, False, False, True, 2, 3, None, 8, True),
    ("C1", "T0", "2020-01-20", False, False, False, False, 4, 5, None, 5, False),
    ("C2", "T0", "2020-01-21", False, False, True, False, 3, 4, None, 6, True),
    ("C3", "T0", "2020-01-22", True, False, False, False, 2, 4, None, 7, True),
    ("P1", "T2", "2021-04-10", False, False, True, False, 4, 5, None, 7, True),
    ("P2", "T2", "2021-04-11", True, False, False, False, 2, 3, None, 8, True),
    ("P3", "T2", "2021-04-12", True, False, True, False, 4, 4, None, 6, True),
    ("P4", "T2", "2021-04-13", False, False, True, False, 4, 4, None, 5, False),
    ("P5", "T2", "2021-04-14", False, False, False, True, 4, 5, None, 6, True),
    ("P6", "T2", "2021-04-15", False, False, False, True, 2, 3, None, 8, True),
    ("C1", "T2", "2021-04-20", False, False, False, False, 4, 5, None, 5, False),
    ("C2", "T2", "2021-04-21", False, False, False, False, 4, 5, None, 5, True),
]

_BARRIERS = [
    ("P1", "T0", "society", "medical", None), ("P1", "T0", "work", "language", None),
    ("P2", "T0", "society", "none", None), ("P2", "T0", "work", "home", None),
    ("P3", "T0", "society", "medical", None), ("P3", "T0", "work", "medical", None),
    ("P4", "T0", "work", "other", "rugklachten bij tillen"),
    ("P1", "T1", "society", "medical", None), ("P1", "T1", "society", "transport", None),
    ("P2", "T1", "work", "home", None), ("P3", "T1", "work", "language", None),
    ("P5", "T1", "society", "none", None), ("P5", "T1", "work", "none", None),
]

_INSTRUMENTS = [
    ("power", "Activeringscentrum Power", "Activation centre Power", None),
    ("taal_roc", "Taaltraject ROC", "Language course ROC", "ROC van Twente"),
    ("coach", "Taalcoach", "Language coach", None),
    ("unused", "Sollicitatietraining", "Job application training", None),
]

_USE = [
    ("P1", "T1", "power", 5), ("P1", "T1", "taal_roc", 4), ("P2", "T1", "power", 4), ("P4", "T1", "power", None),
]

_NON_USE = [
    ("P3", "T1", "health", None), ("P3", "T1", "other", "wil eerst de taal leren"),
    ("P5", "T1", "health", None), ("P6", "T1", "not_suitable", None),
]


def tiny_tables() -> tuple[dict, dict[str, pd.DataFrame]]:
    """study.yaml contents and the seven tables of the tiny dataset (fresh copies)."""
    participants = pd.DataFrame(_P, columns=[
        "participant_id", "group", "sex", "birth_year", "birth_country", "generation", "education_nl",
        "foreign_diploma_valued", "prior_paid_work_nl", "years_paid_work_nl", "years_since_paid_work_nl",
        "exit_date", "exit_reason"])
    participants.insert(11, "distance", "long")
    participants.insert(12, "neighbourhood", participants["group"].map({"pilot": "Noord-Noord", "control": "Zuid"}))
    participants.insert(13, "start_date", "2019-11-15")
    responses = pd.DataFrame(_R, columns=[
        "participant_id", "wave", "response_date", "paid_work", "unpaid_work", "volunteer_work", "education",
        "ease_society", "ease_paid_work", "satisfaction_overall", "self_rated_health", "enough_social_contacts"])
    responses.insert(3, "mode", "self")
    responses["discrimination_experienced"] = False
    responses["job_search_hours"] = 2.5
    frames = {
        "participants": participants,
        "backgrounds": pd.DataFrame(_BACKGROUNDS, columns=["participant_id", "country"]),
        "responses": responses,
        "barriers": pd.DataFrame(_BARRIERS, columns=["participant_id", "wave", "domain", "barrier", "other_text"]),
        "instrument_use": pd.DataFrame(_USE, columns=["participant_id", "wave", "instrument", "satisfaction"]),
        "non_use_reasons": pd.DataFrame(_NON_USE, columns=["participant_id", "wave", "reason", "other_text"]),
        "instruments": pd.DataFrame(_INSTRUMENTS, columns=["instrument", "label_nl", "label_en", "provider"]),
    }
    return copy.deepcopy(STUDY), frames


def load_tiny(folder: Path, change=None):
    """The tiny dataset written to ``folder`` (after ``change(frames)``) and loaded through validation."""
    from via_reports import load_dataset

    study, frames = tiny_tables()
    if change is not None:
        change(frames)
    return load_dataset(write_dataset(folder, study, frames))


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype(object).where(frame.notna(), None)
    return out.map(lambda v: ("true" if v else "false") if isinstance(v, bool) else ("" if v is None else v))


def write_dataset(folder: Path, study: dict, frames: dict[str, pd.DataFrame], fmt: str = "csv") -> Path:
    """Write a dataset folder in one format: csv, parquet, excel or spss."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.yaml").write_text(yaml.safe_dump(study, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if fmt == "excel":
        with pd.ExcelWriter(folder / "dataset.xlsx") as writer:
            for table, frame in frames.items():
                frame.to_excel(writer, sheet_name=table, index=False)
        return folder
    for table, frame in frames.items():
        if fmt == "csv":
            _csv_frame(frame).to_csv(folder / f"{table}.csv", index=False)
        elif fmt == "parquet":
            frame.to_parquet(folder / f"{table}.parquet", index=False)
        elif fmt == "spss":
            _write_spss(folder / f"{table}.sav", frame)
        else:
            raise ValueError(fmt)
    return folder


def _write_spss(path: Path, frame: pd.DataFrame) -> None:
    """SPSS stores categories as numbers with value labels (Dutch labels here)."""
    import pyreadstat

    from via_reports.data.codebook import load_codebook
    from via_reports.data.contracts import load_contract

    contract = load_contract(path.stem)
    codebook = load_codebook()
    out = frame.copy()
    value_labels = {}
    for column in out.columns:
        spec = contract.columns.get(column)
        if spec is not None and spec.type == "code" and spec.codes != "country":
            codes = list(codebook[spec.codes].codes)
            out[column] = out[column].map(lambda v: None if v is None or pd.isna(v) else float(codes.index(v) + 1))
            value_labels[column] = {float(i + 1): codebook[spec.codes].label(c, "nl") for i, c in enumerate(codes)}
        elif spec is not None and spec.type == "boolean":
            out[column] = out[column].map(lambda v: None if v is None or pd.isna(v) else float(bool(v)))
            value_labels[column] = {1.0: "ja", 0.0: "nee"}
        elif out[column].dtype == object:
            out[column] = out[column].map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    pyreadstat.write_sav(out, str(path), variable_value_labels=value_labels)
