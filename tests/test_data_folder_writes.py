"""No path a user gives, under any option or notebook parameter, writes inside a data folder (exit 2).

A data folder is the one a command reads, or any folder holding a study.yaml.
Each case checks the exit status, the message, and that the data folder holds
exactly the files it held before, unchanged.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from via_reports.chapters.notebook import ChapterRun
from via_reports.chapters.registry import parameter_defaults
from via_reports.cli import main
from via_reports.exceptions import ParameterError


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _said(capsys) -> str:
    captured = capsys.readouterr()
    return " ".join((captured.out + captured.err).split())


@pytest.fixture
def data(tiny_dir):
    before = _files(tiny_dir)
    yield tiny_dir
    assert _files(tiny_dir) == before, "the data folder was written"
    assert sorted(p.name for p in tiny_dir.iterdir() if p.is_dir()) == []


@pytest.mark.parametrize("cache", ["{data}", "{data}/cache", "{data}/a/b/cache"])
def test_a_cache_folder_in_the_data_folder_is_refused(data, tmp_path, cache, capsys):
    status = main(["build", str(data), "--out", str(tmp_path / "report"), "--cache-dir", cache.format(data=data)])
    text = _said(capsys)
    assert status == 2, text
    assert "the cache folder" in text and "data folder" in text and "Traceback" not in text
    assert not (tmp_path / "report").exists()


def test_xdg_cache_home_in_the_data_folder_is_refused(data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(data / ".cache"))
    assert main(["build", str(data), "--out", str(tmp_path / "report")]) == 2
    assert "XDG_CACHE_HOME" in _said(capsys)


def test_an_output_folder_in_another_data_folder_is_refused(data, tmp_path, tiny, write, capsys):
    other = write(*tiny)  # a second study: its folder is a data folder too
    before = _files(other)
    for out in (other / "report", other / "deep" / "er" / "report"):
        assert main(["build", str(data), "--out", str(out)]) == 2
        assert "lies in the data folder" in _said(capsys)
    assert _files(other) == before and not (other / "deep").exists()


def test_a_violation_report_in_another_data_folder_is_refused(data, tiny, write, capsys):
    other = write(*tiny)
    assert main(["validate", str(data), "--report", str(other / "errors.csv")]) == 2
    assert not (other / "errors.csv").exists()
    assert "lies in the data folder" in _said(capsys)


@pytest.mark.parametrize("command", [["notebooks", "{where}"], ["init", "{where}/new"], ["demo-data", "{where}/new"]])
def test_folders_made_by_other_commands_are_refused_in_a_data_folder(data, command, capsys):
    assert main([part.format(where=data) for part in command]) == 2
    assert "data folder" in _said(capsys)


@pytest.mark.parametrize("where", ["{data}", "{data}/figures", "{data}/../{name}/out"])
def test_a_notebook_output_dir_in_the_data_folder_is_refused(data, where, tmp_path):
    namespace = {**parameter_defaults(), "data_dir": str(data),
                 "output_dir": where.format(data=data, name=data.name)}
    with pytest.raises(ParameterError, match="output_dir.*lies in the data folder"):
        ChapterRun.from_parameters("participants", namespace)


def test_a_notebook_output_dir_in_another_data_folder_is_refused(data, tiny, write):
    other = write(*tiny)
    namespace = {**parameter_defaults(), "data_dir": str(data), "output_dir": str(other)}
    with pytest.raises(ParameterError, match="lies in the data folder"):
        ChapterRun.from_parameters("participants", namespace)
    namespace = {**parameter_defaults(), "data_dir": "", "output_dir": str(other / "sub")}  # the demo data
    with pytest.raises(ParameterError, match="lies in the data folder"):
        ChapterRun.from_parameters("participants", namespace)


def test_a_preview_output_folder_in_the_data_folder_is_refused_before_anything_is_served(data, capsys):
    assert main(["preview", str(data), "--out", str(data / "preview"), "--port", "0"]) == 2
    assert "lies in the data folder" in _said(capsys)


def _programme_file(tmp_path: Path, data: Path) -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(f"title: test programme\nstudies:\n  - {{id: tiny, data: {data}}}\n"
                    "editions:\n  - {wave: T1}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("argv", [["batch", "{programme}", "--out", "{data}/out", "--no-synthesis"],
                                  ["batch", "{programme}", "--out", "{tmp}/out", "--cache-dir", "{data}/cache"],
                                  ["synthesis", "{programme}", "--out", "{data}/synthesis"]])
def test_programme_commands_never_write_into_a_study_folder(data, tmp_path, argv, capsys):
    programme = _programme_file(tmp_path, data)
    status = main([part.format(programme=programme, data=data, tmp=tmp_path) for part in argv])
    assert status == 2, _said(capsys)
    assert "lies in the data folder" in _said(capsys)
    assert not (tmp_path / "out").exists()
