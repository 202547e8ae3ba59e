"""Public appendix tables read like the internal ones and fit the page (REPORTS.md, "Public edition, per outcome").

The rule for a figure of estimates or tests (via_reports/figures/public_tables.py):
its own table, row for row, labels kept, the marker in every cell that shows
something withheld. Checked on a small table with a known answer, then on the
demo's final report as a public edition with ``--min-cell 10`` (where table
B4.18, the effects per outcome, used to be the raw data running off the page),
cell by cell against the internal edition, and on the PDF's pages.
"""

from __future__ import annotations

import html as html_lib
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from via_reports.analysis.disclosure import MARKER
from via_reports.figures.public_tables import label_columns, marked_table

# --------------------------------------------------------------------------- the rule, on a known table


def _outcomes():
    data = pd.DataFrame({
        "analysis": ["primary"] * 4 + ["all"] * 4,
        "outcome": ["work", "work", "health", "health"] * 2,
        "estimator": ["ancova", "change"] * 4,
        "n_pilot": [40, 40, 6, 6, 134, 134, 120, 120],
        "n_control": [60, 60, 55, 55, 68, 68, 60, 60],
        "effect": [0.05, 0.07, 0.2, 0.1, 0.04, 0.06, 0.12, 0.11],
        "p_value": [0.4, 0.3, 0.01, 0.2, 0.5, 0.45, 0.02, 0.03],
    })
    table = pd.DataFrame({
        "Uitkomst": ["Betaald werk", "Betaald werk", "Gezondheid", "Gezondheid"] * 2,
        "Analyse": ["Hoofdanalyse"] * 4 + ["Alle deelnemers"] * 4,
        "Schatting": ["Gecorrigeerd", "Verandering"] * 4,
        "n": [f"{a} / {b}" for a, b in zip(data["n_pilot"], data["n_control"])],
        "Effect": [f"+{e * 100:.1f} %-punt".replace(".", ",") for e in data["effect"]],
        "p": [f"{p:.3f}".replace(".", ",") for p in data["p_value"]],
        "Verschil > 0,1": ["", "", "ja", "", "", "", "ja", "ja"],
    })
    return data, table


def test_label_columns_are_those_that_name_the_row():
    data, table = _outcomes()
    # n follows the pair (analysis, outcome) one to one, so it counts as a label: it is kept in a withheld
    # row, except where it shows a count the data withhold (the next tests)
    assert label_columns(table, data) == {"Uitkomst", "Analyse", "Schatting", "n"}
    # a value that happens to agree with a key is no label when it is a number (effect, p) or a flag
    flat = table.assign(Effect="+1,0 %-punt", **{"Verschil > 0,1": ["ja", "", "", ""] * 2})
    assert label_columns(flat, data) == {"Uitkomst", "Analyse", "Schatting", "n"}


def test_a_withheld_row_keeps_its_labels_and_shown_counts_and_marks_everything_else():
    data, table = _outcomes()
    public = data.copy()
    withheld = [False, False, True, True, False, False, False, False]  # health in the primary analysis: 6 pilots
    public["n_pilot"] = public["n_pilot"].astype("Int64").mask(public["n_pilot"] < 10)
    public["n_control"] = public["n_control"].astype("Int64")
    for column in ("effect", "p_value"):
        public[column] = public[column].mask(pd.Series(withheld))
    marked = marked_table(table, data, public, withheld)
    assert marked.loc[2].tolist() == ["Gezondheid", "Hoofdanalyse", "Gecorrigeerd", MARKER, MARKER, MARKER, MARKER]
    assert marked.loc[3].tolist() == ["Gezondheid", "Hoofdanalyse", "Verandering", MARKER, MARKER, MARKER, MARKER]
    assert marked.drop(index=[2, 3]).equals(table.drop(index=[2, 3]).astype(object))
    # a withheld row whose counts are all shown keeps them (as the figure's CSV does)
    public = data.assign(n_pilot=data["n_pilot"].astype("Int64"), n_control=data["n_control"].astype("Int64"))
    marked = marked_table(table, data, public, [True] + [False] * 7)
    assert marked.loc[0].tolist() == ["Betaald werk", "Hoofdanalyse", "Gecorrigeerd", "40 / 60", MARKER, MARKER,
                                      MARKER]


def test_a_count_withheld_in_the_data_is_marked_wherever_the_table_shows_it():
    data = pd.DataFrame({"measure": ["a", "b", "c"], "wave": ["T0", "T0", "T1"], "count": [50, 3, 47],
                         "n": [53, 53, 47]})
    table = pd.DataFrame({"Maat": ["Aa", "Bb", "Cc"], "Meetmoment": ["T0", "T0", "T1"],
                          "Aantal (n)": ["50 (53)", "3 (53)", "47 (47)"]})
    public = data.assign(count=pd.array([pd.NA, pd.NA, 47], dtype="Int64"), n=data["n"].astype("Int64"))
    marked = marked_table(table, data, public, [True, True, False])
    assert marked["Aantal (n)"].tolist() == [MARKER, MARKER, "47 (47)"]
    assert marked["Meetmoment"].tolist() == ["T0", "T0", "T1"]


# --------------------------------------------------------------------------- the demo's public final report

K = 10


@pytest.fixture(scope="session")
def demo_public_k10(made_once, demo_data):
    """The demo's final report (T2), public edition with --min-cell 10, as the issue tried it."""
    from via_reports.report.build import BuildOptions, build_report

    return made_once("demo-public-k10", lambda folder: build_report(BuildOptions(
        data_dir=demo_data, out=folder / "report", wave="T2", public=True, min_cell=K))) / "report"


_TABLE = re.compile(r'<table class="data-table[^"]*" id="(tab-[^"]+)">(.*?)</table>', re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)


def appendix_tables(report: Path) -> dict[str, list[list[str]]]:
    """The data tables of the appendix (by table id), each as rows of cell texts, header first."""
    page = (report / "report.html").read_text(encoding="utf-8")
    tables = {}
    for table_id, body in _TABLE.findall(page):
        body = re.sub(r"<caption>.*?</caption>", "", body, flags=re.S)
        tables[table_id] = [[html_lib.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in _CELL.findall(row)]
                            for row in _ROW.findall(body)]
    return tables


@pytest.mark.slow
def test_every_public_table_is_the_internal_table_with_withheld_cells_marked(demo_public_k10, edition):
    internal = appendix_tables(edition("demo", "T2", "nl"))
    public = appendix_tables(demo_public_k10)
    assert set(public) == set(internal) and len(public) >= 20
    marked_somewhere = set()
    for table_id, rows in public.items():
        if table_id.startswith("tab-participants-years"):
            # a box plot's public table shows no single person's value (issue 27): no min, max,
            # whisker ends or outliers, but its own 10th and 90th percentiles; every other row it
            # shows is the internal table's, column for column, or marked withheld
            columns = [internal[table_id][0].index(c) for c in rows[0]]
            known = {tuple(r[i] for i in columns) for r in internal[table_id][1:]}
            shown = {tuple(r) for r in rows[1:] if "(p10)" not in r[0] and "(p90)" not in r[0]}
            assert all(r in known or MARKER in r for r in shown), table_id
            assert len(shown) < len(rows) - 1  # the percentiles are there
            continue
        assert rows[0] == internal[table_id][0], f"{table_id}: columns differ from the internal edition"
        # each public row is an internal row, in order, with cells marked; only subgroups.comparisons
        # leaves rows out (a comparison with a small cell is not made in a public edition, upstream)
        if table_id != "tab-subgroups-comparisons":
            assert len(rows) == len(internal[table_id]), table_id
        remaining = iter(internal[table_id][1:])
        for row in rows[1:]:
            internal_row = next((r for r in remaining if all(
                cell in (other, MARKER) for cell, other in zip(row, r))), None)
            assert internal_row is not None, f"{table_id}: {row} is no internal row with cells marked"
            if any(cell == MARKER != other for cell, other in zip(row, internal_row)):
                marked_somewhere.add(table_id)
    # the table: the effects per outcome, with withheld outcomes at k = 10, each still named
    assert "tab-effects-outcomes" in marked_somewhere
    for row in public["tab-effects-outcomes"][1:]:
        assert row[0] and row[0] != MARKER


@pytest.mark.slow
def test_no_public_table_shows_a_code_or_a_raw_number(demo_public_k10):
    from editions import raw_names, vocabulary

    # a code that is also a word of the report's own (Dutch) labels, such as "vmbo", reads as a label
    names = raw_names(sorted((demo_public_k10 / "figures").glob("*.csv"))) - vocabulary("nl")
    raw_float = re.compile(r"^-?\d+[.,]\d{4,}$")
    for table_id, rows in appendix_tables(demo_public_k10).items():
        for row in rows:
            for cell in row:
                assert cell not in names, f"{table_id}: raw name {cell!r}"
                assert not raw_float.match(cell), f"{table_id}: unformatted number {cell!r}"


def _words_past_the_text_block(pdf: Path, right_margin_mm: float) -> list[str]:
    """Every word of the PDF whose right edge lies in the right margin (beyond 1 pt of slack)."""
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True,
                            text=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", layout, count=1))
    ns = "{http://www.w3.org/1999/xhtml}"
    out = []
    for number, page in enumerate(root.iter(f"{ns}page"), start=1):
        limit = float(page.get("width")) - right_margin_mm * 72 / 25.4 + 1.0
        out += [f"page {number}: {word.text!r} ends at {float(word.get('xMax')):.1f} pt (limit {limit:.1f})"
                for word in page.iter(f"{ns}word") if float(word.get("xMax")) > limit]
    return out


@pytest.mark.slow
def test_every_table_of_the_public_pdf_fits_the_page_width(demo_public_k10):
    from via_reports.theme.themes import load_theme

    right = float(load_theme("default").page_margin.split()[1].removesuffix("mm"))
    problems = _words_past_the_text_block(demo_public_k10 / "report.pdf", right)
    assert not problems, "\n".join(problems[:20])
