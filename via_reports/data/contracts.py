"""The data contract, read from ``data_contracts/*.yaml``.

One YAML file per table describes its columns (type, required, code list,
pattern, bounds, personal data) and its cross-column and cross-table rules.
These files are the single source: validation, the codebook appendix and the
docs are all made from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from via_reports.resources import contracts_dir

#: The tables of a dataset, in the order they are validated and reported.
TABLES = (
    "participants",
    "backgrounds",
    "responses",
    "barriers",
    "instrument_use",
    "non_use_reasons",
    "instruments",
)

COLUMN_TYPES = ("string", "code", "integer", "number", "boolean", "date")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    label: dict[str, str]
    required: bool = False
    optional_column: bool = False
    codes: str | None = None
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    max_from_study: str | None = None
    personal: str | None = None  # "identifier" or "free_text"
    #: Values the column may not take because the reports use them themselves.
    reserved: tuple[str, ...] = ()
    #: Refuse values that look like a Dutch citizen service number (BSN).
    forbid_bsn: bool = False


@dataclass(frozen=True)
class RuleSpec:
    """A cross-column or cross-table rule; ``rule`` names the kind."""

    rule: str
    column: str
    options: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"


@dataclass(frozen=True)
class TableContract:
    table: str
    version: int
    label: dict[str, str]
    key: tuple[str, ...]
    columns: dict[str, ColumnSpec]
    rules: tuple[RuleSpec, ...]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if not c.optional_column]

    @property
    def personal_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.personal]


def _column(name: str, spec: dict[str, Any]) -> ColumnSpec:
    if spec["type"] not in COLUMN_TYPES:
        raise ValueError(f"column {name}: unknown type {spec['type']!r}")
    if "reserved" in spec:
        spec = {**spec, "reserved": tuple(spec["reserved"])}
    return ColumnSpec(name=name, **spec)


def _rule(spec: dict[str, Any]) -> RuleSpec:
    spec = dict(spec)
    kind = spec.pop("rule")
    severity = spec.pop("severity", "error")
    column = spec.pop("column", None) or spec["columns"][0]
    return RuleSpec(rule=kind, column=column, options=spec, severity=severity)


@lru_cache(maxsize=None)
def load_contract(table: str) -> TableContract:
    """Read the contract of one table."""
    if table not in TABLES:
        raise KeyError(f"no contract for table {table!r}; tables are {', '.join(TABLES)}")
    raw = yaml.safe_load((contracts_dir() / f"{table}.yaml").read_text(encoding="utf-8"))
    return TableContract(
        table=raw["table"],
        version=int(raw["contract_version"]),
        label=raw["label"],
        key=tuple(raw["key"]),
        columns={name: _column(name, spec) for name, spec in raw["columns"].items()},
        rules=tuple(_rule(r) for r in raw.get("rules", [])),
    )


def load_contracts() -> dict[str, TableContract]:
    """The contracts of all tables, in :data:`TABLES` order."""
    return {table: load_contract(table) for table in TABLES}


@lru_cache(maxsize=1)
def study_schema() -> dict[str, Any]:
    """The JSON Schema of ``study.yaml``."""
    return yaml.safe_load((contracts_dir() / "study.schema.yaml").read_text(encoding="utf-8"))


def contract_version() -> int:
    versions = {c.version for c in load_contracts().values()}
    if len(versions) != 1:
        raise ValueError(f"the contract files disagree on contract_version: {sorted(versions)}")
    return versions.pop()
