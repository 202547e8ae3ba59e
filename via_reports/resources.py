"""Where the project's data files live: contracts, templates, fonts.

In a source checkout (the normal case, installed with ``pip install -e``) the
folders sit at the repository root. In a built wheel they are copied into
``via_reports/_data/``. Everything that needs one of these folders asks here.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parent


def _locate(name: str) -> Path:
    for candidate in (_REPO_ROOT / name, _PACKAGE_DIR / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"via-reports is incomplete: folder {name!r} not found next to the package")


def contracts_dir() -> Path:
    """The folder with the machine-readable data contracts."""
    return _locate("data_contracts")


def templates_dir() -> Path:
    """The folder with the notebook, text and PDF templates.

    ``VIA_REPORTS_TEMPLATES`` may point to a copy of this folder, e.g. a
    municipality's adapted chapter texts or notebooks; it must contain the
    same sub-folders.
    """
    override = os.environ.get("VIA_REPORTS_TEMPLATES")
    if override:
        path = Path(override)
        if not path.is_dir():
            raise FileNotFoundError(f"VIA_REPORTS_TEMPLATES points to {path}, which is not a folder")
        return path
    return _locate("templates")


#: Notebooks beside the chapters' that are no chapter of a study's report: the programme's synthesis.
PROGRAMME_NOTEBOOKS = ("synthesis",)


def notebooks_dir() -> Path:
    """The chapter notebooks: one ``CHAPTER.ipynb`` for each computed chapter of the registry, and the
    programme's (:data:`PROGRAMME_NOTEBOOKS`)."""
    return templates_dir() / "notebooks"


def chapter_notebooks() -> list[Path]:
    """The notebooks of the chapters (those of :func:`notebooks_dir` that are no programme notebook)."""
    return sorted(p for p in notebooks_dir().glob("*.ipynb") if p.stem not in PROGRAMME_NOTEBOOKS)


def notebook_template(chapter: str) -> Path:
    """The notebook of a computed chapter; a ParameterError when there is none."""
    from via_reports.exceptions import ParameterError

    path = notebooks_dir() / f"{chapter}.ipynb"
    if not path.is_file():
        raise ParameterError(f"no notebook for chapter {chapter!r} at {path}")
    return path
