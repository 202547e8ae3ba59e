"""The README's examples run as written, in an empty folder, as a pip user types them (issue 12).

Every ``bash`` and ``python`` block of "## Using it" runs in document order
in one fresh folder, with only the package's console scripts on the PATH and
Jupyter's user folder in that folder (so ``via-reports kernel install`` is the
only registration papermill finds). The ``yaml`` block of report.yaml must be a
valid report.yaml.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from via_reports.options import check_options

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def examples() -> list[tuple[str, str]]:
    """The code blocks of the section "## Using it" (the set-up and the developers' tools come elsewhere)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## Using it")
    section = text[start:text.index("\n## ", start)]
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(section)]


def test_the_readme_has_examples_of_every_command():
    commands = "\n".join(code for language, code in examples() if language == "bash")
    for command in ("demo-data", "validate", "build", "init", "notebooks", "kernel install", "papermill"):
        assert f"{command} " in commands, command
    assert any(language == "python" and "build_report" in code for language, code in examples())


def test_the_readme_report_yaml_is_valid():
    blocks = [yaml.safe_load(code) for language, code in examples() if language == "yaml"]
    assert len(blocks) == 1
    check_options(blocks[0])


@pytest.mark.slow
def test_the_readme_examples_run_as_written_in_a_fresh_folder(tmp_path):
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
           "HOME": str(tmp_path / "home"), "JUPYTER_DATA_DIR": str(tmp_path / "home" / "jupyter"),
           "JUPYTER_PREFER_ENV_PATH": "0"}
    printed = {}
    for language, code in examples():
        if language == "bash":
            command = ["bash", "-euo", "pipefail", "-c", code]
        elif language == "python":
            command = [sys.executable, "-c", code]
        else:
            continue
        result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800)
        assert result.returncode == 0, f"{code}\n---\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        printed[language] = printed.get(language, "") + result.stdout
    assert (tmp_path / "report-T1" / "report.pdf").is_file()
    assert (tmp_path / "errors.csv").is_file() and (tmp_path / "new-study" / "study.yaml").is_file()
    assert (tmp_path / "barriers-T1.ipynb").is_file() and (tmp_path / "out" / "manifest.json").is_file()
    assert (tmp_path / "home" / "jupyter" / "kernels" / "via-reports" / "kernel.json").is_file()
    assert "True 0" in printed["python"] and "report-T1 True" in printed["python"]  # the API: valid, up to date
