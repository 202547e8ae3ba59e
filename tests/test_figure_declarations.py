"""Each figure declares its facts once (via_reports/figures/declaration.py): here the fast lane checks them.

A declaration without a disclosure rule, a chart field the chart does not draw
(or draws without a name), CSV columns that differ from what the figure writes
or from the generated catalogue (scripts/figure_catalogue.py): each fails here with the figure's id and the fact,
instead of as a KeyError in a public build or a RenderError deep in a full one.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from effects_data import load as load_effects_study
from tiny import load_tiny

import via_reports.chapters.registry as registry
from via_reports.analysis.scope import Scope
from via_reports.figures.common import HEADERS, display_table
from via_reports.figures.declaration import (
    COUNTS,
    DECLARED,
    CountRule,
    FigureDeclaration,
    declaration_of,
    problems,
)
from via_reports.render.labels import labels_for

ROOT = Path(__file__).resolve().parents[1]
INTERIM = Scope(waves=("T0", "T1"), min_n=3)
FINAL = Scope(waves=("T0", "T1", "T2"), min_n=3, kind="final")


def drawn_fields(spec) -> set[str]:
    """Every field a Vega-Lite spec's encodings name, in any layer, facet or concatenation."""
    found = set()
    if isinstance(spec, dict):
        for definitions in spec.get("encoding", {}).values():
            for definition in definitions if isinstance(definitions, list) else [definitions]:
                if isinstance(definition, dict) and "field" in definition:
                    found.add(definition["field"])
        for value in spec.values():
            found |= drawn_fields(value)
    elif isinstance(spec, list):
        for value in spec:
            found |= drawn_fields(value)
    return found


def chart_field_problems(declared: FigureDeclaration, drawn: set[str], shared: set[str]) -> list[str]:
    """A declared chart field the chart does not draw; a drawn one that nothing names for readers."""
    found = [f"{declared.id}: declares chart field {name!r}, which its chart does not draw"
             for name in declared.chart_fields if name not in drawn]
    found += [f"{declared.id}: its chart draws {name!r}, named neither in its declaration (chart_fields) "
              "nor in labels.yaml's shared chart_fields"
              for name in sorted(drawn) if name not in declared.chart_fields and name not in shared]
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every figure a report can show, internal and public, on the tiny study and the effects study."""
    tiny = load_tiny(tmp_path_factory.mktemp("tiny"))
    effects_study = load_effects_study(tmp_path_factory.mktemp("effects") / "plain")
    figures = []
    for dataset, scope in ((tiny, INTERIM), (effects_study, FINAL)):
        for public in (False, True):
            edition = dataclasses.replace(scope, min_cell=3) if public else scope
            for chapter in registry.computed_chapters(scope.kind):
                figures += registry.chapter_figures(chapter, dataset, edition)
    return figures


@pytest.mark.parametrize("figure_id", sorted(DECLARED))
def test_a_declaration_is_complete(figure_id):
    assert problems(DECLARED[figure_id]) == []


def test_every_declared_figure_is_in_its_chapter_and_every_registered_one_declared():
    registered = {spec.id for spec in registry.figure_specs()}
    assert registered == set(DECLARED)
    for declared in DECLARED.values():
        assert declared.id in registry.chapter_spec(declared.chapter).figure_ids(), declared.id


def test_a_figure_without_a_disclosure_rule_or_with_a_bad_header_is_named():
    bare = FigureDeclaration("toy.bare", chapter="toy", order=1, columns={"thing": {"nl": "Ding"}, "count": None},
                             caption={"nl": "Speelgoed", "en": "Toy"})
    found = problems(bare)
    assert any(p.startswith("toy.bare: no disclosure rule") for p in found), found
    assert any("toy.bare: 'thing' needs its words in nl and en" in p for p in found), found
    wrong = dataclasses.replace(bare, disclosure=CountRule(dims=("colour",)), columns={"thing": None})
    assert problems(wrong) == ["toy.bare: its disclosure rule names 'colour', which is no column of it"]
    assert "unknown disclosure rule 'secret'" in problems(dataclasses.replace(wrong, disclosure="secret"))[0]


def test_the_chart_field_check_names_the_figure_and_the_field():
    toy = FigureDeclaration("toy.fields", chapter="toy", order=1, columns={"count": None}, disclosure="box_plot",
                            chart_fields={"colour_label": {"nl": "Kleur", "en": "Colour"}})
    assert chart_field_problems(toy, {"count", "shape_label"}, {"count"}) == [
        "toy.fields: declares chart field 'colour_label', which its chart does not draw",
        "toy.fields: its chart draws 'shape_label', named neither in its declaration (chart_fields) "
        "nor in labels.yaml's shared chart_fields"]


def test_every_chart_field_is_named_once_and_drawn(built):
    shared = set(labels_for("nl")["chart_fields"])
    assert shared == set(labels_for("en")["chart_fields"])
    drawn: dict[str, set[str]] = {}
    for figure in built:
        drawn.setdefault(declaration_of(figure.id).id, set()).update(drawn_fields(figure.chart.to_dict()))
    assert set(drawn) == set(DECLARED)  # every declared figure was built at least once
    found = [p for figure_id, fields in drawn.items()
             for p in chart_field_problems(DECLARED[figure_id], fields, shared)]
    assert found == []
    declared_fields = {name for d in DECLARED.values() for name in d.chart_fields}
    assert not declared_fields & shared, "a field is named both by a figure and in labels.yaml"


def test_a_figure_writes_the_columns_it_declares(built):
    for figure in built:
        declared = list(declaration_of(figure.id).columns)
        columns = [c for c in figure.data.columns if c != "suppressed"]
        if figure.id.startswith("participants.years_") and "suppressed" in figure.data:
            continue  # a public box plot writes other statistics (docs/figures.md): checked in test_public_box.py
        assert columns == declared, figure.id


def test_the_appendix_headers_are_the_declared_ones():
    for declared in DECLARED.values():
        for column, words in declared.columns.items():
            if words is not None:
                assert HEADERS[column] == words, (declared.id, column)
    origin = registry.figure_spec("participants.origin").build.declaration
    frame = display_table(__import__("pandas").DataFrame({c: [1] for c in origin.columns}), "en")
    assert list(frame.columns) == [words["en"] for words in origin.columns.values()]


def catalogue_rows() -> dict[str, str]:
    """The generated catalogue's rows by figure id (scripts/figure_catalogue.py prints the same text)."""
    from via_reports.chapters.figure_catalogue import figure_catalogue

    rows = {}
    for line in figure_catalogue().splitlines():
        found = re.match(r"\| `([^`]+)` \| (.*) \|$", line)
        if found:
            assert found.group(1) not in rows, f"{found.group(1)} listed twice"
            rows[found.group(1)] = found.group(2)
    return rows


def test_the_generated_catalogue_lists_each_figure_with_its_columns_and_headers_in_order():
    rows = catalogue_rows()
    assert list(rows) == [spec.id for spec in registry.figure_specs()]  # report order
    for figure_id, row in rows.items():
        declared = DECLARED[figure_id]
        caption, columns, rule = row.split(" | ")
        expected = [f"`{c}` ({'its own appendix table' if w is None else w['nl'] + ' / ' + w['en']})"
                    for c, w in declared.columns.items()]
        assert columns.split("<br>") == expected, figure_id
        if isinstance(declared.caption, dict):
            assert caption == f"{declared.caption['nl']} / {declared.caption['en']}", figure_id
        assert rule != "none declared", figure_id


def test_a_new_declaration_appears_in_the_catalogue_and_a_pipe_stays_in_its_cell(monkeypatch):
    toy = FigureDeclaration("participants.toy", chapter="participants", order=99,
                            columns={"colour": {"nl": "Kleur | tint", "en": "Colour"}, "n": COUNTS["n"]},
                            caption={"nl": "Speelgoed", "en": "Toy"}, disclosure=CountRule(binary=True))
    monkeypatch.setitem(DECLARED, toy.id, toy)
    row = catalogue_rows()["participants.toy"]
    assert row == ("Speelgoed / Toy | `colour` (Kleur \\| tint / Colour)<br>`n` (n / n) | "
                   "counts out of n (n − count known)")


def test_the_catalogue_script_prints_the_generated_catalogue():
    import subprocess
    import sys

    from via_reports.chapters.figure_catalogue import figure_catalogue

    printed = subprocess.run([sys.executable, str(ROOT / "scripts" / "figure_catalogue.py")],
                             capture_output=True, text=True, check=True).stdout
    assert printed == figure_catalogue()


def test_docs_figures_md_names_only_declared_figures():
    """docs/figures.md keeps the prose; every figure id it names must still exist (no stale definitions)."""
    text = (ROOT / "docs" / "figures.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:participants|participation|instruments|barriers|satisfaction|effects|subgroups"
                           r"|change)\.[a-z_<>]+)`", text))
    assert named, "docs/figures.md names no figure"
    assert sorted(named - set(DECLARED)) == []
