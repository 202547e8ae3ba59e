"""The command line and the Python API follow the usual conventions and share one
set of options (issue 12): -h, --version, flags without placeholders, completion,
--alpha, a wrong option is exit 2 with the same message everywhere, report.yaml."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import via_reports
from via_reports.chapters.registry import check_parameters
from via_reports.cli import main
from via_reports.exceptions import ParameterError
from via_reports.options import DEFAULT_OPTIONS, options_schema, resolve_options
from via_reports.report.build import BuildOptions

COMMANDS = [[], ["validate"], ["build"], ["demo-data"], ["init"], ["notebooks"], ["kernel"], ["kernel", "install"],
            ["preview"]]


def help_text(args: list[str], capsys) -> str:
    assert main([*args, "-h"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "via-reports")
def test_every_command_has_short_help_without_placeholders_or_repo_paths(args, capsys):
    text = help_text(args, capsys)
    assert text.startswith("Usage: via-reports")
    assert "<bool>" not in text and "BOOLEAN" not in text
    # flags take no value: '--force', '--quiet' stand alone on their line
    for flag in re.findall(r"(--[a-z-]+)( \S+)?\s{2,}", text):
        if flag[0] in ("--force", "--quiet", "--sys-prefix", "--version", "--help"):
            assert flag[1] == "", flag
    assert not re.search(r"templates/|via_reports/|data_contracts/|site-packages", text)


def test_version_and_completion(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"via-reports {via_reports.__version__}"
    text = help_text([], capsys)
    assert "--install-completion" in text and "--show-completion" in text


def test_version_of_the_installed_console_script():
    script = Path(sys.executable).parent / "via-reports"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == f"via-reports {via_reports.__version__}"


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--language", "de", "language must be nl or en, not 'de'"),
    ("--kind", "midterm", "kind must be interim or final, not 'midterm'"),
    ("--wave", "T9", "wave must be T0, T1 or T2, not 'T9'"),
    ("--alpha", "1.5", "alpha must lie between 0 and 1, not 1.5"),
    ("--min-n", "0", "min_n must be at least 1, not 0"),
    ("--jobs", "0", "jobs must be at least 1, not 0"),
    ("--min-cell", "1", "min_cell must be at least 2, not 1"),
    ("--theme", "purple", "theme 'purple' not found"),
])
def test_a_wrong_build_option_is_exit_2_and_builds_nothing(option, value, message, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), option, value, "--quiet"]) == 2
    assert message in re.sub(r"\s+", " ", capsys.readouterr().err)
    assert not out.exists()


def test_preview_takes_the_builds_report_options(tiny_dir, monkeypatch):
    import via_reports.preview

    served = []
    monkeypatch.setattr(via_reports.preview, "preview", lambda options, port, say: served.append((options, port)))
    assert main(["preview", str(tiny_dir), "--port", "0", "--wave", "T1", "--language", "en",
                 "--public", "--min-cell", "3"]) == 0
    [(options, port)] = served
    assert (options.wave, options.language, options.public, options.min_cell, port) == ("T1", "en", True, 3, 0)
    assert main(["preview", str(tiny_dir), "--public", "--min-cell", "1"]) == 2  # refused before serving
    assert len(served) == 1


@pytest.mark.parametrize(("name", "value", "message"), [
    ("language", "de", "language must be nl or en, not 'de'"),
    ("kind", "midterm", "kind must be interim or final, not 'midterm'"),
    ("alpha", 1.5, "alpha must lie between 0 and 1, not 1.5"),
    ("min_n", 0, "min_n must be at least 1, not 0"),
    ("wave", "T9", "wave must be T0, T1 or T2, not 'T9'"),
    ("min_cell", 1, "min_cell must be at least 2, not 1"),
])
def test_notebook_parameters_get_the_command_lines_message(name, value, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        check_parameters({name: value})
    with pytest.raises(ParameterError, match=re.escape(message)):
        via_reports.build_report(**{name: value}, out="never-written")
    assert not Path("never-written").exists()


def test_notebooks_are_copied_out_of_the_package_never_over_a_file(tmp_path, capsys):
    from via_reports.chapters.registry import computed_chapters

    assert main(["notebooks", str(tmp_path / "nb")]) == 0
    assert sorted(p.stem for p in (tmp_path / "nb").iterdir()) == sorted(computed_chapters())
    assert "via-reports kernel install" in " ".join(capsys.readouterr().out.split())
    (tmp_path / "nb" / "barriers.ipynb").write_text("mine", encoding="utf-8")
    assert main(["notebooks", str(tmp_path / "nb")]) == 2
    assert (tmp_path / "nb" / "barriers.ipynb").read_text(encoding="utf-8") == "mine"
    # a link, even to nothing yet, is never written through
    (tmp_path / "nb2").mkdir()
    (tmp_path / "nb2" / "barriers.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")
    assert main(["notebooks", str(tmp_path / "nb2")]) == 2
    assert not (tmp_path / "elsewhere.ipynb").exists()


def test_validate_refuses_a_wrong_language(capsys):
    assert main(["validate", "--language", "de", "--quiet"]) == 2
    assert "language must be nl or en, not 'de'" in capsys.readouterr().err


# --------------------------------------------------------------------------- one set of defaults


def test_the_schema_is_the_one_source_of_defaults():
    assert DEFAULT_OPTIONS == {name: spec.get("default") for name, spec in options_schema()["properties"].items()}


def test_the_command_line_help_shows_the_schemas_defaults(capsys):
    text = re.sub(r"\s+", " ", help_text(["build"], capsys))
    for name in ("theme", "jobs", "min_n", "alpha", "min_cell"):
        assert f"else {DEFAULT_OPTIONS[name]})" in text, name


def test_the_root_api_is_documented():
    for name in ("build_report", "validate_folder", "load_dataset", "BuildOptions"):
        value = getattr(via_reports, name)
        assert value.__doc__ and len(value.__doc__) > 80, name
        assert name in via_reports.__all__ and name in dir(via_reports)
    assert "report.yaml" in via_reports.build_report.__doc__
    result = via_reports.validate_folder()
    assert result.ok and not result.violations


# --------------------------------------------------------------------------- report.yaml


def report_yaml(folder: Path, text: str) -> Path:
    (folder / "report.yaml").write_text(text, encoding="utf-8")
    return folder


def test_report_yaml_sets_the_options_and_the_command_line_overrides_them(tiny_dir):
    report_yaml(tiny_dir, "language: en\nmin_n: 3\nalpha: 0.1\n")
    options = resolve_options(tiny_dir, {})
    assert (options["language"], options["min_n"], options["alpha"]) == ("en", 3, 0.1)
    assert options["theme"] == DEFAULT_OPTIONS["theme"]
    options = resolve_options(tiny_dir, {"language": "nl", "alpha": None})
    assert (options["language"], options["alpha"]) == ("nl", 0.1)
    built = BuildOptions(data_dir=tiny_dir, min_n=5).resolved()
    assert (built.language, built.min_n) == ("en", 5)
    assert (built.public, built.min_cell) == (False, 5)


def test_report_yaml_asks_for_a_public_edition(tiny_dir):
    report_yaml(tiny_dir, "public: true\nmin_cell: 7\n")
    built = BuildOptions(data_dir=tiny_dir).resolved()
    assert (built.public, built.min_cell) == (True, 7)
    assert BuildOptions(data_dir=tiny_dir, min_cell=3).resolved().min_cell == 3


@pytest.mark.parametrize(("text", "line", "message"), [
    ("language: en\nlangauge: en\n", 2, "unknown option 'langauge'"),
    ("alpha: high\n", 1, "alpha must be a number, not 'high'"),
    ("public: 'yes'\n", 1, "public must be true or false, not 'yes'"),
    ("public: true\nmin_cell: 1\n", 2, "min_cell must be at least 2, not 1"),
    ("min_n: 5\ntheme: ../elsewhere\n", 2, "theme"),
    ("base: &b en\nlanguage: *b\n", 2, "alias"),
    ("- language\n", 1, "must be a mapping"),
])
def test_a_wrong_report_yaml_is_named_with_its_line(tiny_dir, text, line, message, capsys):
    report_yaml(tiny_dir, text)
    with pytest.raises(ParameterError, match=re.escape(message)) as error:
        resolve_options(tiny_dir, {})
    assert str(error.value).startswith(str(tiny_dir / "report.yaml") + (f", line {line}: " if line else ": "))
    # validate reports it with the data, build refuses before anything runs
    result = via_reports.validate_folder(tiny_dir)
    assert [(v.table, v.row) for v in result.violations if message in v.message] == [("report", line)]
    assert main(["build", str(tiny_dir), "--out", str(tiny_dir.parent / "out"), "--quiet"]) == 2
    assert not (tiny_dir.parent / "out").exists()


def test_a_linked_report_yaml_is_refused(tiny_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("language: en\n", encoding="utf-8")
    (tiny_dir / "report.yaml").symlink_to(elsewhere)
    with pytest.raises(ParameterError, match="link"):
        resolve_options(tiny_dir, {})


def test_a_theme_folder_in_report_yaml_is_the_datasets(tiny_dir):
    (tiny_dir / "look").mkdir()
    report_yaml(tiny_dir, "theme: look\n")
    assert resolve_options(tiny_dir, {})["theme"] == str((tiny_dir / "look").resolve())
    assert yaml.safe_load((tiny_dir / "report.yaml").read_text()) == {"theme": "look"}  # read, never changed
