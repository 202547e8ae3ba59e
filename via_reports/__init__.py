"""via-reports: research reports on the VIA pilot, computed from validated data.

The few names a user calls::

    from via_reports import load_dataset, ContractError
    data = load_dataset("my-study/")       # validates; raises ContractError
"""

from via_reports.data.dataset import Dataset, load_dataset, validate_folder
from via_reports.exceptions import (
    ChapterError,
    ContractError,
    ParameterError,
    RenderError,
    TextError,
    ViaReportsError,
)

__version__ = "0.1.0"

__all__ = [
    "ChapterError",
    "ContractError",
    "Dataset",
    "ParameterError",
    "RenderError",
    "TextError",
    "ViaReportsError",
    "__version__",
    "load_dataset",
    "validate_folder",
]
