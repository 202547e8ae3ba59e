"""The report document: what the renderer turns into a PDF and an HTML file.

The orchestration (chapter notebooks, collected figures and authored text)
builds one :class:`ReportDocument`; :mod:`via_reports.render` makes the files.
The document holds content only. Numbers are assigned here, in one place, so
that the PDF, the HTML and the manifest agree:

* chapters are numbered in the order given ("3"), appendices likewise
  ("Bijlage 2");
* figures are numbered per chapter ("3.2"), in the order they appear;
* sections are the ``##`` headings inside a chapter's Markdown ("3.1.").

Text refers to figures, chapters and appendices by id, never by number::

    {fig:participants.age_sex}   -> "figuur 3.2"   (a link in the PDF/HTML)
    {Fig:participants.age_sex}   -> "Figuur 3.2"   (capitalised, sentence start)
    {chap:participants}          -> "hoofdstuk 3"
    {app:codebook}               -> "bijlage 3"

An unknown id is an error (:class:`~via_reports.exceptions.RenderError`).

Blocks of a chapter:

* :class:`MarkdownBlock` (or a plain ``str``): CommonMark with ``##`` section
  headings, ``###`` sub-headings, lists, **bold**, tables, and footnotes
  ``[^key]`` with their text on a line of its own ``[^key]: text``;
* :class:`QuoteBlock`: a quotation with its speaker line ("Een professional:");
* :class:`FigureBlock`: one :class:`~via_reports.figures.figure.Figure`, with the
  sentences that lead in to it;
* :class:`HtmlBlock`: trusted HTML, inserted as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union

from via_reports.data.study import Study
from via_reports.exceptions import RenderError
from via_reports.figures.declaration import chart_field_names
from via_reports.figures.figure import Figure
from via_reports.options import KINDS, LANGUAGES

#: Appendices the renderer can make from data, in the order they follow the
#: authored appendices.
GENERATED_APPENDICES = ("codebook", "data_tables", "provenance")


@dataclass(frozen=True)
class MarkdownBlock:
    """Markdown text; ``##`` starts a numbered section."""

    markdown: str


@dataclass(frozen=True)
class HtmlBlock:
    """Trusted HTML (already escaped where needed), inserted unchanged."""

    html: str


@dataclass(frozen=True)
class QuoteBlock:
    """A quotation set apart, introduced by its speaker ("Een deelnemer:")."""

    text: str
    speaker: str | None = None


@dataclass(frozen=True)
class FigureBlock:
    """A figure: caption above, chart, notes below; numbered by the renderer.

    ``lead`` is the Markdown that introduces the figure (its generated
    sentences); the PDF keeps it on the figure's page, never alone at the
    bottom of the page before.
    """

    figure: Figure
    lead: str = ""


Block = Union[MarkdownBlock, HtmlBlock, QuoteBlock, FigureBlock, str]


@dataclass
class Chapter:
    """A chapter (or an authored appendix): id, title and content blocks."""

    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def figures(self) -> list[Figure]:
        return [b.figure for b in self.blocks if isinstance(b, FigureBlock)]


@dataclass
class ReportDocument:
    """Everything the renderer needs. Fields left ``None`` come from the study."""

    kind: str
    study: Study
    chapters: list[Chapter]
    summary: list[Block] = field(default_factory=list)
    #: Authored appendices (e.g. the selection of participants), in order.
    appendices: list[Chapter] = field(default_factory=list)
    #: Which generated appendices follow the authored ones (see GENERATED_APPENDICES).
    generated_appendices: tuple[str, ...] = GENERATED_APPENDICES
    #: Data fingerprint, contract version, package version, parameters, build
    #: date, ... Shown in the provenance appendix. Never put the clock in here:
    #: the same inputs must give the same PDF.
    provenance: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    title: str | None = None
    subtitle: str | None = None
    synthetic: bool | None = None
    #: The names for readers of the chart fields the figures declare (figures.declaration), beyond the
    #: shared ``chart_fields`` of labels.yaml; None: those of the figure modules imported so far. Kept
    #: with the document so that the renderer's process never imports the figure modules.
    chart_fields: dict[str, str | None] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise RenderError(f"report kind {self.kind!r} is unknown; use one of {', '.join(KINDS)}")
        if self.language is None:
            self.language = self.study.language
        if self.language not in LANGUAGES:
            raise RenderError(f"report language {self.language!r} is unknown; use one of {', '.join(LANGUAGES)}")
        if self.title is None:
            self.title = self.study.title
        if self.subtitle is None:
            self.subtitle = self.study.get(f"subtitle_{self.kind}") or ""
        if self.synthetic is None:
            self.synthetic = self.study.synthetic
        if self.chart_fields is None:
            self.chart_fields = chart_field_names(self.language)
        unknown = [a for a in self.generated_appendices if a not in GENERATED_APPENDICES]
        if unknown:
            raise RenderError(f"unknown generated appendix {', '.join(unknown)}; "
                              f"choose from {', '.join(GENERATED_APPENDICES)}")

    def figures(self) -> list[Figure]:
        """Every figure in reading order (chapters, then authored appendices)."""
        return [f for part in (*self.chapters, *self.appendices) for f in part.figures()]


# --------------------------------------------------------------------------- numbering

@dataclass(frozen=True)
class Numbering:
    """The numbers the renderer prints, by id."""

    chapters: dict[str, str]
    appendices: dict[str, str]
    figures: dict[str, str]

    def figure_anchor(self, figure_id: str) -> str:
        return "fig-" + anchor_slug(figure_id)

    def manifest(self, doc: ReportDocument) -> list[dict[str, Any]]:
        """One manifest entry per figure, with its number ("3.2")."""
        return [f.manifest_entry(self.figures[f.id]) for f in doc.figures()]


def anchor_slug(text: str) -> str:
    """A stable HTML id fragment for an id such as ``participants.age_sex``."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def appendix_ids(doc: ReportDocument) -> list[str]:
    return [a.id for a in doc.appendices] + [f"generated.{g}" for g in doc.generated_appendices]


def number_document(doc: ReportDocument) -> Numbering:
    """Number chapters, appendices and figures; duplicate ids are an error."""
    problems: list[str] = []
    chapters: dict[str, str] = {}
    for index, chapter in enumerate(doc.chapters, start=1):
        if chapter.id in chapters:
            problems.append(f"chapter id {chapter.id!r} is used twice")
        chapters[chapter.id] = str(index)
    appendices: dict[str, str] = {}
    for index, appendix_id in enumerate(appendix_ids(doc), start=1):
        if appendix_id in appendices or appendix_id in chapters:
            problems.append(f"appendix id {appendix_id!r} is used twice")
        appendices[appendix_id] = str(index)
        if appendix_id.startswith("generated."):
            appendices.setdefault(appendix_id.split(".", 1)[1], str(index))
    figures: dict[str, str] = {}
    for block in doc.summary:
        if isinstance(block, FigureBlock):
            problems.append(f"figure {block.figure.id!r} is in the summary; figures belong in a "
                            "chapter (refer to them from the summary with {fig:" + block.figure.id + "})")
    parts = [(chapters[c.id], c) for c in doc.chapters]
    parts += [("B" + appendices[a.id], a) for a in doc.appendices]
    for prefix, part in parts:
        for k, figure in enumerate(part.figures(), start=1):
            if figure.id in figures:
                problems.append(f"figure id {figure.id!r} appears twice")
            figures[figure.id] = f"{prefix}.{k}"
    if problems:
        raise RenderError("the report document is inconsistent:\n- " + "\n- ".join(problems))
    return Numbering(chapters=chapters, appendices=appendices, figures=figures)


# --------------------------------------------------------------------------- references

REFERENCE_PATTERN = re.compile(r"\{(fig|Fig|chap|Chap|app|App):([A-Za-z0-9_.\-]+)\}")

REFERENCE_WORDS = {
    "nl": {"fig": "figuur", "chap": "hoofdstuk", "app": "bijlage"},
    "en": {"fig": "figure", "chap": "chapter", "app": "appendix"},
}


def resolve_references(text: str, numbering: Numbering, language: str, *,
                       where: str = "", markdown_links: bool = True) -> str:
    """Replace ``{fig:id}``, ``{chap:id}``, ``{app:id}`` by "figuur 3.2" etc.

    With ``markdown_links`` the result is a Markdown link to the target, so the
    PDF and the HTML can jump to it. Unknown ids raise :class:`RenderError`.
    """
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        kind_raw, target = match.group(1), match.group(2)
        kind = kind_raw.lower()
        if kind == "fig":
            number, anchor = numbering.figures.get(target), "fig-" + anchor_slug(target)
        elif kind == "chap":
            number, anchor = numbering.chapters.get(target), "ch-" + anchor_slug(target)
        else:
            number = numbering.appendices.get(target)
            if target in GENERATED_APPENDICES:
                target = "generated." + target
            anchor = "app-" + anchor_slug(target)
        if number is None:
            unknown.append(match.group(0))
            return match.group(0)
        word = REFERENCE_WORDS[language][kind]
        if kind_raw[0].isupper():
            word = word[0].upper() + word[1:]
        label = f"{word} {number}"
        return f"[{label}](#{anchor})" if markdown_links else label

    result = REFERENCE_PATTERN.sub(replace, text)
    if unknown:
        place = f" in {where}" if where else ""
        raise RenderError(f"unknown reference(s){place}: {', '.join(unknown)}. "
                          "Use the id of a figure, chapter or appendix in this report.")
    return result
