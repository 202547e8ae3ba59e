"""Property-based test (Hypothesis) of `validate` and `build` over mutated datasets.

Each example is the tiny dataset with mutations drawn by Hypothesis: cells
replaced (text with controls, huge or non-finite numbers, formulas, dates that
do not exist), headers renamed, dropped, repeated or added, a table re-encoded
(UTF-16, Latin-1, a BOM, CRLF, cut bytes), study.yaml values replaced or
removed. Whatever the input, the command line must answer with a documented
exit status (0, 2, 3, 4 or 5) and, unless it is 0, a message; it never raises
(an exception out of ``main`` is a traceback for the user), and it writes
nothing into the input folder.

Bounded for CI: a fixed number of examples (``derandomize``: the same ones on
every run, so a failure is reproducible), no deadline per example, no example
database. ``build`` runs with ``--isolated`` (no kernel starts before the data
are valid) on the mutated datasets that validation refuses, and must refuse
them the same way; the build of valid data is what the other build tests run.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tiny import tiny_tables, write_dataset
from via_reports.cli import main

#: The exit statuses the command line documents (via_reports/exceptions.py).
DOCUMENTED = {0, 2, 3, 4, 5}
TABLES = ["participants", "backgrounds", "responses", "barriers", "instrument_use", "non_use_reasons",
          "instruments"]

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Values that broke (or could break) something: controls, markup, huge and non-finite numbers, formulas.
NASTY = ["", " ", "NaN", "nan", "inf", "-inf", "1e308", "1e400", "-0", "9" * 41, "0x1F", "1_974", "١٩٧٤",
         "2020-02-30", "2020-13-01", "99999-01-01", "true", "ja", "P1", "P1 ", "\x00", "\x1b]0;x\x07", "\u202e",
         "=HYPERLINK(\"x\")", "<script>alert(1)</script>", "[bold]x[/]", "{{ count('x') }}", "a,b", "\"", "\n",
         "111222333", "x" * 5000]
cell_values = st.one_of(st.sampled_from(NASTY), st.text(max_size=30),
                        st.integers(min_value=-(10**45), max_value=10**45).map(str),
                        st.floats(allow_nan=True, allow_infinity=True).map(repr))
yaml_values = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**45), max_value=10**45),
                        st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(NASTY), st.text(max_size=20),
                        st.lists(st.sampled_from(NASTY), max_size=3),
                        st.dictionaries(st.sampled_from(["start", "end", "fieldwork", "x"]), st.sampled_from(NASTY),
                                        max_size=2))
STUDY_KEYS = list(tiny_tables()[0]) + ["caseworkers", "public", "final_publication_date", "publisher", "unknown"]

cell_edit = st.tuples(st.just("cell"), st.sampled_from(TABLES), st.integers(0, 30), st.integers(0, 20), cell_values)
header_edit = st.tuples(st.just("header"), st.sampled_from(TABLES), st.integers(0, 20),
                        st.sampled_from(["rename", "drop", "repeat", "add"]), st.sampled_from(NASTY + ["wave", "x"]))
study_edit = st.tuples(st.just("study"), st.sampled_from(STUDY_KEYS), st.booleans(), yaml_values)
encoding_edit = st.tuples(st.just("encoding"), st.sampled_from(TABLES),
                          st.sampled_from(["utf-16", "latin-1", "bom", "crlf", "cut", "empty", "binary"]))
mutations = st.lists(st.one_of(cell_edit, header_edit, study_edit, encoding_edit), min_size=1, max_size=4)


def _apply(study: dict, frames: dict, edits: list) -> list:
    """Apply the frame and study edits; return the encoding edits (applied to the written files)."""
    later = []
    for edit in edits:
        kind = edit[0]
        if kind == "cell":
            _, table, row, column, value = edit
            frame = frames[table].astype(object)
            if len(frame):
                frame.iat[row % len(frame), column % frame.shape[1]] = value
            frames[table] = frame
        elif kind == "header":
            _, table, column, how, name = edit
            frame = frames[table]
            columns = list(frame.columns)
            target = columns[column % len(columns)]
            if how == "rename":
                frames[table] = frame.rename(columns={target: name})
            elif how == "drop":
                frames[table] = frame.drop(columns=[target])
            elif how == "repeat":
                frames[table] = frame.assign(**{f"{target}_copy": frame[target]}).rename(
                    columns={f"{target}_copy": target})
            else:
                frames[table] = frame.assign(**{name or "unnamed": "x"})
        elif kind == "study":
            _, key, remove, value = edit
            if remove:
                study.pop(key, None)
            else:
                study[key] = value
        else:
            later.append(edit)
    return later


def _encode(folder: Path, edits: list) -> None:
    for _, table, how in edits:
        path = folder / f"{table}.csv"
        data = path.read_bytes()
        text = data.decode("utf-8", errors="replace")
        changed = {"utf-16": lambda: text.encode("utf-16"),
                   "latin-1": lambda: text.encode("latin-1", errors="replace") + "é".encode("latin-1"),
                   "bom": lambda: b"\xef\xbb\xbf" + data,
                   "crlf": lambda: data.replace(b"\n", b"\r\n"),
                   "cut": lambda: data[: len(data) // 2] + b"\xe2\x82",
                   "empty": lambda: b"",
                   "binary": lambda: bytes(range(256)) * 4}[how]()
        path.write_bytes(changed)


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(argv: list[str]) -> tuple[int, str]:
    """``main(argv)`` with what it prints; an exception out of it fails the example (a traceback)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue() + err.getvalue()


def _dataset(edits: list, root: Path) -> Path:
    study, frames = tiny_tables()
    study, frames = copy.deepcopy(study), {k: v.copy() for k, v in frames.items()}
    encodings = _apply(study, frames, edits)
    try:
        folder = write_dataset(root / "data", study, frames)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        assume(False)  # not a dataset a user could have written (the writer itself refuses it)
    _encode(folder, encodings)
    return folder


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    from rich.console import Console

    monkeypatch.setattr("via_reports.cli._console", lambda quiet=False: Console(width=300, quiet=quiet))


@FUZZ
@given(edits=mutations)
def test_validate_answers_any_dataset_with_a_documented_status(edits):
    root = Path(tempfile.mkdtemp(prefix="via-fuzz-"))
    try:
        folder = _dataset(edits, root)
        before = _snapshot(folder)
        status, said = _run(["validate", str(folder), "--report", str(root / "errors.json")])
        assert status in {0, 3}, (status, said)
        if status:
            assert "violation" in said and (root / "errors.json").is_file()
        assert "Traceback" not in said
        assert _snapshot(folder) == before, "validate wrote into the input folder"
    finally:
        shutil.rmtree(root, ignore_errors=True)


@settings(FUZZ, max_examples=12)
@given(edits=mutations)
def test_build_refuses_what_validate_refuses_and_writes_nothing(edits):
    root = Path(tempfile.mkdtemp(prefix="via-fuzz-"))
    try:
        folder = _dataset(edits, root)
        valid, _ = _run(["validate", str(folder), "--quiet"])
        assume(valid != 0)  # a valid dataset's build is what every other build test runs (minutes each)
        before = _snapshot(folder)
        status, said = _run(["build", str(folder), "--out", str(root / "report"), "--isolated", "--no-cache"])
        assert status in DOCUMENTED - {0}, (status, said)
        assert status == valid == 3, (status, valid, said)  # the same refusal as validate's, before any work
        assert said.strip() and "Traceback" not in said
        assert not (root / "report").exists(), "a failed build left a report"
        assert not list(root.glob(".report.*")), "a failed build left its staging folder"
        assert _snapshot(folder) == before, "build wrote into the input folder"
    finally:
        shutil.rmtree(root, ignore_errors=True)
