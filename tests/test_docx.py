"""The Word edition (report.docx) as a policy officer opens it, read with python-docx and against the PDF.

The demo's interim and final reports in Dutch and English (the ``edition``
fixture builds them with ``--formats pdf,html,docx``) and a public final
edition. Each .docx has the PDF's chapters as Heading 1 (in the same order as
the PDF's bookmarks), every figure as a picture with the PDF's alt text and
its numbered caption, tables whose header row repeats, the PDF's footnotes as
Word footnotes, the title and language as document properties, no number in
its text that the PDF does not have, and none in its tables that neither the
PDF nor the HTML page has (so a public edition withholds in Word what it
withholds there; the PDF cuts its widest appendix table at the page's edge). A second render of the same document gives the same bytes.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from editions import pdf_pages

from via_reports.report.build import BuildOptions, build_report

pytestmark = pytest.mark.slow

EDITIONS = ["demo-T1-nl", "demo-T1-en", "demo-T2-nl", "demo-T2-en", "public-T2-nl"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def pdf_outline(pdf: Path) -> list[str]:
    import pypdf

    return [item.title for item in pypdf.PdfReader(pdf).outline if not isinstance(item, list)]


def pdf_alt_texts(pdf: Path) -> list[str]:
    """The /Alt of every Figure of the PDF's tag tree, in reading order (charts only: no logo on a page)."""
    texts = []
    with pikepdf.open(pdf) as document:
        stack = [document.Root.StructTreeRoot]
        while stack:
            element = stack.pop(0)
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
            kids = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") not in ("/OBJR", "/MCR")]
            if element.get("/S") == "/Figure" and "/Alt" in element:
                texts.append(str(element.Alt))
            stack[:0] = kids
    return texts


def numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)?", text.replace("\u00a0", " ")))


@pytest.mark.parametrize("name", EDITIONS)
def test_the_word_edition_is_the_pdf_as_an_editable_document(any_edition, name):
    import docx

    folder = any_edition(name)
    language = name.split("-")[2]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert "report.docx" in manifest["files"] and "report.docx" in manifest["outputs"]
    document = docx.Document(folder / "report.docx")

    properties = document.core_properties
    assert properties.title == manifest["report"]["title"]
    assert properties.language == {"nl": "nl-NL", "en": "en-GB"}[language]

    styles = [(p.style.name, p.text) for p in document.paragraphs]
    headings = [text for style, text in styles if style == "Heading 1"]
    outline = [title for title in pdf_outline(folder / "report.pdf") if title not in ("Inhoud", "Contents")]
    assert headings == outline
    assert any(style == "Heading 2" for style, _ in styles)

    label = {"nl": "Figuur", "en": "Figure"}[language]
    captions = [text for style, text in styles if style == "Image Caption"]
    plain = [c.replace("\u00a0", " ") for c in captions]
    assert plain == [f["caption"].replace("\u00a0", " ") for f in manifest["figures"]]
    assert all(c.startswith(f"{label} ") for c in captions)

    with zipfile.ZipFile(folder / "report.docx") as package:
        body = package.read("word/document.xml").decode("utf-8")
        footnotes = package.read("word/footnotes.xml").decode("utf-8")
    descriptions = [html.unescape(d) for d in re.findall(r'<wp:docPr descr="([^"]*)"', body)]
    assert len(descriptions) == len(manifest["figures"])  # one picture per chart (the PDF's cover has a logo too)
    assert descriptions == [alt for alt in pdf_alt_texts(folder / "report.pdf") if alt in descriptions]

    data_tables = [t for t in document.tables if t.rows and t.rows[0]._tr.trPr is not None
                   and t.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None]
    assert len(data_tables) >= len(manifest["figures"])  # the appendix's table of each figure, at least

    note_texts = re.findall(r'<w:footnote (?:(?!w:type)[^>])*w:id="(\d+)"[^>]*>(.*?)</w:footnote>', footnotes, re.S)
    references = re.findall(r'<w:footnoteReference w:id="(\d+)"', body)
    assert note_texts and sorted(references) == sorted(i for i, _ in note_texts)
    pdf_text = " ".join(pdf_pages(folder / "report.pdf"))
    for _, xml in note_texts:
        words = re.sub(r"\s+", " ", " ".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))).strip()
        assert words and words[:40] in re.sub(r"\s+", " ", pdf_text)

    text = "\n".join(p.text for p in document.paragraphs)
    assert numbers(text) <= numbers(pdf_text), sorted(numbers(text) - numbers(pdf_text))[:20]
    # the tables: the PDF cuts the widest appendix table at the page's edge, the HTML page shows it whole
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    page = (folder / "report.html").read_text(encoding="utf-8")
    page_text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<script\b.*?</script>", " ", page, flags=re.S)))
    extra = numbers(cells) - numbers(pdf_text) - numbers(page_text)
    assert not extra, sorted(extra)[:20]
    text += cells
    if name.startswith("public"):
        assert "×" in text and "×" in pdf_text  # withheld counts, marked as in the PDF


def test_a_word_edition_renders_to_the_same_bytes_again(edition, tmp_path, monkeypatch):
    """The same document gives the same file: pandoc runs again (not from the cache) in this process."""
    from via_reports.render import docx as docx_module

    first = edition("demo", "T1", "nl")
    monkeypatch.setattr(docx_module, "VERSION", "docx-test-again")  # a new cache key: pandoc runs again
    again = build_report(BuildOptions(out=tmp_path / "again", wave="T1", language="nl", jobs=1, force=True,
                                      formats=["pdf", "html", "docx"]))
    assert (again.out / "report.docx").read_bytes() == (first / "report.docx").read_bytes()
