"""The cross-column and cross-table rules of the contract, one function per rule kind.

A contract declares rules such as ``references`` (a key that must exist in
another table) or ``within_fieldwork`` (a date inside its wave's fieldwork);
each kind is a function ``(frame, spec, context) -> (ok mask, details)``,
listed in :data:`RULES`. :mod:`via_reports.data.validation` runs them as
pandera checks, so their failures are collected with every other one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from via_reports.data.cells import Cells
from via_reports.data.codebook import load_codebook
from via_reports.data.contracts import RuleSpec
from via_reports.data.loading import TableSource
from via_reports.data.study import Study


@dataclass
class RuleContext:
    """What the rules may look at: the typed tables, their sources, the study."""

    tables: dict[str, pd.DataFrame]
    sources: dict[str, TableSource]
    study: Study | None
    language: str


def _keys_in(frame: pd.DataFrame, target: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Whether each row's combination of ``columns`` occurs in ``target`` (hashed, not row by row)."""
    if len(columns) == 1:
        return frame[columns[0]].isin(target[columns[0]])
    rows = pd.MultiIndex.from_arrays([frame[c] for c in columns])
    known = pd.MultiIndex.from_arrays([target[c] for c in columns])
    return pd.Series(rows.isin(known), index=frame.index)


def _fmt_date(value: Any) -> str:
    return value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)


# Each rule kind: (frame, spec, ctx) -> (ok mask, details(index) -> dict, ignore_na, tables needed)
RuleResult = tuple[pd.Series, Callable[[int], dict[str, Any]]]


def _rule_missing_when_false(frame, spec, ctx) -> RuleResult:
    other = spec.options["condition_column"]
    ok = ~(frame[other].fillna(True) == False)  # noqa: E712 - nullable boolean
    return ok, lambda i: {"other_column": other}


def _rule_within_study_period(frame, spec, ctx) -> RuleResult:
    start, end = pd.Timestamp(ctx.study.study_start), pd.Timestamp(ctx.study.study_end)
    values = frame[spec.column]
    ok = values.isna() | values.between(start, end)
    return ok, lambda i: {"start": ctx.study.study_start, "end": ctx.study.study_end}


def _rule_not_before(frame, spec, ctx) -> RuleResult:
    other = spec.options["other_column"]
    ok = ~(frame[spec.column] < frame[other]).fillna(False)
    cell = Cells(frame)
    return ok, lambda i: {"other_column": other, "other_value": _fmt_date(cell(i, other))}


def _rule_required_together(frame, spec, ctx) -> RuleResult:
    other = spec.options["other_column"]
    ok = frame[spec.column].isna() == frame[other].isna()
    states = {"en": ("given", "empty"), "nl": ("ingevuld", "leeg")}[ctx.language]
    cell = Cells(frame)

    def details(i):
        return {"other_column": other, "other_state": states[0] if pd.notna(cell(i, other)) else states[1]}

    return ok, details


def _rule_has_rows_in(frame, spec, ctx) -> RuleResult:
    target = ctx.tables[spec.options["table"]]
    present = set(target[spec.options["match_columns"][0]].dropna())
    ok = frame[spec.column].isin(present)
    return ok, lambda i: {"table": spec.options["table"]}


def _rule_references(frame, spec, ctx) -> RuleResult:
    columns = spec.options["columns"]
    target_name = spec.options["table"]
    target = ctx.tables[target_name]
    has_missing_part = frame[columns].isna().any(axis=1)
    ok = _keys_in(frame, target, columns) | has_missing_part
    cell = Cells(frame)

    def details(i):
        return {"value": ", ".join(str(cell(i, c)) for c in columns), "table": target_name,
                "key": " + ".join(columns)}

    return ok, details


def _rule_declared_wave(frame, spec, ctx) -> RuleResult:
    declared = ctx.study.wave_codes
    all_codes = load_codebook()["wave"].codes
    values = frame[spec.column]
    ok = values.isin(declared) | ~values.isin(all_codes)  # unknown codes are the code check's job
    return ok, lambda i: {"declared": ", ".join(declared)}


def _rule_within_fieldwork(frame, spec, ctx) -> RuleResult:
    windows = {w.code: (pd.Timestamp(w.fieldwork_start), pd.Timestamp(w.fieldwork_end)) for w in ctx.study.waves}
    starts = frame["wave"].map({code: window[0] for code, window in windows.items()})
    ends = frame["wave"].map({code: window[1] for code, window in windows.items()})
    dates = frame[spec.column]
    outside = (dates < pd.to_datetime(starts)) | (dates > pd.to_datetime(ends))
    ok = ~outside.fillna(False)
    cell = Cells(frame)

    def details(i):
        start, end = windows[cell(i, "wave")]
        return {"wave": cell(i, "wave"), "start": _fmt_date(start), "end": _fmt_date(end)}

    return ok, details


def _rule_before_exit(frame, spec, ctx) -> RuleResult:
    participants = ctx.tables["participants"].drop_duplicates("participant_id")
    exit_by_id = participants.set_index("participant_id")["exit_date"]
    exits = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    known = frame["participant_id"].isin(exit_by_id.index)
    if known.any():
        exits[known] = frame.loc[known, "participant_id"].map(exit_by_id)
    ok = ~(frame[spec.column] >= exits).fillna(False)
    cell = Cells(pd.DataFrame({"exit_date": exits}))
    return ok, lambda i: {"exit_date": _fmt_date(cell(i, "exit_date"))}


def _rule_requires_row_in(frame, spec, ctx) -> RuleResult:
    on, table = spec.options["match_columns"], spec.options["table"]
    ok = frame[spec.column].isna() | _keys_in(frame, ctx.tables[table], on)
    cell = Cells(frame)
    return ok, lambda i: {"table": table, "wave": cell(i, "wave")}


def _rule_forbids_row_in(frame, spec, ctx) -> RuleResult:
    columns, table = spec.options["columns"], spec.options["table"]
    ok = ~_keys_in(frame, ctx.tables[table], columns)
    cell = Cells(frame)
    return ok, lambda i: {"table": table, "wave": cell(i, "wave")}


def _rule_exclusive_code(frame, spec, ctx) -> RuleResult:
    code, within = spec.options["code"], spec.options["within"]
    is_code = frame[spec.column] == code
    group_size = frame.groupby(within, dropna=False)[spec.column].transform("size")
    groups_with_code = frame.assign(_is=is_code).groupby(within, dropna=False)["_is"].transform("any")
    ok = ~(groups_with_code & (group_size > 1)).fillna(False)
    return ok, lambda i: {"code": code, "within": " + ".join(within)}


RULES: dict[str, tuple[Callable[..., RuleResult], bool, tuple[str, ...]]] = {
    # kind: (function, ignore missing values, needs study)
    "missing_when_false": (_rule_missing_when_false, True, ()),
    "within_study_period": (_rule_within_study_period, True, ("study",)),
    "not_before": (_rule_not_before, True, ()),
    "required_together": (_rule_required_together, False, ()),
    "has_rows_in": (_rule_has_rows_in, True, ()),
    "references": (_rule_references, True, ()),
    "declared_wave": (_rule_declared_wave, True, ("study",)),
    "within_fieldwork": (_rule_within_fieldwork, True, ("study",)),
    "before_exit": (_rule_before_exit, True, ()),
    "requires_row_in": (_rule_requires_row_in, True, ()),
    "forbids_row_in": (_rule_forbids_row_in, True, ()),
    "exclusive_code": (_rule_exclusive_code, True, ()),
}


def tables_needed(spec: RuleSpec, table: str) -> set[str]:
    needed = {spec.options["table"]} if "table" in spec.options else set()
    if spec.rule == "before_exit":
        needed.add("participants")
    return needed
