"""Chapter notebooks under papermill: the figure CSVs equal counts made by hand.

The tiny dataset (tests/tiny.py) at wave T1: the pilot is P1..P8, the panel
(T0 and T1) is P1..P6. The expected numbers below were counted from the rows
in tiny.py, independently of the figure library.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from via_reports.chapters.execute import run_chapter
from via_reports.chapters.registry import NOTEBOOK_CHAPTERS
from via_reports.exceptions import ChapterError, ParameterError

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
INTERIM_CHAPTERS = [c for c in NOTEBOOK_CHAPTERS if c != "effects"]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    from tiny import tiny_tables, write_dataset

    base = tmp_path_factory.mktemp("tiny-run")
    data = write_dataset(base / "data", *tiny_tables())
    out = base / "out"
    params = {"data_dir": str(data), "wave": "T1", "output_dir": str(out), "language": "nl", "min_n": 2}
    for chapter in INTERIM_CHAPTERS:
        run_chapter(chapter, params, out / "notebooks" / f"{chapter}.ipynb")
    return out


def csv(out: Path, figure_id: str) -> pd.DataFrame:
    return pd.read_csv(out / "figures" / f"{figure_id}.csv", dtype={"answer": str})


def counts(frame: pd.DataFrame, *keys: str) -> dict:
    return {tuple(str(v) for v in row[list(keys)]) if len(keys) > 1 else str(row[keys[0]]): int(row["count"])
            for _, row in frame.iterrows()}


def test_age_sex(tiny_run):
    frame = csv(tiny_run, "participants.age_sex")
    assert list(frame.columns) == ["age_group", "sex", "count", "percent", "n"]
    assert counts(frame, "age_group", "sex") == {
        ("<=39", "female"): 2, ("<=39", "male"): 0, ("<=39", "other"): 1,
        ("40-49", "female"): 1, ("40-49", "male"): 1, ("40-49", "other"): 0,
        (">=50", "female"): 1, (">=50", "male"): 2, (">=50", "other"): 0,
    }
    assert set(frame["n"]) == {8}
    assert frame.loc[(frame.age_group == "<=39") & (frame.sex == "female"), "percent"].item() == 25.0


def test_participation_by_wave(tiny_run):
    frame = csv(tiny_run, "participation.by_wave")
    assert list(frame.columns) == ["wave", "type", "count", "percent", "n"]
    assert counts(frame, "wave", "type") == {
        ("T0", "paid_work"): 1, ("T0", "unpaid_work"): 0, ("T0", "volunteer_work"): 2, ("T0", "education"): 2,
        ("T0", "any"): 4,
        ("T1", "paid_work"): 1, ("T1", "unpaid_work"): 0, ("T1", "volunteer_work"): 2, ("T1", "education"): 1,
        ("T1", "any"): 4,
    }
    assert set(frame["n"]) == {6}  # P7 left, P8 did not answer T1
    assert frame.loc[(frame.wave == "T0") & (frame.type == "any"), "percent"].item() == 66.7


def test_participation_all_waves(tiny_run):
    frame = csv(tiny_run, "participation.all_waves")
    assert counts(frame, "type") == {"paid_work": 1, "unpaid_work": 0, "volunteer_work": 1, "education": 1, "any": 3}


def test_instrument_use_includes_unused_instruments(tiny_run):
    frame = csv(tiny_run, "instruments.use")
    assert counts(frame, "instrument") == {"power": 3, "taal_roc": 1, "coach": 0, "unused": 0, "any": 3}
    assert set(frame["n"]) == {6}


def test_non_use_reasons(tiny_run):
    frame = csv(tiny_run, "instruments.non_use_reasons")
    assert counts(frame, "reason") == {"health": 2, "not_suitable": 1, "not_offered": 0, "no_time": 0,
                                       "has_income": 0, "other": 1}
    assert set(frame["n"]) == {3}


def test_ease_society_with_missing(tiny_run):
    frame = csv(tiny_run, "barriers.ease_society")
    assert counts(frame, "wave", "answer") == {
        ("T0", "1"): 1, ("T0", "2"): 1, ("T0", "3"): 1, ("T0", "4"): 1, ("T0", "5"): 1, ("T0", "missing"): 1,
        ("T1", "1"): 0, ("T1", "2"): 2, ("T1", "3"): 0, ("T1", "4"): 2, ("T1", "5"): 2, ("T1", "missing"): 0,
    }


def test_barriers_by_wave(tiny_run):
    frame = csv(tiny_run, "barriers.by_wave")
    got = counts(frame, "wave", "barrier")
    assert {k: v for k, v in got.items() if k[0] == "T0"} == {
        ("T0", "medical"): 2, ("T0", "transport"): 0, ("T0", "home"): 1, ("T0", "language"): 1,
        ("T0", "other"): 1, ("T0", "none"): 1}
    assert {k: v for k, v in got.items() if k[0] == "T1"} == {
        ("T1", "medical"): 1, ("T1", "transport"): 1, ("T1", "home"): 1, ("T1", "language"): 1,
        ("T1", "other"): 0, ("T1", "none"): 1}


def test_satisfaction_overall_and_per_instrument(tiny_run):
    overall = csv(tiny_run, "satisfaction.overall")
    assert counts(overall, "answer") == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1, "missing": 0}
    power = csv(tiny_run, "satisfaction.power")  # 3 users >= min_n 2
    assert counts(power, "answer") == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1, "missing": 1}
    assert not (tiny_run / "figures" / "satisfaction.taal_roc.csv").exists()  # 1 user < min_n


def test_manifest_lists_every_written_csv(tiny_run):
    manifest = json.loads((tiny_run / "manifest.json").read_text())
    listed = sorted(f for entry in manifest["figures"] for f in entry["files"])
    written = sorted(f"figures/{p.name}" for p in (tiny_run / "figures").glob("*.csv"))
    assert listed == written
    assert set(manifest["chapters"]) == set(INTERIM_CHAPTERS) - {"summary"} | ({"summary"} & set(manifest["chapters"]))


def test_executed_notebooks_read_as_chapters(tiny_run):
    notebook = nbformat.read(str(tiny_run / "notebooks" / "barriers.ipynb"), as_version=4)
    markdown = [o["data"].get("text/markdown", "") for c in notebook.cells for o in c.get("outputs", [])
                if "data" in o]
    assert any(m.startswith("# Ervaren belemmeringen") for m in markdown)
    assert any("Figuur" not in m and "(n=6)" in m for m in markdown)  # captions carry n
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_researcher_runs_papermill_directly(tmp_path):
    """The documented command line, as a researcher types it (demo data)."""
    out = tmp_path / "out"
    out.mkdir()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), str(ROOT / "templates/notebooks/participation.ipynb"),
         str(out / "participation.ipynb"), "-p", "wave", "T1", "-p", "output_dir", str(out)],
        capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    frame = csv(out, "participation.by_wave")
    # published numbers: any participation 54 at T0 and 53 at T1 in the panel of 124
    assert counts(frame, "wave", "type")[("T0", "any")] == 54
    assert counts(frame, "wave", "type")[("T1", "any")] == 53
    assert set(frame["n"]) == {124}


def test_unknown_wave_fails_with_a_clear_chapter_error(tmp_path):
    from tiny import tiny_tables, write_dataset

    study, frames = tiny_tables()
    del study["waves"]["T2"]
    frames["responses"] = frames["responses"][frames["responses"].wave != "T2"]
    data = write_dataset(tmp_path / "data", study, frames)
    with pytest.raises(ChapterError) as info:
        run_chapter("participants", {"data_dir": str(data), "wave": "T2", "output_dir": str(tmp_path / "o")},
                    tmp_path / "o" / "participants.ipynb")
    assert info.value.ename == "ParameterError"
    assert "T2" in info.value.evalue and "declares T0, T1" in info.value.evalue
    assert Path(info.value.notebook_path).is_file()


def test_runner_rejects_unknown_parameter(tmp_path):
    with pytest.raises(ParameterError, match="wvae"):
        run_chapter("participants", {"wvae": "T1"}, tmp_path / "x.ipynb")
