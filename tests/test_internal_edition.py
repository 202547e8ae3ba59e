"""Which edition is built: --internal over public: true, a threshold that asks for a public edition, strict integers.

The rules: docs/disclosure.md ("A threshold asks for a public edition", "--internal"), via_reports/edition.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import via_reports
from via_reports.chapters.notebook import ChapterRun
from via_reports.chapters.registry import check_parameters, parameter_defaults
from via_reports.cli import main
from via_reports.edition import is_public
from via_reports.exceptions import ParameterError
from via_reports.options import resolve_options
from via_reports.report.build import BuildOptions


@pytest.fixture
def data_dir(tmp_path):
    """A folder with a report.yaml only: resolving options reads nothing else."""
    folder = tmp_path / "study"
    folder.mkdir()
    return folder


def report_yaml(folder: Path, text: str) -> Path:
    (folder / "report.yaml").write_text(text, encoding="utf-8")
    return folder


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --------------------------------------------------------------------------- strict integers


@pytest.mark.parametrize("name", ["min_cell", "min_n", "jobs"])
def test_a_whole_number_written_as_2_0_is_refused_in_report_yaml(data_dir, name):
    report_yaml(data_dir, f"public: true\n{name}: 2.0\n")
    with pytest.raises(ParameterError, match=re.escape(f"report.yaml, line 2: {name} must be a whole number, "
                                                       "not 2.0")):
        resolve_options(data_dir, {})


@pytest.mark.parametrize("name", ["min_cell", "min_n"])
def test_a_whole_number_written_as_2_0_is_refused_by_build_report(name, tmp_path):
    out = tmp_path / "never-written"
    with pytest.raises(ParameterError, match=re.escape(f"{name} must be a whole number, not 2.0")):
        via_reports.build_report(**{name: 2.0}, public=True, out=out)
    assert not out.exists()


@pytest.mark.parametrize("option", ["--min-cell", "--min-n"])
def test_a_whole_number_written_as_2_0_is_refused_on_the_command_line(option, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), "--public", option, "2.0", "--quiet"]) == 2
    assert "'2.0' is not a whole number" in flat(capsys.readouterr().err)
    assert not out.exists()


@pytest.mark.parametrize("name", ["min_cell", "min_n"])
def test_a_whole_number_written_as_2_0_is_refused_as_a_notebook_parameter(name):
    with pytest.raises(ParameterError, match=re.escape(f"parameter {name} must be of type int, not 2.0")):
        check_parameters({"public": True, name: 2.0})
    with pytest.raises(ParameterError, match=re.escape(f"parameter {name} must be of type int, not 2.0")):
        ChapterRun.from_parameters("participants", {**parameter_defaults(), "public": True, name: 2.0})


def test_true_is_no_whole_number_and_numpy_integers_are():
    import numpy as np

    assert resolve_options(None, {"min_cell": np.int64(7)})["min_cell"] == 7
    with pytest.raises(ParameterError, match="min_n must be a whole number, not True"):
        resolve_options(None, {"min_n": True})


# --------------------------------------------------------------------------- a threshold asks for a public edition


def test_min_cell_alone_on_the_command_line_builds_the_public_edition():
    built = BuildOptions(min_cell=10).resolved()
    assert (built.public, built.min_cell) == (True, 10)
    assert BuildOptions().resolved().public is False


def test_min_cell_alone_in_report_yaml_asks_for_the_public_edition(data_dir):
    report_yaml(data_dir, "min_cell: 10\n")
    built = BuildOptions(data_dir=data_dir).resolved()
    assert (built.public, built.min_cell) == (True, 10)
    # an explicit public=False given to build_report overrides report.yaml, as every option does
    assert BuildOptions(data_dir=data_dir, public=False).resolved().public is False


def test_min_cell_beside_public_false_is_a_contradiction(data_dir):
    report_yaml(data_dir, "public: false\nmin_cell: 10\n")
    with pytest.raises(ParameterError, match="min_cell 10 is the threshold of a public edition, but public is false"):
        BuildOptions(data_dir=data_dir).resolved()
    with pytest.raises(ParameterError, match="but public is false"):
        BuildOptions(public=False, min_cell=10).resolved()


def test_min_cell_given_to_a_notebook_asks_for_the_public_edition(tmp_path):
    def scope(**given):
        run = ChapterRun.from_parameters("participants", {**parameter_defaults(), "output_dir": str(tmp_path),
                                                          **given})
        return run.scope.public, run.scope.min_cell

    assert scope(min_cell=10) == (True, 10)  # changed by hand from its default
    assert scope(In=["# Parameters\nmin_cell = 5\n"]) == (True, 5)  # papermill -p min_cell 5: given
    assert scope()[0] is False  # the default, not given: the internal edition


# --------------------------------------------------------------------------- --internal


def test_internal_overrides_public_true_in_report_yaml(data_dir):
    report_yaml(data_dir, "public: true\nmin_cell: 10\nmin_n: 3\n")
    built = BuildOptions(data_dir=data_dir, internal=True).resolved()
    assert (built.public, built.internal, built.min_n) == (False, True, 3)  # the file's other options stay


def test_internal_overrides_public_true_in_study_yaml():
    assert is_public(False, False, {"public": True}) is True
    assert is_public(False, True, {"public": True}) is False
    assert is_public(True, False, {}) is True and is_public(False, False, {}) is False


@pytest.mark.parametrize("flags", [["--public"], ["--min-cell", "10"], ["--public", "--min-cell", "7"]])
def test_internal_with_public_or_min_cell_is_exit_2(flags, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), "--internal", *flags, "--quiet"]) == 2
    assert "contradict each other" in flat(capsys.readouterr().err)
    assert not out.exists()


def test_internal_with_public_is_refused_by_build_report_and_preview(tmp_path, capsys):
    with pytest.raises(ParameterError, match="--internal and --public contradict each other"):
        via_reports.build_report(internal=True, public=True, out=tmp_path / "out")
    assert main(["preview", str(tmp_path), "--internal", "--public", "--port", "0"]) == 2


@pytest.mark.parametrize("given", [{"public": True}, {"min_cell": 10}])
def test_internal_with_public_or_min_cell_is_refused_as_notebook_parameters(given):
    with pytest.raises(ParameterError, match="contradict each other"):
        ChapterRun.from_parameters("participants", {**parameter_defaults(), "internal": True, **given})


def test_internal_changes_the_build_key_only_when_given():
    from via_reports.report.freshness import build_key

    assert build_key(BuildOptions(wave="T1")) != build_key(BuildOptions(wave="T1", internal=True))
    assert build_key(BuildOptions(wave="T1")) == build_key(BuildOptions(wave="T1", internal=False))
