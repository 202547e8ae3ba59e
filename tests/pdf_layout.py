"""Where the text of a PDF lands on its pages, read with poppler's ``pdftotext -bbox-layout``.

A reader notices a caption at the foot of a page with its figure or table on
the next, or a figure's lead-in sentence left behind on the page before it.
:func:`layout_slips` finds exactly those from the positions of the lines.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

_XHTML = "{http://www.w3.org/1999/xhtml}"
#: Points per millimetre.
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Line:
    text: str
    top: float
    bottom: float
    #: The pdftotext block the line belongs to (a paragraph, a caption, ...), numbered per page.
    block: int


@dataclass(frozen=True)
class Page:
    number: int
    height: float
    #: The lines of the page's body (not the footer in the bottom margin), top to bottom.
    lines: tuple[Line, ...]


def read_pages(pdf: Path, bottom_margin_mm: float) -> list[Page]:
    """Every page's body lines; what lies in the bottom margin (running title, page number) is left out."""
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True,
                            text=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", layout, count=1))
    pages = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        height = float(page.get("height"))
        limit = height - bottom_margin_mm * PT_PER_MM
        lines = []
        for block_number, block in enumerate(page.iter(f"{_XHTML}block")):
            for line in block.iter(f"{_XHTML}line"):
                words = [w.text or "" for w in line.iter(f"{_XHTML}word")]
                top, bottom = float(line.get("yMin")), float(line.get("yMax"))
                if top < limit:
                    lines.append(Line(" ".join(words), top, bottom, block_number))
        pages.append(Page(number, height, tuple(sorted(lines, key=lambda l: (round(l.top, 1), l.text)))))
    return pages


def _is_last_on_page(page: Page, index: int) -> bool:
    """Nothing but the rest of line ``index``'s own block follows it on the page."""
    line = page.lines[index]
    return all(other.block == line.block for other in page.lines[index + 1:])


def layout_slips(pdf: Path, *, bottom_margin_mm: float, figure_word: str, table_word: str,
                 figures_with_lead: set[str]) -> list[str]:
    """Captions parted from their figure or table, lead-ins parted from their figure, headings left at a foot.

    ``figures_with_lead`` holds the numbers ("3.1") of the figures that have a
    lead-in; such a figure's caption must not open a page.
    """
    caption = re.compile(rf"^({re.escape(figure_word)}|{re.escape(table_word)}) (B?[0-9]+(?:\.[0-9]+)*)\. ")
    heading = re.compile(r"^[0-9]+\.[0-9]+\. \S")
    slips = []
    for page in read_pages(pdf, bottom_margin_mm):
        for index, line in enumerate(page.lines):
            found = caption.match(line.text)
            if found and _is_last_on_page(page, index):
                slips.append(f"page {page.number}: caption '{line.text[:60]}' ends the page, "
                             "its figure or table is on the next")
            if found and found.group(1) == figure_word and found.group(2) in figures_with_lead and index == 0:
                slips.append(f"page {page.number}: figure {found.group(2)} opens the page, "
                             "its lead-in is on the page before")
            if heading.match(line.text) and _is_last_on_page(page, index):
                slips.append(f"page {page.number}: heading '{line.text[:60]}' ends the page")
    return slips


def figures_with_lead(html: str, figure_word: str) -> set[str]:
    """The numbers of the figures that have a lead-in, read from the report's HTML."""
    pattern = re.compile(r'<div class="figure-lead">(?:(?!<figure).)*</div><figure class="figure"[^>]*>'
                         rf'<figcaption><span class="figure-label">{re.escape(figure_word)} ([0-9.]+)\.</span>',
                         re.S)
    return set(pattern.findall(html))
