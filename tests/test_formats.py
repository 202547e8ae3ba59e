"""Output formats declared once (via_reports/formats.py), chosen with --formats or report.yaml, and the PDF's
PDF/UA mending (via_reports/render/pdf_ua.py) on a small document laid out by WeasyPrint."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pikepdf
import pytest
from via_reports.cli import main
from via_reports.exceptions import ParameterError
from via_reports.formats import FORMATS, unknown_formats
from via_reports.options import DEFAULT_OPTIONS, check_options, chosen_formats, resolve_options
from via_reports.report.freshness import BuildInputs, BuildOptions


def test_the_default_is_pdf_and_html_and_every_format_is_declared_once():
    assert DEFAULT_OPTIONS["formats"] == ["pdf", "html"]
    assert [f.name for f in chosen_formats(None)] == ["pdf", "html"]
    assert [f.name for f in chosen_formats(["docx", "pdf"])] == ["pdf", "docx"]  # the table's order
    assert {f.filename for f in FORMATS.values()} == {"report.pdf", "report.html", "report.docx"}
    assert [e for f in chosen_formats(["pdf", "html", "docx"]) for e in f.manifest_entries()] == \
        ["report.pdf", "report.html", "report.docx"]
    for chosen in FORMATS.values():  # each renderer is where its declaration says
        import importlib

        module, function = chosen.renderer.split(":")
        assert callable(getattr(importlib.import_module(module), function))


@pytest.mark.parametrize("value, message", [
    (["pdf", "odt"], "formats: 'odt' is no output format; choose from pdf, html, docx"),
    ([], "formats must name at least one"),
    (["pdf", "pdf"], "formats names one twice"),
    ("pdf", "formats must be"),
])
def test_a_wrong_format_is_a_parameter_error_that_says_what_is_wrong(value, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(")):
        check_options({"formats": value})


def test_report_yaml_chooses_the_formats_and_the_command_line_overrides_it(tmp_path):
    (tmp_path / "report.yaml").write_text("formats: [pdf, docx]\n", encoding="utf-8")
    assert resolve_options(tmp_path, {})["formats"] == ["pdf", "docx"]
    assert resolve_options(tmp_path, {"formats": ["html"]})["formats"] == ["html"]
    (tmp_path / "report.yaml").write_text("formats: [pdf, rtf]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="report.yaml, line 1: formats: 'rtf' is no output format"):
        resolve_options(tmp_path, {})


def test_the_command_line_takes_a_comma_separated_list(tmp_path, capsys):
    assert main(["build", "--formats", "pdf,word", "--out", str(tmp_path / "r"), "--quiet"]) == 2
    assert "'word' is no output format" in capsys.readouterr().err
    assert unknown_formats(["pdf", "html", "docx"]) is None


def test_the_formats_are_part_of_the_build_key(tmp_path):
    def key(formats):
        return BuildInputs(BuildOptions(out=tmp_path / "r", wave="T1", formats=formats).resolved()).key

    assert key(None) == key(["pdf", "html"]) == key(["html", "pdf"])
    assert key(["pdf", "html", "docx"]) != key(None)


# --------------------------------------------------------------------------- PDF/UA mending

PAGE = """<!DOCTYPE html><html lang="nl-NL"><head><meta charset="utf-8"><title>Proef</title><style>
@page { size: A5; margin: 20mm; @bottom-center { content: "Lopende titel " counter(page); } }
</style></head><body>
<h1>Kop</h1><p>Een alinea.</p>
<table><thead><tr><th scope="col">Jaar</th><th scope="col">Aantal</th></tr></thead>
<tbody><tr><th scope="row">2020</th><td>12</td></tr><tr><th scope="row">2021</th><td>14</td></tr></tbody></table>
<table><tbody><tr><th scope="row">Uitgave</th><td>Gemeente</td></tr></tbody></table>
</body></html>"""


def _elements(pdf):
    out, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        element = stack.pop(0)
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
        kids = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") not in ("/OBJR", "/MCR")]
        out.append(element)
        stack[:0] = kids
    return out


def test_header_cells_get_their_scope_and_the_running_footer_becomes_an_artifact():
    from weasyprint import HTML

    from via_reports.render.pdf_ua import make_accessible

    written = HTML(string=PAGE).write_pdf(pdf_variant="pdf/ua-1")
    with pikepdf.open(io.BytesIO(written)) as before:  # WeasyPrint alone: no scope, the footer as content
        headers = [e for e in _elements(before) if e.get("/S") == "/TH"]
        assert headers and not any("/Scope" in e.A for e in headers)
        footer_before = _footer_sequences(before)
    assert footer_before["tagged"] and not footer_before["artifact"]

    with pikepdf.open(io.BytesIO(make_accessible(written))) as after:
        rows = [e for e in _elements(after) if e.get("/S") == "/TR"]
        scopes = [[str(c.A.get("/Scope")) if c.get("/S") == "/TH" else None for c in row.K] for row in rows]
        assert scopes == [["/Column", "/Column"], ["/Row", None], ["/Row", None], ["/Row", None]]
        footer = _footer_sequences(after)
        assert footer["artifact"] == footer_before["tagged"] and not footer["tagged"]
        reachable = {e.objgen for e in _elements(after)}
        page_mcids = after.Root.StructTreeRoot.ParentTree.Nums[1]
        assert all(element.objgen in reachable for element in page_mcids)
        assert len(page_mcids) == footer["mcids"] and footer["mcids_in_order"]


def _footer_sequences(pdf) -> dict:
    """How the page's marked content is marked: tagged (with an MCID) or as a pagination artifact;
    the footer is the page's last text, drawn in its margin box."""
    tagged = artifact = 0
    mcids = []
    for operands, operator in pikepdf.parse_content_stream(pdf.pages[0]):
        if str(operator) != "BDC":
            continue
        if str(operands[0]) == "/Artifact":
            artifact += str(operands[1].get("/Type")) == "/Pagination"
        else:
            mcids.append(int(operands[1].MCID))
    reachable = {e.objgen for e in _elements(pdf)}
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums[1]
    tagged = sum(1 for m in mcids if nums[m] is not None and nums[m].objgen not in reachable)
    return {"tagged": tagged, "artifact": artifact, "mcids": len(mcids), "mcids_in_order": mcids == list(range(len(mcids)))}


def test_a_format_writes_its_file_into_the_folder(tmp_path, monkeypatch):
    written = []

    def fake(document, theme, out_path, *, svgs, cache):
        written.append(Path(out_path))

    import via_reports.render.docx as docx_module

    monkeypatch.setattr(docx_module, "render_docx", fake)
    FORMATS["docx"].render(None, None, tmp_path, svgs={}, cache=None)
    assert written == [tmp_path / "report.docx"]


def test_the_renderer_process_takes_its_work_from_the_formats_a_build_asks_for():
    """No format is named in the renderer's process: it imports the chosen formats' renderers and runs their prepare."""
    from via_reports.render.process import Renderer

    assert Renderer(parallel=False, formats=["pdf"]).formats == []
    chosen = Renderer(parallel=False, formats=["docx", "pdf", "html"]).formats
    assert [f.name for f in chosen] == [f.name for f in FORMATS.values() if f.second_process]
    assert [f.module for f in chosen] == [f.renderer.split(":")[0] for f in chosen]
    prepares = [f.prepare for f in FORMATS.values() if f.prepare]
    assert prepares and all(callable(__import__("importlib").import_module(p.split(":")[0]).__dict__[p.split(":")[1]])
                            for p in prepares)
    import ast

    tree = ast.parse((Path(__file__).resolve().parents[1] / "via_reports" / "render" / "process.py").read_text())
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    words = [node.value for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]
    words += [alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
              for alias in node.names] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [w for w in words for name in FORMATS if w == name or w.endswith(f"render.{name}")]


def test_a_build_that_does_not_ask_for_word_imports_nothing_of_it():
    """The Word edition costs a build that does not ask for it nothing: the command line, the build, the
    PDF's and the HTML's renderers and the formats' build-key part import neither pandoc's wrapper nor
    python-docx nor the Word renderer (each a third of a second); only rendering the docx does."""
    import subprocess
    import sys

    script = ("import sys, via_reports.cli, via_reports.report.build, via_reports.render.pdf, via_reports.render.html\n"
              "from via_reports.formats import FORMATS\n"
              "from via_reports.options import chosen_formats\n"
              "[f.key_part() for f in FORMATS.values()], chosen_formats(['pdf', 'html', 'docx'])\n"
              "print(sorted(m for m in ('pypandoc', 'docx', 'via_reports.render.docx') if m in sys.modules))\n"
              "from via_reports.render.docx import _pandoc_path\n"
              "_pandoc_path()\n"
              "print(sorted(m for m in ('pypandoc', 'docx') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["[]", "[]"]  # finding pandoc imports neither either


def test_marked_content_is_mended_in_the_lines_weasyprint_wrote_or_else_parsed():
    """The margin boxes' marked content is mended in the bytes as WeasyPrint writes them; a stream in
    which those bytes could be part of a string goes through pikepdf's parser instead."""
    from via_reports.render.pdf_ua import _rewritten_as_parsed, _rewritten_as_written

    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    written = (b"/P\n<</MCID 0>>\nBDC\nBT\n[<0001>]TJ\nET\nEMC\n/Span\n<</MCID 1>>\nBDC\nBT\n[<0002>]TJ\nET\nEMC\n"
               b"/P\n<</MCID 2>>\nBDC\nBT\n[<0003>]TJ\nET\nEMC\n")
    page.obj.Contents = pdf.make_stream(written)
    fast = _rewritten_as_written(page, {1}, {0: 0, 2: 1})
    parsed = _rewritten_as_parsed(page, {1}, {0: 0, 2: 1})

    def instructions(content: bytes) -> list:
        return [(str(i.operator), [repr(o) for o in i.operands])
                for i in pikepdf.parse_content_stream(pdf.make_stream(content))]

    assert instructions(fast) == instructions(parsed)
    marks = [(str(i.operands[0]), {str(k): str(v) for k, v in i.operands[1].items()})
             for i in pikepdf.parse_content_stream(pdf.make_stream(fast)) if str(i.operator) == "BDC"]
    assert marks == [("/P", {"/MCID": "0"}), ("/Artifact", {"/Type": "/Pagination"}), ("/P", {"/MCID": "1"})]

    for opaque in (b"BT\n(/P\n<</MCID 1>>\nBDC\n) Tj\nET\n", b"BI\n/W 1 /H 1 /CS /G /BPC 8\nID\n\x00\nEI\n"):
        page.obj.Contents = pdf.make_stream(opaque + written)
        assert _rewritten_as_written(page, {1}, {0: 0, 2: 1}) is None
    page.obj.Contents = pdf.make_stream(written.replace(b"/Span\n<</MCID 1>>\nBDC", b"/Span <</MCID 1>> BDC"))
    assert _rewritten_as_written(page, {1}, {0: 0, 2: 1}) is None  # written otherwise: not edited by hand


_PREPARED: list[str] = []


def _record_prepare(theme, date, cache) -> None:
    _PREPARED.append(theme)


def test_a_warm_up_for_the_build_process_is_left_out_once_the_render_has_begun(monkeypatch):
    """The second process prepares its own formats' work either way, and the PDF's warm-up only before the render."""
    import threading

    from via_reports.render import process

    rendering = threading.Event()
    monkeypatch.setattr(process, "_RENDERING", rendering)
    monkeypatch.setattr(sys.modules[__name__], "_PREPARED", [])
    targets = ((f"{__name__}:_record_prepare", False), (f"{__name__}:_record_prepare", True))
    process._prepare(targets, "before", None, None)
    rendering.set()
    process._prepare(targets, "during", None, None)
    assert _PREPARED == ["before", "before", "during"]
    from via_reports.render.process import Renderer

    assert Renderer(parallel=False, formats=["pdf", "html"]).prepares == (
        ("via_reports.render.html:prepare_html", False), ("via_reports.render.pdf:prepare_elsewhere", True))
