"""Every edition's PDF under the ``pdfua`` checker, and the tag tree read for what the checker cannot see.

The editions: the demo's interim (T1) and final (T2) report in Dutch and
English, internal and public: every edition, each built once per test run
(the ``any_edition`` fixture) and shared with tests/test_accessibility.py.

``pdfua`` (PyPI) must report no error and no warning. One of its rules,
UA-14-001 (no empty heading), crashes on a heading whose /K is an array (a
bug of the checker, pdfua 0.1.3), so :func:`test_the_tag_tree_holds_what_a_screen_reader_needs`
checks headings itself, with the rest the checker does not look at: every Figure has
/Alt, every table's first row has a TH, every TH has a /Scope, /Lang is set,
and every piece of marked content on a page either hangs in the tag tree or
is an artifact (the running footer is one on every page that has it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

pytestmark = pytest.mark.slow

EDITIONS = ["demo-T1-nl", "demo-T1-en", "demo-T2-nl", "demo-T2-en",
            "public-T1-nl", "public-T1-en", "public-T2-nl", "public-T2-en"]


def pdfua_report(pdf: Path) -> dict:
    result = subprocess.run([str(Path(sys.executable).with_name("pdfua")), "check", "--format", "json", str(pdf)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1, 2, 3), result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", EDITIONS)
def test_pdfua_finds_nothing(any_edition, name):
    report = pdfua_report(any_edition(name) / "report.pdf")
    findings = [(f.get("rule_id"), f.get("severity"), f.get("message")) for f in report["findings"]]
    assert not findings, findings[:10]
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0
    assert {s["rule_id"] for s in report["skipped"]} <= {"UA-14-001"}, report["skipped"]  # see the module's text


def _kids(element) -> list:
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
    return [k for k in items if isinstance(k, pikepdf.Dictionary) and k.get("/Type") not in ("/OBJR", "/MCR")]


def _marks_content(element) -> bool:
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
    return any(isinstance(k, int) or (isinstance(k, pikepdf.Dictionary) and _marks_content(k)) for k in items)


def tag_tree(pdf: pikepdf.Pdf) -> list:
    """Every structure element reachable from the root, parents before children."""
    elements, stack = [], list(_kids(pdf.Root.StructTreeRoot))
    while stack:
        element = stack.pop(0)
        elements.append(element)
        stack[:0] = _kids(element)
    return elements


@pytest.mark.parametrize("name", EDITIONS)
def test_the_tag_tree_holds_what_a_screen_reader_needs(any_edition, name):
    language = name.split("-")[2]
    with pikepdf.open(any_edition(name) / "report.pdf") as pdf:
        assert str(pdf.Root.Lang) == {"nl": "nl-NL", "en": "en-GB"}[language]
        elements = tag_tree(pdf)
        roles = [str(e.get("/S")) for e in elements]
        figures = [e for e in elements if e.get("/S") == "/Figure"]
        assert figures and all(str(f.get("/Alt", "")).strip() for f in figures)
        tables = [e for e in elements if e.get("/S") == "/Table"]
        assert tables
        for table in tables:
            rows = [e for e in tag_tree_of(table) if e.get("/S") == "/TR"]
            assert rows and any(c.get("/S") == "/TH" for c in _kids(rows[0])), "a table without a header row"
        header_cells = [e for e in elements if e.get("/S") == "/TH"]
        scopes = [str(_table_attributes(cell).get("/Scope")) for cell in header_cells]
        assert set(scopes) == {"/Column", "/Row"}, set(scopes)  # both kinds occur: codebook rows, column heads
        for element in elements:
            if element.get("/S") == "/TR":
                cells = _kids(element)
                for cell in cells:
                    if cell.get("/S") == "/TH":
                        expected = "/Row" if any(c.get("/S") == "/TD" for c in cells) else "/Column"
                        assert str(_table_attributes(cell).get("/Scope")) == expected
        headings = [e for e in elements if str(e.get("/S")) in ("/H1", "/H2", "/H3", "/H4")]
        assert headings and all(_marks_content(h) for h in headings), "an empty heading"
        assert roles.count("/H1") >= 5

        reachable = {e.objgen for e in elements}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        pages_with_footer = 0
        for index, page in enumerate(pdf.pages):
            mapped = entries.get(index, pikepdf.Array())
            artifact = False
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) != "BDC":
                    continue
                if str(operands[0]) == "/Artifact":
                    artifact = artifact or str(operands[1].get("/Type")) == "/Pagination"
                    continue
                mcid = int(operands[1].MCID)
                assert mapped[mcid] is not None and mapped[mcid].objgen in reachable, \
                    f"page {index + 1}: marked content {mcid} is in no element of the tag tree"
            pages_with_footer += artifact
        assert pages_with_footer >= len(pdf.pages) - 2  # the cover and its back have no running footer


def tag_tree_of(element) -> list:
    out, stack = [], _kids(element)
    while stack:
        kid = stack.pop(0)
        out.append(kid)
        stack[:0] = _kids(kid)
    return out


def _table_attributes(cell) -> pikepdf.Dictionary:
    attributes = cell.get("/A")
    owners = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return next(o for o in owners if isinstance(o, pikepdf.Dictionary) and o.get("/O") == "/Table")
