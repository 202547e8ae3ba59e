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

from via_reports.data.codebook import load_codebook
from via_reports.data.contracts import TABLES, load_contract

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
    #: Problems found while reading (missing or unreadable file, ragged row, ...), as
    #: (table, path, rule, message, row or None).
    read_problems: list[tuple[str, str, str, str, int | None]] = field(default_factory=list)


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


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """The table as text, plus (row, message) for rows whose shape is wrong.

    Blank lines are kept (as empty rows) so that row numbers stay those of the
    file; a row with more or fewer fields than the header is reported, never
    silently shifted or padded; a column name given twice is reported.
    """
    import csv

    problems: list[tuple[int, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise pd.errors.EmptyDataError("no header")
        names = [name.strip() for name in header]
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append((1, f"column {name!r} appears {names.count(name)} times in the header"))
        record_start = 2
        for record in reader:
            if record and len(record) != len(header):
                problems.append((record_start, f"row has {len(record)} fields, the header has {len(header)} "
                                               "(a comma inside a value needs quotes)"))
            record_start = reader.line_num + 1
    if problems:
        return pd.DataFrame(columns=list(dict.fromkeys(names))), problems
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=",",
                        index_col=False, skip_blank_lines=False)
    while len(frame) and (frame.iloc[-1].fillna("") == "").all():  # blank lines at the very end
        frame = frame.iloc[:-1]
    return _as_text_frame(frame), []


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


def _workbook_sheets(folder: Path, problems: list) -> dict[str, Path]:
    """Sheet name -> workbook, for every .xlsx in the folder; a sheet in two workbooks is ambiguous."""
    from openpyxl import load_workbook

    sheets: dict[str, Path] = {}
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith("~$"):  # Excel's lock file
            continue
        try:
            workbook = load_workbook(path, read_only=True)
        except Exception as exc:  # not a workbook at all
            problems.append(("dataset", str(path), "file", f"{path.name} cannot be read as an Excel workbook: {exc}",
                             None))
            continue
        try:
            for name in workbook.sheetnames:
                name = name.strip()
                if name in sheets:
                    problems.append((name, str(path), "file", f"sheet {name!r} is in both {sheets[name].name} "
                                                              f"and {path.name}; keep one", None))
                sheets.setdefault(name, path)
        finally:
            workbook.close()
    return sheets


def read_study_file(path: Path) -> tuple[Any, str | None]:
    """study.yaml's contents, or None and a message when it cannot be read."""
    if not path.is_file():
        return None, "study.yaml is missing"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        return None, f"study.yaml is not valid YAML: {exc}"
    except ValueError as exc:  # e.g. a date that does not exist, such as 2021-02-30
        return None, f"study.yaml has a value that cannot be read: {exc}"
    except UnicodeDecodeError as exc:
        return None, f"study.yaml is not UTF-8 text ({exc.reason} at byte {exc.start})"
    if data is None:
        return None, "study.yaml is empty"
    return data, None


def read_dataset(folder: str | Path) -> RawDataset:
    """Read every table of a dataset folder as text; problems are collected, not raised."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"dataset folder {folder} does not exist")
    study, problem = read_study_file(folder / "study.yaml")
    raw = RawDataset(folder=str(folder), study=study)
    if problem:
        raw.read_problems.append(("study", str(folder / "study.yaml"), "file", problem, None))
    sheets = _workbook_sheets(folder, raw.read_problems) if any(folder.glob("*.xlsx")) else {}

    for table in TABLES:
        candidates = [(folder / f"{table}{suffix}", fmt) for suffix, fmt in TABLE_SUFFIXES.items()]
        found = [(p, fmt) for p, fmt in candidates if p.is_file()]
        if table in sheets:
            found.append((sheets[table], "excel"))
        if not found:
            expected = ", ".join(f"{table}{s}" for s in TABLE_SUFFIXES) + f" or a sheet {table!r} in a .xlsx"
            raw.read_problems.append((table, str(folder / f"{table}.csv"), "file",
                                      f"table {table} is missing: expected {expected}", None))
            continue
        if len(found) > 1:
            names = ", ".join(sorted({p.name for p, _ in found}))
            raw.read_problems.append((table, str(folder), "file",
                                      f"table {table} is given more than once ({names}); keep one", None))
            continue
        path, fmt = found[0]
        try:
            if fmt == "csv":
                frame, shape_problems = _read_csv(path)
                for row, message in shape_problems:
                    raw.read_problems.append((table, str(path), "row_shape", message, row))
                if shape_problems:
                    continue
            elif fmt == "parquet":
                frame = _read_parquet(path)
            elif fmt == "spss":
                frame = _read_spss(path, table)
            else:
                frame = _read_excel_sheet(path, table)
        except pd.errors.EmptyDataError:
            raw.read_problems.append((table, str(path), "file", f"{path.name} is empty: a header row is required",
                                      None))
            continue
        except UnicodeDecodeError as exc:
            raw.read_problems.append((table, str(path), "file",
                                      f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})", None))
            continue
        except Exception as exc:  # any reader's own error: say which file and why
            raw.read_problems.append((table, str(path), "file", f"{path.name} cannot be read: {exc}", None))
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
