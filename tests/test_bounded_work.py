"""Bounded work on any input: a fixed number of violations per rule, an exact count of the rest, wide tables refused.

The issue's inputs: 8.2 million repeated keys (9.2 GB, a 1.7 GB report) and a
CSV with 200,000 header columns (never finished). Here at a size a test can
afford, with the same shape; scripts/benchmark.py memory measures the peak
memory up to 10^7 rows.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from via_reports import validate_folder
from via_reports.cli import main
from via_reports.data.limits import MAX_COLUMNS, MAX_PER_RULE, MORE_RULE, Counter, count_violations

ROOT = Path(__file__).resolve().parents[1]


def _repeat(frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    return frame.iloc[[0] * rows].reset_index(drop=True)


def _said(capsys) -> str:
    captured = capsys.readouterr()
    return " ".join((captured.out + captured.err).split())


# --------------------------------------------------------------------------- width

def test_a_csv_with_200000_header_columns_is_refused_in_well_under_two_seconds(tiny_dir, capsys):
    header = ",".join(f"c{i}" for i in range(200_000))  # 1.3 MB, as the 2.7 MB file (only its first MB is read)
    (tiny_dir / "barriers.csv").write_text(header + "\n" + ",".join("x" * 1 for _ in range(200_000)) + "\n")
    validate_folder(None)  # imports and contracts loaded: what is timed below is this dataset's own work
    started = time.process_time()  # processor time: a busy shared machine does not slow it down
    violations = validate_folder(tiny_dir, "en").violations
    seconds = time.process_time() - started
    assert [(v.table, v.rule) for v in violations] == [("barriers", "file")]
    assert "barriers.csv has at least 144,961 columns, more than the limit of 1,000" in violations[0].message
    assert seconds < 2.0, f"{seconds:.1f} s"
    assert main(["validate", str(tiny_dir), "--quiet"]) == 3
    assert "Traceback" not in _said(capsys)


def test_a_csv_with_a_few_thousand_columns_is_refused_with_their_exact_number(tiny_dir):
    (tiny_dir / "participants.csv").write_text(",".join(f"c{i}" for i in range(5000)) + "\n")
    found = [v.message for v in validate_folder(tiny_dir, "en").violations if v.table == "participants"]
    assert any("participants.csv has 5,000 columns, more than the limit of 1,000" in m for m in found), found


def test_a_header_row_longer_than_a_megabyte_is_refused(tiny_dir):
    (tiny_dir / "responses.csv").write_text("," * 2_000_000)  # no line end in the first megabyte
    found = [(v.table, v.rule, v.message) for v in validate_folder(tiny_dir, "en").violations]
    assert any(t == "responses" and "more than the limit" in m for t, _, m in found), found


def test_a_parquet_table_with_too_many_columns_is_refused(tiny, write):
    study, frames = tiny
    folder = write(study, frames)
    (folder / "instruments.csv").unlink()
    wide = pd.DataFrame({f"c{i}": ["x"] for i in range(MAX_COLUMNS + 1)})
    wide.to_parquet(folder / "instruments.parquet")
    found = [v.message for v in validate_folder(folder, "en").violations if v.table == "instruments"]
    assert any(f"{MAX_COLUMNS + 1:,} columns" in m for m in found), found


def test_a_table_at_the_column_limit_is_read(tiny, write):
    study, frames = tiny
    extra = pd.DataFrame({f"extra{i}": [""] * len(frames["instruments"]) for i in range(MAX_COLUMNS - 4)})
    frames["instruments"] = pd.concat([frames["instruments"], extra], axis=1)
    result = validate_folder(write(study, frames), "en")
    assert result.ok and len([w for w in result.warnings if w.rule == "unknown_column"]) == MAX_COLUMNS - 4


# --------------------------------------------------------------------------- at most MAX_PER_RULE, the rest counted

def _more(violations, table, rule_column=None) -> list[int]:
    return [int(v.value) for v in violations if v.rule == MORE_RULE and v.table == table
            and (rule_column is None or v.column == rule_column)]


def test_repeated_keys_are_listed_up_to_the_limit_and_counted_exactly(tiny, write, tmp_path, capsys):
    study, frames = tiny
    rows = 3 * MAX_PER_RULE + 7
    frames["barriers"] = _repeat(frames["barriers"], rows)  # the case: every row repeats one key
    folder = write(study, frames)
    result = validate_folder(folder, "en")
    listed = [v for v in result.violations if v.rule == "unique_key"]
    assert len(listed) == MAX_PER_RULE
    assert _more(result.violations, "barriers") == [rows - 1 - MAX_PER_RULE]
    assert count_violations(v for v in result.violations if v.table == "barriers") == rows - 1
    more = [v for v in result.violations if v.rule == MORE_RULE][0]
    assert f"and {rows - 1 - MAX_PER_RULE:,} more violation(s) of the rule unique_key" in more.message
    assert result.violations[-1].rule == MORE_RULE  # after the listed ones
    for suffix in (".csv", ".json"):
        report = tmp_path / f"errors{suffix}"
        assert main(["validate", str(folder), "--language", "en", "--report", str(report)]) == 3
        said = _said(capsys)
        assert f"{rows - 1} violation(s)" in said
        assert f"... and {rows - 1 - 50:,} more" in said  # the terminal's own cut, exact too
        rows_written = (json.loads(report.read_text()) if suffix == ".json"
                        else list(csv.DictReader(report.read_text().splitlines())))
        assert len(rows_written) == MAX_PER_RULE + 1
        assert rows_written[-1]["rule"] == MORE_RULE and "and 2,006 more" in rows_written[-1]["message"]


def test_a_code_check_an_unparsable_cell_and_a_missing_value_are_each_capped(tiny, write):
    study, frames = tiny
    rows = MAX_PER_RULE + 250
    participants = _repeat(frames["participants"], rows).astype(object)
    participants["participant_id"] = [f"X{i}" for i in range(rows)]
    participants["sex"] = "unknown"                                     # a code list: 1250 violations
    participants.loc[: rows // 2 - 1, "birth_year"] = "abc"             # unparsable: 625
    participants.loc[rows // 2:, "birth_year"] = ""                     # missing: 625
    frames["participants"] = participants
    violations = validate_folder(write(study, frames), "en").violations
    by_rule = {}
    for v in violations:
        if v.table == "participants":
            by_rule.setdefault((v.column, v.rule), []).append(v)
    assert len(by_rule[("sex", "code")]) == MAX_PER_RULE
    assert _more(violations, "participants", "sex") == [250]
    assert len(by_rule[("birth_year", "type_integer")]) == rows // 2
    assert len(by_rule[("birth_year", "required")]) == rows - rows // 2  # the unparsable ones are not counted twice
    assert _more(violations, "participants", "birth_year") == []


def test_a_rule_between_tables_is_capped_with_an_exact_count(tiny, write):
    study, frames = tiny
    rows = MAX_PER_RULE + 123
    barriers = _repeat(frames["barriers"], rows)
    barriers["participant_id"] = [f"NOBODY{i}" for i in range(rows)]  # references participants: all fail
    frames["barriers"] = barriers
    violations = validate_folder(write(study, frames), "en").violations
    references = [v for v in violations if v.table == "barriers" and v.rule == "references"]
    assert len(references) == MAX_PER_RULE
    assert sum(_more(violations, "barriers")) == 123
    assert count_violations(v for v in violations if v.table == "barriers") == rows


def test_rows_of_the_wrong_shape_are_capped_with_an_exact_count(tiny_dir):
    lines = (tiny_dir / "instruments.csv").read_text().splitlines()
    bad = MAX_PER_RULE + 42
    (tiny_dir / "instruments.csv").write_text("\n".join(lines + ["a,b"] * bad) + "\n")
    violations = [v for v in validate_folder(tiny_dir, "en").violations if v.table == "instruments"]
    assert len([v for v in violations if v.rule == "row_shape"]) == MAX_PER_RULE
    assert [int(v.value) for v in violations if v.rule == MORE_RULE] == [42]
    assert count_violations(violations) == bad


def test_the_counter_lists_the_first_ones_and_counts_the_rest():
    counter = Counter(limit=2)
    admitted = [counter.admit("t", "t.csv", "c", "code") for _ in range(5)]
    assert admitted == [True, True, False, False, False]
    assert counter.admit("t", "t.csv", "d", "code") and counter.admit("t", "t.csv", "c", "min")  # own budgets
    counter.add("t", "t.csv", "d", "code", 10)
    more = {(v.column, v.value) for v in counter.more("nl")}
    assert more == {("c", "3"), ("d", "9")}
    assert any("en nog 3 schending(en) van de regel code" in v.message for v in counter.more("nl"))
    big = Counter(limit=0)
    big.add("t", "t.csv", "c", "code", 8_199_000)
    assert "en nog 8.199.000" in big.more("nl")[0].message and "and 8,199,000" in big.more("en")[0].message


def test_the_work_per_violation_is_bounded(tmp_path):
    """A hundred thousand repeated keys create at most MAX_PER_RULE violation objects, and no more pandera cases.

    Counted in a fresh process (deterministic, unlike a time or a peak RSS on a shared machine).
    """
    script = f"""
import sys
sys.path.insert(0, {str(ROOT / 'tests')!r})
from pathlib import Path
import pandas as pd
from tiny import tiny_tables, write_dataset
import via_reports.data.validation as validation
study, frames = tiny_tables()
frames["barriers"] = frames["barriers"].iloc[[0] * 100_000].reset_index(drop=True)
folder = write_dataset(Path({str(tmp_path)!r}) / "d", study, frames)
made = []
original = validation.Violation.__post_init__
validation.Violation.__post_init__ = lambda self: made.append(1) or original(self)
import pandera.pandas as pa
cases = []
original_errors = pa.errors.SchemaErrors.__init__
def errors(self, *args, **kwargs):
    original_errors(self, *args, **kwargs)
    cases.append(len(self.failure_cases))
pa.errors.SchemaErrors.__init__ = errors
result = validation.validate_raw(__import__("via_reports.data.loading", fromlist=["x"]).read_dataset(folder))
print(len(made), max(cases), len(result.violations))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    made, cases, listed = map(int, done.stdout.split())
    assert listed == MAX_PER_RULE + 1
    assert made <= MAX_PER_RULE + 10, made
    assert cases <= MAX_PER_RULE, cases
