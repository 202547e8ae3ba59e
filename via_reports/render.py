"""From a :class:`~via_reports.document.ReportDocument` to the files.

* :func:`render_pdf` — the branded, tagged (PDF/UA-1), reproducible PDF
  (WeasyPrint, templates in ``templates/pdf/``);
* :func:`render_html` — one self-contained interactive HTML file (vega-embed
  inlined from vl-convert, fonts inlined; no network needed to open it);
* :func:`render_svg` — one Altair chart as vector SVG via vl-convert, in the
  theme's font and palette.

A missing resource (font, logo, image), a figure without alt text, text set
in a font that is not the theme's, or anything WeasyPrint complains about is a
:class:`~via_reports.exceptions.RenderError`, never a quietly degraded report.

The same document gives the same bytes: metadata dates come from the study's
publication date, the PDF identifier is a hash of the content, and nothing
reads the clock.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import hashlib
import html as html_lib
import json
import logging
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from .document import (
    GENERATED_APPENDICES,
    FigureBlock,
    HtmlBlock,
    MarkdownBlock,
    Numbering,
    QuoteBlock,
    ReportDocument,
    anchor_slug,
    number_document,
    resolve_references,
)
from .exceptions import RenderError
from .figure import Figure
from .resources import templates_dir
from .themes import Theme, chart_style, chart_style_values, load_theme

PDF_VARIANT = "pdf/ua-1"


# =========================================================================== labels

@functools.lru_cache(maxsize=1)
def _all_labels() -> dict[str, dict[str, Any]]:
    return yaml.safe_load((pdf_templates_dir() / "labels.yaml").read_text(encoding="utf-8"))


def labels_for(language: str) -> dict[str, Any]:
    return _all_labels()[language]


def pdf_templates_dir() -> Path:
    return templates_dir() / "pdf"


def format_month(date: dt.date, language: str) -> str:
    """'april 2021' (nl) / 'April 2021' (en), with babel."""
    from babel.dates import format_date

    return format_date(date, "MMMM y", locale=labels_for(language)["locale"])


# =========================================================================== charts

_REGISTERED_FONT_DIRS: set[str] = set()


def register_fonts(theme: Theme) -> None:
    """Make the theme's font files known to vl-convert (once per folder and process)."""
    import vl_convert as vlc

    for family in theme.font_families:
        folder = str(family.directory)
        if folder not in _REGISTERED_FONT_DIRS:
            vlc.register_font_directory(folder)
            _REGISTERED_FONT_DIRS.add(folder)


def _style_values(style: Any) -> dict[str, Any]:
    if isinstance(style, Theme):
        return chart_style_values(style)
    if isinstance(style, dict):
        return dict(style)
    values = {}
    for key in ("font_family", "font", "family", "font_size", "title_font_size", "palette", "colors",
                "text_color", "muted_color", "grid_color", "background"):
        if hasattr(style, key):
            values[key] = getattr(style, key)
    values.setdefault("font_family", values.get("font") or values.get("family"))
    values.setdefault("palette", values.get("colors"))
    return values


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def chart_config(style: Any) -> dict[str, Any]:
    """A Vega-Lite ``config`` that sets the theme's font, sizes and colours."""
    v = _style_values(style)
    family = v.get("font_family")
    if not family:
        raise RenderError("the chart style names no font family")
    size = v.get("font_size", 10)
    title_size = v.get("title_font_size", size + 1)
    text = v.get("text_color", "#1e1e1e")
    muted = v.get("muted_color", text)
    grid = v.get("grid_color", "#dddddd")
    fonts = {"labelFont": family, "titleFont": family}
    config: dict[str, Any] = {
        "font": family,
        "background": v.get("background", "#ffffff"),
        "view": {"stroke": None},
        "axis": {**fonts, "labelFontSize": size, "titleFontSize": size, "labelColor": text,
                 "titleColor": text, "gridColor": grid, "domainColor": muted, "tickColor": muted},
        "legend": {**fonts, "labelFontSize": size, "titleFontSize": size, "labelColor": text,
                   "titleColor": text},
        "header": {**fonts, "labelFontSize": size, "titleFontSize": size, "labelColor": text,
                   "titleColor": text},
        "title": {"font": family, "subtitleFont": family, "fontSize": title_size, "color": text,
                  "subtitleColor": muted},
        "text": {"font": family, "fontSize": size, "color": text},
    }
    if v.get("palette"):
        config["range"] = {"category": list(v["palette"])}
        config["mark"] = {"color": v["palette"][0]}
    return config


_FONT_KEYS = ("font", "labelFont", "titleFont", "subtitleFont")


def _force_fonts(config: dict[str, Any], family: str) -> dict[str, Any]:
    """Every font setting in a (merged) config becomes the theme's family."""
    result = {}
    for key, value in config.items():
        if isinstance(value, dict):
            result[key] = _force_fonts(value, family)
        elif key in _FONT_KEYS:
            result[key] = family
        else:
            result[key] = value
    return result


def themed_spec(chart: Any, style: Any) -> dict[str, Any]:
    """The chart's Vega-Lite spec with the theme applied (the chart's own
    settings win, except fonts: every text is in the theme's font)."""
    spec = chart.to_dict() if hasattr(chart, "to_dict") else json.loads(json.dumps(chart))
    family = _style_values(style)["font_family"]
    theme_config = chart_config(style)
    merged = _deep_merge(theme_config, spec.get("config") or {})
    spec["config"] = _force_fonts(merged, family)
    return spec


def _vl_version(spec: dict[str, Any]) -> str | None:
    import vl_convert as vlc

    match = re.search(r"/v(\d+)\.(\d+)", spec.get("$schema", ""))
    if match:
        version = f"{match.group(1)}.{match.group(2)}"
        if version in vlc.get_vegalite_versions():
            return version
    return None


def render_svg(chart: Any, style: Any, *, language: str = "nl") -> str:
    """One chart as vector SVG (vl-convert), in the style's font and palette.

    ``style`` is a ``charts.ChartStyle``, the dict of
    :func:`via_reports.themes.chart_style_values`, or a :class:`Theme`. Text
    that would not be set in the style's font is an error.
    """
    import vl_convert as vlc

    if isinstance(style, Theme):
        register_fonts(style)
    spec = themed_spec(chart, style)
    family = _style_values(style)["font_family"]
    try:
        svg = vlc.vegalite_to_svg(spec, vl_version=_vl_version(spec),
                                  format_locale="nl-NL" if language == "nl" else "en-GB")
    except Exception as error:  # vl-convert raises ValueError with the Vega message
        raise RenderError(f"vl-convert could not render a chart: {error}") from error
    families = set(re.findall(r'font-family="([^"]*)"', svg))
    wrong = sorted(f for f in families if f.strip("'\" ") != family)
    if wrong:
        raise RenderError(f"a chart sets text in font(s) {', '.join(wrong)}; only the theme's font "
                          f"{family!r} is embedded. Remove the font setting from the chart.")
    return svg


def _svg_size(svg: str) -> tuple[float, float]:
    match = re.search(r'<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"', svg)
    return (float(match.group(1)), float(match.group(2))) if match else (400.0, 250.0)


# =========================================================================== Markdown

def _markdown_engine():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    return md


_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*(?:\n(?:[ \t]{2,}|\t)\S.*)*)", re.M)
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_SPEAKER_QUOTE = re.compile(r"<blockquote>\s*<p>([^<\n]{1,120}:)</p>\s*(.*?)</blockquote>", re.S)


@dataclass
class _Heading:
    level: int
    anchor: str
    number: str | None
    title: str


@dataclass
class _Part:
    """A rendered chapter, summary or appendix."""

    kind: str  # "summary", "chapter", "appendix"
    anchor: str
    number: str | None
    title: str
    body: str
    headings: list[_Heading] = field(default_factory=list)
    footnotes: list[tuple[int, str]] = field(default_factory=list)  # html mode: chapter-end notes


class _Writer:
    """Turns blocks into HTML. ``mode`` is "pdf" (footnotes float to the page
    bottom) or "html" (footnotes listed at the end of their chapter)."""

    def __init__(self, doc: ReportDocument, numbering: Numbering, theme: Theme, mode: str,
                 svgs: dict[str, str]):
        self.doc = doc
        self.numbering = numbering
        self.theme = theme
        self.mode = mode
        self.labels = labels_for(doc.language)
        self.md = _markdown_engine()
        self.svgs = svgs
        self.footnote_counter = 0

    # ---------------------------------------------------------------- text
    def markdown(self, text: str, part: _Part, *, where: str, number_sections: bool,
                 section_counter: list[int]) -> str:
        text = resolve_references(text, self.numbering, self.doc.language, where=where)
        definitions: dict[str, str] = {}
        for match in _FOOTNOTE_DEF.finditer(text):
            key = match.group(1)
            if key in definitions:
                raise RenderError(f"footnote [^{key}] is defined twice in {where}")
            definitions[key] = re.sub(r"\s*\n\s*", " ", match.group(2)).strip()
        text = _FOOTNOTE_DEF.sub("", text)
        used: list[str] = []
        placeholders: dict[str, str] = {}

        def footnote(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in definitions:
                raise RenderError(f"footnote [^{key}] in {where} has no text; add a line '[^{key}]: ...'")
            used.append(key)
            self.footnote_counter += 1
            token = f"VIAFOOTNOTE{self.footnote_counter}X"
            content = self.md.renderInline(definitions[key])
            placeholders[token] = self._footnote_html(self.footnote_counter, content, part)
            return token

        text = _FOOTNOTE_REF.sub(footnote, text)
        unused = sorted(set(definitions) - set(used))
        if unused:
            raise RenderError(f"footnote(s) {', '.join('[^' + u + ']' for u in unused)} in {where} "
                              "are defined but never referred to")

        tokens = self.md.parse(text)
        for i, token in enumerate(tokens):
            if token.type != "heading_open":
                continue
            level = int(token.tag[1])
            inline = tokens[i + 1]
            title = inline.content
            if level == 1:
                raise RenderError(f"{where} has a '# {title}' heading; the chapter title comes from "
                                  "the chapter itself: use '## ' for sections")
            if level == 2:
                section_counter[0] += 1
                k = section_counter[0]
                number = f"{part.number}.{k}." if number_sections and part.number else None
                anchor = f"sec-{part.anchor}-{k}"
            else:
                number = None
                section_counter[1] += 1
                anchor = f"sub-{part.anchor}-{section_counter[1]}"
            token.attrSet("id", anchor)
            if number:
                from markdown_it.token import Token

                label = Token("html_inline", "", 0)
                label.content = f'<span class="section-number">{number}</span> '
                inline.children = [label, *(inline.children or [])]
            part.headings.append(_Heading(level, anchor, number, title))
        html = self.md.renderer.render(tokens, self.md.options, {})
        for token, replacement in placeholders.items():
            html = html.replace(token, replacement)
        html = re.sub(r"<th(?=[\s>])(?![^>]*scope=)", '<th scope="col"', html)
        html = _SPEAKER_QUOTE.sub(
            lambda m: f'<div class="quote"><p class="speaker">{m.group(1)}</p>'
                      f'<blockquote>{m.group(2)}</blockquote></div>', html)
        return html

    def _footnote_html(self, number: int, content: str, part: _Part) -> str:
        if self.mode == "pdf":
            return f'<span class="footnote">{content}</span>'
        part.footnotes.append((number, content))
        return (f'<sup class="footnote-ref"><a href="#fn-{number}" id="fnref-{number}">{number}</a></sup>')

    def quote(self, block: QuoteBlock, part: _Part, where: str) -> str:
        text = resolve_references(block.text, self.numbering, self.doc.language, where=where)
        body = self.md.render(text)
        speaker = (f'<p class="speaker">{html_lib.escape(block.speaker)}</p>' if block.speaker else "")
        return f'<div class="quote">{speaker}<blockquote>{body}</blockquote></div>'

    # ---------------------------------------------------------------- figures
    def figure(self, figure: Figure, part: _Part) -> str:
        number = self.numbering.figures[figure.id]
        if figure.language != self.doc.language:
            raise RenderError(f"figure {figure.id!r} is in language {figure.language!r}, the report in "
                              f"{self.doc.language!r}; build the figures for the report's language")
        if not (figure.alt_text or "").strip():
            raise RenderError(f"figure {figure.id!r} has no alt text; every figure needs one")
        anchor = self.numbering.figure_anchor(figure.id)
        label = f"{self.labels['figure']} {number}."
        caption = (f'<figcaption><span class="figure-label">{html_lib.escape(label)}</span> '
                   f'{html_lib.escape(figure.caption(None))}</figcaption>')
        svg = self.svgs[figure.id]
        width, height = _svg_size(svg)
        alt = html_lib.escape(figure.alt_text, quote=True)
        if self.mode == "pdf":
            uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
            chart = (f'<img class="chart" src="{uri}" alt="{alt}" '
                     f'style="width: {width:.0f}px">')
        else:
            chart = (f'<div class="chart" id="vis-{anchor}" role="img" aria-label="{alt}">'
                     f'{_strip_svg_prolog(svg)}</div>')
        notes = ""
        if figure.notes:
            items = "".join(
                f"<p>{self.md.renderInline(resolve_references(n, self.numbering, self.doc.language, where=figure.id))}</p>"
                for n in figure.notes)
            notes = f'<div class="figure-notes">{items}</div>'
        extra = ""
        if self.mode == "html":
            extra = (f'<details class="figure-data"><summary>{html_lib.escape(self.labels["data_table"])}'
                     f'</summary>{data_table_html(figure, self.labels, self.doc.language, caption=None)}'
                     "</details>")
        return (f'<figure class="figure" id="{anchor}">{caption}{chart}{notes}{extra}</figure>')

    # ---------------------------------------------------------------- parts
    def part(self, kind: str, anchor: str, number: str | None, title: str, blocks: list[Any], *,
             number_sections: bool) -> _Part:
        part = _Part(kind=kind, anchor=anchor, number=number, title=title, body="")
        counter = [0, 0]
        pieces = []
        for index, block in enumerate(blocks, start=1):
            where = f"{kind} {title!r}, block {index}"
            if isinstance(block, str):
                block = MarkdownBlock(block)
            if isinstance(block, MarkdownBlock):
                pieces.append(self.markdown(block.markdown, part, where=where,
                                            number_sections=number_sections, section_counter=counter))
            elif isinstance(block, QuoteBlock):
                pieces.append(self.quote(block, part, where))
            elif isinstance(block, FigureBlock):
                pieces.append(self.figure(block.figure, part))
            elif isinstance(block, HtmlBlock):
                pieces.append(block.html)
            else:
                raise RenderError(f"{where}: unknown block type {type(block).__name__}")
        part.body = "\n".join(pieces)
        return part


def _strip_svg_prolog(svg: str) -> str:
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


# =========================================================================== tables

def _format_number(value: Any, language: str, column: str) -> str:
    from babel.numbers import format_decimal

    locale = labels_for(language)["locale"]
    if isinstance(value, float):
        if column.lower() in ("percent", "percentage", "%") or column.lower().startswith("perc"):
            return format_decimal(value, format="#,##0.0", locale=locale)
        if value.is_integer():
            return format_decimal(value, format="#,##0", locale=locale)
        return format_decimal(value, format="#,##0.0##", locale=locale)
    return format_decimal(value, format="#,##0", locale=locale)


def format_cell(value: Any, language: str, column: str = "") -> tuple[str, bool]:
    """(text, is_number) for one table cell, in the report's number format."""
    import numpy as np
    import pandas as pd

    labels = labels_for(language)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return labels["missing_value"], False
    if isinstance(value, (bool, np.bool_)):
        return (labels["word_yes"] if value else labels["word_no"]), False
    if isinstance(value, (int, np.integer)):
        return _format_number(int(value), language, column), True
    if isinstance(value, (float, np.floating)):
        return _format_number(float(value), language, column), True
    return str(value), False


def data_table_html(figure: Figure, labels: dict[str, Any], language: str, *,
                    caption: str | None, table_id: str | None = None) -> str:
    """A figure's ``display_table`` as an accessible HTML table (th with scope)."""
    table = figure.display_table
    columns = [str(c) for c in table.columns]
    body = []
    numeric = [True] * len(columns)
    for record in table.itertuples(index=False, name=None):
        cells = []
        for i, (column, value) in enumerate(zip(columns, record)):
            text, is_number = format_cell(value, language, column)
            if not is_number and text != labels["missing_value"]:
                numeric[i] = False
            cells.append((text, is_number))
        body.append(cells)
    num_class = ' class="num"'
    head = "".join(f'<th scope="col"{num_class if numeric[i] and i else ""}>{html_lib.escape(c)}</th>'
                   for i, c in enumerate(columns))
    rows = []
    for cells in body:
        out = []
        for i, (text, is_number) in enumerate(cells):
            cls = ' class="num"' if is_number else ""
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            out.append(f"<{tag}{scope}{cls}>{html_lib.escape(text)}</{tag}>")
        rows.append("<tr>" + "".join(out) + "</tr>")
    size = "small" if len(rows) <= 24 else "long"
    cap = f"<caption>{caption}</caption>" if caption else ""
    ident = f' id="{table_id}"' if table_id else ""
    return (f'<table class="data-table {size}"{ident}>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _codebook_appendix(language: str, labels: dict[str, Any]) -> str:
    from .codebook import load_codebook
    from .contracts import contract_version, load_contracts

    codebook = load_codebook()
    out = [f"<p>{html_lib.escape(labels['codebook_intro'].format(version=contract_version()))}</p>"]
    for contract in load_contracts().values():
        title = f"{labels['codebook_table']} {contract.table}: {contract.label[language]}"
        out.append(f'<h2 id="codebook-{contract.table}">{html_lib.escape(title)}</h2>')
        rows = []
        for column in contract.columns.values():
            type_name = labels["types"].get(column.type, column.type)
            if column.personal:
                type_name += f"; {labels['codebook_personal']}"
            codes = ""
            if column.codes:
                code_list = codebook[column.codes]
                entries = [f"{code} = {code_list.label(code, language)}" for code in code_list.codes]
                if code_list.missing_label:
                    entries.append(f"{labels['codebook_missing']} = {code_list.missing_label[language]}")
                codes = "; ".join(entries)
            elif column.type == "boolean":
                codes = f"true = {labels['word_yes']}; false = {labels['word_no']}"
            rows.append(
                f'<tr><th scope="row">{html_lib.escape(column.name)}</th>'
                f"<td>{html_lib.escape(column.label[language])}</td>"
                f"<td>{html_lib.escape(type_name)}</td><td class=\"codes\">{html_lib.escape(codes)}</td></tr>")
        size = "small" if len(rows) <= 14 else "long"
        out.append(
            f'<table class="codebook-table {size}"><thead><tr>'
            f'<th scope="col">{labels["codebook_variable"]}</th><th scope="col">{labels["codebook_label"]}</th>'
            f'<th scope="col">{labels["codebook_type"]}</th><th scope="col">{labels["codebook_codes"]}</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return "\n".join(out)


def _data_tables_appendix(doc: ReportDocument, numbering: Numbering, appendix_number: str,
                          labels: dict[str, Any]) -> str:
    out = [f"<p>{html_lib.escape(labels['data_tables_intro'])}</p>"]
    for k, figure in enumerate(doc.figures(), start=1):
        number = numbering.figures[figure.id]
        anchor = numbering.figure_anchor(figure.id)
        caption = (f'<span class="table-label">{labels["table"]} B{appendix_number}.{k}.</span> '
                   f"{html_lib.escape(figure.caption(None))}, {labels['at_figure']} "
                   f'<a href="#{anchor}">{number}</a>')
        out.append(data_table_html(figure, labels, doc.language, caption=caption,
                                   table_id=f"tab-{anchor_slug(figure.id)}"))
    return "\n".join(out)


def _provenance_value(value: Any, labels: dict[str, Any]) -> str:
    if isinstance(value, dict):
        items = "".join(f"<li>{html_lib.escape(str(k))}: {_provenance_value(v, labels)}</li>"
                        for k, v in value.items())
        return f'<ul class="plain">{items}</ul>'
    if isinstance(value, (list, tuple)):
        return html_lib.escape(", ".join(str(v) for v in value))
    if isinstance(value, bool):
        return labels["word_yes"] if value else labels["word_no"]
    if value is None:
        return labels["missing_value"]
    return html_lib.escape(str(value))


def _provenance_appendix(doc: ReportDocument, labels: dict[str, Any]) -> str:
    known = labels["provenance_keys"]
    keys = [k for k in known if k in doc.provenance] + sorted(k for k in doc.provenance if k not in known)
    rows = "".join(
        f'<tr><th scope="row">{html_lib.escape(known.get(k, k))}</th>'
        f'<td class="value">{_provenance_value(doc.provenance[k], labels)}</td></tr>'
        for k in keys)
    return (f"<p>{html_lib.escape(labels['provenance_intro'])}</p>"
            '<table class="provenance-table"><thead><tr>'
            f'<th scope="col">{labels["provenance_item"]}</th><th scope="col">{labels["provenance_value"]}</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>")


# =========================================================================== assembly

_SVG_CACHE: dict[str, str] = {}


def _figure_svgs(doc: ReportDocument, theme: Theme) -> dict[str, str]:
    """Every figure's SVG; the PDF and the HTML of one build share them (cached by spec)."""
    register_fonts(theme)
    style = chart_style(theme)
    svgs = {}
    for figure in doc.figures():
        spec = themed_spec(figure.chart, style)
        key = hashlib.sha256((doc.language + json.dumps(spec, sort_keys=True, default=str)).encode()).hexdigest()
        if key not in _SVG_CACHE:
            if len(_SVG_CACHE) > 512:
                _SVG_CACHE.clear()
            _SVG_CACHE[key] = render_svg(spec, style, language=doc.language)
        svgs[figure.id] = _SVG_CACHE[key]
    return svgs


def _parts(doc: ReportDocument, numbering: Numbering, theme: Theme, mode: str,
           svgs: dict[str, str]) -> dict[str, Any]:
    labels = labels_for(doc.language)
    writer = _Writer(doc, numbering, theme, mode, svgs)
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
            title, body = labels["codebook_title"], _codebook_appendix(doc.language, labels)
        elif name == "data_tables":
            title, body = labels["data_tables_title"], _data_tables_appendix(doc, numbering, number, labels)
        else:
            title, body = labels["provenance_title"], _provenance_appendix(doc, labels)
        part = _Part("appendix", "app-generated-" + name, number, title, body)
        part.headings = [_Heading(2, m.group(1), None, html_lib.unescape(m.group(2)))
                         for m in re.finditer(r'<h2 id="([^"]+)">([^<]*)</h2>', body)]
        appendices.append(part)
    return {"summary": summary, "chapters": chapters, "appendices": appendices}


def _colophon(doc: ReportDocument, theme: Theme) -> dict[str, Any]:
    labels = labels_for(doc.language)
    study = doc.study
    date = format_month(study.publication_date, doc.language)
    publisher = theme.publisher
    lines = [publisher.name, *publisher.address]
    if publisher.phone:
        lines.append(f"{labels['phone']} {publisher.phone}")
    if publisher.email:
        lines.append(f"{labels['email']} {publisher.email}")
    if publisher.web:
        lines.append(f"{labels['web']} {publisher.web}")
    rows = [(labels["client"], [study.client]), (labels["authors"], list(study.authors))]
    if study.contributors:
        rows.append((labels["contributors"], list(study.contributors)))
    photo = study.get("cover_photo_credit") or theme.raw.get("cover_photo_credit")
    if photo:
        rows.append((labels["cover_photo"], [photo]))
    rows.append((labels["publisher"], lines))
    url = study.get("download_url") or publisher.web
    fingerprint = doc.provenance.get("data_fingerprint")
    version = doc.provenance.get("package_version")
    built_with = None
    if fingerprint and version:
        short = str(fingerprint).split(":", 1)[-1][:16]
        built_with = labels["built_with"].format(version=version, fingerprint=short)
    return {
        "rows": rows,
        "download": labels["download"].format(url=url) if url else None,
        "isbn": study.isbn,
        "copyright_line": labels["copyright_line"].format(publisher=publisher.name, place=study.place, date=date),
        "copyright_nl": labels_for("nl")["copyright_nl"].format(publisher=publisher.name),
        "copyright_en": labels_for("en")["copyright_en"].format(publisher=publisher.name),
        "synthetic": labels["synthetic_text"] if doc.synthetic else None,
        "synthetic_note": study.get("synthetic_note") if doc.synthetic else None,
        "built_with": built_with,
    }


def _jinja() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(pdf_templates_dir())),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env


def _css(theme: Theme, base: str) -> str:
    pieces = [theme.font_face_css(), theme.css_variables()]
    if base == "report.css":
        pieces.append(theme.page_css())
    pieces.append((pdf_templates_dir() / base).read_text(encoding="utf-8"))
    if theme.css_path is not None:
        pieces.append(theme.css_path.read_text(encoding="utf-8"))
    return "\n".join(pieces)


def _context(doc: ReportDocument, theme: Theme, numbering: Numbering, mode: str,
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
        "labels": labels,
        "lang": labels["html_lang"],
        "title": doc.title,
        "subtitle": doc.subtitle,
        "authors": list(study.authors),
        "place_date": f"{study.place}, {format_month(study.publication_date, doc.language)}",
        "created": created,
        "generator": f"via-reports {doc.provenance.get('package_version', '')}".strip(),
        "logo_uri": theme.logo.as_uri() if theme.logo else None,
        "cover_image_uri": theme.cover_image.as_uri() if theme.cover_image else None,
        "colophon": _colophon(doc, theme),
        **parts,
    }


# =========================================================================== WeasyPrint

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
def _source_date(date: dt.date) -> Iterator[None]:
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


@dataclass(frozen=True)
class RenderResult:
    path: Path
    numbering: Numbering
    pages: int | None = None


def _normalise_paths(text: str, theme: Theme) -> str:
    for root in sorted({str(theme.folder), str(templates_dir()), str(pdf_templates_dir())}, key=len, reverse=True):
        text = text.replace(Path(root).as_uri(), "file:///<root>").replace(root, "<root>")
    return text


def build_html(doc: ReportDocument, theme: str | Path | Theme = "default", *, mode: str = "pdf",
               numbering: Numbering | None = None, svgs: dict[str, str] | None = None) -> str:
    """The HTML that WeasyPrint lays out (mode "pdf") or the interactive page (mode "html")."""
    theme = load_theme(theme)
    numbering = numbering or number_document(doc)
    svgs = svgs if svgs is not None else _figure_svgs(doc, theme)
    context = _context(doc, theme, numbering, mode, svgs)
    env = _jinja()
    if mode == "pdf":
        context["css"] = Markup(_css(theme, "report.css"))
        return env.get_template("report.html.j2").render(**context)
    context["css"] = Markup(_css_inline_fonts(theme, context, svgs))
    for key, path in (("logo_uri", theme.logo), ("cover_image_uri", theme.cover_image)):
        context[key] = _data_uri(path) if path else None
    context["specs"] = [
        (f"vis-{numbering.figure_anchor(f.id)}", Markup(_script_json(themed_spec(f.chart, chart_style(theme)))))
        for f in doc.figures()
    ]
    context["vega_bundle"] = Markup(_script_safe(vega_embed_bundle()))
    context["locale"] = Markup(_script_json(_d3_locale(doc.language)))
    return env.get_template("interactive.html.j2").render(**context)


def render_pdf(doc: ReportDocument, theme: str | Path | Theme = "default",
               out_path: str | Path = "report.pdf") -> RenderResult:
    """Render ``doc`` to a tagged, reproducible PDF at ``out_path``.

    ``theme`` is a theme name (``default``, ``neutral``), a theme folder or a
    loaded :class:`~via_reports.themes.Theme`. Raises :class:`RenderError`.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    theme = load_theme(theme)
    numbering = number_document(doc)
    html_text = build_html(doc, theme, mode="pdf", numbering=numbering)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    identifier = hashlib.sha256(_normalise_paths(html_text, theme).encode("utf-8")).hexdigest()[:32]
    fetcher = URLFetcher(allowed_protocols=("file", "data"), fail_on_errors=True)
    with _weasyprint_problems() as problems, _source_date(doc.study.publication_date), \
            _footnotes_stay_on_their_page():
        try:
            base = Path(doc.resource_dir).resolve() if doc.resource_dir else theme.folder
            document = HTML(string=html_text, base_url=base.as_uri() + "/",
                            url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
            pdf = _write_pdf(document, identifier)
            _check_document_fonts(document, theme)
        except FatalURLFetchingError as error:
            raise RenderError(f"a resource of the report could not be loaded: {error}") from error
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


# =========================================================================== interactive HTML

@functools.lru_cache(maxsize=1)
def vega_embed_bundle() -> str:
    """vega, vega-lite and vega-embed as one script, from vl-convert (no CDN)."""
    import vl_convert as vlc

    return vlc.javascript_bundle()


def _data_uri(path: Path) -> str:
    import mimetypes

    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _script_safe(text: str) -> str:
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _script_json(value: Any) -> str:
    return _script_safe(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def _d3_locale(language: str) -> dict[str, Any]:
    import vl_convert as vlc

    return vlc.get_format_locale("nl-NL" if language == "nl" else "en-GB")


#: Characters always kept in the HTML's subsetted fonts.
_BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0xA0, 0x180)) + \
    "‘’‚“”„–—…•·≤≥±×÷€→←↑↓■▪"


def _subset_font_woff2(path: Path, text: str) -> str:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    import io

    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer, reorderTables=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _css_inline_fonts(theme: Theme, context: dict[str, Any], svgs: dict[str, str]) -> str:
    """CSS for the interactive page: fonts inlined (subsetted, woff2) so the file stands alone."""
    text_parts = [_BASE_CHARS, str(context["title"]), str(context["subtitle"])]
    for group in ("chapters", "appendices"):
        text_parts += [str(p.body) for p in context[group]]
    if context["summary"] is not None:
        text_parts.append(str(context["summary"].body))
    text = html_lib.unescape("".join(text_parts))
    rules = []
    with _source_date(context["study"].publication_date):
        for fam in theme.font_families:
            for face in fam.faces:
                data = _subset_font_woff2(face.path, text)
                rules.append(
                    f'@font-face {{ font-family: "{fam.family}"; font-weight: {face.weight}; '
                    f"font-style: {face.style}; src: url(data:font/woff2;base64,{data}) format(\"woff2\"); }}")
    base = (pdf_templates_dir() / "interactive.css").read_text(encoding="utf-8")
    extra = ""
    if theme.raw.get("interactive_css"):
        extra = (theme.folder / theme.raw["interactive_css"]).read_text(encoding="utf-8")
    return "\n".join([*rules, theme.css_variables(), base, extra])


def render_html(doc: ReportDocument, theme: str | Path | Theme = "default",
                out_path: str | Path = "report.html") -> RenderResult:
    """Render ``doc`` to one self-contained HTML file with interactive charts."""
    theme = load_theme(theme)
    numbering = number_document(doc)
    html_text = build_html(doc, theme, mode="html", numbering=numbering)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".part")
    tmp.write_text(html_text, encoding="utf-8", newline="\n")
    tmp.replace(out_path)
    return RenderResult(out_path, numbering)


__all__ = [
    "GENERATED_APPENDICES",
    "RenderResult",
    "build_html",
    "chart_config",
    "data_table_html",
    "format_cell",
    "register_fonts",
    "render_html",
    "render_pdf",
    "render_svg",
    "themed_spec",
    "vega_embed_bundle",
]
