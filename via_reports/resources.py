"""Where the project's data files live: contracts, templates, fonts.

In a source checkout (the normal case, installed with ``pip install -e``) the
folders sit at the repository root. In a built wheel they are copied into
``via_reports/_data/``. Everything that needs one of these folders asks here.
"""

from __future__ import annotations

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
    """The folder with the notebook and PDF templates."""
    return _locate("templates")
