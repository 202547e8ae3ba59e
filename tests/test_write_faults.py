"""A write that fails (a full disk, a quota, a failing device) is exit 5 with a clear message.

Never a traceback, never exit 1, and nothing half-written left behind. The
faults are injected (an OSError where the file is written) and, for a whole
build, real: a tmpfs of a few MB that the report does not fit on (skipped when
the test may not mount one).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from via_reports.cli import main
from via_reports.exceptions import EXIT_RENDER, ChapterError, ParameterError, RenderError
from via_reports.output_paths import writing

NO_SPACE = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/somewhere/file")


def _said(capsys) -> str:
    captured = capsys.readouterr()
    return " ".join((captured.out + captured.err).split())


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EFBIG])
def test_a_device_fault_while_writing_is_a_render_error_naming_file_and_reason(code):
    with pytest.raises(RenderError) as caught, writing("the report /out"):
        raise OSError(code, os.strerror(code), "/out/report.pdf")
    assert caught.value.exit_code == EXIT_RENDER
    assert str(caught.value) == f"the report /out could not be written: {os.strerror(code)} (/out/report.pdf)"


def test_a_chapter_whose_kernel_met_a_full_disk_is_a_write_failure_not_a_chapter_failure():
    full = ChapterError("barriers", "chapter 'barriers' failed", ename="OSError",
                        evalue="[Errno 28] No space left on device: '/out/figures/barriers.by_wave.csv'")
    with pytest.raises(RenderError, match="No space left on device.*could not be written"), writing("the report"):
        raise full
    broken = ChapterError("barriers", "chapter 'barriers' failed", ename="KeyError", evalue="'wave'")
    with pytest.raises(ChapterError), writing("the report"):  # a fault of the chapter stays one (exit 4)
        raise broken
    missing = ChapterError("barriers", "x", ename="FileNotFoundError", evalue="[Errno 2] No such file: 'x'")
    with pytest.raises(ChapterError), writing("the report"):
        raise missing


@pytest.mark.parametrize("suffix", [".csv", ".json"])
@pytest.mark.parametrize("where", ["os.replace", "os.fdopen"])
def test_a_violation_report_on_a_full_disk_is_exit_5_and_leaves_no_file(suffix, where, tiny, write, tmp_path,
                                                                       monkeypatch, capsys):
    import via_reports.data.violation_report as violation_report

    study, frames = tiny
    frames["participants"].loc[0, "sex"] = "unknown"
    folder = write(study, frames)
    report = tmp_path / "reports" / f"errors{suffix}"
    report.parent.mkdir()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(violation_report.os, where.split(".")[1], full)
    assert main(["validate", str(folder), "--report", str(report)]) == 5
    said = _said(capsys)
    assert "could not be written: No space left on device" in said and "Traceback" not in said
    assert list(report.parent.iterdir()) == []  # no report, no temporary file


def test_a_report_folder_on_a_full_disk_is_exit_5_and_a_missing_one_stays_exit_2(tiny, write, tmp_path, monkeypatch,
                                                                               capsys):
    study, frames = tiny
    frames["participants"].loc[0, "sex"] = "unknown"
    folder = write(study, frames)
    monkeypatch.setattr(tempfile, "mkstemp", lambda *a, **k: (_ for _ in ()).throw(NO_SPACE))
    assert main(["validate", str(folder), "--report", str(tmp_path / "errors.csv")]) == 5
    assert "No space left on device" in _said(capsys)
    monkeypatch.undo()
    assert main(["validate", str(folder), "--report", str(tmp_path / "no" / "such" / "errors.csv")]) == 2


def test_a_staging_folder_on_a_full_disk_is_exit_5(tmp_path, monkeypatch):
    import via_reports.report.build as build

    monkeypatch.setattr(build.tempfile, "mkdtemp", lambda *a, **k: (_ for _ in ()).throw(NO_SPACE))
    with pytest.raises(RenderError, match="could not be written: No space left on device"):
        build._staging_folder(tmp_path / "report")
    monkeypatch.setattr(build.tempfile, "mkdtemp",
                        lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EACCES, "Permission denied")))
    with pytest.raises(ParameterError, match="cannot write the report"):  # the path's fault: exit 2 as before
        build._staging_folder(tmp_path / "report")


@pytest.mark.parametrize("command", ["demo-data", "init", "notebooks"])
def test_other_commands_on_a_full_disk_are_exit_5_without_a_traceback(command, tmp_path, monkeypatch, capsys):
    import shutil as shutil_module

    import via_reports.demo.generator as generator
    import via_reports.scaffold as scaffold

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "new" / "x"))

    monkeypatch.setattr(generator, "write_demo", full)
    monkeypatch.setattr(scaffold, "scaffold_study", full)
    monkeypatch.setattr(shutil_module, "copyfile", full)
    assert main([command, str(tmp_path / "new")]) == 5
    said = _said(capsys)
    assert "No space left on device" in said and "Traceback" not in said


# --------------------------------------------------------------------------- a real full disk

@pytest.fixture
def small_disk(tmp_path):
    """A folder on a tmpfs of 2 MB, 4 MB, ... (root only); unmounted after the test."""
    mounted: list[Path] = []

    def make(size: str) -> Path:
        folder = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("mounting a tmpfs needs root")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"a tmpfs cannot be mounted here: {done.stderr.strip()}")
        mounted.append(folder)
        return folder

    yield make
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.slow
def test_a_rebuild_onto_a_full_disk_is_exit_5_and_leaves_nothing(tiny_dir, tmp_path, small_disk, capsys):
    cache = tmp_path / "cache"
    common = [str(tiny_dir), "--wave", "T1", "--cache-dir", str(cache), "--quiet"]
    first = tmp_path / "first"
    assert main(["build", *common, "--out", str(first)]) == 0  # fills the chapter cache
    chapters = sum(p.stat().st_size for folder in ("notebooks", "figures") for p in (first / folder).iterdir())
    rendered = sum((first / name).stat().st_size for name in ("report.pdf", "report.html"))
    # half the cached notebooks fit (their restore fails); all of them do, but not the PDF and HTML
    for size in (chapters // 2, chapters + 64 * 1024 + rendered // 3):
        disk = small_disk(f"{size // 1024}k")
        status = main(["build", *common, "--out", str(disk / "report"), "--force"])
        said = _said(capsys)
        assert status == 5, said
        assert "No space left on device" in said and "Traceback" not in said, said
        assert list(disk.iterdir()) == [], "a failed build leaves nothing, not even its staging folder"


@pytest.mark.slow
def test_a_cold_build_onto_a_full_disk_is_exit_5_not_a_chapter_failure(tiny_dir, tmp_path, small_disk, capsys):
    disk = small_disk("300k")  # the first executed notebooks and figure CSVs do not fit
    status = main(["build", str(tiny_dir), "--wave", "T1", "--out", str(disk / "report"), "--no-cache", "--quiet"])
    said = _said(capsys)
    assert status == 5, said
    assert "No space left on device" in said and "Traceback" not in said
    assert list(disk.iterdir()) == []
