"""From a :class:`~via_reports.document.model.ReportDocument` to the files.

* :func:`render_pdf` — the branded, tagged (PDF/UA-1), reproducible PDF
  (WeasyPrint, templates in ``templates/pdf/``), module :mod:`.pdf`;
* :func:`render_html` — one self-contained interactive HTML file (vega-embed
  inlined from vl-convert, fonts inlined; no network needed to open it),
  module :mod:`.html`;
* :func:`render_svg` — one chart as vector SVG via vl-convert, in the
  theme's fonts, module :mod:`via_reports.theme.svg` (the chart comes styled by its figure).

Both documents are assembled from the same parts (:mod:`.assemble`): Markdown
written to HTML (:mod:`.markdown`), the generated appendices
(:mod:`.appendices`) and the labels per language (:mod:`.labels`).

A missing resource (font, logo, image), a figure without alt text, text set
in a font that is not the theme's, or anything WeasyPrint complains about is a
:class:`~via_reports.exceptions.RenderError`, never a quietly degraded report.
The same document gives the same bytes: metadata dates come from the study's
publication date, the PDF identifier is a hash of the content, and nothing
reads the clock.
"""

from __future__ import annotations

from pathlib import Path

from via_reports.options import DEFAULT_OPTIONS
from via_reports.render.appendices import data_table_html, format_cell
from via_reports.render.assemble import RenderResult
from via_reports.render.html import interactive_html, render_html, vega_embed_bundle
from via_reports.render.pdf import pdf_html, render_pdf
from via_reports.theme.svg import register_fonts, render_svg
from via_reports.document.model import GENERATED_APPENDICES, Numbering, ReportDocument, number_document
from via_reports.theme.themes import Theme, load_theme


def build_html(doc: ReportDocument, theme: str | Path | Theme = DEFAULT_OPTIONS["theme"], *, mode: str = "pdf",
               numbering: Numbering | None = None, svgs: dict[str, str] | None = None) -> str:
    """The HTML that WeasyPrint lays out (mode "pdf") or the interactive page (mode "html")."""
    theme = load_theme(theme)
    numbering = numbering or number_document(doc)
    page = pdf_html if mode == "pdf" else interactive_html
    return page(doc, theme, numbering, svgs)


__all__ = [
    "GENERATED_APPENDICES",
    "RenderResult",
    "build_html",
    "data_table_html",
    "format_cell",
    "register_fonts",
    "render_html",
    "render_pdf",
    "render_svg",
    "vega_embed_bundle",
]
