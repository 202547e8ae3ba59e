"""The branded, tagged (PDF/UA-1), reproducible PDF, laid out by WeasyPrint part by part.

WeasyPrint lays out a document from its first page every time. The report's
parts (front matter, contents, summary, each chapter, each appendix,
colophon) each begin on a new page, so each is laid out alone, as a document
of its own, and the parts are joined (:mod:`via_reports.render.pdf_join`). A
part is made from the same template as the whole (``part`` selects it) and
carries what it takes from the parts before it: its first page number and its
first footnote number (CSS counters), and the contents carry the page numbers
as text (``target-counter`` cannot look into another document). A part is
kept in the cache under the hash of its HTML: an edit lays out the parts it
changed, the parts after it when it moved their pages, and the contents.

Each part is laid out by WeasyPrint, confined to the package's templates and the
theme, in :mod:`via_reports.render.pdf_layout`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from via_reports.document.model import (
    Numbering,
    ReportDocument,
    number_document,
)
from via_reports.exceptions import RenderError
from via_reports.options import DEFAULT_OPTIONS
from via_reports.render.assemble import (
    RenderResult,
    figure_svgs,
    jinja,
    page_context,
    pinned_source_date,
    theme_css,
)
from via_reports.render.pdf_layout import (  # noqa: F401 - PDF_VARIANT and confined_fetcher: also asked for here
    PDF_VARIANT,
    LaidOut,
    WeasyPrintSetup,
    confined_fetcher,
    lay_out,
)
from via_reports.render.pdf_ua import VERSION as UA_FIXES
from via_reports.theme.cache import RenderCache, theme_files_hash
from via_reports.theme.themes import Theme, load_theme


def _pdf_context(doc: ReportDocument, theme: Theme, numbering: Numbering, svgs: dict[str, str] | None) -> dict:
    svgs = svgs if svgs is not None else figure_svgs(doc, theme)
    context = page_context(doc, theme, numbering, "pdf", svgs)
    context.update(css=Markup(theme_css(theme, "report.css")), part=None, part_css=None, toc_page=lambda anchor: "")
    return context


def pdf_html(doc: ReportDocument, theme: Theme, numbering: Numbering,
             svgs: dict[str, str] | None = None) -> str:
    """The HTML of the whole document as WeasyPrint would lay it out in one piece (the PDF is laid
    out in parts: :func:`render_pdf`)."""
    return jinja().get_template("report.html.j2").render(**_pdf_context(doc, theme, numbering, svgs))


def render_pdf(doc: ReportDocument, theme: str | Path | Theme = DEFAULT_OPTIONS["theme"],
               out_path: str | Path = "report.pdf", *, svgs: dict[str, str] | None = None,
               cache: RenderCache | None = None, helper: Executor | None = None) -> RenderResult:
    """Render ``doc`` to a tagged, reproducible PDF at ``out_path``.

    ``theme`` is a theme name (``default``, ``neutral``), a theme folder or a
    loaded :class:`~via_reports.theme.themes.Theme`; ``svgs`` the charts as
    :func:`~via_reports.render.assemble.figure_svgs` made them (made here when
    not given); ``cache``: where the laid-out parts are kept (None: in this
    process only); ``helper``: another process that may lay out a large part
    meanwhile (the build's renderer, :class:`~via_reports.render.process.Renderer`;
    see :func:`_lay_out_round`). Raises :class:`RenderError`.

    The report's parts (front matter, contents, summary, each chapter, each
    appendix, colophon) each begin on a new page, so WeasyPrint lays out each
    part alone (:func:`_lay_out_round`) and :func:`~via_reports.render.pdf_join.join_parts`
    joins their pages into one tagged PDF. A part's PDF is kept by the SHA-256
    of its HTML, which holds everything that shapes it, its first page and
    footnote numbers included: an edit lays out the parts it changed, and the
    contents when a page number moved.
    """
    from via_reports.render.pdf_join import join_parts

    theme = load_theme(theme)
    numbering = number_document(doc)
    context = _pdf_context(doc, theme, numbering, svgs)
    with pinned_source_date(doc.study.publication_date):  # fontTools stamps the fonts it subsets
        parts = _lay_out_parts(context, theme, cache or RenderCache(None), helper, doc.study.publication_date)
    pdf = join_parts([part.pdf for part in parts])
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".part")
    tmp.write_bytes(pdf)
    tmp.replace(out_path)
    return RenderResult(out_path, numbering, sum(part.pages for part in parts))


# =========================================================================== parts


@dataclass(frozen=True)
class LaidOutPart:
    """One part of the report as WeasyPrint laid it out alone."""

    pdf: bytes
    pages: int
    #: Its anchors (element ids) by the index of their page in the part.
    anchors: dict[str, int]


#: Stands for a page number in the contents before the pages are known (as wide as most).
_PLACEHOLDER_PAGE = "00"


def _part_names(context: dict[str, Any]) -> list[str]:
    names = ["front", "contents"]
    if context["summary"] is not None:
        names.append(context["summary"].anchor)
    names += [part.anchor for part in context["chapters"]] + [part.anchor for part in context["appendices"]]
    return names + ["colophon"]


def _lay_out_parts(context: dict[str, Any], theme: Theme, cache: RenderCache, helper: Executor | None,
                   date: Any) -> list[LaidOutPart]:
    """Every part, numbered: each starts at the page after the one before it, and the contents
    show the page of each heading (known once the others are laid out, so laid out again until
    nothing moves; with the cache the second round costs the contents alone). ``helper`` and
    ``date`` (the publication date, stamped into the fonts): see :func:`_lay_out_round`."""
    template = jinja().get_template("report.html.j2")
    footnotes = {part.anchor: part.footnotes_before
                 for part in [context["summary"], *context["chapters"], *context["appendices"]] if part is not None}
    names = _part_names(context)
    theme_files = theme_files_hash(theme)
    setup = WeasyPrintSetup(theme, str(context["css"]))  # the stylesheet, given apart from each part's HTML
    numbers: dict[str, str] | None = None  # the contents' page numbers
    for _ in range(4):
        def html_for(name: str, first_page: int, numbers: dict[str, str] | None = numbers) -> str:
            return _links_between_parts(_part_html(template, context, name, first_page, footnotes.get(name, 0),
                                                   numbers))

        parts = _lay_out_round(names, html_for, setup, theme_files, cache, helper, date)
        pages, first_page = {}, 1
        for part in parts:
            for anchor, index in part.anchors.items():
                pages.setdefault(anchor, first_page + index)
            first_page += part.pages
        missing = [anchor for anchor in _toc_anchors(context) if anchor not in pages]
        if missing:  # laid out in one piece, WeasyPrint would print no number there
            raise RenderError(f"the contents refer to {', '.join(missing)}, which no page of the report has")
        wanted = {anchor: str(pages[anchor]) for anchor in _toc_anchors(context)}
        if wanted == numbers:
            return parts
        numbers = wanted
    raise RenderError("the page numbers of the contents do not settle (each layout moves the pages again)")


#: A part of at least this many elements (start tags) is laid out in the helper process, when there is
#: one (:func:`_lay_out_round`). WeasyPrint takes about 0.6 ms per element of a table, and handing a part
#: over costs its HTML and its PDF through a pipe and the wait for its number of pages; the final demo
#: report's appendix of figure tables has 8,835 elements (5.8 s), the interim one's 2,671 (1.6 s), the
#: largest other part 681 (the codebook, 0.3 s).
HAND_OVER_ELEMENTS = 1500


def _lay_out_round(names: list[str], html_for: Callable[[str, int], str], setup: WeasyPrintSetup, theme_files: str,
                   cache: RenderCache, helper: Executor | None, date: Any) -> list[LaidOutPart]:
    """Every part once, in order, each from the page after the one before (``html_for(name, first_page)``).

    A part's number of pages is known once WeasyPrint has laid it out; writing
    its PDF (drawing, fonts, tags, :func:`make_accessible`) takes as long again
    and can wait. With a ``helper`` (the renderer's second process, idle once the
    HTML is written: :func:`_is_idle`), a large part (:data:`HAND_OVER_ELEMENTS`)
    is laid out there, from its own first page, while this process writes the
    PDFs of the parts before it; the parts after it wait for its pages. A part
    the helper has not started when this process is ready for it is laid out
    here after all; either way the part's bytes are the same.
    """
    done: list[LaidOutPart] = []
    unwritten: list[tuple[int, list[str], LaidOut]] = []  # laid out here, the PDF still to be written

    def write_unwritten() -> None:
        for index, key, laid_out in unwritten:
            done[index] = _decoded(cache.get("pdf-part", key, partial(_written_and_encoded, laid_out)))
        unwritten.clear()

    first_page = 1
    for name in names:
        html = html_for(name, first_page)
        key = _part_key(html, setup, theme_files)
        kept = cache.peek("pdf-part", key)
        if kept is not None:
            part = _decoded(kept)
        elif helper is not None and html.count("<") >= HAND_OVER_ELEMENTS and _is_idle(helper):
            handed = helper.submit(lay_out_elsewhere, html, setup.theme, setup.css, date)
            write_unwritten()  # meanwhile
            part = _decoded(cache.get("pdf-part", key, partial(_result_or_here, handed, html, setup)))
        else:
            laid_out = lay_out(html, setup)
            unwritten.append((len(done), key, laid_out))
            part = LaidOutPart(b"", laid_out.pages, laid_out.anchors)
        done.append(part)
        first_page += part.pages
    write_unwritten()
    return done


def _is_idle(helper: Executor) -> bool:
    """Whether ``helper`` has done what it was given (its ``idle()``; an executor without one counts as idle).

    The renderer's second process may still be subsetting the HTML's fonts on a
    cold build (3 s of work its low priority left undone while the chapters
    ran): a part handed to it then waits, and waiting for it took 0.8 s longer
    than laying the part out here."""
    idle = getattr(helper, "idle", None)
    return bool(idle()) if callable(idle) else True


def _result_or_here(handed: Future, html: str, setup: WeasyPrintSetup) -> str:
    """The part the helper lays out (``handed``), or laid out here if the helper has not started it or
    failed for a reason of its own (its process gone); a fault of the report (:class:`RenderError`) is raised."""
    if handed.cancel():
        return _written_and_encoded(lay_out(html, setup))
    try:
        return handed.result()
    except RenderError:
        raise
    except Exception:  # noqa: BLE001 - the helper only helps: this process lays the part out
        return _written_and_encoded(lay_out(html, setup))


#: What the second process lays out once before it is handed a part (:func:`prepare_elsewhere`): text
#: hyphenated in either language and a table, so that WeasyPrint has its fonts, shaping and hyphenation
#: dictionaries loaded (the first small part in a process took 0.49 s, the same part again 0.27 s).
_WARM_UP = ('<html lang="nl"><body><p style="hyphens: auto">Arbeidsmarktintegratie en wijkgerichte ondersteuning '
            '<i>samen</i> <b>gemeten</b></p><p lang="en" style="hyphens: auto">Labour-market integration measured'
            '</p><table class="data-table"><thead><tr><th scope="col">Groep</th><th scope="col">n</th></tr></thead>'
            '<tbody><tr><th scope="row">pilot</th><td class="num">12,5</td></tr></tbody></table></body></html>')


def prepare_elsewhere(theme: Theme, date: Any, cache_folder: Any) -> None:
    """In the renderer's second process while the chapters run: WeasyPrint imported, the report's
    stylesheet parsed and a few lines laid out (:data:`_WARM_UP`), for a part it may be handed
    (:func:`lay_out_elsewhere`)."""
    setup = _helper_setup(theme, str(theme_css(theme, "report.css")))
    with pinned_source_date(date):
        lay_out(_WARM_UP, setup).written()


def lay_out_elsewhere(html: str, theme: Theme, css: str, date: Any) -> str:
    """A part laid out and written in the renderer's second process (:func:`_lay_out_round`), encoded
    as the cache keeps it. The stylesheet is parsed once per process and theme.

    The objects the process holds already are frozen for Python's collector, as the build's own
    process does for its render (:func:`~via_reports.report.build._render`): the final demo report's
    appendix of figure tables took 4.9 s instead of 5.9 s."""
    import gc

    setup = _helper_setup(theme, css)
    frozen_already = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        with pinned_source_date(date):
            return _written_and_encoded(lay_out(html, setup))
    finally:
        if not frozen_already:
            gc.unfreeze()


#: The second process's WeasyPrint set-up, by theme folder and stylesheet (:func:`lay_out_elsewhere`).
_ELSEWHERE: dict[tuple[str, str], WeasyPrintSetup] = {}


def _helper_setup(theme: Theme, css: str) -> WeasyPrintSetup:
    setup = _ELSEWHERE.get((str(theme.folder), css))
    if setup is None:
        _ELSEWHERE.clear()
        setup = _ELSEWHERE[(str(theme.folder), css)] = WeasyPrintSetup(theme, css)
    return setup


def _written_and_encoded(laid_out: LaidOut) -> str:
    """A laid-out part's PDF written (:meth:`LaidOut.written`), encoded as the cache keeps it."""
    return json.dumps({"pdf": base64.b64encode(laid_out.written()).decode("ascii"), "pages": laid_out.pages,
                       "anchors": laid_out.anchors})


def _decoded(entry: str) -> LaidOutPart:
    fields = json.loads(entry)
    return LaidOutPart(base64.b64decode(fields["pdf"]), fields["pages"], fields["anchors"])


def _part_html(template: Any, context: dict[str, Any], name: str, first_page: int, footnotes_before: int,
               numbers: dict[str, str] | None) -> str:
    """Part ``name`` of the template, its pages numbered from ``first_page`` and its footnotes from
    ``footnotes_before`` + 1; ``numbers``: the contents' page numbers (None: not known yet)."""
    css = []
    if first_page > 1:
        css.append(f"@page :first {{ counter-reset: page {first_page}; }}")
    if footnotes_before:
        css.append(f"body {{ counter-reset: footnote {footnotes_before}; }}")
    if name == "contents":
        css.append('.toc-list a[data-page]::after { content: leader(". ") attr(data-page); }')
    known = numbers or {}
    return template.render(**{
        **context, "part": name, "css": Markup(""), "part_css": Markup("\n".join(css)),
        "toc_page": lambda anchor: Markup(' data-page="{}"').format(known.get(anchor, _PLACEHOLDER_PAGE))})


def _toc_anchors(context: dict[str, Any]) -> list[str]:
    anchors = [context["summary"].anchor] if context["summary"] is not None else []
    for chapter in context["chapters"]:
        anchors += [chapter.anchor] + [h.anchor for h in chapter.headings if h.level == 2]
    return anchors + [appendix.anchor for appendix in context["appendices"]] + ["colophon"]


_ID = re.compile(r' id="([^"]+)"')
_INTERNAL_LINK = re.compile(r' href="#([^"]+)"')


def _links_between_parts(html: str) -> str:
    """A link to an anchor in another part as a ``via-part:`` link (joined into one, see pdf_join)."""
    from via_reports.render.pdf_join import PART_LINK

    own = set(_ID.findall(html))
    return _INTERNAL_LINK.sub(
        lambda match: match.group(0) if match.group(1) in own else f' href="{PART_LINK}{match.group(1)}"', html)


def _part_key(html: str, setup: WeasyPrintSetup, theme_files: str) -> list[str]:
    """A part's cache key: its HTML, the stylesheet, the theme's files and what writes the PDF."""
    from importlib.metadata import version

    return [hashlib.sha256(html.encode("utf-8")).hexdigest(), hashlib.sha256(setup.css.encode("utf-8")).hexdigest(),
            version("weasyprint"), theme_files, PDF_VARIANT, UA_FIXES]
