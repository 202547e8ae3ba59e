"""The branded, tagged (PDF/UA-1), reproducible PDF, laid out by WeasyPrint.

WeasyPrint reads what the page refers to (fonts, the logo, stylesheets, SVG
parts) through :class:`ConfinedFetcher`, which serves ``data:`` URIs and files
inside the package's PDF templates and the theme folder, and nothing else: a
reference to any other file, to the web, or a file attachment stops the render
with a :class:`~via_reports.exceptions.RenderError` that names it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markupsafe import Markup

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
from via_reports.render.labels import pdf_templates_dir
from via_reports.report.document import (
    Numbering,
    ReportDocument,
    number_document,
)
from via_reports.report.themes import Theme, load_theme
from via_reports.resources import templates_dir

#: Accessible PDF (PDF/UA-1) where WeasyPrint can make it.
PDF_VARIANT = "pdf/ua-1"


# =========================================================================== WeasyPrint


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
def _footnotes_stay_on_their_page() -> Iterator[None]:
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


def pdf_html(doc: ReportDocument, theme: Theme, numbering: Numbering,
             svgs: dict[str, str] | None = None) -> str:
    """The HTML document that WeasyPrint lays out."""
    svgs = svgs if svgs is not None else figure_svgs(doc, theme)
    context = page_context(doc, theme, numbering, "pdf", svgs)
    context["css"] = Markup(theme_css(theme, "report.css"))
    return jinja().get_template("report.html.j2").render(**context)


def render_pdf(doc: ReportDocument, theme: str | Path | Theme = DEFAULT_OPTIONS["theme"],
               out_path: str | Path = "report.pdf", *, svgs: dict[str, str] | None = None) -> RenderResult:
    """Render ``doc`` to a tagged, reproducible PDF at ``out_path``.

    ``theme`` is a theme name (``default``, ``neutral``), a theme folder or a
    loaded :class:`~via_reports.report.themes.Theme`; ``svgs`` the charts as
    :func:`~via_reports.render.assemble.figure_svgs` made them (made here when
    not given). Raises :class:`RenderError`.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    theme = load_theme(theme)
    numbering = number_document(doc)
    html_text = pdf_html(doc, theme, numbering, svgs)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    identifier = hashlib.sha256(_normalise_paths(html_text, theme).encode("utf-8")).hexdigest()[:32]
    fetcher = confined_fetcher(theme)
    with _weasyprint_problems() as problems, pinned_source_date(doc.study.publication_date), \
            _footnotes_stay_on_their_page():
        try:
            document = HTML(string=html_text, base_url=theme.folder.as_uri() + "/",
                            url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
            _refuse_attachments(document)
            pdf = _write_pdf(document, identifier)
            _check_document_fonts(document, theme)
        except FatalURLFetchingError as error:
            raise RenderError(f"a resource of the report could not be loaded: {error}") from error
    if fetcher.refused:
        raise RenderError(f"the report refers to {', '.join(dict.fromkeys(fetcher.refused))}, which is not a file "
                          "of the report's templates or theme; it is not read")
    if problems.messages:
        raise RenderError("WeasyPrint reported problems, so the PDF would not be complete:\n- "
                          + "\n- ".join(problems.messages))
    tmp = out_path.with_name(out_path.name + ".part")
    tmp.write_bytes(pdf)
    tmp.replace(out_path)
    return RenderResult(out_path, numbering, len(document.pages))


def _write_pdf(document: Any, identifier: str) -> bytes:
    try:
        return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier.encode("ascii"))
    except Exception as error:  # a variant WeasyPrint cannot produce: fall back to tagged PDF
        logging.getLogger(__name__).warning("PDF/UA-1 failed (%s); writing a tagged PDF instead", error)
        return document.write_pdf(pdf_tags=True, pdf_identifier=identifier.encode("ascii"))
