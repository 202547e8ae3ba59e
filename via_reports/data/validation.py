"""Validation against the data contract: every violation of every table at once.

The path is the same for every input format:

1. **parse**: each text cell is turned into its contract type (integer,
   boolean, date, ...); a cell that cannot be parsed is a violation
   (:mod:`via_reports.data.parsing`);
2. **check**: a pandera schema built from the contract files runs every
   column check (required, code list, pattern, bounds) and every
   cross-column and cross-table rule (:mod:`via_reports.data.rules`) lazily,
   so that all failures are collected in one run;
3. **report**: pandera's failure cases become :class:`Violation` records with
   the file, the row as the user sees it (header = row 1), the column, the
   offending value, the rule and a plain message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from via_reports.bsn import looks_like_bsn
from via_reports.data.cells import SHOWN_LENGTH, Cells as _Cells, shown_value as _shown_value  # noqa: F401
from via_reports.data.codebook import load_codebook
from via_reports.data.contracts import TABLES, ColumnSpec, TableContract, load_contracts
from via_reports.data.limits import MORE_RULE, CheckCaps, Counter, first_true
from via_reports.data.loading import RawDataset, TableSource
from via_reports.data.messages import message
from via_reports.data.parsing import PARSERS, parse_column
from via_reports.data.rules import RULES, RuleContext, tables_needed
from via_reports.data.study import CONTROL_CHARACTERS, Study, parse_study
from via_reports.options import LANGUAGES
from via_reports.violations import VIOLATION_FIELDS, Violation  # noqa: F401 (VIOLATION_FIELDS: re-exported)

if TYPE_CHECKING:  # pandera is imported where the data are checked: a chapter kernel reading the build's
    import pandera.pandas as pa  # validated snapshot never validates, and saves the 0.2 s of its import

#: Tables that must contain at least one data row.
NON_EMPTY_TABLES = ("participants", "responses", "instruments")


# --------------------------------------------------------------------------- schema

@dataclass
class _CheckInfo:
    """What a pandera check name stands for, so a failure can be explained."""

    rule: str
    column: str  # the column reported to the user
    severity: str
    details: Callable[[int, Any], dict[str, Any]]


def _column_checks(spec: ColumnSpec, ctx: RuleContext, infos: dict[str, _CheckInfo]) -> list[pa.Check]:
    import pandera.pandas as pa
    checks: list[pa.Check] = []
    codebook = load_codebook()

    def add(check_fn, rule, details):
        name = f"{spec.name}:{rule}:{len(infos)}"
        infos[name] = _CheckInfo(rule, spec.name, "error", details)
        checks.append(pa.Check(check_fn, name=name, ignore_na=True))

    if spec.codes:
        code_list = codebook[spec.codes]
        allowed = list(code_list.codes)
        shown = ", ".join(map(str, allowed)) if len(allowed) <= 12 else ", ".join(map(str, allowed[:12])) + ", ..."
        add(lambda s, a=allowed: s.isin(a), "code", lambda i, v: {"codes": spec.codes, "allowed": shown})
    if spec.pattern:
        add(lambda s, p=spec.pattern: s.str.fullmatch(p).fillna(False).astype(bool), "pattern",
            lambda i, v: {"pattern": spec.pattern})
    if spec.type == "string":
        add(lambda s: ~s.str.contains(CONTROL_CHARACTERS.pattern, regex=True).fillna(False).astype(bool),
            "control_character", lambda i, v: {})
    if spec.forbid_bsn:
        add(_not_bsn, "bsn", lambda i, v: {})
    if spec.reserved:
        add(lambda s, r=list(spec.reserved): ~s.isin(r), "reserved", lambda i, v: {})
    if spec.min is not None:
        add(lambda s, b=spec.min: s >= b, "min", lambda i, v: {"bound": _num(spec.min)})
    upper = spec.max
    if spec.max_from_study == "reference_year_minus_15" and ctx.study is not None:
        upper = ctx.study.reference_date.year - 15
    if upper is not None:
        add(lambda s, b=upper: s <= b, "max", lambda i, v: {"bound": _num(upper)})
    return checks


def _not_bsn(values: pd.Series) -> pd.Series:
    """False where a value passes the elfproef; only nine-digit values are checked one by one."""
    nine_digits = values.str.fullmatch(r"[0-9]{9}").fillna(False).astype(bool)
    ok = pd.Series(True, index=values.index)
    ok[nine_digits] = ~values[nine_digits].map(looks_like_bsn).astype(bool)
    return ok


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _duplicate_cells(frame: pd.DataFrame, key: list[str], duplicated: pd.Series, source: TableSource) -> _Cells:
    """For each repeated key: the file row it repeats and the key as text, joined column by column (not row by row)."""
    first_seen = frame.reset_index().groupby(key, dropna=False)["index"].transform("min")
    first_seen.index = frame.index
    repeated = frame.loc[duplicated, key].astype(str)
    key_text = repeated[key[0]].str.cat([repeated[k] for k in key[1:]], sep=", ") if len(key) > 1 \
        else repeated[key[0]]
    return _Cells(pd.DataFrame({"first_seen": first_seen[duplicated] + source.first_row,
                                "key_text": key_text}).reindex(frame.index))


def _build_schema(contract: TableContract, frame: pd.DataFrame, ctx: RuleContext,
                  present: list[str]) -> tuple[pa.DataFrameSchema, dict[str, _CheckInfo]]:
    import pandera.pandas as pa
    infos: dict[str, _CheckInfo] = {}
    columns: dict[str, pa.Column] = {}
    for name in present:
        spec = contract.columns[name]
        columns[name] = pa.Column(checks=_column_checks(spec, ctx, infos), nullable=True, required=False)

    def attach(column: str, check: pa.Check) -> None:
        columns.setdefault(column, pa.Column(nullable=True, required=False))
        columns[column].checks.append(check)

    # required: missing values in a required column (pandera's not_nullable, under our name)
    for name in present:
        if contract.columns[name].required and frame[name].isna().any():
            check_name = f"{name}:required"
            infos[check_name] = _CheckInfo("required", name, "error", lambda i, v: {})
            attach(name, pa.Check(lambda s: s.notna(), name=check_name, ignore_na=False))

    # the key: every combination once
    if all(k in present for k in contract.key):
        key = list(contract.key)
        duplicated = frame.duplicated(key, keep="first") & frame[key].notna().all(axis=1)
        if duplicated.any():
            check_name = f"{key[-1]}:unique_key"
            shown_key = " + ".join(key)
            cell = _duplicate_cells(frame, key, first_true(duplicated), ctx.sources[contract.table])
            infos[check_name] = _CheckInfo(
                "unique_key", ", ".join(key), "error",
                lambda i, v: {"key": shown_key, "other_row": int(cell(i, "first_seen")), "value": cell(i, "key_text")},
            )
            attach(key[-1], pa.Check(lambda s, ok=~duplicated: ok.reindex(s.index), name=check_name, ignore_na=False))

    for number, rule in enumerate(contract.rules):
        function, ignore_na, needs = RULES[rule.rule]
        if "study" in needs and ctx.study is None:
            continue
        if any(t not in ctx.tables for t in tables_needed(rule, contract.table)):
            continue  # that table could not be read; its own problem is reported
        involved = [rule.column, *rule.options.get("columns", []), *rule.options.get("match_columns", []),
                    *([rule.options["other_column"]] if "other_column" in rule.options else []),
                    *([rule.options["condition_column"]] if "condition_column" in rule.options else [])]
        if contract.table == "responses" and rule.rule == "within_fieldwork":
            involved.append("wave")
        if any(c in contract.columns and c not in present for c in involved):
            continue  # a missing column is reported once, as such
        ok, details = function(frame, rule, ctx)
        if ok.all():
            continue
        columns_shown = ", ".join(rule.options["columns"]) if "columns" in rule.options else rule.column
        check_name = f"{rule.column}:{rule.rule}:{number}"
        infos[check_name] = _CheckInfo(rule.rule, columns_shown, rule.severity, lambda i, v, d=details: d(i))
        attach(rule.column, pa.Check(lambda s, ok=ok: ok.reindex(s.index).astype(bool),
                                     name=check_name, ignore_na=ignore_na))
    return pa.DataFrameSchema(columns, strict=False), infos


# --------------------------------------------------------------------------- run

@dataclass
class ValidationResult:
    """Everything validation found, and the typed tables when there were no errors."""

    violations: list[Violation]
    warnings: list[Violation]
    study: Study | None
    tables: dict[str, pd.DataFrame]
    sources: dict[str, TableSource]

    @property
    def ok(self) -> bool:
        return not self.violations


def _table_violations(contract: TableContract, text: pd.DataFrame, source: TableSource,
                      language: str) -> tuple[pd.DataFrame, list[str], list[Violation], set[tuple[int, str]]]:
    """Parse one table; report missing/unknown columns and unparsable cells."""
    found: list[Violation] = []
    header_row = 1 if source.first_row == 2 else None
    present = [c for c in contract.columns if c in text.columns]
    for name in contract.required_columns:
        if name not in text.columns:
            found.append(Violation(contract.table, source.path, header_row, name, None, "missing_column",
                                   message("missing_column", language, column=name)))
    for name in text.columns:
        if name not in contract.columns:
            found.append(Violation(contract.table, source.path, header_row, name, None, "unknown_column",
                                   message("unknown_column", language, column=name), "warning"))
    if contract.table in NON_EMPTY_TABLES and len(text) == 0:
        found.append(Violation(contract.table, source.path, None, None, None, "no_rows",
                               message("no_rows", language)))
    typed: dict[str, pd.Series] = {}
    unparsable: set[tuple[int, str]] = set()
    counter = Counter()
    for name, spec in contract.columns.items():
        if name not in present:
            typed[name] = pd.Series([None] * len(text), index=text.index, dtype=PARSERS.get(spec.type, (None, "string"))[1])
            continue
        typed[name], bad = parse_column(text[name], spec)
        hint = f" {message('spss_missing_code', language)}" if source.format == "spss" else ""
        for index, value, rule in bad:
            unparsable.add((index, name))
            if counter.admit(contract.table, source.path, name, rule):  # the rest is counted: bounded work
                found.append(Violation(contract.table, source.path, source.row(index), name,
                                       _shown_value(value, spec), rule,
                                       message(rule, language, value=_shown_value(value, spec)) + hint))
    return pd.DataFrame(typed, index=text.index), present, found + counter.more(language), unparsable


def validate_raw(raw: RawDataset, language: str | None = None) -> ValidationResult:
    """Validate a read dataset; every violation of every table is collected."""
    found: list[Violation] = []
    study_path = f"{raw.folder}/study.yaml"
    study, problems = (None, []) if raw.study is None else parse_study(raw.study)
    language = language or (study.language if study else None) or _language_hint(raw.study)
    for table, path, rule, detail, row in raw.read_problems:  # a "more" row's count comes as its row
        found.append(Violation(table, path, None if rule == MORE_RULE else row, None,
                               str(row) if rule == MORE_RULE else None, rule, message("file", language, detail=detail)))
    for p in problems:
        found.append(Violation("study", study_path, None, p.path or None,
                               None if p.value is None else str(p.value), p.rule,
                               message("study", language, detail=p.message), p.severity))

    contracts = load_contracts()
    typed: dict[str, pd.DataFrame] = {}
    parsed: dict[str, tuple[list[str], set[tuple[int, str]]]] = {}
    for table in TABLES:
        if table not in raw.tables:
            continue
        frame, present, table_found, unparsable = _table_violations(
            contracts[table], raw.tables[table], raw.sources[table], language)
        found.extend(table_found)
        typed[table] = frame
        parsed[table] = (present, unparsable)

    ctx = RuleContext(tables=typed, sources=raw.sources, study=study, language=language)
    for table in TABLES:
        if table not in typed:
            continue
        present, unparsable = parsed[table]
        found.extend(_check_table(contracts[table], typed[table], present, unparsable, ctx))

    errors = [v for v in found if v.severity == "error"]
    warnings = [v for v in found if v.severity != "error"]
    return ValidationResult(errors, warnings, study, typed if not errors else {}, raw.sources)


def _language_hint(study: Any) -> str:
    if isinstance(study, dict) and study.get("report_language") in LANGUAGES:
        return study["report_language"]
    return LANGUAGES[0]


def _check_table(contract: TableContract, frame: pd.DataFrame, present: list[str],
                 unparsable: set[tuple[int, str]], ctx: RuleContext) -> list[Violation]:
    import pandera.pandas as pa
    schema, infos = _build_schema(contract, frame, ctx, present)
    caps = CheckCaps(unparsable)  # each check lists at most MAX_PER_RULE failures; pandera collects no more
    try:
        caps.cap_schema(schema).validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    source, counter = ctx.sources[contract.table], Counter()
    cell = _Cells(frame)
    out: list[Violation] = []
    seen: set[tuple[Any, ...]] = set()
    # plain lists: stepping through pandas' (Arrow) columns costs microseconds a cell
    for check, column, index in zip(cases["check"].tolist(), cases["column"].tolist(), cases["index"].tolist()):
        info = infos.get(check)
        if info is None:  # a pandera-internal check we did not ask for
            raise RuntimeError(f"unexpected pandera failure in {contract.table}: {check} on {column}")
        index = int(index)
        if (index, column) in unparsable:
            continue  # already reported as a value of the wrong type
        marker = (check, index)
        if marker in seen:
            continue
        seen.add(marker)
        spec = contract.columns.get(column)
        value = _shown_value(cell(index, column), spec)
        details = {"value": value, **info.details(index, value)}
        if counter.admit(contract.table, source.path, info.column, info.rule, info.severity):
            out.append(Violation(contract.table, source.path, source.row(index), info.column, details["value"],
                                 info.rule, message(info.rule, ctx.language, **details), info.severity))
    for check, omitted in caps.omitted.items():  # beyond the cap: counted, not listed
        counter.add(contract.table, source.path, infos[check].column, infos[check].rule, omitted,
                    infos[check].severity)
    return out + counter.more(ctx.language)


def sort_violations(violations: list[Violation]) -> list[Violation]:
    order = {t: i for i, t in enumerate(("study", *TABLES))}
    return sorted(violations, key=lambda v: (order.get(v.table, 99), v.row or 0, v.column or "", v.rule))
