"""via-reports: research reports on the VIA pilot, computed from validated data.

The few names a user calls::

    from via_reports import BuildOptions, ContractError, build_report, load_dataset, validate_folder

    data = load_dataset("my-study/")                 # validates; raises ContractError
    result = validate_folder("my-study/")            # every violation, nothing raised
    build_report(BuildOptions(data_dir=Path("my-study"), out=Path("report"), wave="T1"))

The functions are imported when first used, so ``import via_reports`` stays
light (the error classes are there at once). The options and their defaults:
:mod:`via_reports.options`; how the package is laid out: ``docs/architecture.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from via_reports.exceptions import (
    ChapterError,
    ContractError,
    ParameterError,
    RenderError,
    TextError,
    ViaReportsError,
)

__version__ = "0.1.0"

#: Name -> the module it lives in, imported on first use.
_LAZY = {
    "BuildOptions": "via_reports.report.build",
    "build_report": "via_reports.report.build",
    "load_dataset": "via_reports.data.dataset",
    "validate_folder": "via_reports.data.dataset",
}

if TYPE_CHECKING:  # pragma: no cover
    from via_reports.data.dataset import load_dataset, validate_folder
    from via_reports.report.build import BuildOptions, build_report


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'via_reports' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BuildOptions",
    "ChapterError",
    "ContractError",
    "ParameterError",
    "RenderError",
    "TextError",
    "ViaReportsError",
    "__version__",
    "build_report",
    "load_dataset",
    "validate_folder",
]
