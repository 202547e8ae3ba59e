"""Public editions of the demo and of the tiny dataset (groups of one to three people), built once each.

Everything a reader gets (figure CSVs, the appendix tables, the PDF's and the
HTML's text, manifest.json) is searched for a count from 1 to k−1, and every
figure's rows, columns and totals are solved for a single unknown as an
attacker would. The same search finds counts in the internal edition of the
tiny dataset (test_build's build), so it can fail. The rule: docs/disclosure.md.
"""

from __future__ import annotations

import csv
import html as html_lib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from test_build import tiny_neutral_report  # noqa: F401 - the internal edition of the tiny dataset, built once

from via_reports.figures.public import count_rule
from via_reports.report.build import BuildOptions, build_report

pytestmark = pytest.mark.slow

K = 5
MARKER = "×"


@pytest.fixture(scope="session")
def demo_public(made_once):
    """The final report of the demo data (T0–T2, effects), public edition with the default k."""
    return made_once("demo-public", lambda folder: build_report(
        BuildOptions(out=folder / "report", wave="T2", public=True))) / "report"


@pytest.fixture(scope="session")
def tiny_public(made_once):
    """The tiny dataset (8 pilot, 3 control), final report, public by its study.yaml."""
    from tiny import tiny_tables, write_dataset

    def make(folder):
        study, frames = tiny_tables()
        study["public"] = True
        data = write_dataset(folder / "data", study, frames)
        build_report(BuildOptions(data_dir=data, out=folder / "report", wave="T2", min_n=2))

    return made_once("tiny-public", make) / "report"



# --------------------------------------------------------------------------- reading the outputs


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def small(text: str | None) -> bool:
    """A cell that shows 1 to k−1 (people)."""
    return bool(text) and re.fullmatch(r"[0-9]+(\.0)?", text) is not None and 0 < float(text) < K


def count_columns(figure_id: str, row: dict[str, str]) -> list[str]:
    """The columns of a figure CSV that count people."""
    columns = [c for c in row if c in ("count", "n") or c.startswith(("n_", "count_"))]
    if figure_id == "change.by_wave" and row.get("test") == "mcnemar":
        columns += ["value_from", "value_to"]
    return columns


def small_counts_in_csvs(report: Path) -> list[str]:
    found = []
    for path in sorted((report / "figures").glob("*.csv")):
        for number, row in enumerate(read_csv(path), start=2):
            found += [f"{path.name} row {number} {c}={row[c]}" for c in count_columns(path.stem, row) if small(row[c])]
    return found


class _Tables(HTMLParser):
    """Every <table class="data-table"> of a page as (headers, rows) of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row, self._in = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "data-table" in (dict(attrs).get("class") or ""):
            self._in = True
            self.tables.append([])
        elif self._in and tag == "tr":
            self._row = []
        elif self._in and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in = False
        elif self._in and tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif self._in and tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def small_counts_in_tables(page: str) -> list[str]:
    """Cells from 1 to k−1 in the columns of the data tables headed as counts ("Aantal", "n", "n pilot", ...)."""
    parser = _Tables()
    parser.feed(page)
    found = []
    for table in parser.tables:
        headers, rows = table[0], table[1:]
        counted = [i for i, h in enumerate(headers) if h in ("Aantal", "Number", "n") or h.startswith("n ")]
        for row in rows:
            found += [f"{headers[i]}={row[i]} in {row}" for i in counted
                      if i < len(row) and small(row[i].replace("\u202f", "").replace(".", ""))]
    return found


#: How the report states a number of people in its text: "n=3", "3 (38%)", "3 van de 8", "3 deelnemers".
_STATEMENTS = [
    re.compile(r"\bn\s?=\s?([0-9]+)\b"),
    re.compile(r"(?<![\d.,])([0-9]+)\s\([0-9]+\s?%\)"),
    re.compile(r"(?<![\d.,])([0-9]+) (?:van de|of the|van|of) [0-9]+\b"),
    re.compile(r"(?<![\d.,])([0-9]+) (?:deelnemers?|participants?|personen|people|vrouwen|mannen|women|men|"
               r"gebruikers|users|respondenten|respondents)\b"),
]


def small_counts_in_text(text: str) -> list[str]:
    text = re.sub(r"\s+", " ", text)
    found = []
    for pattern in _STATEMENTS:
        for match in pattern.finditer(text):
            if 0 < int(match.group(1)) < K:
                found.append(text[max(0, match.start() - 60):match.end() + 20])
    return found


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def html_text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


# --------------------------------------------------------------------------- the attacker


def solvable_cells(figure_id: str, rows: list[dict[str, str]]) -> list[str]:
    """Withheld counts that a row, a column or a total gives as its one unknown; and unseen remainders below k."""
    rule = count_rule(figure_id)
    if rule is None or rule.binary or not rows:
        found = []
        if rule is not None and rule.binary:  # n − count is as good as shown
            found = [f"{figure_id}: n − count = {int(r['n']) - int(r['count'])} in {r}" for r in rows
                     if r["count"] and r["n"] and 0 < int(r["n"]) - int(r["count"]) < K]
        return found
    found = []
    groups: dict[tuple, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[c] for c in rule.by), []).append(row)
    for key, group in groups.items():
        margins = [("total", group)]
        if len(rule.dims) > 1:
            for dim in rule.dims:
                for value in dict.fromkeys(r[dim] for r in group):
                    margins.append((f"{dim}={value}", [r for r in group if r[dim] == value]))
        for name, cells in margins:
            unknown = [r for r in cells if r["suppressed"] == "true"]
            if len(unknown) == 1:
                found.append(f"{figure_id} {key} {name}: one unknown {unknown[0]}")
        if group[0]["n"] and not any(r["suppressed"] == "true" for r in group):
            rest = int(group[0]["n"]) - sum(int(r["count"]) for r in group)
            if 0 < rest < K:
                found.append(f"{figure_id} {key}: the unseen remainder is {rest}")
    return found


# --------------------------------------------------------------------------- the tests


@pytest.fixture(params=["demo_public", "tiny_public"])
def public_report(request):
    return request.getfixturevalue(request.param)


def test_no_figure_csv_shows_a_count_below_k(public_report):
    assert small_counts_in_csvs(public_report) == []


def test_every_figure_csv_says_which_rows_are_withheld(public_report):
    for path in (public_report / "figures").glob("*.csv"):
        rows = read_csv(path)
        assert rows and set(r["suppressed"] for r in rows) <= {"true", "false"}, path.name


def test_no_withheld_count_can_be_solved_from_a_row_a_column_or_n(public_report):
    found = []
    for path in sorted((public_report / "figures").glob("*.csv")):
        found += solvable_cells(path.stem, read_csv(path))
    assert found == []


def test_no_table_and_no_sentence_of_the_pdf_or_html_shows_a_count_below_k(public_report):
    page = (public_report / "report.html").read_text(encoding="utf-8")
    assert small_counts_in_tables(page) == []
    assert small_counts_in_text(html_text(public_report / "report.html")) == []
    assert small_counts_in_text(pdf_text(public_report / "report.pdf")) == []


def test_the_search_finds_the_counts_of_the_internal_edition(tiny_neutral_report):
    """The internal edition of the tiny dataset (test_build's build, T1) is full of counts below k."""
    internal = tiny_neutral_report
    assert small_counts_in_csvs(internal)
    assert small_counts_in_tables((internal / "report.html").read_text(encoding="utf-8"))
    assert small_counts_in_text(pdf_text(internal / "report.pdf"))
    found = []
    for path in (internal / "figures").glob("*.csv"):
        rows = [{**r, "suppressed": "false"} for r in read_csv(path)]
        found += solvable_cells(path.stem, rows)
    assert found, "the attacker's search finds the unseen remainders and complements of the internal edition"
    assert "suppressed" not in (internal / "figures" / "participants.education.csv").read_text()


def test_a_public_edition_says_so_with_its_threshold(public_report):
    text = re.sub(r"\s+", " ", pdf_text(public_report / "report.pdf"))
    assert "Openbare editie: aantallen van minder dan 5 personen" in text
    assert MARKER in text
    # the provenance appendix names both parameters in the report's words
    page = re.sub(r"\s+", " ", html_text(public_report / "report.html"))
    assert "Openbare editie ja" in page and "Kleinste getoonde aantal (drempel k) 5" in page
    assert "min_cell" not in page
    manifest = json.loads((public_report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["parameters"]["public"] is True and manifest["report"]["parameters"]["min_cell"] == K
    assert all(entry["n"] is None or not 0 < entry["n"] < K for entry in manifest["figures"])


def test_the_tiny_groups_are_withheld_and_the_demo_keeps_most_of_its_numbers(demo_public, tiny_public):
    def withheld(report):
        rows = [r for path in (report / "figures").glob("*.csv") for r in read_csv(path)]
        return sum(r["suppressed"] == "true" for r in rows), len(rows)

    tiny_withheld, tiny_rows = withheld(tiny_public)
    demo_withheld, demo_rows = withheld(demo_public)
    assert tiny_withheld > tiny_rows / 2
    assert demo_withheld < demo_rows / 4
    education = {r["education_nl"]: r for r in read_csv(demo_public / "figures" / "participants.education.csv")}
    # the demo pilot: havo/vwo 3 and hbo/wo 2 are small; together they are 5, so nothing else goes
    assert [e for e, r in education.items() if r["suppressed"] == "true"] == ["havo_vwo", "hbo_wo"]
    assert education["none"]["count"] == "59"
