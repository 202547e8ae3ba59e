"""WeasyPrint set up for one part of the report: what it may read, what it must not let pass, its layout and its PDF.

:mod:`via_reports.render.pdf` makes the report's parts and numbers them; each
part is laid out here (:func:`lay_out`), its pages known at once and its PDF
written when asked (:meth:`LaidOut.written`), tagged and mended for PDF/UA
(:func:`~via_reports.render.pdf_ua.make_accessible`).

WeasyPrint reads what the page refers to (fonts, the logo, stylesheets, SVG
parts) through the fetcher of :func:`confined_fetcher`, which serves ``data:``
URIs and files inside the package's PDF templates and the theme folder, and
nothing else: a reference to any other file, to the web, or a file attachment
stops the render with a :class:`~via_reports.exceptions.RenderError` that names it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from via_reports.exceptions import RenderError
from via_reports.render.labels import pdf_templates_dir
from via_reports.render.pdf_ua import make_accessible
from via_reports.resources import templates_dir
from via_reports.theme.themes import Theme

#: Accessible PDF (PDF/UA-1) where WeasyPrint can make it.
PDF_VARIANT = "pdf/ua-1"


def confined_fetcher(theme: Theme) -> Any:
    """A WeasyPrint URL fetcher for this theme (see :class:`ConfinedFetcher`)."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class Refused(FatalURLFetchingError):
        """A reference outside the report's own files; WeasyPrint stops on it (a BaseException)."""

    class ConfinedFetcher(URLFetcher):
        """Serves data: URIs and files inside ``folders``; refuses everything else before reading it."""

        def __init__(self, folders: list[Path]):
            super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True, allow_redirects=False)
            self.folders = [folder.resolve() for folder in folders]
            #: What was refused (WeasyPrint swallows errors inside an SVG image; the render still fails).
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            from urllib.parse import urlsplit
            from urllib.request import url2pathname

            parts = urlsplit(url)
            if parts.scheme.lower() == "data":
                return super().fetch(url, headers)
            if parts.scheme.lower() == "file" and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(parts.path)).resolve()  # links resolved: they must stay inside too
                if path.is_file() and any(folder in path.parents for folder in self.folders):
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise Refused(f"the report refers to {url}, which is not a file of the report's templates "
                          "or theme; it is not read")

    return ConfinedFetcher([pdf_templates_dir(), theme.folder])


def _refuse_attachments(document: Any) -> None:
    """A PDF of ours carries no attached files (WeasyPrint would attach what a link points to)."""
    attached = [str(a) for a in getattr(document.metadata, "attachments", None) or []]
    attached += [str(link[1]) for page in document.pages for link in page.links if link[0] == "attachment"]
    if attached:
        raise RenderError(f"the report would attach file(s) to the PDF: {', '.join(attached)}; "
                          "a report never carries attachments")

#: WeasyPrint messages that are about the machine, not about the report.
_BENIGN = (
    "Using fontTools instead of HarfBuzz-Subset",
)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not any(message.startswith(b) for b in _BENIGN):
            self.messages.append(f"{record.levelname.lower()}: {message}")


@contextlib.contextmanager
def _weasyprint_problems() -> Iterator[_Collect]:
    """Collect what WeasyPrint logs (it logs and carries on; we stop)."""
    from weasyprint import LOGGER

    handler = _Collect()
    LOGGER.addHandler(handler)
    try:
        yield handler
    finally:
        LOGGER.removeHandler(handler)


@contextlib.contextmanager
def footnotes_stay_on_their_page() -> Iterator[None]:
    """Work around a rounding error in WeasyPrint's footnote layout.

    WeasyPrint compares the bottom of the last footnote with the bottom of the
    footnote area in floating point; a difference of 1e-13 px counts as an
    overflow and moves the footnote to the next page. Without a ``max-height``
    on ``@footnote`` the area grows with its content, so a real overflow is
    impossible: report none. (Seen with WeasyPrint 70.)
    """
    try:
        from weasyprint.layout import LayoutContext
    except ImportError:  # pragma: no cover - another WeasyPrint layout
        yield
        return
    original = getattr(LayoutContext, "_update_footnote_area", None)
    if original is None:  # pragma: no cover
        yield
        return

    def update_footnote_area(self: Any) -> bool:
        overflow = original(self)
        if overflow:
            limit = self.current_footnote_area.style["max_height"]
            if getattr(limit, "value", limit) == math.inf:
                return False
        return overflow

    LayoutContext._update_footnote_area = update_footnote_area
    try:
        yield
    finally:
        LayoutContext._update_footnote_area = original


def _check_document_fonts(document: Any, theme: Theme) -> None:
    """Every font in the PDF must be one of the theme's families (checked after
    drawing, when WeasyPrint knows which fonts it used)."""
    allowed = {fam.family for fam in theme.font_families}
    foreign = sorted({font.family for font in document.fonts.values()} - allowed)
    if foreign:
        raise RenderError(f"text was set in font(s) that are not the theme's: {', '.join(foreign)}. "
                          "Probably a character the theme font lacks (a symbol or emoji); remove it "
                          "or choose a theme font that has it.")


def _normalise_paths(text: str, theme: Theme) -> str:
    for root in sorted({str(theme.folder), str(templates_dir()), str(pdf_templates_dir())}, key=len, reverse=True):
        text = text.replace(Path(root).as_uri(), "file:///<root>").replace(root, "<root>")
    return text


class WeasyPrintSetup:
    """WeasyPrint set up once for the parts of one render: the stylesheet is parsed, and the
    theme's fonts loaded, once for all parts (a part costs 0.017 s less: 18 parts, 0.5 s)."""

    def __init__(self, theme: Theme, css: str):
        self.theme, self.css = theme, css
        self.base_url = theme.folder.as_uri() + "/"
        self.fetcher = confined_fetcher(theme)
        self.stylesheet: Any = None
        self.font_config: Any = None

    def start(self) -> None:
        """Parse the stylesheet (once; WeasyPrint reads the fonts it names through the fetcher)."""
        if self.stylesheet is None:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            self.font_config = FontConfiguration()
            self.stylesheet = CSS(string=self.css, base_url=self.base_url, url_fetcher=self.fetcher,
                                  font_config=self.font_config)


class LaidOut:
    """A part as WeasyPrint laid it out, its PDF not yet written: its pages and its anchors' pages are known."""

    def __init__(self, html: str, setup: WeasyPrintSetup, document: Any):
        self.html, self.setup, self.document = html, setup, document
        self.pages = len(document.pages)
        self.anchors: dict[str, int] = {}
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                self.anchors.setdefault(anchor, index)

    def written(self) -> bytes:
        """The part's tagged PDF (:func:`make_accessible`), its fonts checked to be the theme's."""
        theme = self.setup.theme
        with _weasyprint_problems() as problems, _fetching_stops(), _fewer_collections():
            identifier = hashlib.sha256(_normalise_paths(self.html, theme).encode("utf-8")).hexdigest()[:32]
            pdf = make_accessible(_write_pdf(self.document, identifier))
            _check_document_fonts(self.document, theme)
        _raise_what_weasyprint_met(self.setup, problems)
        return pdf


def lay_out(html: str, setup: WeasyPrintSetup) -> LaidOut:
    """WeasyPrint's layout of one part (:class:`LaidOut`)."""
    from weasyprint import HTML

    with _weasyprint_problems() as problems, footnotes_stay_on_their_page(), _fetching_stops(), \
            _fewer_collections():
        setup.start()
        document = HTML(string=html, base_url=setup.base_url, url_fetcher=setup.fetcher).render(
            stylesheets=[setup.stylesheet], font_config=setup.font_config, pdf_variant=PDF_VARIANT)
        _refuse_attachments(document)
    _raise_what_weasyprint_met(setup, problems)
    return LaidOut(html, setup, document)


#: Python's collector looks at the newest objects after this many more were made (its default: 700).
_YOUNG_OBJECTS = 10_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's collector run less often while WeasyPrint works (:data:`_YOUNG_OBJECTS`).

    WeasyPrint makes objects by the hundred thousand for a part, and the
    collector, run every 700 new objects, walks them again and again as they
    age (the build freezes what it held before: :func:`~via_reports.report.build._render`).
    The final demo report's appendix of figure tables took 4.2-4.7 s instead of
    5.4-5.5 s, its peak memory 29 MB more (264 -> 293 MB).
    """
    import gc

    previous = gc.get_threshold()
    gc.set_threshold(_YOUNG_OBJECTS, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@contextlib.contextmanager
def _fetching_stops() -> Iterator[None]:
    """A resource WeasyPrint could not load stops the render with a :class:`RenderError`."""
    from weasyprint.urls import FatalURLFetchingError

    try:
        yield
    except FatalURLFetchingError as error:
        raise RenderError(f"a resource of the report could not be loaded: {error}") from error


def _raise_what_weasyprint_met(setup: WeasyPrintSetup, problems: _Collect) -> None:
    """A :class:`RenderError` for what the fetcher refused or WeasyPrint logged (it carries on; we stop)."""
    if setup.fetcher.refused:
        raise RenderError(f"the report refers to {', '.join(dict.fromkeys(setup.fetcher.refused))}, which is not "
                          "a file of the report's templates or theme; it is not read")
    if problems.messages:
        raise RenderError("WeasyPrint reported problems, so the PDF would not be complete:\n- "
                          + "\n- ".join(problems.messages))


def _write_pdf(document: Any, identifier: str) -> bytes:
    try:
        return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier.encode("ascii"))
    except Exception as error:  # a variant WeasyPrint cannot produce: fall back to tagged PDF
        logging.getLogger(__name__).warning("PDF/UA-1 failed (%s); writing a tagged PDF instead", error)
        return document.write_pdf(pdf_tags=True, pdf_identifier=identifier.encode("ascii"))
