"""The executed notebooks of a report record no local path, in every edition.

data_dir is the dataset's name, output_dir the report folder's name, papermill's
output_path and input_path are relative, a theme folder inside the dataset is
relative to it; no text of a notebook names the folders the build ran in.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from via_reports.report.notebook_paths import settle_notebook_paths
from via_reports.resources import templates_dir


def _executed_notebook(staging: Path, data: Path, theme: str, chapter: str = "barriers") -> Path:
    """A notebook as papermill leaves it: absolute paths in metadata, parameters cell and outputs."""
    source = ["# Parameters\n", f'data_dir = "{data}"\n', 'wave = "T1"\n', f'output_dir = "{staging}"\n',
              f'theme = "{theme}"\n', "min_n = 10\n"]
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": ['data_dir = ""\n'],
             "outputs": [], "execution_count": 1},
            {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": source,
             "outputs": [], "execution_count": 2},
            {"cell_type": "code", "metadata": {}, "source": ["chapter.show('barriers.by_wave')\n"],
             "execution_count": 3, "outputs": [{"output_type": "stream", "name": "stdout", "text": [
                 f"written {staging}/figures/barriers.by_wave.csv\n", f"data {data}/barriers.csv\n",
                 f"{staging}-other stays\n"]}]},
        ],
        "metadata": {"papermill": {
            "input_path": str(templates_dir() / "notebooks" / f"{chapter}.ipynb"),
            "output_path": str(staging / "notebooks" / f"{chapter}.ipynb"),
            "parameters": {"data_dir": str(data), "output_dir": str(staging), "wave": "T1", "theme": theme,
                           "min_n": 10}}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path = staging / "notebooks" / f"{chapter}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize("theme", ["default", "{data}/theme", "{elsewhere}/company-theme"])
def test_settled_notebooks_name_the_dataset_and_the_report_folder_only(tmp_path, theme):
    data, out = tmp_path / "jan.jansen" / "gemeente-x", tmp_path / "jan.jansen" / "rapport-T1"
    staging = out.parent / ".rapport-T1.building-123-abc"
    theme = theme.format(data=data, elsewhere=tmp_path / "elsewhere")
    path = _executed_notebook(staging, data, theme)
    settle_notebook_paths(staging, out, data, theme)
    text = path.read_text(encoding="utf-8")
    other = f"{staging}-other stays"  # another folder whose name starts like the staging folder's: left alone
    assert other in text
    text = text.replace(other, "")
    assert str(tmp_path) not in text and "jan.jansen" not in text and str(templates_dir()) not in text
    notebook = json.loads(path.read_text(encoding="utf-8"))
    papermill = notebook["metadata"]["papermill"]
    recorded_theme = {"default": "default"}.get(theme, "theme" if "gemeente-x" in theme else "company-theme")
    assert papermill["parameters"] == {"data_dir": "gemeente-x", "output_dir": "rapport-T1", "wave": "T1",
                                       "theme": recorded_theme, "min_n": 10}
    assert papermill["output_path"] == "rapport-T1/notebooks/barriers.ipynb"
    assert papermill["input_path"] == "templates/notebooks/barriers.ipynb"
    injected = "".join(notebook["cells"][1]["source"])
    assert 'data_dir = "gemeente-x"\n' in injected and 'output_dir = "rapport-T1"\n' in injected
    assert f'theme = "{recorded_theme}"\n' in injected and "min_n = 10\n" in injected
    printed = "".join(notebook["cells"][2]["outputs"][0]["text"])
    assert "written rapport-T1/figures/barriers.by_wave.csv" in printed
    assert "data gemeente-x/barriers.csv" in printed


def test_the_demo_data_are_recorded_as_no_folder(tmp_path):
    out = tmp_path / "home" / "report"
    staging = out.parent / ".report.building-1-x"
    path = _executed_notebook(staging, Path(""), "neutral")
    settle_notebook_paths(staging, out, None, "neutral")
    papermill = json.loads(path.read_text(encoding="utf-8"))["metadata"]["papermill"]
    assert papermill["parameters"]["output_dir"] == "report"
    assert str(tmp_path) not in path.read_text().replace(f"{staging}-other stays", "")


@pytest.mark.slow
@pytest.mark.parametrize("edition", [[], ["--public", "--min-cell", "3"]])
def test_built_notebooks_carry_no_local_path(edition, tiny_dir, tmp_path):
    from via_reports.cli import main

    shutil.copytree(templates_dir() / "pdf" / "themes" / "neutral", tiny_dir / "theme")
    out = tmp_path / "reports" / "rapport"
    assert main(["build", str(tiny_dir), "--wave", "T2", "--theme", str(tiny_dir / "theme"), "--out", str(out),
                 "--quiet", *edition]) == 0
    for path in sorted((out / "notebooks").glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        assert str(tmp_path) not in text and "/tmp/" not in text and str(Path.home()) + "/" not in text, path.name
        assert str(templates_dir()) not in text, path.name
        papermill = json.loads(text)["metadata"]["papermill"]
        assert papermill["parameters"]["data_dir"] == tiny_dir.name
        assert papermill["parameters"]["output_dir"] == "rapport"
        assert papermill["parameters"]["theme"] == "theme"
        assert papermill["output_path"] == f"rapport/notebooks/{path.name}"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(n for n in manifest["outputs"] if n.startswith("notebooks/"))  # hashed after the rewrite
    from via_reports.fingerprints import file_hash

    for name, digest in manifest["outputs"].items():
        assert file_hash(out / name) == digest, name


def test_extra_paths_are_recorded_by_name_as_the_synthesis_gives_them(tmp_path):
    """The synthesis notebook runs with the programme file and the batch's reports folder: both by name."""
    out = tmp_path / "jan" / "synthesis"
    staging = out.parent / ".synthesis.building-9-z"
    programme, reports = tmp_path / "jan" / "programme.yaml", tmp_path / "jan" / "batch-out"
    path = staging / "notebooks" / "synthesis.ipynb"
    path.parent.mkdir(parents=True)
    notebook = {"cells": [{"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "outputs": [],
                           "execution_count": 1,
                           "source": [f'programme = "{programme}"\n', f'reports = "{reports}"\n',
                                      f'output_dir = "{staging}"\n']}],
                "metadata": {"papermill": {"parameters": {"programme": str(programme), "reports": str(reports),
                                                          "output_dir": str(staging)},
                                           "input_path": "/somewhere/site-packages/x/synthesis.ipynb",
                                           "output_path": str(path)}},
                "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook), encoding="utf-8")
    settle_notebook_paths(staging, out, None, "default", {str(programme): "programme.yaml",
                                                          str(reports): "batch-out"})
    text = path.read_text(encoding="utf-8")
    assert str(tmp_path) not in text and "site-packages" not in text
    settled = json.loads(text)
    assert settled["metadata"]["papermill"]["parameters"] == {"programme": "programme.yaml", "reports": "batch-out",
                                                              "output_dir": "synthesis"}
    assert "".join(settled["cells"][0]["source"]) == ('programme = "programme.yaml"\nreports = "batch-out"\n'
                                                      'output_dir = "synthesis"\n')
