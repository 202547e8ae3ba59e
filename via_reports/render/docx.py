"""The Word edition, ``report.docx``: the PDF's content as a document a policy officer can edit.

Written by pandoc (the binary that the ``pypandoc-binary`` wheel ships), not
by hand; docs/word.md says why. The content is the PDF's own
(:func:`~via_reports.render.assemble.page_context` in mode ``"pdf"``: the same
texts with their live numbers, the same figures, tables, footnotes,
appendices and colophon, disclosure control applied as in the PDF), put into
``templates/docx/report.html.j2`` and read by pandoc as HTML:

* chapter, section and sub-section titles (``h1``-``h3``) become Word's
  Heading 1-3, so the navigation pane and the table of contents (a Word field
  that pandoc puts after the cover) work;
* each chart becomes a picture, a PNG of the PDF's SVG (from the render cache,
  where the chapter's notebook put it: :func:`~via_reports.theme.cache.chart_png`;
  handed to pandoc as files, not inlined),
  with the PDF's alt text as its description and the numbered caption
  ("Figuur 3.1. ...") under it;
* tables are Word tables; pandoc marks a table's header row to repeat on
  every page;
* the PDF's footnotes (``<span class="footnote">``) become Word footnotes
  (``templates/docx/footnotes.lua``);
* the cover is pandoc's title block (title, subtitle, authors, place and
  date); the document's title, subject, authors and language (nl-NL, en-GB)
  are its properties;
* fonts and heading colours come from the theme, through a reference
  document made from pandoc's own (:func:`reference_docx`).

The same document gives the same bytes: pandoc takes every date from
``SOURCE_DATE_EPOCH``, which is the study's publication date here. The
finished file is kept in the render cache by the SHA-256 of what pandoc reads.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from via_reports.exceptions import RenderError
from via_reports.options import DEFAULT_OPTIONS
from via_reports.render.assemble import RenderResult, figure_svgs, page_context, pinned_source_date
from via_reports.theme.cache import RenderCache, chart_png, theme_files_hash
from via_reports.analysis.formatting import month_year
from via_reports.document.model import ReportDocument, number_document
from via_reports.theme.themes import Theme, load_theme
from via_reports.resources import templates_dir

#: Part of the cache keys of the reference document and the finished file: bump when either changes.
VERSION = "docx-3"
#: Pixels per SVG unit of a chart's PNG (as the notebooks make it) and the resolution that gives
#: the picture the size the chart has in the PDF.
PNG_SCALE, PNG_DPI = 1.5, 144
#: A Word language tag per report language.
WORD_LANGUAGE = {"nl": "nl-NL", "en": "en-GB"}


def render_docx(doc: ReportDocument, theme: str | Path | Theme = DEFAULT_OPTIONS["theme"],
                out_path: str | Path = "report.docx", *, svgs: dict[str, str] | None = None,
                cache: RenderCache | None = None) -> RenderResult:
    """Write ``doc`` as ``out_path`` (a .docx); raises :class:`RenderError` when pandoc fails."""
    theme = load_theme(theme)
    cache = cache or RenderCache(None)
    numbering = number_document(doc)
    svgs = svgs if svgs is not None else figure_svgs(doc, theme, cache)
    html, pictures = docx_html(doc, theme, numbering, svgs, cache)
    reference = reference_docx(theme, cache)
    metadata = _metadata(doc)
    key = [hashlib.sha256(html.encode("utf-8")).hexdigest(), hashlib.sha256(reference).hexdigest(),
           *(f"{name}:{hashlib.sha256(data).hexdigest()}" for name, data in sorted(pictures.items())),
           repr(sorted(metadata.items())), _pandoc_version(), VERSION]
    data = base64.b64decode(cache.get("docx", key, lambda: base64.b64encode(
        _pandoc(html, pictures, reference, metadata, doc.study.publication_date)).decode("ascii")))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out_path)
    return RenderResult(out_path, numbering)


def docx_html(doc: ReportDocument, theme: Theme, numbering: Any, svgs: dict[str, str],
              cache: RenderCache) -> tuple[str, dict[str, bytes]]:
    """What pandoc reads: the PDF's parts in ``templates/docx/report.html.j2``, and each chart as a PNG
    file beside it (``chart-1.png``, ...; as files, pandoc reads the page six times faster than with
    the pictures inlined as data: URIs)."""
    import jinja2

    from via_reports.render.labels import pdf_templates_dir

    context = page_context(doc, theme, numbering, "pdf", svgs)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(templates_dir() / "docx"), str(pdf_templates_dir())]),
        autoescape=True, undefined=jinja2.StrictUndefined)
    html = environment.get_template("report.html.j2").render(**context)
    names: dict[str, str] = {}
    pictures: dict[str, bytes] = {}
    for svg in svgs.values():
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        if uri not in names:
            names[uri] = f"chart-{len(names) + 1}.png"
            pictures[names[uri]] = base64.b64decode(chart_png(svg, theme, cache, PNG_SCALE))
    html = re.sub(r'src="(data:image/svg\+xml;base64,[^"]*)"', lambda m: f'src="{names.get(m.group(1), m.group(1))}"',
                  html)
    return html, pictures


def _metadata(doc: ReportDocument) -> dict[str, str]:
    from via_reports.render.labels import labels_for

    labels = labels_for(doc.language)
    study = doc.study
    return {
        "title": doc.title or "",
        "subtitle": doc.subtitle or "",
        "author": "; ".join(study.authors),
        "date": f"{study.place}, {month_year(study.publication_date, doc.language)}",
        "lang": WORD_LANGUAGE[doc.language],
        "toc-title": labels["contents"],
        "subject": doc.subtitle or "",
    }


def _pandoc_path() -> str:
    """The pandoc program that the ``pypandoc-binary`` wheel ships, found without importing ``pypandoc``
    (its import and its own search take 0.35 s of a cold build); a pypandoc without the binary asks
    pypandoc, which finds a pandoc installed on the system, as does a pandoc named in ``PYPANDOC_PANDOC``."""
    import importlib.util

    spec = None if os.environ.get("PYPANDOC_PANDOC") else importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for name in ("pandoc", "pandoc.exe"):
            if (Path(folder) / "files" / name).is_file():
                return str(Path(folder) / "files" / name)
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as error:
        raise RenderError("the Word edition needs pandoc: pip install pypandoc-binary") from error


def _pandoc_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pypandoc-binary")
    except PackageNotFoundError:
        return "unknown"


def _run_pandoc(arguments: list[str], source: bytes | None, epoch_date: Any) -> bytes:
    environment = {**os.environ}
    if epoch_date is not None:
        with pinned_source_date(epoch_date):
            environment["SOURCE_DATE_EPOCH"] = os.environ["SOURCE_DATE_EPOCH"]
    result = subprocess.run([_pandoc_path(), *arguments], input=source, capture_output=True, env=environment,
                            timeout=600)
    if result.returncode != 0:
        raise RenderError("pandoc could not write the Word edition: "
                          + result.stderr.decode("utf-8", "replace").strip()[-2000:])
    return result.stdout


def _pandoc(html: str, pictures: dict[str, bytes], reference: bytes, metadata: dict[str, str], date: Any) -> bytes:
    with tempfile.TemporaryDirectory(prefix="via-reports-docx-") as folder:
        reference_path = Path(folder) / "reference.docx"
        reference_path.write_bytes(reference)
        for name, data in pictures.items():
            (Path(folder) / name).write_bytes(data)
        out = Path(folder) / "report.docx"
        arguments = ["--from=html", "--to=docx", f"--reference-doc={reference_path}", "--toc", "--toc-depth=2",
                     f"--dpi={PNG_DPI}", f"--lua-filter={templates_dir() / 'docx' / 'footnotes.lua'}",
                     f"--resource-path={folder}", f"--output={out}"]
        arguments += [f"--metadata={name}:{value}" for name, value in metadata.items() if value]
        _run_pandoc(arguments, html.encode("utf-8"), date)
        return out.read_bytes()


def reference_docx(theme: Theme, cache: RenderCache) -> bytes:
    """pandoc's reference document in the theme's fonts and heading colour (kept in the cache)."""
    key = [theme_files_hash(theme), theme.body_font.family, theme.heading_font.family,
           theme.colors.get("heading", ""), theme.colors.get("text", ""), _pandoc_version(), VERSION]
    return base64.b64decode(cache.get("docx-reference", key, lambda: base64.b64encode(
        _styled_reference(theme)).decode("ascii")))


def _styled_reference(theme: Theme) -> bytes:
    """pandoc's default reference.docx with the theme's fonts and colours in its styles."""
    import docx
    from docx.shared import RGBColor

    default = _run_pandoc(["--print-default-data-file=reference.docx"], None, None)
    document = docx.Document(io.BytesIO(default))
    styles = document.styles
    heading_colour = RGBColor.from_string(theme.colors.get("heading", "#000000").lstrip("#").upper())
    text_colour = RGBColor.from_string(theme.colors.get("text", "#000000").lstrip("#").upper())
    for style in styles:
        font = getattr(style, "font", None)
        if font is None:
            continue
        name = style.name or ""
        heading = name.startswith("Heading") or name in ("Title", "Subtitle", "TOC Heading")
        font.name = theme.heading_font.family if heading else theme.body_font.family
        _east_asian_and_complex(style, font.name)
        if heading:
            font.color.rgb = heading_colour
        elif name in ("Normal", "Body Text", "First Paragraph", "Compact"):
            font.color.rgb = text_colour
    saved = io.BytesIO()
    document.save(saved)
    return _without_clock(saved.getvalue())


def _without_clock(package: bytes) -> bytes:
    """The zip ``package`` with every entry dated 1980-01-01: python-docx stamps the clock on each,
    and pandoc copies the reference's theme, fonts and settings into the report with their dates."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0)), source.read(entry),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _east_asian_and_complex(style: Any, family: str) -> None:
    """Word picks a font per script: name the theme's for every script, not only for Latin text."""
    from docx.oxml.ns import qn

    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), family)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)
