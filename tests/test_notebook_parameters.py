"""Notebook parameters: unknown or badly typed ones are errors, not warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from via_reports.chapters.execute import check_parameters as check_runner_parameters
from via_reports.chapters.execute import declared_parameters
from via_reports.chapters.notebook import PARAMETERS, check_parameters
from via_reports.chapters.registry import NOTEBOOK_CHAPTERS
from via_reports.exceptions import ParameterError

ROOT = Path(__file__).resolve().parents[1]


def namespace(**overrides):
    values = dict(PARAMETERS)
    values.update(overrides)
    return {"In": [], "Out": {}, "get_ipython": lambda: None, "_i1": "", "json": json, **values}


def test_declared_parameters_pass():
    assert check_parameters(namespace(wave="T2")) == {**PARAMETERS, "wave": "T2"}


def test_an_injected_unknown_parameter_is_an_error():
    with pytest.raises(ParameterError, match="unknown parameter.*wvae"):
        check_parameters(namespace(wvae="T1"))


@pytest.mark.parametrize("name, value", [("wave", None), ("min_n", "ten"), ("min_n", True), ("language", 3)])
def test_badly_typed_parameter_is_an_error(name, value):
    with pytest.raises(ParameterError, match=name):
        check_parameters(namespace(**{name: value}))


def test_missing_parameter_is_an_error():
    values = namespace()
    del values["output_dir"]
    with pytest.raises(ParameterError, match="missing parameter.*output_dir"):
        check_parameters(values)


def test_bad_kind_is_an_error():
    with pytest.raises(ParameterError, match="kind"):
        check_parameters(namespace(kind="weekly"))


@pytest.mark.parametrize("chapter", NOTEBOOK_CHAPTERS)
def test_every_notebook_declares_exactly_the_parameters(chapter):
    declared = declared_parameters(ROOT / "templates" / "notebooks" / f"{chapter}.ipynb")
    assert list(declared) == list(PARAMETERS)


def test_runner_rejects_unknown_parameter_before_starting_a_kernel():
    with pytest.raises(ParameterError, match="unknown parameter.*colour"):
        check_runner_parameters(ROOT / "templates" / "notebooks" / "barriers.ipynb", {"colour": "red"})


def test_committed_notebooks_match_their_generator():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notebooks.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
