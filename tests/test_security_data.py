"""Attacks through the data folder: links, oversized and unpacking files, YAML bombs,
texts that are not what they seem, values that are markup to a terminal or a
spreadsheet, BSN-like ids, and a report path that would overwrite an input.

Each case states the exit code, the message, and that nothing it should not
read or show reaches the terminal or a report file. (Issue 8, items 2-6.)
"""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest
from tiny import tiny_tables, write_dataset

from via_reports import ContractError, ParameterError, TextError, ViaReportsError, validate_folder
from via_reports.cli import main
from via_reports.data import loading
from via_reports.data.bsn import BSN_MASK
from via_reports.data.limits import MAX_PER_RULE, MORE_RULE, count_violations
from via_reports.data.violation_report import neutralise_formula

#: What a linked file would give away if it were read.
SECRET = "GEHEIM-INHOUD participant GEHEIM01X, vrije tekst: SECRET TEXT"


@pytest.fixture
def secret_file(tmp_path):
    """Another file on the machine (another dataset's raw data, /etc/passwd): never to be read."""
    path = tmp_path / "elsewhere" / "raw.csv"
    path.parent.mkdir()
    path.write_text(f"participant_id,note\nGEHEIM01X,{SECRET}\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """A terminal wide enough that no table cell wraps (a wrapped cell interleaves with its neighbours)."""
    from rich.console import Console

    monkeypatch.setattr("via_reports.cli._console", lambda quiet=False: Console(width=5_000, quiet=quiet))


def run(argv: list[str], capsys) -> tuple[int, str]:
    """Exit status and what was printed, flattened: the terminal table wraps long cells at any
    space, so spaces, line breaks and the table's borders are left out (compare with :func:`flat`)."""
    status = main(argv)
    captured = capsys.readouterr()
    return status, flat(captured.out + captured.err)


def flat(text: str) -> str:
    return re.sub(r"[\s│┃┆╎─━┌┐└┘├┤┬┴┼╭╮╯╰]+", "", text)


def rules(folder) -> list[tuple[str, str, str]]:
    return [(v.table, Path(v.file).name, v.message) for v in validate_folder(folder).violations]


# --------------------------------------------------------------------------- links out of the folder

@pytest.mark.parametrize("name", ["participants.csv", "study.yaml"])
def test_a_linked_input_file_is_refused_not_read(name, tiny, write, secret_file, capsys):
    folder = write(*tiny)
    (folder / name).unlink()
    (folder / name).symlink_to(secret_file)
    status, out = run(["validate", str(folder)], capsys)
    assert status == 3
    assert flat("symbolic link") in out and flat("Traceback") not in out
    assert flat("GEHEIM") not in out and flat("SECRET") not in out


@pytest.mark.parametrize("link", ["file", "folder", "text folder"])
def test_a_linked_dataset_text_is_refused(link, tiny, write, secret_file, capsys, tmp_path):
    folder = write(*tiny)
    if link == "file":
        (folder / "text" / "en").mkdir(parents=True)
        (folder / "text" / "en" / "approach.md").symlink_to(secret_file)
    elif link == "folder":
        (folder / "text").mkdir()
        (folder / "text" / "nl").symlink_to(secret_file.parent, target_is_directory=True)
    else:
        (folder / "text").symlink_to(secret_file.parent, target_is_directory=True)
    status, out = run(["validate", str(folder)], capsys)
    assert status == 3
    assert flat("symbolic link") in out and flat("GEHEIM") not in out
    status, out = run(["build", str(folder), "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert status == 3 and not (tmp_path / "out").exists()


def test_text_path_refuses_a_link_even_without_validation(tmp_path, secret_file):
    from via_reports.report.text import text_path

    (tmp_path / "text" / "nl").mkdir(parents=True)
    (tmp_path / "text" / "nl" / "approach.md").symlink_to(secret_file)
    with pytest.raises(TextError, match="symbolic link"):
        text_path("approach", "nl", tmp_path)


def test_a_latin1_dataset_text_is_a_clean_violation(tiny, write, capsys):
    folder = write(*tiny)
    (folder / "text" / "nl").mkdir(parents=True)
    (folder / "text" / "nl" / "approach.md").write_bytes("# Aanpak\n\nDe café-stoel.\n".encode("latin-1"))
    status, out = run(["validate", str(folder)], capsys)
    assert status == 3
    assert flat("approach.md is not UTF-8") in out and flat("Traceback") not in out


def test_a_huge_dataset_text_is_refused(tiny, write, capsys):
    folder = write(*tiny)
    (folder / "text" / "nl").mkdir(parents=True)
    (folder / "text" / "nl" / "approach.md").write_text("x" * (loading.MAX_TEXT_BYTES + 1))
    status, out = run(["validate", str(folder)], capsys)
    assert status == 3 and flat("more than the limit") in out


def test_instrument_codes_cannot_walk_out_of_the_figures_folder(tiny, write, capsys):
    """Instrument codes become file names (figures/satisfaction.<instrument>.csv)."""
    study, frames = tiny
    frames["instruments"].loc[0, "instrument"] = "../../../etc/cron.d/x"
    frames["instrument_use"]["instrument"] = frames["instrument_use"]["instrument"].replace(
        "power", "../../../etc/cron.d/x")
    status, out = run(["validate", str(write(study, frames)), "--language", "en"], capsys)
    assert status == 3
    assert flat("does not have the required form") in out


# --------------------------------------------------------------------------- bounded work

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_billion_laughs_study_yaml_is_refused_at_once(tiny, write, capsys):
    folder = write(*tiny)
    (folder / "study.yaml").write_text(BILLION_LAUGHS)
    started = time.perf_counter()
    status, out = run(["validate", str(folder)], capsys)
    assert time.perf_counter() - started < 30
    assert status == 3 and flat("aliases") in out and flat("Traceback") not in out


def test_a_merge_key_alias_is_refused_too(tiny, write):
    study, frames = tiny
    folder = write(study, frames)
    text = (folder / "study.yaml").read_text()
    (folder / "study.yaml").write_text("base: &base {x: 1}\nextra:\n  <<: *base\n" + text)
    assert any("aliases" in message for _, _, message in rules(folder))


def test_an_oversized_study_yaml_is_refused(tiny, write):
    folder = write(*tiny)
    with (folder / "study.yaml").open("a") as handle:
        handle.write("# " + "x" * 300_000 + "\n")
    assert any("more than the limit" in message for _, name, message in rules(folder) if name == "study.yaml")


def test_an_unreadable_study_yaml_is_a_clean_violation(tiny, write, capsys, monkeypatch):
    folder = write(*tiny)

    def unreadable(path, what):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(loading, "read_small_yaml", unreadable)  # as root, chmod 000 would not stop a read
    status, out = run(["validate", str(folder)], capsys)
    assert status == 3
    assert flat("study.yaml cannot be read: Permission denied") in out and flat("Traceback") not in out


def test_a_workbook_that_would_unpack_too_far_is_never_opened(tiny, write, capsys, monkeypatch):
    """A zip bomb: the parts' declared sizes are checked before openpyxl sees the file."""
    folder = write(*tiny, fmt="excel")
    monkeypatch.setattr(loading, "MAX_UNPACKED_BYTES", 20_000)  # the tiny workbook unpacks to more

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened a workbook over the limit")

    monkeypatch.setattr("openpyxl.load_workbook", must_not_open)
    status, out = run(["validate", str(folder), "--language", "en"], capsys)
    assert status == 3
    assert re.search(r"dataset\.xlsxwouldunpackto[\d,]+bytes,morethanthelimitof20,000", out)


@pytest.mark.slow
def test_a_real_zip_bomb_workbook_is_refused_quickly(tiny, write, tmp_path):
    """400 MB of zeros in a 400 KB .xlsx, with the default limit lowered below it."""
    import zipfile

    folder = write(*tiny)
    bomb = folder / "extra.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            zeros = b"0" * (1 << 20)
            for _ in range(400):
                part.write(zeros)
    assert bomb.stat().st_size < 2_000_000
    original = loading.MAX_UNPACKED_BYTES
    try:
        loading.MAX_UNPACKED_BYTES = 100 * 1024**2
        started = time.perf_counter()
        found = rules(folder)
    finally:
        loading.MAX_UNPACKED_BYTES = original
    assert time.perf_counter() - started < 30
    assert any(name == "extra.xlsx" and "would unpack to 419,430,400 bytes" in message for _, name, message in found)


@pytest.mark.parametrize("fmt, suffix", [("parquet", ".parquet"), ("spss", ".sav")])
def test_parquet_and_spss_files_are_bounded_before_reading(fmt, suffix, tiny, write, monkeypatch):
    folder = write(*tiny, fmt=fmt)
    monkeypatch.setattr(loading, "MAX_UNPACKED_BYTES", 100)
    found = rules(folder)
    assert any(name == f"responses{suffix}" and "would unpack to about" in message for _, name, message in found)


def test_an_oversized_table_file_is_refused(tiny, write, monkeypatch):
    folder = write(*tiny)
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 500)
    found = rules(folder)
    assert any(name == "responses.csv" and "more than the limit of 500 bytes" in message for _, name, message in found)


def test_validation_of_many_duplicate_keys_is_vectorised(tiny, write, monkeypatch):
    """20,000 responses that all repeat one key: every duplicate counted, without a lookup per cell.

    Before, each violation looked its cells up with pandas' ``.at`` (about 35 s per 100,000 rows).
    The check counts those lookups instead of timing the run, so a busy machine cannot fail it;
    the 1e6-row timing is ``scripts/benchmark.py duplicates``.
    """
    study, frames = tiny
    rows = 20_000
    frames["responses"] = frames["responses"].iloc[[0] * rows].reset_index(drop=True)
    folder = write(study, frames)
    lookups = []
    cell_lookup = pd.core.indexing._AtIndexer.__getitem__
    monkeypatch.setattr(pd.core.indexing._AtIndexer, "__getitem__",
                        lambda self, key: lookups.append(key) or cell_lookup(self, key))
    result = validate_folder(folder)
    duplicates = [v for v in result.violations if v.rule == "unique_key"]
    # issue 26: the first MAX_PER_RULE are listed, the rest is one "and N more" row with the exact count
    assert len(duplicates) == MAX_PER_RULE
    more = [v for v in result.violations if v.rule == MORE_RULE and v.table == "responses"]
    assert [int(v.value) for v in more] == [rows - 1 - MAX_PER_RULE]
    assert count_violations(result.violations) >= rows - 1
    assert duplicates[0].row == 3 and duplicates[0].message.endswith(" 2") and duplicates[0].value == "P1, T0"
    assert len(lookups) < 100, f"{len(lookups)} cell lookups for {rows} rows"


# --------------------------------------------------------------------------- what is printed and written

MARKUP_CELLS = ["[/]", "[link=https://evil.example]klik hier[/link]", "[bold red]alarm[/]",
                "\x1b]8;;https://evil.example\x1b\\klik\x1b]8;;\x1b\\", "\x1b[2J\x1b[31mrood"]


def test_rich_markup_and_terminal_escapes_in_data_print_literally(tiny, write, capsys):
    study, frames = tiny
    for row, cell in enumerate(MARKUP_CELLS):
        frames["participants"].loc[row, "sex"] = cell
    status, out = run(["validate", str(write(study, frames)), "--language", "en"], capsys)
    assert status == 3, out
    assert flat("Traceback") not in out and flat("MarkupError") not in out
    assert flat("[/]") in out and flat("[link=https://evil.example]klik") in out and flat("[bold red]alarm[/]") in out
    assert "\x1b" not in out, "no escape sequence from the data reaches the terminal"
    assert flat("\\x1b]8;;https://evil.example") in out


#: Nine-digit numbers that pass the elfproef (test BSNs), and one that does not.
BSNS = ["111222333", "123456782"]
NOT_A_BSN = "123456789"


def test_bsn_like_ids_are_masked_in_terminal_and_reports(tiny, write, tmp_path, capsys):
    study, frames = tiny
    for table in ("participants", "responses", "backgrounds", "barriers", "instrument_use", "non_use_reasons"):
        frames[table]["participant_id"] = frames[table]["participant_id"].replace({"P1": BSNS[0], "P2": BSNS[1],
                                                                                   "P3": NOT_A_BSN})
    frames["backgrounds"].loc[len(frames["backgrounds"])] = [BSNS[1], "TR"]  # a duplicate key naming a BSN
    frames["backgrounds"].loc[len(frames["backgrounds"])] = [BSNS[0], "TR"]
    folder = write(study, frames)
    status, out = run(["validate", str(folder), "--language", "en", "--report", str(tmp_path / "v.csv")], capsys)
    assert main(["validate", str(folder), "--quiet", "--report", str(tmp_path / "v.json")]) == 3
    assert status == 3
    written = (tmp_path / "v.csv").read_text() + (tmp_path / "v.json").read_text()
    for bsn in BSNS:
        assert bsn not in out and bsn not in written
    assert flat("looks like a citizen service number") in out and BSN_MASK in written
    rows = json.loads((tmp_path / "v.json").read_text())
    bsn_rows = [r for r in rows if r["rule"] == "bsn"]
    assert {(r["table"], r["column"]) for r in bsn_rows} >= {("participants", "participant_id")}
    assert all(isinstance(r["row"], int) for r in bsn_rows), "row and column locate a masked id"
    duplicates = [r for r in rows if r["rule"] == "unique_key" and r["table"] == "backgrounds"]
    assert duplicates and all(BSN_MASK in r["value"] for r in duplicates)


#: Cells a spreadsheet runs as formulas (a leading tab or CR is stripped from a cell when read).
FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"klik\")", "+31 6 1234", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_report_files_neutralise_spreadsheet_formulas(suffix, tiny, write, tmp_path):
    study, frames = tiny
    for row, cell in enumerate(FORMULAS):
        frames["participants"].loc[row, "sex"] = cell
    report = tmp_path / f"errors{suffix}"
    assert main(["validate", str(write(study, frames)), "--quiet", "--report", str(report)]) == 3
    if suffix == ".json":
        rows = json.loads(report.read_text())
    else:
        with report.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    values = [r["value"] for r in rows if r["rule"] == "code"]
    assert sorted(values) == sorted("'" + f for f in FORMULAS)
    for row in rows:
        for field in ("table", "file", "column", "value", "rule", "message"):
            text = row[field] or ""
            assert not text.startswith(("=", "+", "-", "@", "\t", "\r")), (field, text)


def test_neutralise_formula_leaves_plain_text_alone():
    assert neutralise_formula("Gemeente") == "Gemeente"
    assert neutralise_formula("=1+1") == "'=1+1"
    assert neutralise_formula("\tX") == "'\tX" and neutralise_formula("\rX") == "'\rX"
    assert neutralise_formula(3) == 3 and neutralise_formula(None) is None


# --------------------------------------------------------------------------- nothing of the user's is overwritten

def test_report_inside_the_data_folder_or_over_an_input_is_refused(tiny, write, capsys):
    folder = write(*tiny)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for target in (folder / "participants.csv", folder / "errors.csv", folder / "sub" / "errors.json"):
        status, out = run(["validate", str(folder), "--report", str(target)], capsys)
        assert status == 2, target
        assert flat("lies in the data folder") in out and flat("Traceback") not in out
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_report_never_replaces_a_file_that_is_not_a_report(tiny, write, tmp_path, capsys):
    folder = write(*tiny)
    thesis = tmp_path / "thesis.csv"
    thesis.write_text("years,of,work\n")
    status, out = run(["validate", str(folder), "--report", str(thesis)], capsys)
    assert status == 2 and flat("is not a violation report") in out
    assert thesis.read_text() == "years,of,work\n"
    link = tmp_path / "link.json"
    link.symlink_to(thesis)
    status, out = run(["validate", str(folder), "--report", str(link)], capsys)
    assert status == 2 and flat("symbolic link") in out
    report = tmp_path / "errors.csv"  # an earlier report of ours is replaced
    assert main(["validate", str(folder), "--quiet", "--report", str(report)]) == 0
    assert main(["validate", str(folder), "--quiet", "--report", str(report)]) == 0


def test_report_path_that_cannot_be_written_is_a_clean_error(tiny, write, tmp_path, capsys):
    folder = write(*tiny)
    status, out = run(["validate", str(folder), "--report", str(tmp_path / "no" / "such" / "errors.csv")], capsys)
    assert status == 2
    assert flat("cannot write the report file") in out and flat("Traceback") not in out


def test_output_folder_that_cannot_be_written_is_a_clean_error(tiny_dir, capsys):
    status, out = run(["build", str(tiny_dir), "--out", "/proc/via-reports/report"], capsys)
    assert status == 2
    assert flat("cannot write the report to /proc/via-reports/report") in out and flat("Traceback") not in out


# --------------------------------------------------------------------------- one error path

def test_every_error_has_a_documented_exit_code():
    from via_reports import ChapterError, RenderError

    codes = {ContractError: 3, ParameterError: 2, ChapterError: 4, TextError: 4, RenderError: 5}
    for error, code in codes.items():
        assert issubclass(error, ViaReportsError) and error.exit_code == code
    assert ViaReportsError.exit_code != 1, "exit status 1 is for bugs, never for bad input"


def test_nul_bytes_and_very_long_values_are_data_like_any_other(tiny, write, capsys):
    study, frames = tiny
    frames["participants"].loc[0, "sex"] = "vrouw\x00<script>"
    frames["participants"].loc[1, "distance"] = "Noord" * 20_000
    status, out = run(["validate", str(write(study, frames)), "--language", "en"], capsys)
    assert status == 3 and flat("Traceback") not in out
    assert "\x00" not in out and flat("vrouw\\x00<script>") in out
    assert flat("Noord" * 40 + "… (100,000 characters)") in out, "a long value is shown cut short"
