"""A cell holding terminal escapes reaches no violation report raw: terminal, CSV and JSON alike.

``cat errors.csv`` must not retitle the terminal (ESC ] 0 ; ... BEL), move its
cursor (CSI), or reorder what it shows (a bidirectional override).
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from via_reports.cli import main
from via_reports.controls import escape_controls

#: Every raw control a report file must not hold: C0 (but tab and newline), DEL, C1, bidi controls.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: Cells of a code column (so each is a violation) with the controls an attacker would use.
CELLS = {
    "retitle": "\x1b]0;pwned\x07",             # OSC: sets the terminal's title, ended by BEL
    "csi": "fe\x1b[2Jmale",                     # CSI: clears the screen
    "c1": "ma\x9b31mle",                        # the 8-bit CSI (C1), raw in JSON with ensure_ascii=False
    "bidi": "fe\u202emale",                     # RIGHT-TO-LEFT OVERRIDE
    "backspace": "female\x08\x08\x08\x08",      # BS: overwrites what was shown
    "nul_del": "x\x00y\x7f",
}


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_no_raw_control_character_in_the_report_file(suffix, tiny, write, tmp_path, capsys):
    study, frames = tiny
    for row, cell in enumerate(CELLS.values()):
        frames["participants"].loc[row, "sex"] = cell
    frames["instruments"].loc[0, "provider"] = "ROC\x1b]0;pwned\x07"  # a string column: control_character rule
    report = tmp_path / f"errors{suffix}"
    assert main(["validate", str(write(study, frames)), "--report", str(report)]) == 3
    terminal = capsys.readouterr().out
    raw = report.read_bytes().decode("utf-8")
    lines = raw.replace("\r\n", "\n")  # CSV's own line ends (RFC 4180) are the only CR allowed
    assert not RAW_CONTROL.search(lines), RAW_CONTROL.findall(lines)
    assert not RAW_CONTROL.search(terminal)
    if suffix == ".json":
        rows = json.loads(raw)
    else:
        rows = list(csv.DictReader(raw.splitlines()))
    values = sorted(r["value"] for r in rows if r["rule"] == "code" and r["column"] == "sex")
    assert values == sorted(escape_controls(cell) for cell in CELLS.values())
    assert "\\x1b]0;pwned\\x07" in values and "fe\\u202emale" in values and "ma\\x9b31mle" in values
    provider = [r for r in rows if r["rule"] == "control_character"]
    assert provider and all("\\x1b" in r["value"] and "\x1b" not in r["message"] for r in provider)


def test_escape_controls_keeps_text_tab_and_newline_and_other_types():
    assert escape_controls("Noord-Noord, één") == "Noord-Noord, één"
    assert escape_controls("a\tb\nc") == "a\tb\nc"
    assert escape_controls("\x07\x1b\x9f\u2066") == "\\x07\\x1b\\x9f\\u2066"
    assert escape_controls(None) is None and escape_controls(7) == 7
