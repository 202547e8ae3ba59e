"""The PDF laid out in parts and joined: it must read as the same report laid out in one piece.

WeasyPrint lays out each part of the report alone (front matter, contents,
each chapter and appendix, colophon) and the parts are joined into one tagged
PDF (render/pdf.py, render/pdf_join.py). These tests compare the joined PDF
with WeasyPrint's layout of the whole document in one piece, page by page,
check the joined tag tree, links and bookmarks, and watch which parts an edit
lays out again.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from test_render import make_document
from via_reports.exceptions import RenderError
from via_reports.document.model import MarkdownBlock, number_document
from via_reports.theme.themes import load_theme

pytestmark = pytest.mark.slow  # charts and WeasyPrint layouts


def one_piece(doc, folder: Path) -> Path:
    """The document laid out by WeasyPrint in one piece, as the PDF was made before it came in parts."""
    from weasyprint import HTML

    from via_reports.render.pdf import PDF_VARIANT, confined_fetcher, pdf_html
    from via_reports.render.pdf_layout import footnotes_stay_on_their_page

    theme = load_theme("default")
    with footnotes_stay_on_their_page():
        pdf = HTML(string=pdf_html(doc, theme, number_document(doc)), base_url=theme.folder.as_uri() + "/",
                   url_fetcher=confined_fetcher(theme)).write_pdf(pdf_variant=PDF_VARIANT)
    path = folder / "one-piece.pdf"
    path.write_bytes(pdf)
    return path


def reading(path: Path) -> dict:
    """What a reader gets from a PDF: each page's text, its links, the named destinations, the
    bookmarks, and the tag tree's elements by type."""
    from collections import Counter

    import pikepdf
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pdf = pikepdf.open(path)
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    names = list(pdf.Root.Names.Dests.Names)
    destinations = {str(names[i]): pages[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
    links = [sorted(str(a.get("/Dest", "")) or str(a.A.URI) for a in page.obj.get("/Annots", []))
             for page in pdf.pages]

    def bookmarks(items, depth=0):
        found = []
        for item in items:
            if isinstance(item, list):
                found += bookmarks(item, depth + 1)
            else:
                found.append((depth, str(item.title), reader.get_destination_page_number(item)))
        return found

    tags = Counter()

    def walk(element):
        if isinstance(element, pikepdf.Array):
            for kid in element:
                walk(kid)
        elif isinstance(element, pikepdf.Dictionary) and element.get("/Type") not in ("/MCR", "/OBJR"):
            tags[str(element.get("/S"))] += 1
            if "/K" in element:
                walk(element.K)

    walk(pdf.Root.StructTreeRoot.K)
    return {"text": [page.extract_text() for page in reader.pages], "links": links,
            "destinations": destinations, "bookmarks": bookmarks(reader.outline), "tags": dict(tags)}


def check_joined_tags(path: Path) -> None:
    """The joined tag tree holds together: every page and every link annotation is in the parent tree
    under its own key, each link's element points back to it, and every link has its destination."""
    import pikepdf

    pdf = pikepdf.open(path)
    tree = pdf.Root.StructTreeRoot
    assert len(tree.K) == 1 and tree.K[0].S == "/Document"
    nums = tree.ParentTree.Nums
    entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert sorted(entries) == list(range(len(entries))) and int(tree.ParentTreeNextKey) == len(entries)
    names = {str(name) for name in list(pdf.Root.Names.Dests.Names)[0::2]}
    for index, page in enumerate(pdf.pages):
        assert int(page.obj.StructParents) == index
        for element in entries[index]:
            assert element.Pg.objgen == page.obj.objgen
        for annotation in page.obj.get("/Annots", []):
            element = entries[int(annotation.StructParent)]
            kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
            assert any(isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
                       and kid.Obj.objgen == annotation.objgen for kid in kids)
            if "/Dest" in annotation:
                assert str(annotation.Dest) in names
            else:
                assert not str(annotation.A.URI).startswith("via-part:")


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    from via_reports.render import render_pdf

    folder = tmp_path_factory.mktemp("parts")
    doc = make_document(extra_text="\n\n" + "Een lange alinea over de aanpak. " * 120)  # a part of two pages
    return doc, render_pdf(doc, "default", folder / "report.pdf"), folder


def test_the_joined_pdf_reads_as_the_report_in_one_piece(joined):
    doc, result, folder = joined
    parts, whole = reading(result.path), reading(one_piece(doc, folder))
    assert result.pages == len(whole["text"]) > 10
    for number, (page, expected) in enumerate(zip(parts["text"], whole["text"]), start=1):
        assert page == expected, f"page {number}"  # page numbers, footnote numbers, the contents' numbers
    assert parts["links"] == whole["links"]
    assert parts["destinations"] == whole["destinations"]
    assert parts["bookmarks"] == whole["bookmarks"] and len(parts["bookmarks"]) > 10
    assert parts["tags"] == whole["tags"]


def test_the_joined_tag_tree_holds_together(joined):
    check_joined_tags(joined[1].path)


def test_an_edit_lays_out_only_the_parts_it_moved(tmp_path, monkeypatch):
    from via_reports.theme import cache as render_cache
    from via_reports.render import pdf as pdf_module
    from via_reports.render import render_pdf
    from via_reports.theme.cache import RenderCache

    cache = RenderCache(tmp_path / "cache")
    monkeypatch.setattr(render_cache, "_MEMORY", {})  # what other tests laid out is not in this folder
    render_pdf(make_document(), "default", tmp_path / "first.pdf", cache=cache)
    laid_out: list[str] = []
    real = pdf_module.lay_out
    monkeypatch.setattr(pdf_module, "lay_out", lambda html, *rest: laid_out.append(html) or real(html, *rest))

    def render_again(doc, name: str) -> Path:
        laid_out.clear()
        monkeypatch.setattr(render_cache, "_MEMORY", {})  # from the cache folder, as a new process finds it
        return render_pdf(doc, "default", tmp_path / name, cache=cache).path

    # nothing changed: nothing laid out, the same bytes
    assert render_again(make_document(), "same.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()
    assert laid_out == []

    # one sentence more in chapter 3: that chapter alone
    doc = make_document()
    doc.chapters[2].blocks.append(MarkdownBlock("Een zin die er nu bij is."))
    edited = render_again(doc, "edited.pdf")
    assert len(laid_out) == 1 and 'id="ch-instruments"' in laid_out[0]
    assert reading(edited)["text"] == reading(one_piece(doc, tmp_path))["text"]

    # a page more in chapter 1: it, every part after it (their page numbers) and the contents
    doc = make_document(extra_text="\n\n" + "Een lange alinea over de aanpak. " * 120)
    longer = render_again(doc, "longer.pdf")
    assert 'id="ch-introduction"' in laid_out[0] and sum('id="contents"' in html for html in laid_out) == 1
    assert not any('class="cover' in html for html in laid_out)  # the front matter stays where it is
    assert reading(longer)["text"] == reading(one_piece(doc, tmp_path))["text"]


class _Helper(Executor):
    """A stand-in for the renderer's second process: ``outcome`` says what becomes of a part handed to it."""

    def __init__(self, outcome: str):
        self.outcome, self.handed, self.working = outcome, [], False

    def submit(self, function, *args, **kwargs):
        self.handed.append(args[0])
        future = Future()
        if self.outcome == "lays out":
            future.set_running_or_notify_cancel()
            self.working = True  # what is laid out now is the helper's work
            try:
                future.set_result(function(*args, **kwargs))
            finally:
                self.working = False
        elif self.outcome == "fails":
            future.set_running_or_notify_cancel()
            future.set_exception(BrokenProcessPool("the second process died"))
        elif self.outcome == "finds a fault":
            future.set_running_or_notify_cancel()
            future.set_exception(RenderError("the report refers to file:///etc/passwd"))
        return future  # "busy": never started

    def idle(self) -> bool:
        return self.outcome != "not idle"


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """The tiny report's PDF laid out in this process alone, and the HTML of each part it laid out."""
    from via_reports.render import pdf as pdf_module
    from via_reports.render import render_pdf
    from via_reports.theme import cache as render_cache

    folder = tmp_path_factory.mktemp("alone")
    laid_out: list[str] = []
    real = pdf_module.lay_out
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render_cache, "_MEMORY", {})
        patch.setattr(pdf_module, "lay_out", lambda html, *rest: laid_out.append(html) or real(html, *rest))
        pdf = render_pdf(make_document(), "default", folder / "alone.pdf").path.read_bytes()
    return pdf, laid_out


@pytest.mark.parametrize("outcome", ["lays out", "busy", "fails", "not idle"])
def test_the_largest_part_handed_to_the_helper_gives_the_same_pdf(alone, outcome, tmp_path, monkeypatch):
    """The PDF hands its largest part to the second process when that one is idle (and lays it out itself
    when the second process has not started it, or is gone), and the report's bytes are the same as laid
    out in one process."""
    from via_reports.render import pdf as pdf_module
    from via_reports.render import render_pdf
    from via_reports.theme import cache as render_cache

    pdf, parts = alone
    largest = max(parts, key=lambda html: html.count("<"))
    assert sum(html.count("<") >= largest.count("<") for html in parts) == 1
    monkeypatch.setattr(pdf_module, "HAND_OVER_ELEMENTS", largest.count("<"))
    monkeypatch.setattr(render_cache, "_MEMORY", {})
    laid_out: list[str] = []  # here, not in the helper
    real = pdf_module.lay_out
    helper = _Helper(outcome)

    def counted(html, *rest):
        if not helper.working:
            laid_out.append(html)
        return real(html, *rest)

    monkeypatch.setattr(pdf_module, "lay_out", counted)
    assert render_pdf(make_document(), "default", tmp_path / "r.pdf", helper=helper).path.read_bytes() == pdf
    assert helper.handed == ([] if outcome == "not idle" else [largest])  # once: the second round has it
    assert (largest in laid_out) == (outcome != "lays out")
    assert sorted(set(laid_out) - {largest}) == sorted(set(parts) - {largest})


def test_the_second_process_is_idle_once_it_has_done_what_it_was_given():
    from via_reports.render.process import SecondProcess

    given = [Future(), Future()]
    given[0].set_result(None)
    second = SecondProcess(None, given)
    assert not second.idle()
    given[1].set_running_or_notify_cancel()
    assert not second.idle()
    given[1].set_exception(OSError("the fonts could not be made"))  # done, the render reports it
    assert second.idle()
    given.append(Future())  # the HTML, given after the PDF asked
    assert not second.idle()


def test_a_fault_of_the_report_found_by_the_helper_stops_the_render(alone, tmp_path, monkeypatch):
    from via_reports.render import pdf as pdf_module
    from via_reports.render import render_pdf
    from via_reports.theme import cache as render_cache

    monkeypatch.setattr(pdf_module, "HAND_OVER_ELEMENTS", max(html.count("<") for html in alone[1]))
    monkeypatch.setattr(render_cache, "_MEMORY", {})
    with pytest.raises(RenderError, match="etc/passwd"):
        render_pdf(make_document(), "default", tmp_path / "r.pdf", helper=_Helper("finds a fault"))
    assert not (tmp_path / "r.pdf").exists()


def test_the_renderers_second_process_lays_out_a_part_as_this_one_does(alone, tmp_path, monkeypatch):
    """The real thing: a spawned process (as :class:`~via_reports.render.process.Renderer` starts it)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from via_reports.render import pdf as pdf_module
    from via_reports.render import render_pdf
    from via_reports.theme import cache as render_cache

    monkeypatch.setattr(pdf_module, "HAND_OVER_ELEMENTS", max(html.count("<") for html in alone[1]))
    monkeypatch.setattr(render_cache, "_MEMORY", {})
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as helper:
        pdf = render_pdf(make_document(), "default", tmp_path / "r.pdf", helper=helper).path.read_bytes()
    assert pdf == alone[0]


def test_a_part_without_tags_is_not_joined():
    from weasyprint import HTML

    from via_reports.render.pdf_join import join_parts

    untagged = HTML(string="<html lang='nl'><body><p>Tekst</p></body></html>").write_pdf()
    with pytest.raises(RenderError, match="part 1 of the PDF has no tags"):
        join_parts([untagged])


def test_a_link_into_another_part_is_written_for_the_join():
    from via_reports.render.pdf import _links_between_parts

    html = '<p id="a"><a href="#a">hier</a> <a href="#b">daar</a> <a href="https://example.org">web</a></p>'
    assert _links_between_parts(html) == ('<p id="a"><a href="#a">hier</a> <a href="via-part:b">daar</a> '
                                          '<a href="https://example.org">web</a></p>')

