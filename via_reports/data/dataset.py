"""A validated dataset: the typed tables, the study, and where they came from.

:func:`load_dataset` is the only way in: it reads a folder (or the embedded
demo), validates it against the contract and raises :class:`ContractError`
with every violation when the data do not meet it. Whatever is computed
afterwards may trust the types and rules of the contract.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from via_reports.data.contracts import TABLES, contract_version, load_contract
from via_reports.data.loading import RawDataset, TableSource, raw_from_frames, read_dataset
from via_reports.data.messages import message
from via_reports.data.study import Study
from via_reports.data.limits import sort_listed
from via_reports.data.validation import ValidationResult, Violation, sort_violations, validate_raw
from via_reports.exceptions import ContractError


@dataclass(frozen=True)
class Dataset:
    """The validated tables of one study."""

    study: Study
    tables: dict[str, pd.DataFrame]
    sources: dict[str, TableSource]
    folder: str
    warnings: tuple[Violation, ...] = field(default=())

    @property
    def participants(self) -> pd.DataFrame:
        return self.tables["participants"]

    @property
    def backgrounds(self) -> pd.DataFrame:
        return self.tables["backgrounds"]

    @property
    def responses(self) -> pd.DataFrame:
        return self.tables["responses"]

    @property
    def barriers(self) -> pd.DataFrame:
        return self.tables["barriers"]

    @property
    def instrument_use(self) -> pd.DataFrame:
        return self.tables["instrument_use"]

    @property
    def non_use_reasons(self) -> pd.DataFrame:
        return self.tables["non_use_reasons"]

    @property
    def instruments(self) -> pd.DataFrame:
        return self.tables["instruments"]

    @property
    def is_demo(self) -> bool:
        return self.folder == "<demo>"

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the validated content: the same data give the same hash in any file format."""
        digest = hashlib.sha256()
        digest.update(json.dumps(self.study.raw, sort_keys=True, ensure_ascii=False).encode())
        for table in TABLES:
            digest.update(f"\n#{table}\n".encode())
            digest.update(canonical_csv(table, self.tables[table]).encode())
        return digest.hexdigest()

    @property
    def contract_version(self) -> int:
        return contract_version()


def canonical_csv(table: str, frame: pd.DataFrame) -> str:
    """A table as CSV in contract column order, sorted by its key, booleans true/false."""
    contract = load_contract(table)
    out = frame[list(contract.columns)].copy()
    for name, spec in contract.columns.items():
        if spec.type == "boolean":
            out[name] = out[name].map({True: "true", False: "false"}).astype("string")
        elif spec.type == "date":
            out[name] = out[name].dt.strftime("%Y-%m-%d")
    out = out.sort_values(list(contract.key), kind="mergesort")
    return out.to_csv(index=False, lineterminator="\n")


def validate_folder(data_dir: str | Path | None = None, language: str | None = None) -> ValidationResult:
    """Check a dataset folder against the data contract; every violation at once, nothing raised for bad data.

    ``data_dir`` None checks the embedded synthetic demo. The folder's
    study.yaml, its tables (CSV, Parquet, SPSS or Excel), its own texts and its
    ``report.yaml`` are read, never changed. ``language`` ("nl" or "en") is the
    language of the messages; None: study.yaml's.

    Returns a :class:`~via_reports.data.validation.ValidationResult`:
    ``result.ok``, ``result.violations`` and ``result.warnings`` (each a
    :class:`~via_reports.data.validation.Violation` with table, file, row,
    column, value, rule and message) and, when valid, the typed tables.
    """
    from via_reports.options import REPORT_FILE, check_options, read_report_file

    check_options({"language": language})
    raw = read_demo() if data_dir in (None, "") else read_dataset(data_dir)
    result = validate_raw(raw, language)
    if data_dir not in (None, ""):
        _, problems = read_report_file(Path(data_dir))
        result.violations += [Violation("report", str(Path(data_dir) / REPORT_FILE), line, None, None,
                                        "report_option", message) for line, message in problems]
    result.violations = sort_listed(result.violations, sort_violations)  # each "and N more" after its table
    result.warnings = sort_listed(result.warnings, sort_violations)
    return result


def read_demo() -> RawDataset:
    """The embedded synthetic demo dataset, read through the same path as a folder."""
    from via_reports.demo.generator import build_demo

    study, frames = build_demo()
    return raw_from_frames(study, frames, label="demo")


def load_dataset(data_dir: str | Path | None = None, language: str | None = None) -> Dataset:
    """Read and validate a dataset folder (None or '': the embedded demo).

    Raises :class:`ContractError` carrying every violation when the data do
    not meet the contract.
    """
    result = validate_folder(data_dir, language)
    if not result.ok:
        raise ContractError(result.violations, result.warnings)
    folder = "<demo>" if data_dir in (None, "") else str(Path(data_dir))
    study = result.study.edition(language or result.study.language)
    missing = result.study.missing_translations(study.language)
    if missing:
        raise ContractError([_translation_violation(folder, key, study) for key in missing], result.warnings)
    return Dataset(study=study, tables=result.tables, sources=result.sources,
                   folder=folder, warnings=tuple(result.warnings))


def _translation_violation(folder: str, key: str, study: Study) -> Violation:
    """study.yaml lacks ``key`` (``client_en``) that ``study``'s edition shows."""
    from babel import Locale

    names = Locale.parse(study.language).languages  # 'Engels' / 'English'
    return Violation("study", f"{folder}/study.yaml", None, key, None, "translation",
                     message("translation", study.language, key=key, text=key.rsplit("_", 1)[0],
                             edition=names[study.language], source=names[study.source_language]))
