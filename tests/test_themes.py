"""Themes are data: a copied theme folder works anywhere; a missing file is a render error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from via_reports.cli import main
from via_reports.exceptions import RenderError
from via_reports.theme.themes import load_theme

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def own_theme(tmp_path):
    """A municipality's own theme: the default copied to a folder of its own, with other colours."""
    folder = tmp_path / "gemeente"
    shutil.copytree(ROOT / "templates" / "pdf" / "themes" / "default", folder)
    return folder


def test_a_theme_folder_elsewhere_uses_the_shipped_fonts(own_theme):
    theme = load_theme(own_theme)
    files = [face.path for face in theme.body_font.faces]
    assert files and all(path.is_file() for path in files)
    assert all((ROOT / "templates" / "pdf" / "fonts") in path.parents for path in files)


def test_a_missing_logo_is_an_error_not_a_silent_gap(own_theme):
    (own_theme / "mark.svg").unlink()
    with pytest.raises(RenderError, match="mark.svg"):
        load_theme(own_theme)


def test_cli_render_failure_exit_code_and_no_output(own_theme, tmp_path):
    (own_theme / "mark.svg").unlink()
    out = tmp_path / "out"
    assert main(["build", "--theme", str(own_theme), "--out", str(out), "--wave", "T1", "--quiet"]) == 5
    assert not out.exists()


def test_unknown_theme_name_is_a_wrong_parameter(tmp_path, capsys):
    assert main(["build", "--theme", "purple", "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "theme 'purple' not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
