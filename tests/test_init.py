"""`via-reports init FOLDER`: a new study that says what to fill in, and builds once filled in (issue 12)."""

from __future__ import annotations

import csv
import json
import re

import pytest
import yaml

from tiny import STUDY, tiny_tables, write_dataset
from via_reports.cli import main
from via_reports.data.contracts import load_contracts, study_schema
from via_reports.data.dataset import validate_folder
from via_reports.options import options_schema, resolve_options
from via_reports.theme.themes import themes_dir
from via_reports.resources import templates_dir


@pytest.fixture
def new_study(tmp_path, capsys):
    folder = tmp_path / "my-study"
    assert main(["init", str(folder)]) == 0
    assert "New study in" in capsys.readouterr().out
    return folder


def test_init_writes_a_study_to_fill_in(new_study):
    names = sorted(str(p.relative_to(new_study)) for p in new_study.rglob("*") if p.is_file())
    texts = sorted(f"text/nl/{p.name}" for p in (templates_dir() / "text" / "nl").glob("*.md"))
    theme = sorted(f"theme/{p.name}" for p in (themes_dir() / "default").iterdir())
    tables = sorted(f"{table}.csv" for table in load_contracts())
    assert names == sorted(["study.yaml", "report.yaml", *tables, *texts, *theme])
    for table, contract in load_contracts().items():
        with (new_study / f"{table}.csv").open(encoding="utf-8") as handle:
            assert list(csv.reader(handle)) == [list(contract.columns)]
    report = yaml.safe_load((new_study / "report.yaml").read_text(encoding="utf-8"))
    assert report["language"] == "nl" and report["theme"] == "theme"
    assert set(report) <= set(options_schema()["properties"])
    assert resolve_options(new_study, {})["theme"] == str((new_study / "theme").resolve())


def test_every_study_field_is_there_with_a_comment():
    lines = (templates_dir() / "scaffold" / "study.yaml").read_text(encoding="utf-8").splitlines()
    for key in study_schema()["properties"]:
        at = [i for i, line in enumerate(lines) if re.match(rf"(# )?{key}:", line)]
        assert at, f"{key} is missing from the scaffold's study.yaml"
        # the comment is the line above, or the line above the key's group
        above = next(lines[i] for i in range(at[0] - 1, -1, -1) if not re.match(r"[a-z_]+:\s*$", lines[i]))
        assert above.startswith("#"), key


def test_an_empty_new_study_names_every_field_and_table_to_fill_in(new_study, capsys):
    result = validate_folder(new_study)
    missing = {v.column for v in result.violations if v.table == "study"}
    assert {"title", "pilot_name", "client", "authors", "place", "publication_date", "reference_date",
            "study_period.start", "study_period.end", "waves.T0.fieldwork.0"} <= missing
    assert all("fill it in" in v.message for v in result.violations if v.table == "study")
    assert {v.table for v in result.violations if v.rule == "no_rows"} == {"participants", "responses",
                                                                          "instruments"}
    assert main(["validate", str(new_study)]) == 3
    assert "title is missing or empty: fill it in" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--language", "de"], ["--theme", "purple"]])
def test_init_refuses_a_wrong_option(args, tmp_path, capsys):
    assert main(["init", str(tmp_path / "study"), *args]) == 2
    assert not (tmp_path / "study").exists() and list(tmp_path.iterdir()) == []


def test_init_never_writes_into_an_existing_folder(new_study, capsys):
    (new_study / "study.yaml").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(new_study)]) == 2
    assert "exists already" in " ".join(capsys.readouterr().err.split())
    assert (new_study / "study.yaml").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in new_study.parent.iterdir()) == ["my-study"]  # no staging left


@pytest.mark.slow
def test_a_filled_in_study_builds_with_its_own_theme_and_options(new_study, tmp_path):
    study = yaml.safe_load((new_study / "study.yaml").read_text(encoding="utf-8"))
    study.update(STUDY)
    _, frames = tiny_tables()
    write_dataset(new_study, study, frames)
    theme_yaml = new_study / "theme" / "theme.yaml"
    theme_yaml.write_text(theme_yaml.read_text(encoding="utf-8").replace("#005F6B", "#123456"), encoding="utf-8")
    (new_study / "report.yaml").write_text("theme: theme\nmin_n: 2\nalpha: 0.1\nkind: interim\n", encoding="utf-8")
    assert validate_folder(new_study).ok
    out = tmp_path / "report"
    assert main(["build", str(new_study), "--out", str(out), "--wave", "T1", "--quiet"]) == 0
    assert "#123456" in (out / "report.html").read_text(encoding="utf-8")
    parameters = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["report"]["parameters"]
    assert (parameters["min_n"], parameters["alpha"], parameters["theme"]) == (2, 0.1, "theme")
