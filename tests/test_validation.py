"""Validation: one broken dataset per contract rule, each asserting table, row and column.

Rows are as the user sees them in the CSV file: the header is row 1, so the
data frame's first row (index 0) is row 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from via_reports import ContractError, load_dataset, validate_folder
from via_reports.cli import main


def violations_of(folder):
    result = validate_folder(folder)
    return result.violations


def only(violations, rule):
    found = [v for v in violations if v.rule == rule]
    assert found, f"no {rule} violation among {[(v.table, v.rule) for v in violations]}"
    return found


def test_tiny_dataset_is_valid(tiny_dir):
    result = validate_folder(tiny_dir)
    assert result.violations == []
    assert len(result.tables["participants"]) == 11


def row_of(frames, table, **match):
    """The CSV row number (header = 1) of the first row matching ``match``."""
    frame = frames[table]
    mask = pd.Series(True, index=frame.index)
    for column, value in match.items():
        mask &= frame[column] == value
    return int(mask.idxmax()) + 2


# Each case: (description, edit(study, frames), table, column, rule, row-locator or None)
def _set(table, column, value, **match):
    def edit(study, frames):
        frame = frames[table]
        mask = pd.Series(True, index=frame.index)
        for c, v in match.items():
            mask &= frame[c] == v
        assert mask.sum() == 1, match
        frame[column] = frame[column].astype(object)
        frame.loc[mask, column] = value
    return edit


CASES = [
    ("participant_id pattern", _set("participants", "participant_id", "P 9", participant_id="P8"),
     "participants", "participant_id", "pattern", dict(participant_id="P 9")),
    ("participant id that is a BSN", _set("participants", "participant_id", "111222333", participant_id="P8"),
     "participants", "participant_id", "bsn", dict(participant_id="111222333")),
    ("required value missing", _set("participants", "sex", None, participant_id="P3"),
     "participants", "sex", "required", dict(participant_id="P3")),
    ("unknown sex code", _set("participants", "sex", "vrouw", participant_id="P3"),
     "participants", "sex", "code", dict(participant_id="P3")),
    ("birth_year not an integer", _set("participants", "birth_year", "19x0", participant_id="P2"),
     "participants", "birth_year", "type_integer", dict(participant_id="P2")),
    ("birth_year too early", _set("participants", "birth_year", 1900, participant_id="P2"),
     "participants", "birth_year", "min", dict(participant_id="P2")),
    ("birth_year too late (reference year - 15)", _set("participants", "birth_year", 2006, participant_id="P2"),
     "participants", "birth_year", "max", dict(participant_id="P2")),
    ("unknown country code", _set("participants", "birth_country", "XX", participant_id="P5"),
     "participants", "birth_country", "code", dict(participant_id="P5")),
    ("boolean not yes/no", _set("participants", "prior_paid_work_nl", "misschien", participant_id="P6"),
     "participants", "prior_paid_work_nl", "type_boolean", dict(participant_id="P6")),
    ("years negative", _set("participants", "years_paid_work_nl", -2, participant_id="P2"),
     "participants", "years_paid_work_nl", "min", dict(participant_id="P2")),
    ("years given without prior work", _set("participants", "years_paid_work_nl", 3, participant_id="P1"),
     "participants", "years_paid_work_nl", "missing_when_false", dict(participant_id="P1")),
    ("years since given without prior work", _set("participants", "years_since_paid_work_nl", 3, participant_id="P5"),
     "participants", "years_since_paid_work_nl", "missing_when_false", dict(participant_id="P5")),
    ("start date outside study period", _set("participants", "start_date", "2019-01-01", participant_id="P4"),
     "participants", "start_date", "within_study_period", dict(participant_id="P4")),
    ("start date not a date", _set("participants", "start_date", "15-11-2019", participant_id="P4"),
     "participants", "start_date", "type_date", dict(participant_id="P4")),
    ("exit before start", _set("participants", "exit_date", "2019-11-01", participant_id="P7"),
     "participants", "exit_date", "not_before", dict(participant_id="P7")),
    ("exit reason without exit date", _set("participants", "exit_reason", "moved", participant_id="P1"),
     "participants", "exit_reason", "required_together", dict(participant_id="P1")),
    ("exit date without reason", _set("participants", "exit_reason", None, participant_id="P7"),
     "participants", "exit_reason", "required_together", dict(participant_id="P7")),
    ("unknown exit reason", _set("participants", "exit_reason", "died", participant_id="P7"),
     "participants", "exit_reason", "code", dict(participant_id="P7")),
    ("background of unknown participant", _set("backgrounds", "participant_id", "P99", participant_id="P5"),
     "backgrounds", "participant_id", "references", dict(participant_id="P99")),
    ("response of unknown participant", _set("responses", "participant_id", "P99", participant_id="P6", wave="T0"),
     "responses", "participant_id", "references", dict(participant_id="P99")),
    ("wave not declared", None, "responses", "wave", "declared_wave", dict(participant_id="P1", wave="T2")),
    ("unknown mode", _set("responses", "mode", "email", participant_id="P2", wave="T1"),
     "responses", "mode", "code", dict(participant_id="P2", wave="T1")),
    ("ease out of range", _set("responses", "ease_society", 7, participant_id="P3", wave="T1"),
     "responses", "ease_society", "code", dict(participant_id="P3", wave="T1")),
    ("health out of range", _set("responses", "self_rated_health", 11, participant_id="P3", wave="T1"),
     "responses", "self_rated_health", "max", dict(participant_id="P3", wave="T1")),
    ("job search hours out of range", _set("responses", "job_search_hours", 100, participant_id="P3", wave="T1"),
     "responses", "job_search_hours", "max", dict(participant_id="P3", wave="T1")),
    ("satisfaction without instrument use", _set("responses", "satisfaction_overall", 4, participant_id="P3", wave="T1"),
     "responses", "satisfaction_overall", "requires_row_in", dict(participant_id="P3", wave="T1")),
    ("response after exit", _set("responses", "response_date", "2020-06-02", participant_id="P7", wave="T0"),
     "responses", "response_date", "before_exit", dict(participant_id="P7", wave="T0")),
    ("barrier for a wave not answered", _set("barriers", "participant_id", "P8", participant_id="P1", wave="T1", barrier="transport"),
     "barriers", "participant_id, wave", "references", dict(participant_id="P8", wave="T1")),
    ("none combined with another barrier", _set("barriers", "barrier", "none", participant_id="P1", wave="T1", barrier="transport"),
     "barriers", "barrier", "exclusive_code", dict(participant_id="P1", wave="T1", barrier="none")),
    ("unknown domain", _set("barriers", "domain", "school", participant_id="P3", wave="T1"),
     "barriers", "domain", "code", dict(participant_id="P3", wave="T1")),
    ("unknown instrument", _set("instrument_use", "instrument", "yoga", participant_id="P2"),
     "instrument_use", "instrument", "references", dict(participant_id="P2")),
    ("instrument satisfaction out of range", _set("instrument_use", "satisfaction", 0, participant_id="P2"),
     "instrument_use", "satisfaction", "code", dict(participant_id="P2")),
    ("non-use reason although an instrument was used", _set("non_use_reasons", "participant_id", "P2", participant_id="P6"),
     "non_use_reasons", "participant_id, wave", "forbids_row_in", dict(participant_id="P2")),
    ("unknown non-use reason", _set("non_use_reasons", "reason", "lazy", participant_id="P5"),
     "non_use_reasons", "reason", "code", dict(participant_id="P5")),
    ("instrument code pattern", _set("instruments", "instrument", "Power!", instrument="unused"),
     "instruments", "instrument", "pattern", dict(instrument="Power!")),
    ("instrument code reserved for the total row", _set("instruments", "instrument", "any", instrument="unused"),
     "instruments", "instrument", "reserved", dict(instrument="any")),
    ("instrument label missing", _set("instruments", "label_nl", None, instrument="coach"),
     "instruments", "label_nl", "required", dict(instrument="coach")),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_rule_reports_table_row_and_column(case, tiny, write):
    description, edit, table, column, rule, locate = case
    study, frames = tiny
    if edit is None:  # "wave not declared": drop T2 from study.yaml
        del study["waves"]["T2"]
    else:
        edit(study, frames)
    found = only(violations_of(write(study, frames)), rule)
    expected_row = row_of(frames, table, **locate)
    matching = [v for v in found if v.table == table and v.column == column and v.row == expected_row]
    assert matching, f"{description}: expected {table} row {expected_row} column {column}, got " + \
        str([(v.table, v.row, v.column) for v in found])
    assert matching[0].file.endswith(f"{table}.csv")
    assert matching[0].message


def test_duplicate_key_names_both_rows(tiny, write):
    study, frames = tiny
    frames["responses"] = pd.concat([frames["responses"], frames["responses"].iloc[[3]]], ignore_index=True)
    found = only(violations_of(write(study, frames)), "unique_key")
    assert [(v.table, v.row, v.column) for v in found] == [("responses", len(frames["responses"]) + 1, "participant_id, wave")]
    assert "5" in found[0].message  # the first occurrence: index 3 -> row 5


def test_participant_without_background(tiny, write):
    study, frames = tiny
    frames["backgrounds"] = frames["backgrounds"][frames["backgrounds"].participant_id != "P5"]
    found = only(violations_of(write(study, frames)), "has_rows_in")
    assert [(v.table, v.row, v.column) for v in found] == [("participants", 6, "participant_id")]


def test_missing_column_is_reported_on_the_header_row(tiny, write):
    study, frames = tiny
    frames["responses"] = frames["responses"].drop(columns=["mode"])
    found = only(violations_of(write(study, frames)), "missing_column")
    assert [(v.table, v.row, v.column) for v in found] == [("responses", 1, "mode")]


def test_unknown_column_is_a_warning_not_an_error(tiny, write):
    study, frames = tiny
    frames["participants"]["shoe_size"] = 42
    result = validate_folder(write(study, frames))
    assert result.violations == []
    assert [(w.table, w.column, w.rule) for w in result.warnings] == [("participants", "shoe_size", "unknown_column")]


def test_response_outside_fieldwork_is_a_warning(tiny, write):
    study, frames = tiny
    _set("responses", "response_date", "2020-09-01", participant_id="P2", wave="T0")(study, frames)
    result = validate_folder(write(study, frames))
    assert result.violations == []
    assert [(w.rule, w.row) for w in result.warnings] == [("within_fieldwork", row_of(frames, "responses", participant_id="P2", wave="T0"))]


def test_missing_file_and_empty_file_are_reported(tiny, write):
    study, frames = tiny
    folder = write(study, frames)
    (folder / "barriers.csv").unlink()
    (folder / "instruments.csv").write_text("")
    found = violations_of(folder)
    files = {(v.table, v.rule) for v in found if v.rule == "file"}
    assert files == {("barriers", "file"), ("instruments", "file")}
    messages = {v.table: v.message.lower() for v in found if v.rule == "file"}
    assert "barriers" in messages["barriers"] and ("missing" in messages["barriers"] or "ontbreekt" in messages["barriers"])
    assert "instruments.csv" in messages["instruments"] and ("empty" in messages["instruments"]
                                                             or "leeg" in messages["instruments"])


def test_header_only_participants_is_reported(tiny, write):
    study, frames = tiny
    frames["participants"] = frames["participants"].iloc[0:0]
    found = violations_of(write(study, frames))
    assert any(v.rule == "no_rows" and v.table == "participants" for v in found)


def test_study_yaml_problems(tiny, write):
    study, frames = tiny
    study["isbn"] = "978-94-6409-071-1"  # wrong check digit
    study["waves"]["T1"]["fieldwork"] = ["2021-01-08", "2020-10-15"]  # backwards
    del study["client"]
    found = [v for v in violations_of(write(study, frames)) if v.table == "study"]
    missing = [(Path(v.file).name, v.row, v.column, v.rule) for v in found if v.message.split()[0] == "client"]
    assert missing == [("study.yaml", None, "client", "required")]


def test_study_yaml_semantic_problems(tiny, write):
    study, frames = tiny
    study["isbn"] = "978-94-6409-071-1"
    study["waves"]["T1"]["fieldwork"] = ["2021-01-08", "2020-10-15"]
    found = [(v.column, v.rule) for v in violations_of(write(study, frames)) if v.table == "study"]
    assert ("isbn", "isbn13") in found
    assert ("waves.T1.fieldwork", "order") in found


def test_all_violations_of_all_tables_in_one_run(tiny, write):
    """Many independent breaches in several tables: every one is reported at once."""
    study, frames = tiny
    chosen = ["participant_id pattern", "unknown sex code", "birth_year not an integer",
              "years given without prior work", "exit reason without exit date", "unknown mode",
              "health out of range", "barrier for a wave not answered", "unknown instrument",
              "unknown non-use reason"]
    edits = [case for case in CASES if case[0] in chosen]
    assert len(edits) == len(chosen)
    for _, edit, *_ in edits:
        edit(study, frames)
    found = violations_of(write(study, frames))
    for description, _, table, column, rule, locate in edits:
        row = row_of(frames, table, **locate)
        assert any(v.table == table and v.column == column and v.rule == rule and v.row == row for v in found), description
    assert {v.table for v in found} >= {"participants", "responses", "barriers", "instrument_use", "non_use_reasons"}


def test_load_dataset_raises_contract_error_with_every_violation(tiny, write):
    study, frames = tiny
    _set("participants", "sex", "x", participant_id="P1")(study, frames)
    _set("responses", "mode", "x", participant_id="P1", wave="T0")(study, frames)
    with pytest.raises(ContractError) as info:
        load_dataset(write(study, frames))
    assert {(v.table, v.rule) for v in info.value.violations} == {("participants", "code"), ("responses", "code")}


def test_free_text_is_never_echoed(tiny, write):
    study, frames = tiny
    frames["barriers"].loc[0, "wave"] = "T9"
    frames["barriers"].loc[0, "other_text"] = "SECRET TEXT"
    frames["non_use_reasons"].loc[1, "reason"] = "bogus"
    found = violations_of(write(study, frames))
    assert found
    assert not any("SECRET" in (v.value or "") + v.message for v in found)


# --------------------------------------------------------------------------- formats

@pytest.mark.parametrize("fmt", ["csv", "parquet", "excel", "spss"])
def test_every_format_loads_to_the_same_data(fmt, tiny, write):
    reference = load_dataset(write(*tiny_copy(tiny)))
    dataset = load_dataset(write(*tiny_copy(tiny), fmt=fmt))
    assert dataset.fingerprint == reference.fingerprint
    assert dataset.participants["sex"].tolist() == reference.participants["sex"].tolist()


def tiny_tables_fresh():
    from tiny import tiny_tables

    return tiny_tables()


def tiny_copy(tiny):
    import copy

    return copy.deepcopy(tiny)


@pytest.mark.parametrize("fmt", ["parquet", "excel", "spss"])
def test_every_format_reports_violations_with_rows(fmt, tiny, write):
    study, frames = tiny
    _set("participants", "education_nl", "phd", participant_id="P4")(study, frames)
    if fmt == "spss":  # SPSS can only hold listed codes as labelled numbers: break a 1-5 answer instead
        frames["participants"]["education_nl"] = frames["participants"]["education_nl"].replace("phd", "none")
        frames["responses"].loc[2, "ease_society"] = 9
    folder = write(study, frames, fmt=fmt)
    found = violations_of(folder)
    if fmt == "spss":
        assert [(v.table, v.column, v.row) for v in found] == [("responses", "ease_society", 3)]  # no header: row 1 = first case
        assert found[0].file.endswith("responses.sav")
    else:
        first_row = 2 if fmt == "excel" else 1
        assert [(v.table, v.column, v.row) for v in found] == [("participants", "education_nl", 3 + first_row)]
        assert ("dataset.xlsx#participants" if fmt == "excel" else "participants.parquet") in found[0].file


def test_csv_with_bom_and_dutch_booleans(tiny, write):
    study, frames = tiny
    folder = write(study, frames)
    path = folder / "participants.csv"
    text = path.read_text(encoding="utf-8").replace(",true,", ",ja,").replace(",false,", ",0,")
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    dataset = load_dataset(folder)
    assert dataset.participants["participant_id"].iloc[0] == "P1"
    assert dataset.fingerprint == load_dataset(write(*tiny_tables_fresh())).fingerprint


def test_spss_value_labels_map_onto_codes(tiny, write):
    dataset = load_dataset(write(*tiny, fmt="spss"))
    assert dataset.participants["sex"].tolist()[:3] == ["female", "female", "male"]
    assert dataset.participants["education_nl"].tolist()[:2] == ["none", "mbo2"]


def test_inputs_are_only_read(tiny_dir):
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in tiny_dir.iterdir()}
    validate_folder(tiny_dir)
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in tiny_dir.iterdir()}
    assert before == after


def test_a_table_given_twice_is_ambiguous(tiny, write):
    folder = write(*tiny)
    pd.read_csv(folder / "instruments.csv").to_parquet(folder / "instruments.parquet")
    found = violations_of(folder)
    assert [(v.table, v.rule) for v in found] == [("instruments", "file")]


# --------------------------------------------------------------------------- command line

def test_cli_valid_exit_0(tiny_dir, capsys):
    assert main(["validate", str(tiny_dir)]) == 0
    assert "Valid" in capsys.readouterr().out


def test_cli_invalid_exit_3_with_report_files(tiny, write, tmp_path, capsys):
    study, frames = tiny
    _set("participants", "sex", "x", participant_id="P1")(study, frames)
    folder = write(study, frames)
    assert main(["validate", str(folder), "--report", str(tmp_path / "errors.json")]) == 3
    out = capsys.readouterr().out
    assert "participants.csv" in out and "Traceback" not in out
    rows = json.loads((tmp_path / "errors.json").read_text())
    assert rows == [{"table": "participants", "file": str(folder / "participants.csv"), "row": 2, "column": "sex",
                     "value": "x", "rule": "code", "message": rows[0]["message"], "severity": "error"}]
    assert main(["validate", str(folder), "--report", str(tmp_path / "errors.csv"), "--quiet"]) == 3
    csv_rows = pd.read_csv(tmp_path / "errors.csv")
    assert csv_rows[["table", "row", "column", "rule"]].values.tolist() == [["participants", 2, "sex", "code"]]


def test_cli_messages_in_english(tiny, write, capsys):
    study, frames = tiny
    _set("participants", "sex", "x", participant_id="P1")(study, frames)
    assert main(["validate", str(write(study, frames)), "--language", "en"]) == 3
    assert "is not a code of the list sex" in capsys.readouterr().out


def test_cli_missing_folder_is_a_data_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 3
    assert "No dataset folder" in capsys.readouterr().out


def test_cli_bad_report_suffix_is_a_usage_error(tiny_dir):
    assert main(["validate", str(tiny_dir), "--report", "errors.txt"]) == 2


def test_bsn_check_only_refuses_numbers_that_pass_the_elfproef():
    from via_reports.data.validation import looks_like_bsn

    assert looks_like_bsn("111222333") and looks_like_bsn("123456782")
    assert not looks_like_bsn("123456789") and not looks_like_bsn("P0001") and not looks_like_bsn("12345678")


@pytest.mark.parametrize("cell, valid", [("2020-01-10", True), ("2020-W02-5", False), ("2020-01-10 later", False),
                                         ("2020-02-30", False), ("10-01-2020", False)])
def test_dates_are_strictly_iso(cell, valid, tiny, write):
    study, frames = tiny
    _set("responses", "response_date", cell, participant_id="P1", wave="T0")(study, frames)
    found = [v for v in violations_of(write(study, frames)) if v.rule == "type_date"]
    assert (found == []) == valid


@pytest.mark.parametrize("cell", ["1_990", "1,990", "١٩٩٠", "99999999999999999999"])
def test_numbers_are_plain(cell, tiny, write):
    study, frames = tiny
    _set("participants", "birth_year", cell, participant_id="P2")(study, frames)
    found = violations_of(write(study, frames))
    assert [(v.column, v.rule, v.row) for v in found if v.column == "birth_year"] == [("birth_year", "type_integer", 3)]


def test_blank_line_keeps_the_row_numbers_of_the_file(tiny, write):
    study, frames = tiny
    folder = write(study, frames)
    path = folder / "participants.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(3, "\n")  # a blank line before the third data row
    lines[5] = lines[5].replace(",female,", ",vrouw,")  # file line 6 (P4 -> male row? replace only if present)
    path.write_text("".join(lines) + "\n\n")
    found = violations_of(folder)
    assert {(v.row, v.rule) for v in found if v.table == "participants"} >= {(4, "required")}
    assert all(v.row != 14 for v in found)  # the blank lines at the end are not rows


def test_ragged_rows_and_duplicate_headers_are_reported(tiny, write):
    study, frames = tiny
    folder = write(study, frames)
    path = folder / "instruments.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2] + ",extra"
    path.write_text("\n".join(lines) + "\n")
    responses = folder / "responses.csv"
    text = responses.read_text().splitlines()
    text[0] = text[0].replace("mode", "wave")
    responses.write_text("\n".join(text) + "\n")
    found = {(v.table, v.row, v.rule) for v in violations_of(folder) if v.rule == "row_shape"}
    assert ("instruments", 3, "row_shape") in found and ("responses", 1, "row_shape") in found


@pytest.mark.parametrize("content, fragment", [("", "empty"), ("publication_date: 2021-02-30\n", "cannot be read")])
def test_unreadable_study_yaml_is_reported(content, fragment, tiny, write):
    folder = write(*tiny)
    (folder / "study.yaml").write_text(content)
    found = [v for v in violations_of(folder) if v.table == "study"]
    assert found and fragment in found[0].message


def test_a_file_that_is_not_a_workbook_is_reported(tiny, write):
    folder = write(*tiny)
    (folder / "extra.xlsx").write_text("not a zip")
    found = [v for v in violations_of(folder) if v.rule == "file"]
    assert found and "extra.xlsx" in found[0].message
