"""``validate --report FILE.csv|json``: every violation in a file, written so that it harms nothing.

The file never lands in the data folder or on a file of the user's (only an
earlier report is replaced), and a value that a spreadsheet would run as a
formula is written as text (OWASP's advice on CSV injection), in CSV and JSON
alike. A control character of a cell (ESC, BEL, a C1 code, a bidirectional
override) is written out (:mod:`via_reports.controls`), never raw: ``cat errors.csv``
must not let a cell retitle the terminal or move its cursor (and JSON would
leave the C1 codes raw). BSN-like numbers are already masked in each
:class:`~via_reports.data.validation.Violation`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from via_reports.controls import escape_controls
from via_reports.data.validation import VIOLATION_FIELDS, Violation
from via_reports.exceptions import ParameterError
from via_reports.files import current_umask
from via_reports.output_paths import is_device_fault, refuse_in_data_folder, write_failure

#: Report columns of the violation files (CSV header, JSON keys), in order.
_REPORT_HEADER = ",".join(VIOLATION_FIELDS)
#: A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, prefixed with ``'`` so that it shows as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def check_report_path(path: str | Path, data_dir: str | Path | None) -> Path:
    """Where ``validate --report`` may write: never into the data folder, never over a file of the user's.

    An existing file is replaced only when it is itself a violation report
    (the same header); a symbolic link or a folder is refused. Raises
    :class:`~via_reports.exceptions.ParameterError`.
    """
    target = Path(path)
    if target.suffix.lower() not in (".csv", ".json"):
        raise ParameterError(f"the report file must end in .csv or .json, not {target.name!r}")
    refuse_in_data_folder(target, data_dir, what="the report file", option="--report")
    if target.is_symlink():
        raise ParameterError(f"the report file {target} is a symbolic link; choose a plain file name")
    if target.exists() and not _is_violation_report(target):
        raise ParameterError(f"{target} exists and is not a violation report written by via-reports; "
                             "it is not overwritten: choose a new file name")
    return target


def _is_violation_report(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            start = handle.read(len(_REPORT_HEADER) + 40)
    except (OSError, UnicodeDecodeError):
        return False
    if path.suffix.lower() == ".csv":
        return start.splitlines()[:1] == [_REPORT_HEADER]
    compact = "".join(start.split())
    return compact.startswith('[{"table":') or compact == "[]"


def write_violation_report(violations: list[Violation], path: str | Path,
                           data_dir: str | Path | None = None) -> Path:
    """Write violations (and warnings) as CSV or JSON, chosen by the file's suffix.

    The path is checked with :func:`check_report_path`; text that a spreadsheet
    would take for a formula is neutralised (:func:`neutralise_formula`) in
    both formats. The file appears whole or not at all.
    """
    import csv
    import json
    import tempfile

    target = check_report_path(path, data_dir)
    rows = [{key: neutralise_formula(escape_controls(value)) for key, value in v.as_dict().items()}
            for v in violations]
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    except OSError as error:  # a folder that is not there or not ours is the path's fault (exit 2)
        if is_device_fault(error):
            raise write_failure(error, f"the report file {target}") from None
        raise ParameterError(f"cannot write the report file {target}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            if target.suffix.lower() == ".json":
                stream.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
            else:
                writer = csv.DictWriter(stream, fieldnames=VIOLATION_FIELDS)
                writer.writeheader()
                writer.writerows(rows)
        os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, target)
    except OSError as error:  # a full disk while writing: exit 5, and no half-written file
        Path(temporary).unlink(missing_ok=True)
        raise write_failure(error, f"the report file {target}") from None
    return target


