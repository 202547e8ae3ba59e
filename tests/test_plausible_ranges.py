"""Every number of the contracts, study.yaml and the options has a plausible range, named when broken.

years_paid_work_nl = 1e308 once passed validation and crashed a chapter
(decimal.InvalidOperation, exit 4); caseworkers with 41 digits was printed in
the PDF three times. Now both are validation errors naming the field, and the
number formatting itself refuses what no report can print.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from via_reports import validate_folder
from via_reports.analysis.formatting import (ImplausibleNumber, format_count, format_number, format_rounded,
                                             percent_text, round_half_away)
from via_reports.cli import main
from via_reports.data.contracts import load_contracts
from via_reports.resources import contracts_dir

HUGE = 99999999999999999999999999999999999999999  # the caseworkers


def _numbers_of_schema(schema: dict, path: str = "") -> list[tuple[str, dict]]:
    """Every (path, subschema) of type integer or number in a JSON Schema."""
    found = []
    if isinstance(schema, dict):
        if schema.get("type") in ("integer", "number"):
            found.append((path, schema))
        for key, value in schema.items():
            found += _numbers_of_schema(value, f"{path}.{key}" if path else key)
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            found += _numbers_of_schema(value, f"{path}[{index}]")
    return found


def test_every_numeric_column_of_the_contracts_has_a_range_or_a_code_list():
    numeric = [(table, column) for table, contract in load_contracts().items()
               for column, spec in contract.columns.items() if spec.type in ("integer", "number")]
    assert len(numeric) == 9  # the check looks at the real columns (a new one is checked too)
    for table, column in numeric:
        spec = load_contracts()[table].columns[column]
        if spec.codes:
            continue
        assert spec.min is not None and (spec.max is not None or spec.max_from_study), f"{table}.{column}"


@pytest.mark.parametrize("schema", ["study.schema.yaml", "report.schema.yaml"])
def test_every_number_of_study_yaml_and_the_options_has_a_range(schema):
    found = _numbers_of_schema(yaml.safe_load((contracts_dir() / schema).read_text(encoding="utf-8")))
    assert found
    for path, subschema in found:
        assert {"minimum", "exclusiveMinimum"} & set(subschema), path
        assert {"maximum", "exclusiveMaximum"} & set(subschema), path


def _violations(folder: Path, rule_filter=None) -> list[tuple[str, str | None, str]]:
    result = validate_folder(folder, "en")
    return [(v.table, v.column, v.rule) for v in result.violations]


@pytest.mark.parametrize("table,column,value,rule", [
    ("participants", "years_paid_work_nl", "1e308", "max"),          # the example
    ("participants", "years_since_paid_work_nl", "1e308", "max"),
    ("participants", "years_paid_work_nl", "71", "max"),
    ("participants", "years_paid_work_nl", "1e400", "type_number"),  # infinite once read
    ("participants", "birth_year", "1e308", "type_integer"),         # no whole number a float holds exactly
    ("responses", "job_search_hours", "1e308", "max"),
    ("responses", "self_rated_health", "99999999999", "max"),
    ("instrument_use", "satisfaction", "1e15", "code"),
])
def test_an_implausible_number_in_a_table_is_a_violation_naming_the_column(table, column, value, rule, tiny,
                                                                          write):
    study, frames = tiny
    frame = frames[table].astype(object)
    row = frame[column].first_valid_index() if frame[column].notna().any() else 0
    frame.loc[row, column] = value
    frames[table] = frame
    found = _violations(write(study, frames))
    assert (table, column, rule) in found, found


@pytest.mark.parametrize("value,rule", [(HUGE, "maximum"), (1001, "maximum"), (0, "minimum"), (-5, "minimum"),
                                        (float("inf"), "type"), (float("nan"), "type"), (2.5, "type")])
def test_an_implausible_number_in_study_yaml_is_an_error_naming_the_field(value, rule, tiny, write, capsys):
    study, frames = tiny
    study["caseworkers"] = value
    folder = write(study, frames)
    result = validate_folder(folder, "en")
    found = [v for v in result.violations if v.table == "study" and v.column == "caseworkers"]
    assert found and rule in [v.rule for v in found], result.violations
    assert main(["validate", str(folder)]) == 3
    said = " ".join(capsys.readouterr().out.split())
    assert "caseworkers" in said and "Traceback" not in said


def test_plausible_values_still_pass(tiny, write):
    study, frames = tiny
    study["caseworkers"] = 1000
    frames["participants"].loc[1, "years_paid_work_nl"] = 70
    frames["participants"].loc[1, "years_since_paid_work_nl"] = 90
    assert validate_folder(write(study, frames)).ok


@pytest.mark.parametrize("argv,named", [
    (["--jobs", str(10**40)], "jobs must be at most 64"),
    (["--min-n", str(HUGE)], "min_n must be at most 100000"),
    (["--min-cell", "100001", "--public"], "min_cell must be at most 100000"),
    (["--alpha", "nan"], "alpha must be a finite number"),
    (["--timeout", "1e308"], "--timeout"),
    (["--timeout", "nan"], "--timeout"),
])
def test_an_implausible_option_is_exit_2_naming_it(argv, named, tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path / "report"), *argv]) == 2
    said = " ".join((lambda c: c.out + c.err)(capsys.readouterr()).split())
    assert named in said and "Traceback" not in said
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize("line", ["alpha: .nan", "jobs: 65", f"min_n: {HUGE}", "min_cell: 1e400"])
def test_an_implausible_number_in_report_yaml_is_exit_2(line, tiny_dir, tmp_path, capsys):
    (tiny_dir / "report.yaml").write_text(line + "\n", encoding="utf-8")
    assert main(["build", str(tiny_dir), "--out", str(tmp_path / "report")]) == 2
    said = " ".join((lambda c: c.out + c.err)(capsys.readouterr()).split())
    assert line.split(":")[0] in said and "Traceback" not in said


def test_number_formatting_never_meets_an_implausible_value_unguarded():
    for missing in (float("nan"), None):
        assert format_number(missing) == format_rounded(missing) == format_count(missing) == "–"
    for absurd in (float("inf"), -float("inf"), 1e308, HUGE, -1e13):
        for formatter in (format_number, format_rounded, format_count):
            with pytest.raises(ImplausibleNumber, match="not a number a report can print"):
                formatter(absurd)
    with pytest.raises(ImplausibleNumber, match=r"\(42 digits\)"):
        percent_text(3, 10**41)
    assert round_half_away(1e308, 1) == 1e308  # no decimal.InvalidOperation
    assert math.isnan(round_half_away(float("nan"), 1))
    assert format_count(10**12, "en") == "1,000,000,000,000" and format_number(2.5, "nl", 1) == "2,5"
