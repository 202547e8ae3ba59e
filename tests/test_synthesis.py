"""The synthesis across studies: what it reads, its pooled numbers, its words, its report.

The pooled numbers are checked against DerSimonian-Laird written out in
``tests/test_meta_analysis.py``, on studies' published CSVs made here by
hand; the demo programme's synthesis must find the generator's true effect.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_meta_analysis import dersimonian_laird

from via_reports.programme.synthesis_notebook import SynthesisRun
from via_reports.programme.synthesis_text import heterogeneity_named, intro, outcome_text

Z = 1.959963984540054
COLUMNS = ["analysis", "outcome", "estimator", "n_pilot", "n_control", "effect", "ci_low", "ci_high", "p_value",
           "se"]

#: (study, design, effect, se) of paid_work; the fourth study was not assigned by lot.
STUDIES = [("alpha", "by_lot", 0.06, 0.03), ("beta", "by_lot", 0.12, 0.05), ("gamma", "by_lot", -0.01, 0.04),
           ("delta", "not_by_lot", 0.25, 0.06)]


def write_report(folder: Path, design: str, rows: list[dict], *, with_se: bool = True, public: bool = False) -> None:
    """A built report as the synthesis reads it: manifest.json and figures/effects.outcomes.csv."""
    (folder / "figures").mkdir(parents=True)
    manifest = {"report": {"kind": "final", "design": design, "build_key": f"{design}-{folder.parent.name}" * 2,
                           "synthetic": True, "publication_date": "2021-11-22",
                           "parameters": {"public": True} if public else {}}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    columns = COLUMNS if with_se else COLUMNS[:-1]
    with open(folder / "figures" / "effects.outcomes.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def ancova(outcome: str, effect: float, se: float, analysis: str = "primary") -> dict:
    return {"analysis": analysis, "outcome": outcome, "estimator": "ancova", "n_pilot": 50, "n_control": 40,
            "effect": effect, "ci_low": effect - Z * se, "ci_high": effect + Z * se, "p_value": 0.5, "se": se}


@pytest.fixture
def programme(tmp_path):
    """Four studies' reports under out/, and programme.yaml; beta without an se column (an older build)."""
    out = tmp_path / "out"
    for study, design, effect, se in STUDIES:
        rows = [ancova("paid_work", effect, se), ancova("paid_work", 0.9, 0.1, "sensitivity"),
                {**ancova("paid_work", 0.5, 0.2), "estimator": "change_score"},
                ancova("self_rated_health", effect * 2, se * 3)]
        write_report(out / study / "T2-nl", design, rows, with_se=study != "beta")
    # a public edition of alpha as well: the internal one is read
    write_report(out / "alpha" / "T2-nl-public", "by_lot", [ancova("paid_work", 0.0, 0.5)], public=True)
    path = tmp_path / "programme.yaml"
    path.write_text("title: Test\nstudies:\n" + "".join(f"  - {{id: {s[0]}, data: {s[0]}}}\n" for s in STUDIES)
                    + "  - {id: epsilon, data: epsilon}\neditions:\n  - {wave: T2}\n", encoding="utf-8")
    return path


def test_pooled_numbers_equal_a_computation_written_here(programme, tmp_path):
    run = SynthesisRun.from_parameters(str(programme), str(tmp_path / "out"), str(tmp_path / "nb"), "en")
    assert run.missing == ["epsilon"]  # no report: named, not pooled
    assert run.outcomes == ["paid_work", "self_rated_health"]
    studies = run.table[run.table["outcome"] == "paid_work"].set_index("study")
    assert studies.loc["alpha", "effect"] == 0.06  # the internal edition, the primary ancova row
    assert studies["randomized"].to_dict() == {"alpha": True, "beta": True, "gamma": True, "delta": False}
    assert studies.loc["beta", "se"] == pytest.approx(0.05, rel=1e-12)  # from its interval: no se column
    pooled = run.pooled.set_index(["analysis", "outcome"])
    by_lot = [s for s in STUDIES if s[1] == "by_lot"]
    expected = dersimonian_laird([s[2] for s in by_lot], [s[3] for s in by_lot])
    row = pooled.loc[("primary", "paid_work")]
    assert row["k"] == 3
    for name in ("effect", "ci_low", "ci_high", "tau2", "i2", "q_p", "pi_low", "pi_high"):
        assert row[name] == pytest.approx(expected[name], rel=1e-9, abs=1e-12), name
    every = dersimonian_laird([s[2] for s in STUDIES], [s[3] for s in STUDIES])
    assert pooled.loc[("all_studies", "paid_work"), "effect"] == pytest.approx(every["effect"], rel=1e-9)
    assert pooled.loc[("all_studies", "paid_work"), "k"] == 4
    assert list(run.pooled.columns) == ["analysis", "outcome", "k", "effect", "ci_low", "ci_high", "tau2", "i2",
                                        "q_p", "pi_low", "pi_high"]
    assert list(run.table.columns) == ["study", "outcome", "randomized", "n_pilot", "n_control", "effect",
                                       "ci_low", "ci_high", "se"]


def test_the_words_follow_the_rules(programme, tmp_path):
    run = SynthesisRun.from_parameters(str(programme), str(tmp_path / "out"), str(tmp_path / "nb"), "en")
    text = outcome_text("paid_work", run.pooled, "en")
    primary, everyone = text.split("Including the studies not by lot")
    assert "pooled effect of the pilot on paid work" in primary
    assert "effect" not in everyone.replace("causal effect", "")  # without lot: a difference, never an effect
    assert "cannot show a causal effect" in everyone
    row = run.pooled.set_index(["analysis", "outcome"]).loc[("primary", "paid_work")]
    named = heterogeneity_named(row["i2"], row["q_p"])
    assert ("differ from one another more than chance" in text) == named
    assert ("prediction interval" in text) == named
    assert heterogeneity_named(0.5, 0.9) and heterogeneity_named(0.0, 0.09) and not heterogeneity_named(0.49, 0.1)
    assert "fewer than five studies" in intro(4, ["delta"], [], 3, "en")
    assert "minder dan vijf studies" in intro(4, [], [], 4, "nl") and "vijf" not in intro(5, [], [], 5, "nl")
    dutch = outcome_text("paid_work", run.pooled, "nl")
    assert "gepoolde effect van de pilot op betaald werk" in dutch and "geen oorzakelijk effect" in dutch


def test_a_homogeneous_outcome_is_not_called_heterogeneous():
    pooled = pd.DataFrame([{"analysis": "primary", "outcome": "paid_work", "k": 5, "effect": 0.05, "ci_low": 0.01,
                            "ci_high": 0.09, "tau2": 0.0, "i2": 0.0, "q_p": 0.8, "pi_low": 0.0, "pi_high": 0.1}])
    text = outcome_text("paid_work", pooled, "en")
    assert "do not differ from one another more than chance" in text and "demonstrable effect" in text
    assert "prediction interval" not in text


@pytest.mark.slow
def test_the_demo_programme_synthesis_finds_the_true_effect(tmp_path):
    """Each pilot's effects computed as its build computes them (the effects chapter's figure and CSV)."""
    from via_reports.analysis.scope import Scope
    from via_reports.data.dataset import load_dataset
    from via_reports.demo.variants import TRUE_EFFECT_OUTCOME, programme_variants, true_pooled_effect
    from via_reports.figures.effects import outcomes
    from via_reports.programme.demo_programme import write_demo_programme
    from via_reports.programme.programme_file import load_programme

    folder = tmp_path / "p"
    write_demo_programme(folder, 6)
    programme = load_programme(folder / "programme.yaml")
    for study in programme.studies:
        dataset = load_dataset(study.data)
        figure = outcomes(dataset, Scope.for_wave(dataset, "T2"))
        report = tmp_path / "out" / study.id / "T2-nl"
        figure.write_csv(report / "figures")
        from via_reports.analysis.design import recorded_design

        manifest = {"report": {"kind": "final", "design": recorded_design(dataset.participants),
                               "build_key": study.id, "synthetic": True}}
        (report / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    run = SynthesisRun.from_parameters(str(folder / "programme.yaml"), str(tmp_path / "out"), "", "nl")
    row = run.pooled.set_index(["analysis", "outcome"]).loc[("primary", TRUE_EFFECT_OUTCOME)]
    variants = programme_variants(6)
    assert row["k"] == 5  # the pilot not by lot stays out of the primary pooling ...
    assert run.pooled.set_index(["analysis", "outcome"]).loc[("all_studies", TRUE_EFFECT_OUTCOME), "k"] == 6
    assert row["ci_low"] <= true_pooled_effect(variants) <= row["ci_high"]  # ... and the truth is found
    assert np.isfinite(row["pi_low"])


@pytest.mark.slow
def test_the_synthesis_report(programme, tmp_path):
    from via_reports.programme.programme_file import load_programme
    from via_reports.programme.synthesis import build_synthesis

    out = tmp_path / "out" / "synthesis"
    result = build_synthesis(load_programme(programme), tmp_path / "out", out)
    assert result.studies == 4
    for name in ("report.pdf", "report.html", "manifest.json", "notebooks/synthesis.ipynb",
                 "figures/synthesis.studies.csv", "figures/synthesis.pooled.csv",
                 "figures/synthesis.forest.paid_work.csv"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["kind"] == "synthesis"
    assert [s["study"] for s in manifest["report"]["studies"]] == ["alpha", "beta", "gamma", "delta"]
    assert manifest["report"]["studies"][0]["build_key"] == "by_lot-alphaby_lot-alpha"
    assert manifest["report"]["studies"][0]["report"] == "alpha/T2-nl"
    pooled = pd.read_csv(out / "figures" / "synthesis.pooled.csv")
    run = SynthesisRun.from_parameters(str(programme), str(tmp_path / "out"), str(tmp_path / "nb"), "")
    assert pooled["effect"].tolist() == pytest.approx(run.pooled["effect"].tolist(), rel=1e-12)
    assert [f["id"] for f in manifest["figures"]][:2] == ["synthesis.studies", "synthesis.pooled"]
    assert not [p for p in out.parent.iterdir() if ".building-" in p.name]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "delta" in html and "by_lot-alpha" in html
    assert not result.up_to_date
    pdf_written = (out / "report.pdf").stat().st_mtime_ns
    again = build_synthesis(load_programme(programme), tmp_path / "out", out)  # same inputs: nothing to do
    assert again.up_to_date and (out / "report.pdf").stat().st_mtime_ns == pdf_written
    assert again.files == result.files


@pytest.mark.parametrize("language, one, more", [("nl", "Deze studie telt", "Deze studies tellen"),
                                                 ("en", "This study counts", "These studies count")])
def test_the_studies_not_by_lot_are_counted_in_the_sentence(language, one, more):
    from via_reports.programme.synthesis_text import intro

    assert one in intro(6, ["zuidhaven"], [], 5, language) and more not in intro(6, ["zuidhaven"], [], 5, language)
    assert more in intro(6, ["zuidhaven", "beekstad"], [], 4, language)


def test_a_synthesis_is_current_only_with_its_key_and_its_files_as_written(programme, tmp_path):
    from via_reports.fingerprints import file_hash
    from via_reports.programme.programme_file import load_programme
    from via_reports.programme.synthesis import _is_current, synthesis_key

    loaded = load_programme(programme)
    inputs = [{"study": "alpha", "report": "alpha/T2-nl", "design": "by_lot", "build_key": "k1"}]
    key = synthesis_key(loaded, "nl", "default", inputs)
    assert key != synthesis_key(loaded, "en", "default", inputs)
    assert key != synthesis_key(loaded, "nl", "default", [{**inputs[0], "build_key": "k2"}])  # a study rebuilt
    out = tmp_path / "synthesis"
    out.mkdir()
    (out / "report.pdf").write_bytes(b"%PDF as written")
    manifest = {"report": {"kind": "synthesis", "build_key": key},
                "outputs": {"report.pdf": file_hash(out / "report.pdf")}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _is_current(out, key)
    assert not _is_current(out, "another key")
    (out / "report.pdf").write_bytes(b"%PDF changed by hand")
    assert not _is_current(out, key)
    (out / "report.pdf").unlink()
    assert not _is_current(out, key)
    assert not _is_current(tmp_path / "nothing", key)
