"""The report as one HTML page: its parts, the colophon, the Jinja templates and the theme's CSS."""

from __future__ import annotations

import contextlib
import datetime as dt
import html as html_lib
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from via_reports.analysis.formatting import join_words, month_year
from via_reports.render.appendices import codebook_appendix, data_tables_appendix, provenance_appendix
from via_reports.theme.cache import RenderCache, chart_svg
from via_reports.render.labels import labels_for, pdf_templates_dir
from via_reports.render.markdown import Heading, Part, Writer
from via_reports.document.model import (
    Numbering,
    ReportDocument,
    anchor_slug,
)
from via_reports.theme.themes import Publisher, Theme

# =========================================================================== assembly

def figure_svgs(doc: ReportDocument, theme: Theme, cache: RenderCache | None = None) -> dict[str, str]:
    """Every figure's SVG, made once per build for the PDF and the HTML both.

    Kept in ``cache`` by the SHA-256 of the spec, the language, the theme's
    fonts and the vl-convert version (see :mod:`via_reports.theme.cache`).
    """
    cache = cache or RenderCache(None)
    return {figure.id: chart_svg(figure.chart.to_dict(), theme, doc.language, cache) for figure in doc.figures()}


def _parts(doc: ReportDocument, numbering: Numbering, theme: Theme, mode: str,
           svgs: dict[str, str]) -> dict[str, Any]:
    labels = labels_for(doc.language)
    writer = Writer(doc, numbering, theme, mode, svgs)
    summary = None
    if doc.summary:
        summary = writer.part("summary", "summary", None, labels["summary"], doc.summary,
                              number_sections=False)
    chapters = [writer.part("chapter", "ch-" + anchor_slug(c.id), numbering.chapters[c.id], c.title,
                            c.blocks, number_sections=True)
                for c in doc.chapters]
    appendices = []
    for appendix in doc.appendices:
        number = numbering.appendices[appendix.id]
        appendices.append(writer.part("appendix", "app-" + anchor_slug(appendix.id), number,
                                      appendix.title, appendix.blocks, number_sections=False))
    for name in doc.generated_appendices:
        number = numbering.appendices["generated." + name]
        if name == "codebook":
            title, body = labels["codebook_title"], codebook_appendix(doc.language, labels)
        elif name == "data_tables":
            title, body = labels["data_tables_title"], data_tables_appendix(doc, numbering, number, labels)
        else:
            title, body = labels["provenance_title"], provenance_appendix(doc, labels)
        part = Part("appendix", "app-generated-" + name, number, title, body)
        part.headings = [Heading(2, m.group(1), None, html_lib.unescape(m.group(2)))
                         for m in re.finditer(r'<h2 id="([^"]+)">([^<]*)</h2>', body)]
        appendices.append(part)
    return {"summary": summary, "chapters": chapters, "appendices": appendices}


def report_publisher(doc: ReportDocument, theme: Theme) -> Publisher | None:
    """Who publishes the report: study.yaml's ``publisher``, else the theme's, else nobody.

    So an institute's name and address appear only where the study (or a theme
    made for it) gives them; the shipped themes carry no publisher.
    """
    given = doc.study.get("publisher")
    if not given:
        return theme.publisher
    return Publisher(name=str(given["name"]), address=tuple(str(line) for line in given.get("address") or ()),
                     phone=given.get("phone"), email=given.get("email"), web=given.get("web"))


#: The methods page the colophon names (labels.yaml ``methods``; in the repository and the installed package).
METHODS_DOCUMENT = "docs/methods.md"


def _colophon(doc: ReportDocument, theme: Theme) -> dict[str, Any]:
    labels = labels_for(doc.language)
    study = doc.study
    date = month_year(study.publication_date, doc.language)
    publisher = report_publisher(doc, theme)
    lines = [publisher.name, *publisher.address] if publisher else []
    if publisher and publisher.phone:
        lines.append(f"{labels['phone']} {publisher.phone}")
    if publisher and publisher.email:
        lines.append(f"{labels['email']} {publisher.email}")
    if publisher and publisher.web:
        lines.append(f"{labels['web']} {publisher.web}")
    rows = [(labels["client"], [study.client]), (labels["authors"], list(study.authors))]
    if study.contributors:
        rows.append((labels["contributors"], list(study.contributors)))
    photo = study.get("cover_photo_credit") or theme.raw.get("cover_photo_credit")
    if photo:
        rows.append((labels["cover_photo"], [photo]))
    if lines:
        rows.append((labels["publisher"], lines))
    # the copyright is the publisher's, else the authors'
    holder = publisher.name if publisher else join_words(list(study.authors), doc.language)
    url = study.get("download_url")
    fingerprint = doc.provenance.get("data_fingerprint")
    version = doc.provenance.get("package_version")
    built_with = None
    if fingerprint and version:
        short = str(fingerprint).split(":", 1)[-1][:16]
        built_with = labels["built_with"].format(version=version, fingerprint=short)
    return {
        "rows": rows,
        "download": labels["download"].format(url=url) if url else None,
        # each report its own ISBN: the final report never shows the interim report's
        "isbn": study.get("isbn_final") if doc.kind == "final" else study.isbn,
        # a synthesis may have no place of publication (programme.yaml's place is optional)
        "copyright_line": (labels["copyright_line"].format(publisher=holder, place=study.place, date=date)
                           if study.place else labels["copyright_line_no_place"].format(publisher=holder, date=date)),
        "copyright": labels["copyright"].format(publisher=holder),
        "synthetic": labels["synthetic_text"] if doc.synthetic else None,
        "synthetic_note": study.get("synthetic_note") if doc.synthetic else None,
        "built_with": built_with,
        # the methods page ships inside the package (pyproject: docs -> via_reports/_data/docs), so the
        # reference holds offline and for the version that made the report
        "methods": labels["methods"].format(version=f" {version}" if version else ""),
        "public_edition": _public_edition(doc, labels),
    }


def _public_edition(doc: ReportDocument, labels: dict[str, Any]) -> str | None:
    """The colophon's line of a public edition: its threshold k (docs/disclosure.md)."""
    from via_reports.analysis.disclosure import MARKER

    parameters = doc.provenance.get("parameters") or {}
    if not parameters.get("public"):
        return None
    return labels["public_edition"].format(k=parameters["min_cell"], marker=MARKER)


def jinja() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(pdf_templates_dir())),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env


def theme_css(theme: Theme, base: str) -> str:
    pieces = [theme.font_face_css(), theme.css_variables()]
    if base == "report.css":
        pieces.append(theme.page_css())
    pieces.append((pdf_templates_dir() / base).read_text(encoding="utf-8"))
    if theme.css_path is not None:
        pieces.append(theme.css_path.read_text(encoding="utf-8"))
    return "\n".join(pieces)


def page_context(doc: ReportDocument, theme: Theme, numbering: Numbering, mode: str,
             svgs: dict[str, str]) -> dict[str, Any]:
    labels = labels_for(doc.language)
    study = doc.study
    parts = _parts(doc, numbering, theme, mode, svgs)
    created = study.publication_date.isoformat() + "T00:00:00+00:00"
    for group in ("chapters", "appendices"):
        for part in parts[group]:
            part.body = Markup(part.body)
            part.footnotes = [(n, Markup(c)) for n, c in part.footnotes]
    if parts["summary"] is not None:
        parts["summary"].body = Markup(parts["summary"].body)
        parts["summary"].footnotes = [(n, Markup(c)) for n, c in parts["summary"].footnotes]
    return {
        "doc": doc,
        "study": study,
        "theme": theme,
        "publisher": report_publisher(doc, theme),
        "labels": labels,
        "lang": labels["html_lang"],
        "title": doc.title,
        "subtitle": doc.subtitle,
        "authors": list(study.authors),
        "place_date": ", ".join(part for part in (study.place, month_year(study.publication_date, doc.language)) if part),
        "created": created,
        "generator": f"via-reports {doc.provenance.get('package_version', '')}".strip(),
        "logo_uri": theme.logo.as_uri() if theme.logo else None,
        "cover_image_uri": theme.cover_image.as_uri() if theme.cover_image else None,
        "colophon": _colophon(doc, theme),
        **parts,
    }



@contextlib.contextmanager
def pinned_source_date(date: dt.date) -> Iterator[None]:
    """fontTools stamps subsetted fonts with SOURCE_DATE_EPOCH or the clock: pin it."""
    epoch = str(int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp()))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    # fontTools then warns "'created' timestamp seems very low" for every font:
    # that pinned timestamp is exactly what we asked for, so keep it quiet.
    head_log = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    head_level = head_log.level
    head_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        head_log.setLevel(head_level)
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@dataclass(frozen=True)
class RenderResult:
    path: Path
    numbering: Numbering
    pages: int | None = None
