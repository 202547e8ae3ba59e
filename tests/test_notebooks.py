"""Chapter notebooks in a kernel: the figure CSVs equal counts made by hand; notebooks run again.

The tiny dataset (tests/tiny.py) at wave T1: the pilot is P1..P8, the panel
(T0 and T1) is P1..P6. The expected numbers below were counted from the rows
in tiny.py, independently of the figure library. An analyst's way of working
is tested too: open a notebook, run it, edit its parameters, run it again in
the same kernel; and the executed notebooks show their charts as images.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from via_reports.chapters.execute import run_chapter
from via_reports.chapters.kernel import KERNEL_NAME, ChapterKernelManager
from via_reports.chapters.registry import chapter_spec, computed_chapters
from via_reports.exceptions import ChapterError

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
INTERIM_CHAPTERS = computed_chapters("interim")


@pytest.fixture(scope="session")
def tiny_run(made_once):
    """The interim chapters' notebooks run on the tiny data at T1 into one output folder, once."""
    from tiny import tiny_tables, write_dataset

    def make(folder):
        data = write_dataset(folder / "data", *tiny_tables())
        out = folder / "out"
        params = {"data_dir": str(data), "wave": "T1", "output_dir": str(out), "language": "nl", "min_n": 2}
        for chapter in INTERIM_CHAPTERS:
            run_chapter(chapter, params, out / "notebooks" / f"{chapter}.ipynb")

    return made_once("tiny-notebooks", make) / "out"


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
    assert list(manifest["chapters"]) == INTERIM_CHAPTERS
    assert [e["id"] for e in manifest["chapters"]["satisfaction"]] == ["satisfaction.overall", "satisfaction.power"]


def outputs(notebook) -> list[dict]:
    return [o for cell in notebook.cells for o in cell.get("outputs", [])]


def test_executed_notebooks_read_as_chapters(tiny_run):
    notebook = nbformat.read(str(tiny_run / "notebooks" / "barriers.ipynb"), as_version=4)
    markdown = [o["data"]["text/markdown"] for o in outputs(notebook) if "text/markdown" in o.get("data", {})]
    assert markdown[0] == "# Ervaren belemmeringen\n\n*Meetmomenten T0–T1 · Testpilot*"
    captions = [m for m in markdown if m.startswith("**")]
    assert captions == [  # unnumbered (numbers come with the report), each with its n: the panel P1..P6
        "**Hoe makkelijk of moeilijk deelnemen aan de maatschappij is, per meetmoment (n=6)**",
        "**Hoe makkelijk of moeilijk betaald werk vinden en krijgen is, per meetmoment (n=6)**",
        "**Ervaren belemmeringen per meetmoment (n=6)**",
    ]
    assert [o for o in outputs(notebook) if o["output_type"] == "error"] == []


def test_every_chart_is_an_image_in_nbconvert_html(tiny_run):
    """Beside the interactive Vega-Lite, each chart carries SVG and PNG: nbconvert's HTML shows it."""
    from nbconvert import HTMLExporter

    for chapter in INTERIM_CHAPTERS:
        notebook = nbformat.read(str(tiny_run / "notebooks" / f"{chapter}.ipynb"), as_version=4)
        charts = [o["data"] for o in outputs(notebook) if "application/vnd.vegalite.v5+json" in o.get("data", {})]
        figures = json.loads((tiny_run / "manifest.json").read_text())["chapters"][chapter]
        assert len(charts) == len(figures) > 0, chapter
        for data in charts:
            assert data["image/svg+xml"].startswith("<svg") and "Lato, " in data["image/svg+xml"]
            assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
        html, _ = HTMLExporter().from_notebook_node(notebook)
        assert html.count('data-mime-type="image/svg+xml"') == len(figures), chapter


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


@pytest.mark.parametrize(("name", "value", "message"), [
    ("wvae", "T1", "unknown parameter(s) wvae"),
    ("language", "de", "language must be nl or en, not 'de'"),  # the command line's message, not KeyError
    ("alpha", "2", "alpha must lie between 0 and 1, not 2"),
])
def test_papermill_run_by_hand_rejects_a_wrong_parameter(name, value, message, tmp_path):
    """Papermill itself only warns; the notebook's set-up cell stops at a wrong name or value."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), str(ROOT / "templates/notebooks/barriers.ipynb"),
         str(tmp_path / "barriers.ipynb"), "-p", name, value, "-p", "output_dir", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode != 0
    assert f"ParameterError: {message}" in result.stderr + result.stdout
    assert "KeyError" not in result.stderr + result.stdout


def run_all(client, notebook) -> None:
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)  # raises CellExecutionError on any error


@pytest.mark.parametrize("chapter", computed_chapters())
def test_open_run_edit_the_parameters_and_run_again_in_the_same_kernel(chapter, tmp_path):
    """As an analyst in JupyterLab: run the notebook as it comes, then edit its parameters and run it
    again, twice, in the same kernel. Nothing is written into the repository."""
    from nbclient import NotebookClient
    from tiny import tiny_tables, write_dataset

    data = write_dataset(tmp_path / "data", *tiny_tables())
    template = ROOT / "templates" / "notebooks" / f"{chapter}.ipynb"
    notebook = nbformat.read(str(template), as_version=4)
    client = NotebookClient(notebook, kernel_name=KERNEL_NAME, kernel_manager_class=ChapterKernelManager,
                            timeout=600, resources={"metadata": {"path": str(template.parent)}})
    home = tmp_path / "home"  # the default output folder is ~/via-reports-output
    before = sorted(str(p) for p in template.parent.rglob("*"))
    with client.setup_kernel(env={**os.environ, "HOME": str(home)}):
        run_all(client, notebook)  # as opened: the demo data, its last wave
        assert (home / "via-reports-output" / "manifest.json").is_file()
        parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
        parameters.source = (parameters.source.replace("data_dir: str = ''", f"data_dir: str = {str(data)!r}")
                             .replace("language: str = ''", "language: str = 'en'")
                             .replace("output_dir: str = ''", f"output_dir: str = {str(tmp_path / 'out')!r}")
                             .replace("min_n: int = 10", "min_n: int = 2"))
        run_all(client, notebook)
        run_all(client, notebook)
    header = next(o["data"]["text/markdown"] for o in outputs(notebook) if "text/markdown" in o.get("data", {}))
    assert header.startswith(f"# {chapter_spec(chapter).title['en']}\n\n*Waves T0–T2 · Test pilot*")
    assert sorted(str(p) for p in template.parent.rglob("*")) == before
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    written = sorted(f"figures/{p.name}" for p in (tmp_path / "out" / "figures").glob("*.csv"))
    assert sorted(f for entry in manifest["figures"] for f in entry["files"]) == written
    # every chart of the last run (a final report: the effects chapter too) is an image in nbconvert's HTML
    from nbconvert import HTMLExporter

    charts = [o for o in outputs(notebook) if "application/vnd.vegalite.v5+json" in o.get("data", {})]
    assert len(charts) == len(manifest["chapters"][chapter]) > 0
    html, _ = HTMLExporter().from_notebook_node(notebook)
    assert html.count('data-mime-type="image/svg+xml"') == len(charts)
