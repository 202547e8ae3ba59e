"""Reading a dataset folder: CSV, Parquet, Excel and SPSS into text tables.

Every cell is first turned into text (or missing) so that all formats then go
through one and the same parsing and validation path; the file and the row
number a user sees are kept with each table. Input files are only read.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .codebook import load_codebook
from .contracts import TABLES, load_contract

#: File suffixes per format, in the order they are looked for.
TABLE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".sav": "spss"}
WORKBOOK_SUFFIXES = (".xlsx",)


@dataclass(frozen=True)
class TableSource:
    """Where a table came from, and how to turn a data-frame index into a row a user sees."""

    table: str
    path: str
    format: str
    #: The number a user sees for the first data row (2 under a header row, 1 without).
    first_row: int

    def row(self, index: int) -> int:
        return int(index) + self.first_row


@dataclass
class RawDataset:
    """A dataset folder as read: study.yaml contents and text-only tables."""

    folder: str
    study: Any
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, TableSource] = field(default_factory=dict)
    #: Problems found while reading (missing file, unreadable file, ...), as (table, path, message).
    read_problems: list[tuple[str, str, str, str]] = field(default_factory=list)


def cell_to_text(value: Any) -> str | None:
    """One cell of any format as text; None for missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {str(col).strip(): [cell_to_text(v) for v in frame[col].tolist()] for col in frame.columns},
        index=pd.RangeIndex(len(frame)),
        dtype=object,
    )
    return out


def _read_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=",")
    return _as_text_frame(frame)


def _read_parquet(path: Path) -> pd.DataFrame:
    return _as_text_frame(pd.read_parquet(path))


def _read_excel_sheet(path: Path, sheet: str) -> pd.DataFrame:
    return _as_text_frame(pd.read_excel(path, sheet_name=sheet, dtype=object))


def _read_spss(path: Path, table: str) -> pd.DataFrame:
    """Read a .sav file; value labels are mapped onto codes through the codebook."""
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    contract = load_contract(table)
    codebook = load_codebook()
    text = _as_text_frame(frame)
    for column, value_labels in meta.variable_value_labels.items():
        if column not in text.columns:
            continue
        spec = contract.columns.get(column)
        code_list = codebook[spec.codes] if spec is not None and spec.codes else None
        mapping = {}
        for value, label in value_labels.items():
            code = code_list.code_for_label(label) if code_list else None
            mapping[cell_to_text(value)] = cell_to_text(code) if code is not None else cell_to_text(label)
        text[column] = [mapping.get(v, v) if v is not None else None for v in text[column]]
    return text


def _workbook_sheets(folder: Path) -> dict[str, Path]:
    """Sheet name -> workbook, for every .xlsx in the folder."""
    from openpyxl import load_workbook

    sheets: dict[str, Path] = {}
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith("~$"):  # Excel's lock file
            continue
        workbook = load_workbook(path, read_only=True)
        try:
            for name in workbook.sheetnames:
                sheets.setdefault(name.strip(), path)
        finally:
            workbook.close()
    return sheets


def read_study_file(path: Path) -> tuple[Any, str | None]:
    """study.yaml's contents, or None and a message when it cannot be read."""
    if not path.is_file():
        return None, "study.yaml is missing"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig")), None
    except yaml.YAMLError as exc:
        return None, f"study.yaml is not valid YAML: {exc}"


def read_dataset(folder: str | Path) -> RawDataset:
    """Read every table of a dataset folder as text; problems are collected, not raised."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"dataset folder {folder} does not exist")
    study, problem = read_study_file(folder / "study.yaml")
    raw = RawDataset(folder=str(folder), study=study)
    if problem:
        raw.read_problems.append(("study", str(folder / "study.yaml"), "file", problem))
    sheets = _workbook_sheets(folder) if any(folder.glob("*.xlsx")) else {}

    for table in TABLES:
        candidates = [(folder / f"{table}{suffix}", fmt) for suffix, fmt in TABLE_SUFFIXES.items()]
        found = [(p, fmt) for p, fmt in candidates if p.is_file()]
        if table in sheets:
            found.append((sheets[table], "excel"))
        if not found:
            expected = ", ".join(f"{table}{s}" for s in TABLE_SUFFIXES) + f" or a sheet {table!r} in a .xlsx"
            raw.read_problems.append((table, str(folder / f"{table}.csv"), "file",
                                      f"table {table} is missing: expected {expected}"))
            continue
        if len(found) > 1:
            names = ", ".join(sorted({p.name for p, _ in found}))
            raw.read_problems.append((table, str(folder), "file",
                                      f"table {table} is given more than once ({names}); keep one"))
            continue
        path, fmt = found[0]
        try:
            if fmt == "csv":
                frame = _read_csv(path)
            elif fmt == "parquet":
                frame = _read_parquet(path)
            elif fmt == "spss":
                frame = _read_spss(path, table)
            else:
                frame = _read_excel_sheet(path, table)
        except pd.errors.EmptyDataError:
            raw.read_problems.append((table, str(path), "file", f"{path.name} is empty: a header row is required"))
            continue
        except UnicodeDecodeError as exc:
            raw.read_problems.append((table, str(path), "file", f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        except Exception as exc:  # any reader's own error: say which file and why
            raw.read_problems.append((table, str(path), "file", f"{path.name} cannot be read: {exc}"))
            continue
        location = f"{path}#{table}" if fmt == "excel" else str(path)
        first_row = 2 if fmt in ("csv", "excel") else 1
        raw.tables[table] = frame
        raw.sources[table] = TableSource(table, location, fmt, first_row)
    return raw


def raw_from_frames(study: dict, frames: dict[str, pd.DataFrame], label: str = "demo") -> RawDataset:
    """An in-memory dataset (e.g. the embedded demo) in the same form as a folder read."""
    raw = RawDataset(folder=f"<{label}>", study=study)
    for table in TABLES:
        raw.tables[table] = _as_text_frame(frames[table])
        raw.sources[table] = TableSource(table, f"<{label}>/{table}.csv", "memory", 2)
    return raw
