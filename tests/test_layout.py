"""The package as a newcomer meets it: a small root API, one place per default, modules of a readable size."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import via_reports
from via_reports.options import DEFAULT_OPTIONS

ROOT = Path(__file__).resolve().parents[1]


def test_no_module_is_longer_than_550_lines():
    lengths = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
               for p in (ROOT / "via_reports").rglob("*.py")}
    too_long = {name: n for name, n in lengths.items() if n > 550}
    assert not too_long, too_long


def test_the_root_api_is_a_few_names_imported_when_used():
    assert sorted(via_reports.__all__) == sorted([
        "BuildOptions", "ChapterError", "ContractError", "ParameterError", "RenderError", "TextError",
        "ViaReportsError",
        "__version__", "build_report", "load_dataset", "validate_folder"])
    light = subprocess.run(
        [sys.executable, "-c", "import sys, via_reports; "
                               "print(sorted(m for m in ('pandas', 'altair', 'weasyprint', 'pandera') if m in sys.modules))"],
        capture_output=True, text=True, check=True)
    assert light.stdout.strip() == "[]"
    from via_reports.data.dataset import load_dataset
    from via_reports.report.build import build_report

    assert via_reports.load_dataset is load_dataset and via_reports.build_report is build_report


def test_every_default_comes_from_one_place():
    from typer.main import get_command

    from via_reports.analysis.scope import Scope
    from via_reports.chapters.registry import NOTEBOOK_PARAMETERS
    from via_reports.cli import app
    from via_reports.report.build import BuildOptions

    # build_report and the command line: None is "not given", decided by report.yaml, else DEFAULT_OPTIONS
    api = {f.name: f.default for f in dataclasses.fields(BuildOptions)}
    assert all(api[name] is None for name in DEFAULT_OPTIONS)
    resolved = BuildOptions().resolved()
    assert {name: getattr(resolved, name) for name in DEFAULT_OPTIONS} == DEFAULT_OPTIONS
    build = next(c for c in get_command(app).commands.values() if c.name == "build")
    cli = {p.name: p.default for p in build.params}
    assert all(cli[name] is None for name in DEFAULT_OPTIONS)
    notebook = {p.name: p.default for p in NOTEBOOK_PARAMETERS}
    assert {name: notebook[name] for name in ("min_n", "alpha", "theme")} == \
        {name: DEFAULT_OPTIONS[name] for name in ("min_n", "alpha", "theme")}
    # None ("decided by the data") is an empty string in a notebook, whose parameters papermill types
    assert all(notebook[name] == "" for name, value in DEFAULT_OPTIONS.items() if value is None)
    assert (Scope(waves=("T0",)).min_n, Scope(waves=("T0",)).alpha) == (DEFAULT_OPTIONS["min_n"],
                                                                         DEFAULT_OPTIONS["alpha"])


def _table_folders(markdown: str) -> set[str]:
    """The subpackages named in the rows of a Markdown table (`` | `via_reports/data/` | ... ``)."""
    return set(re.findall(r"^\|[^`\n]*`(via_reports/\w+/)` \|", markdown, re.MULTILINE))


def test_readme_and_architecture_describe_the_layout_that_exists():
    """Every subpackage is in the README's layout table and the architecture's layers; every file they name exists."""
    packages = {f"via_reports/{p.parent.name}/" for p in (ROOT / "via_reports").glob("*/__init__.py")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert _table_folders(readme) == packages
    assert _table_folders(architecture) == packages
    named = set(re.findall(r"`((?:via_reports|templates|tests|scripts|docs|data_contracts)/[\w/.<>|-]+)`",
                           readme + architecture))
    missing = [path for path in sorted(named) if "<" not in path and "*" not in path
               and not (ROOT / path.split(" ")[0]).exists()]
    assert missing == []
    # a module named in the text as ``layer.module`` (e.g. ``chapters.execute.run_chapter``) exists;
    # the output formats' files (`report.pdf`, ...: via_reports/formats.py) and `report.yaml`, a
    # dataset's options, are files, not modules
    from via_reports.formats import FORMATS

    files = "|".join(re.escape(f.filename.split(".", 1)[1]) for f in FORMATS.values())
    layers = "|".join(p.rstrip("/").split("/")[1] for p in packages)
    for layer, module in re.findall(rf"`({layers})\.(?!(?:{files}|yaml)`)(\w+)", architecture):
        assert (ROOT / "via_reports" / layer / f"{module}.py").is_file(), f"{layer}.{module}"
