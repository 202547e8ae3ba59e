"""via-reports: research reports on the VIA pilot, computed from validated data.

The few names a user calls::

    import via_reports

    result = via_reports.validate_folder("my-study")      # every violation, nothing raised
    data = via_reports.load_dataset("my-study")           # validated tables; raises ContractError
    via_reports.build_report(data_dir="my-study", out="report-T1", wave="T1")

``build_report`` and the command line ``via-reports build`` share one set of
options and defaults (``data_contracts/report.schema.yaml``, read by
:mod:`via_reports.options`); a dataset's ``report.yaml`` sets them for that
study. The functions are imported when first used, so ``import via_reports``
stays light (the error classes are there at once). How the package is laid
out: ``docs/architecture.md``.
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
from via_reports.version import __version__

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
