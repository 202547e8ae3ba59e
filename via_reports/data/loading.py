"""Reading a dataset folder: CSV, Parquet, Excel and SPSS into text tables.

Every cell is first turned into text (or missing) so that all formats then go
through one and the same parsing and validation path; the file and the row
number a user sees are kept with each table. Input files are only read, and
only when they are what they seem: a symbolic link, a file larger than
:data:`MAX_FILE_BYTES`, or a workbook, Parquet or SPSS file that would unpack
to more than :data:`MAX_UNPACKED_BYTES` is reported instead of read (see
:mod:`via_reports.inputs`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from via_reports.data.codebook import load_codebook
from via_reports.data.contracts import TABLES, ColumnSpec, load_contract
from via_reports.data.limits import MORE_RULE, check_width
from via_reports.files import InputRefused, check_size, read_small_yaml, refuse_link

#: File suffixes per format, in the order they are looked for.
TABLE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".sav": "spss"}
#: A table file on disk; the demo at 100 times its size is about 30 MB as CSV.
MAX_FILE_BYTES = 1024**3
#: What a compressed file (.xlsx, .parquet, .sav) may unpack to, checked before it is unpacked.
MAX_UNPACKED_BYTES = 2 * 1024**3
#: A dataset's own chapter text (text/<lang>/<chapter>.md).
MAX_TEXT_BYTES = 256 * 1024
#: What a boolean cell may hold (case-insensitive), and what it means.
BOOLEAN_WORDS = {"true": True, "1": True, "ja": True, "false": False, "0": False, "nee": False}
#: An SPSS value label of a boolean may also be English.
_SPSS_BOOLEAN_LABELS = {**BOOLEAN_WORDS, "yes": True, "no": False}


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


def factorize_values(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """(codes, distinct values) with ``values[i] == distinct[codes[i]]``; a missing value has code -1.

    A column of a million rows holds few distinct values (codes, dates,
    yes/no), so work per cell becomes work per distinct value. A column that
    mixes kinds (where ``1`` and ``True`` would count as one value) keeps every
    cell as its own value.
    """
    if pd.api.types.infer_dtype(values, skipna=True).startswith("mixed"):
        codes = np.arange(len(values))
        codes[values.isna().to_numpy()] = -1
        return codes, values.tolist()
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    return codes, distinct.tolist()


def take_distinct(codes: np.ndarray, results: list[Any], missing: Any = None) -> np.ndarray:
    """The per-cell array of per-distinct-value ``results`` (code -1 gives ``missing``)."""
    table = np.empty(len(results) + 1, dtype=object)
    for position, result in enumerate(results):
        table[position] = result
    table[-1] = missing
    return table[codes]


def _as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    columns = {}
    for column in frame.columns:
        codes, distinct = factorize_values(frame[column])
        columns[str(column).strip()] = take_distinct(codes, [cell_to_text(v) for v in distinct])
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)), dtype=object)


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """The table as text, plus (row, message) for rows whose shape is wrong.

    Blank lines are kept (as empty rows) so that row numbers stay those of the
    file; a row with more or fewer fields than the header is reported, never
    silently shifted or padded; a column name given twice is reported.
    """
    import collections
    import csv

    from via_reports.data.limits import MAX_PER_RULE

    problems: list[tuple[int | None, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise pd.errors.EmptyDataError("no header")
        names = [name.strip() for name in header]
        counts = collections.Counter(names)  # not names.count per name: 200,000 columns took hours
        for name in sorted(n for n, times in counts.items() if times > 1):
            problems.append((1, f"column {name!r} appears {counts[name]} times in the header"))
        record_start, wrong = 2, 0
        for record in reader:
            if record and len(record) != len(header):
                wrong += 1
                if wrong <= MAX_PER_RULE:  # the rest is counted (bounded work, data/limits.py)
                    problems.append((record_start, f"row has {len(record)} fields, the header has "
                                                   f"{len(header)} (a comma inside a value needs quotes)"))
            record_start = reader.line_num + 1
        if wrong > MAX_PER_RULE:  # the count travels as the problem's row; validation makes it a "more" row
            problems.append((-(wrong - MAX_PER_RULE), f"and {wrong - MAX_PER_RULE:,} more rows with a wrong "
                                                      "number of fields, not listed one by one"))
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
    """Read a .sav file as text, its value labels mapped through the codebook.

    SPSS files as institutes keep them hold categories as labelled numbers
    (``1 = vrouw``), booleans as ``0 = nee, 1 = ja`` (or ``1 = ja, 2 = nee``)
    and "no answer" as a user-missing code (``9 = weet niet``, declared
    missing, also as a range such as 97-99). pyreadstat delivers declared
    user-missing values as missing; every other labelled value of a column
    with a code list or of a boolean column becomes what its label means
    (:func:`spss_label_value`). The labels of other numbers only annotate them
    (``1 = slecht ... 10 = uitstekend``): those values stay as they are.
    """
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=False)
    contract = load_contract(table)
    for column, value_labels in meta.variable_value_labels.items():
        spec = contract.columns.get(column)
        if column not in frame.columns or spec is None or not (spec.codes or spec.type == "boolean"):
            continue
        meanings = {value: spss_label_value(label, spec) for value, label in value_labels.items()}
        frame[column] = pd.Series([meanings.get(value, value) for value in frame[column].tolist()],
                                  index=frame.index, dtype=object)
    return _as_text_frame(frame)


def spss_label_value(label: str, spec: ColumnSpec) -> Any:
    """The value an SPSS value label stands for in a column with a code list or a boolean column.

    With a code list: the code whose code, Dutch or English label the label is
    (case-insensitive); the code list's missing wording (``weet niet / geen
    antwoord``, or either half of it) is a missing answer. A boolean: ``ja``,
    ``yes``, ``true``, ``1`` or ``nee``, ``no``, ``false``, ``0``. Any other
    label is kept as it is, so that validation names it.
    """
    text = str(label).strip()
    if spec.type == "boolean":
        meaning = _SPSS_BOOLEAN_LABELS.get(text.casefold())
        return text if meaning is None else meaning
    code_list = load_codebook()[spec.codes]
    code = code_list.code_for_label(text)
    if code is not None:
        return code
    missing = {part.strip().casefold() for wording in (code_list.missing_label or {}).values()
               for part in (wording, *wording.split("/"))}
    return None if text.casefold() in missing else text


def _workbook_sheets(folder: Path, problems: list) -> dict[str, Path]:
    """Sheet name -> workbook, for every .xlsx in the folder; a sheet in two workbooks is ambiguous."""
    from openpyxl import load_workbook

    sheets: dict[str, Path] = {}
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith("~$"):  # Excel's lock file
            continue
        try:
            refuse_link(path, what="workbook")
            check_size(path, MAX_FILE_BYTES, what="workbook")
            _check_unpacked_workbook(path)
        except InputRefused as refused:
            problems.append(("dataset", str(path), "file", str(refused), None))
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


def _check_unpacked_workbook(path: Path) -> None:
    """An .xlsx is a zip: refuse it when its parts declare more than MAX_UNPACKED_BYTES.

    Python's zipfile (which openpyxl reads through) never returns more than a
    part's declared size, so checking the declarations bounds the unpacking.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a zip at all: openpyxl reports it as an unreadable workbook
    if declared > MAX_UNPACKED_BYTES:
        raise InputRefused(f"{path.name} would unpack to {declared:,} bytes, more than the limit of "
                           f"{MAX_UNPACKED_BYTES:,} bytes (a damaged or hostile workbook?)")


def _check_unpacked_table(path: Path, fmt: str) -> None:
    """Parquet and SPSS files are compressed: refuse one whose contents exceed MAX_UNPACKED_BYTES."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        metadata = pq.read_metadata(path)
        unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    elif fmt == "spss":
        import pyreadstat

        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        widths = sum(max(8, int(w or 0)) for w in (meta.variable_storage_width or {}).values())
        unpacked = max(int(meta.number_rows or 0), 0) * max(widths, 8 * int(meta.number_columns or 0))
    else:
        return
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputRefused(f"{path.name} would unpack to about {unpacked:,} bytes, more than the limit of "
                           f"{MAX_UNPACKED_BYTES:,} bytes")


def read_study_file(path: Path) -> tuple[Any, str | None]:
    """study.yaml's contents, or None and a message when it cannot be read."""
    if not path.is_file() and not path.is_symlink():
        return None, "study.yaml is missing"
    try:
        refuse_link(path, what="study.yaml")
        data = read_small_yaml(path, what="study.yaml")
    except InputRefused as refused:
        return None, str(refused)
    except OSError as exc:
        return None, f"study.yaml cannot be read: {exc.strerror or exc}"
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
    raw.read_problems.extend(text_problems(folder))

    for table in TABLES:
        candidates = [(folder / f"{table}{suffix}", fmt) for suffix, fmt in TABLE_SUFFIXES.items()]
        found = [(p, fmt) for p, fmt in candidates if p.is_file() or p.is_symlink()]
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
            if fmt != "excel":
                refuse_link(path, what="table file")
                check_size(path, MAX_FILE_BYTES, what="table file")
                _check_unpacked_table(path, fmt)
                check_width(path, fmt)  # 200,000 columns: refused before they are parsed
        except InputRefused as refused:
            raw.read_problems.append((table, str(path), "file", str(refused), None))
            continue
        except Exception as exc:  # the reader's own error on a damaged file
            raw.read_problems.append((table, str(path), "file", f"{path.name} cannot be read: {exc}", None))
            continue
        try:
            if fmt == "csv":
                frame, shape_problems = _read_csv(path)
                for row, message in shape_problems:
                    rule = "row_shape" if row is None or row > 0 else MORE_RULE  # a negative row: how many more
                    raw.read_problems.append((table, str(path), rule, message, row if rule != MORE_RULE else -row))
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


def text_problems(folder: Path) -> list[tuple[str, str, str, str, int | None]]:
    """A dataset's own texts (``text/<lang>/*.md``): files in the folder, small, UTF-8.

    Checked with the data so that ``validate`` reports them too; the build reads
    them with :func:`via_reports.report.text.text_path`.
    """
    problems: list[tuple[str, str, str, str, int | None]] = []
    texts = folder / "text"
    if not texts.exists() and not texts.is_symlink():
        return problems
    try:
        refuse_link(texts, what="text folder")
    except InputRefused as refused:
        return [("text", str(texts), "file", str(refused), None)]
    for path in sorted(texts.rglob("*")):
        try:
            refuse_link(path, what="text")
            if path.is_dir() or path.suffix != ".md":
                continue
            check_size(path, MAX_TEXT_BYTES, what="text")
            path.read_bytes().decode("utf-8")
        except InputRefused as refused:
            problems.append(("text", str(path), "file", str(refused), None))
        except UnicodeDecodeError as exc:
            problems.append(("text", str(path), "file", f"{path.name} is not UTF-8 text ({exc.reason} at byte "
                                                        f"{exc.start}); save it as UTF-8", None))
        except OSError as exc:
            problems.append(("text", str(path), "file", f"{path.name} cannot be read: {exc.strerror or exc}", None))
    return problems


def raw_from_frames(study: dict, frames: dict[str, pd.DataFrame], label: str = "demo") -> RawDataset:
    """An in-memory dataset (e.g. the embedded demo) in the same form as a folder read."""
    raw = RawDataset(folder=f"<{label}>", study=study)
    for table in TABLES:
        raw.tables[table] = _as_text_frame(frames[table])
        raw.sources[table] = TableSource(table, f"<{label}>/{table}.csv", "memory", 2)
    return raw
