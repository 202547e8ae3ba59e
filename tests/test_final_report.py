"""The final report (T0-T2): effects chapter, three-wave chapters, small or absent control groups."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from effects_data import independent_estimates
from pypdf import PdfReader
from registry_numbers import figure_number

from via_reports.report.build import BuildOptions, build_report

pytestmark = pytest.mark.slow

OUTCOMES = ["any_participation", "paid_work", "volunteer_work", "ease_society_difficult",
            "ease_paid_work_difficult", "self_rated_health", "enough_social_contacts", "discrimination_experienced",
            "job_search_hours"]
EDUCATION_LOW = ("none", "primary", "vmbo", "mbo1")


def pdf_text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))


def outcome_values(responses: pd.DataFrame, outcome: str) -> pd.Series:
    """One value per response row, computed from the raw CSV columns (independently of via_reports)."""
    def boolean(column):
        return responses[column].map({"true": 1.0, "false": 0.0})

    if outcome == "any_participation":
        parts = [boolean(c) for c in ("paid_work", "unpaid_work", "volunteer_work", "education")]
        return pd.concat(parts, axis=1).max(axis=1)
    if outcome in ("paid_work", "volunteer_work", "enough_social_contacts", "discrimination_experienced"):
        return boolean(outcome)
    if outcome.endswith("_difficult"):
        ease = pd.to_numeric(responses[outcome.removesuffix("_difficult")], errors="coerce")
        return (ease >= 4).astype(float).where(ease.notna())
    return pd.to_numeric(responses[outcome], errors="coerce")


def person_frames(folder) -> dict[str, pd.DataFrame]:
    """Per outcome: every participant with y0, y2, pilot and the covariates, from the raw CSVs and study.yaml."""
    import yaml

    study = yaml.safe_load((folder / "study.yaml").read_text())
    t2_end = str(study["waves"]["T2"]["fieldwork"][1])
    reference_year = int(str(study["reference_date"])[:4])
    people = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False).set_index("participant_id")
    responses = pd.read_csv(folder / "responses.csv", dtype=str, keep_default_na=False).replace("", np.nan)
    left_for_work = people.index[(people.exit_reason == "paid_work") & (people.exit_date != "")
                                 & (people.exit_date <= t2_end)]
    base = pd.DataFrame({
        "pilot": (people.group == "pilot").astype(float), "female": (people.sex == "female").astype(float),
        "age": reference_year - people.birth_year.astype(float), "born_nl": (people.birth_country == "NL").astype(float),
        "education_low": people.education_nl.isin(EDUCATION_LOW).astype(float),
        "distance_long": (people.distance == "long").astype(float)})
    frames = {}
    for outcome in OUTCOMES:
        values = responses.assign(value=outcome_values(responses, outcome)).pivot(
            index="participant_id", columns="wave", values="value").reindex(people.index)
        y2 = values["T2"].copy()
        if outcome in ("paid_work", "any_participation"):  # statistics v3: leaving for work settles both
            y2[y2.index.isin(left_for_work)] = 1.0
        frames[outcome] = base.assign(y0=values["T0"], y2=y2)
    return frames


def test_effects_csv_equals_an_independent_computation(final, demo_data):
    out = final
    written = pd.read_csv(out / "figures" / "effects.outcomes.csv")
    people = pd.read_csv(demo_data / "participants.csv", dtype=str, keep_default_na=False).set_index("participant_id")
    by_lot = people.randomized == "true"
    analyses = {"primary": people.index[by_lot], "sensitivity": people.index}
    frames = person_frames(demo_data)
    v3 = ("ancova_ipw", "bound_low", "bound_high")  # checked in test_effects_v3 and below
    assert list(written[["analysis", "outcome", "estimator"]].itertuples(index=False, name=None)) == [
        (a, o, e) for a in analyses for o in OUTCOMES
        for e in ("ancova", "ancova_covariates", "change_score", *v3)
        if not (e.startswith("bound") and o in ("self_rated_health", "job_search_hours"))]
    written = written[~written.estimator.isin(v3)]
    for analysis, ids in analyses.items():
        for outcome in OUTCOMES:
            want = independent_estimates(frames[outcome].loc[ids])
            rows = written[(written.analysis == analysis) & (written.outcome == outcome)]
            for _, row in rows.iterrows():
                for column, value in want[row["estimator"]].items():
                    assert row[column] == pytest.approx(value, abs=1e-6, nan_ok=True), (analysis, outcome, column)


def test_v3_rows_of_the_demo_equal_an_independent_computation(final, demo_data):
    """ancova_ipw (smf.logit + smf.wls), the bounds and p_holm (Holm by hand) of the demo's CSV."""
    from test_effects_v3 import expected_bounds, expected_ipw, holm_by_hand

    written = pd.read_csv(final / "figures" / "effects.outcomes.csv")
    people = pd.read_csv(demo_data / "participants.csv", dtype=str, keep_default_na=False).set_index("participant_id")
    analyses = {"primary": people.index[people.randomized == "true"], "sensitivity": people.index}
    frames = person_frames(demo_data)
    for analysis, ids in analyses.items():
        rows = written[written.analysis == analysis]
        for outcome in OUTCOMES:
            mine = rows[rows.outcome == outcome].set_index("estimator")
            for column, value in expected_ipw(frames[outcome].loc[ids]).items():
                assert mine.loc["ancova_ipw", column] == pytest.approx(value, abs=1e-9), (analysis, outcome, column)
            if outcome not in ("self_rated_health", "job_search_hours"):
                for name, want in expected_bounds(frames[outcome].loc[ids]).items():
                    for column, value in want.items():
                        assert mine.loc[name, column] == pytest.approx(value, abs=1e-9), (analysis, outcome, name)
        for estimator, family in rows.groupby("estimator"):
            if estimator.startswith("bound"):
                continue
            secondary = family[family.outcome != "paid_work"].dropna(subset=["p_value"])
            assert list(secondary.p_holm) == pytest.approx(holm_by_hand(list(secondary.p_value)), abs=1e-9)


def test_final_report_has_the_effects_chapter_and_final_title(final):
    out = final
    report = json.loads((out / "manifest.json").read_text())["report"]
    assert (report["kind"], report["parameters"]["wave"]) == ("final", "T2")
    text = pdf_text(out / "report.pdf")
    assert "Eindrapport over onderzoek naar de VIA-pilot in Enschede" in text
    assert "Effecten: pilot en controlegroep" in text
    numbers = {f["id"]: f["number"] for f in json.loads((out / "manifest.json").read_text())["figures"]}
    assert f"Figuur {numbers['effects.outcomes']}. Effect van de pilot per uitkomst, gecorrigeerd voor de " \
           "beginsituatie" in text  # found by its id, not by its place in the chapter
    assert "geen aantoonbaar effect" in text  # the demo's intervals all include zero
    assert "werkt" not in text.split("Effecten: pilot en controlegroep")[-1].split("Conclusie")[0]
    manifest = json.loads((out / "manifest.json").read_text())
    assert "effects.outcomes" in {f["id"] for f in manifest["figures"]}
    assert (out / "notebooks" / "effects.ipynb").is_file()


def test_three_wave_chapters(final):
    out = final
    by_wave = pd.read_csv(out / "figures" / "participation.by_wave.csv")
    assert sorted(by_wave.wave.unique()) == ["T0", "T1", "T2"]
    panel = by_wave.n.unique()
    assert len(panel) == 1 and panel[0] == 112  # pilot participants who answered T0, T1 and T2
    ease = pd.read_csv(out / "figures" / "barriers.ease_society.csv")
    assert sorted(ease.wave.unique()) == ["T0", "T1", "T2"]
    use = pd.read_csv(out / "figures" / "instruments.use.csv")
    assert use.n.unique().tolist() == [115]  # respondents of the last wave, T2


# --------------------------------------------------------------------------- small or no control group

def _tiny_t2(drop_control: bool):
    from tiny import tiny_tables

    study, frames = tiny_tables()
    if drop_control:
        control = frames["participants"].group == "control"
        ids = set(frames["participants"][control].participant_id)
        for table, frame in frames.items():
            if "participant_id" in frame:
                frames[table] = frame[~frame.participant_id.isin(ids)].reset_index(drop=True)
    return study, frames


def test_few_control_respondents_still_build_and_say_too_small(tmp_path):
    from tiny import write_dataset

    data = write_dataset(tmp_path / "data", *_tiny_t2(drop_control=False))
    out = tmp_path / "out"
    result = build_report(BuildOptions(data_dir=data, out=out, wave="T2"))
    assert result.scope.kind == "final"
    text = pdf_text(out / "report.pdf")
    assert "te klein" in text
    assert ": aantoonbaar verschil." not in text  # no per-outcome claim from two control respondents


def test_no_control_group_builds_an_interim_style_report_with_a_note(tmp_path):
    from tiny import write_dataset

    data = write_dataset(tmp_path / "data", *_tiny_t2(drop_control=True))
    out = tmp_path / "out"
    result = build_report(BuildOptions(data_dir=data, out=out, wave="T2"))
    assert result.scope.kind == "interim" and result.scope.waves == ("T0", "T1", "T2")
    text = pdf_text(out / "report.pdf")
    assert "geen controlegroep" in text
    assert "Effecten: pilot en controlegroep" not in text
    assert not (out / "notebooks" / "effects.ipynb").exists()


def test_english_final_report_title_and_date(edition):
    out = edition("demo", "T2", "en")
    reader = PdfReader(str(out / "report.pdf"))
    assert reader.metadata.title == "Neighbourhood-based, intensive support for integration into the labour market"
    assert str(reader.trailer["/Root"]["/Lang"]).lower().startswith("en")
    text = pdf_text(out / "report.pdf")
    assert "Final report on the study of the VIA pilot in Enschede" in text
    assert "Utrecht, November 2021" in text
    assert f"Figure {figure_number('participants.age_sex', 'final')}. Participants by age group and sex (n=134)" in text
    assert "Contents" in text and "Colophon" in text and "Inhoud" not in text
