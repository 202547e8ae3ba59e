"""Markdown to the report's HTML: numbered headings, footnotes, quotations, figures.

Markdown is text, never a way to bring markup in: raw HTML is not parsed (it
shows as the characters typed), an image is an error (a report's images come
from its figures and its theme), and a link is kept only when it points into
the report (``#fig-...``) or, in the interactive HTML, to an ``http(s)`` page;
any other link (``file:``, ``mailto:``, a relative path; every external link
in the PDF) is dropped to its text. This holds for our texts, a dataset's own
texts and the sentences generated from the data alike.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from dataclasses import dataclass, field
from typing import Any

from via_reports.exceptions import RenderError
from via_reports.figures.figure import Figure
from via_reports.render.appendices import data_table_html
from via_reports.render.labels import labels_for
from via_reports.theme.svg import silent_svg, svg_size
from via_reports.document.model import (
    FigureBlock,
    HtmlBlock,
    MarkdownBlock,
    Numbering,
    QuoteBlock,
    ReportDocument,
    resolve_references,
)
from via_reports.theme.themes import Theme

# =========================================================================== Markdown

def _markdown_engine():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    return md


#: Link schemes the interactive HTML keeps; the PDF keeps only links inside the report.
WEB_SCHEMES = ("http://", "https://")


def restrict_links(tokens: list[Any], mode: str, where: str) -> None:
    """Apply the link rules of this module to parsed Markdown, in place (see the module docstring)."""
    for token in tokens:
        if token.children:
            restrict_links(token.children, mode, where)
    for index, token in enumerate(tokens):
        if token.type == "image":
            raise RenderError(f"{where} has an image ({token.attrGet('src')}); a text cannot bring images: "
                              "the report's pictures are its figures and the theme's logo and cover")
        if token.type != "link_open":
            continue
        href = str(token.attrGet("href") or "")
        if href.startswith("#"):
            continue
        if mode == "html" and href.lower().startswith(WEB_SCHEMES):
            token.attrSet("rel", "noopener noreferrer")
            continue
        _drop_link(tokens, index)


def _drop_link(tokens: list[Any], start: int) -> None:
    """Turn the link opened at ``start`` and its close into empty text (links do not nest)."""
    end = next(i for i in range(start, len(tokens)) if tokens[i].type == "link_close")
    for token in (tokens[start], tokens[end]):
        token.type, token.tag, token.attrs, token.nesting, token.content = "text", "", {}, 0, ""


#: A space that never breaks: inside "p = 0,092" and between a number and its unit.
NBSP = "\u00a0"
#: "p = 0,092", "n = 134", "p < 0,001": a statistic, its relation and its number.
_RELATION = re.compile(r"\b([pnNtz]) ([=<>≤≥]) (?=[-−+]?[0-9])")
#: A number and the unit after it: "4 %", "49,7 jaar", "12 weeks".
_UNIT = re.compile(r"([0-9]) (?=%|(?:jaar|maanden|maand|weken|week|uur|procentpunt|years?|months?|weeks?"
                   r"|hours?|percentage points?)\b)")


def typeset(text: str) -> str:
    """Text with non-breaking spaces where a line must not break (see NBSP)."""
    text = _RELATION.sub(lambda m: f"{m.group(1)}{NBSP}{m.group(2)}{NBSP}", text)
    return _UNIT.sub(lambda m: m.group(1) + NBSP, text)


def typeset_tokens(tokens: list[Any]) -> None:
    """Apply :func:`typeset` to the text of parsed Markdown, in place."""
    for token in tokens:
        if token.children:
            typeset_tokens(token.children)
        elif token.type == "text":
            token.content = typeset(token.content)


_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*(?:\n(?:[ \t]{2,}|\t)\S.*)*)", re.M)
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_SPEAKER_QUOTE = re.compile(r"<blockquote>\s*<p>([^<\n]{1,120}:)</p>\s*(.*?)</blockquote>", re.S)


@dataclass
class Heading:
    level: int
    anchor: str
    number: str | None
    title: str


@dataclass
class Part:
    """A rendered chapter, summary or appendix."""

    kind: str  # "summary", "chapter", "appendix"
    anchor: str
    number: str | None
    title: str
    body: str
    headings: list[Heading] = field(default_factory=list)
    footnotes: list[tuple[int, str]] = field(default_factory=list)  # html mode: chapter-end notes
    #: How many footnotes the document has before this part (the PDF's parts continue the count).
    footnotes_before: int = 0


class Writer:
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
    def markdown(self, text: str, part: Part, *, where: str, number_sections: bool,
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
            content = self.inline(definitions[key], where)
            placeholders[token] = self._footnote_html(self.footnote_counter, content, part)
            return token

        text = _FOOTNOTE_REF.sub(footnote, text)
        unused = sorted(set(definitions) - set(used))
        if unused:
            raise RenderError(f"footnote(s) {', '.join('[^' + u + ']' for u in unused)} in {where} "
                              "are defined but never referred to")

        tokens = self.md.parse(text)
        restrict_links(tokens, self.mode, where)
        typeset_tokens(tokens)
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
            part.headings.append(Heading(level, anchor, number, title))
        html = self.md.renderer.render(tokens, self.md.options, {})
        for token, replacement in placeholders.items():
            html = html.replace(token, replacement)
        html = re.sub(r"<th(?=[\s>])(?![^>]*scope=)", '<th scope="col"', html)
        html = html.replace("<table>", '<div class="table-wrap small"><table>').replace("</table>", "</table></div>")
        html = _SPEAKER_QUOTE.sub(
            lambda m: f'<div class="quote"><p class="speaker">{m.group(1)}</p>'
                      f'<blockquote>{m.group(2)}</blockquote></div>', html)
        return html

    def inline(self, text: str, where: str) -> str:
        """One paragraph's worth of Markdown (a footnote, a figure note) without the <p>."""
        tokens = self.md.parseInline(text)
        restrict_links(tokens, self.mode, where)
        typeset_tokens(tokens)
        return self.md.renderer.render(tokens, self.md.options, {})

    def _footnote_html(self, number: int, content: str, part: Part) -> str:
        if self.mode == "pdf":
            return f'<span class="footnote">{content}</span>'
        part.footnotes.append((number, content))
        return (f'<sup class="footnote-ref"><a href="#fn-{number}" id="fnref-{number}">{number}</a></sup>')

    def quote(self, block: QuoteBlock, part: Part, where: str) -> str:
        text = resolve_references(block.text, self.numbering, self.doc.language, where=where)
        tokens = self.md.parse(text)
        restrict_links(tokens, self.mode, where)
        typeset_tokens(tokens)
        body = self.md.renderer.render(tokens, self.md.options, {})
        speaker = (f'<p class="speaker">{html_lib.escape(block.speaker)}</p>' if block.speaker else "")
        return f'<div class="quote">{speaker}<blockquote>{body}</blockquote></div>'

    # ---------------------------------------------------------------- figures
    def figure(self, figure: Figure, part: Part, lead: str = "") -> str:
        """The figure as HTML; ``lead`` (its lead-in, as HTML) goes in one group with it."""
        number = self.numbering.figures[figure.id]
        if figure.language != self.doc.language:
            raise RenderError(f"figure {figure.id!r} is in language {figure.language!r}, the report in "
                              f"{self.doc.language!r}; build the figures for the report's language")
        if not (figure.alt_text or "").strip():
            raise RenderError(f"figure {figure.id!r} has no alt text; every figure needs one")
        anchor = self.numbering.figure_anchor(figure.id)
        label = f"{self.labels['figure']} {number}."
        caption = (f'<figcaption><span class="figure-label">{html_lib.escape(label)}</span> '
                   f'{html_lib.escape(typeset(figure.caption(None)))}</figcaption>')
        svg = self.svgs[figure.id]
        width, height = svg_size(svg)
        alt = html_lib.escape(figure.alt_text, quote=True)
        if self.mode == "pdf":
            uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
            chart = (f'<img class="chart" src="{uri}" alt="{alt}" '
                     f'style="width: {width:.0f}px">')
        else:
            chart = (f'<div class="chart" id="vis-{anchor}" role="img" aria-label="{alt}">'
                     f'{silent_svg(svg)}</div>')
        notes = ""
        if figure.notes:
            items = "".join(
                f"<p>{self.inline(resolve_references(n, self.numbering, self.doc.language, where=figure.id), figure.id)}</p>"
                for n in figure.notes)
            notes = f'<div class="figure-notes">{items}</div>'
        extra = ""
        if self.mode == "html":
            extra = (f'<details class="figure-data"><summary>{html_lib.escape(self.labels["data_table"])}'
                     f'</summary>{data_table_html(figure, self.labels, self.doc.language, caption=None)}'
                     "</details>")
        html = f'<figure class="figure" id="{anchor}">{caption}{chart}{notes}{extra}</figure>'
        if not lead:
            return html
        return f'<div class="figure-group"><div class="figure-lead">{lead}</div>{html}</div>'


    # ---------------------------------------------------------------- parts
    def part(self, kind: str, anchor: str, number: str | None, title: str, blocks: list[Any], *,
             number_sections: bool) -> Part:
        part = Part(kind=kind, anchor=anchor, number=number, title=title, body="",
                    footnotes_before=self.footnote_counter)
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
                lead = ""
                if block.lead.strip():
                    lead = self.markdown(block.lead, part, where=where, number_sections=number_sections,
                                         section_counter=counter)
                pieces.append(self.figure(block.figure, part, lead))
            elif isinstance(block, HtmlBlock):
                pieces.append(block.html)
            else:
                raise RenderError(f"{where}: unknown block type {type(block).__name__}")
        part.body = "\n".join(pieces)
        return part
