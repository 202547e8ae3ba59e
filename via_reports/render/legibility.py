"""How large a chart's text is on paper: its SVG font sizes times the scale at which the PDF prints it.

A chart is drawn in SVG units (CSS pixels) and placed in the PDF as an image
of its own width (render/markdown.py), which report.css shrinks to the page's
text width, or to the tallest figure a page takes, when it is larger. A font of
10 px in a chart that is printed at 80% of its width is 10 × 0.8 × 0.75 = 6 pt
on paper. The spec (REPORTS.md, "Charts") asks for no chart text below
:data:`MIN_PRINTED_PT`; :func:`illegible_texts` finds every text below it.

The printed width is not computed from a copy of the CSS rule: WeasyPrint lays
out the charts with the report's own stylesheet and the theme's page
(:func:`printed_widths`), so a change to either is measured as it prints.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from dataclasses import dataclass

from via_reports.theme.svg import svg_size
from via_reports.theme.themes import Theme

#: The smallest chart text a printed report may have, in points (REPORTS.md, "Charts").
MIN_PRINTED_PT = 7.0
#: Points per CSS pixel (1 px = 1/96 in, 1 pt = 1/72 in).
PT_PER_PX = 0.75

_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)
_FONT_SIZE = re.compile(r'font-size(?:="|:\s*)([\d.]+)(px|pt)?')
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ChartText:
    """One text of a chart: what it says and its font size in SVG units (CSS pixels)."""

    text: str
    size_px: float


def chart_texts(svg: str) -> list[ChartText]:
    """Every non-empty text of a chart's SVG (vl-convert's output) with its font size.

    vl-convert writes each text as ``<text ... font-size="10px">`` (a label
    broken over lines as ``<tspan>`` inside it); a text without a size would be
    drawn at the SVG default of 16 px, which is never too small.
    """
    texts = []
    for attributes, body in _TEXT.findall(svg):
        words = html_lib.unescape(_TAG.sub(" ", body)).strip()
        if not words:
            continue
        size = _FONT_SIZE.search(attributes)
        if size is None:
            px = 16.0
        else:
            px = float(size.group(1)) / (PT_PER_PX if size.group(2) == "pt" else 1.0)
        texts.append(ChartText(" ".join(words.split()), px))
    return texts


def printed_widths(svgs: dict[str, str], theme: Theme) -> dict[str, float]:
    """Per chart (figure id -> SVG), the width in CSS pixels at which the PDF prints it.

    Each chart is laid out by WeasyPrint as the PDF places it (an ``img.chart``
    of the SVG's width in a ``figure`` of a chapter), with the report's
    stylesheet and the theme's page size and margins. A chart taller than
    report.css's ``max-height`` keeps its box's width but is drawn inside the
    lower box at its own proportions (SVG's ``xMidYMid meet``): then the
    width it is printed at is the box's height times its own width / height.
    """
    from weasyprint import HTML

    from via_reports.render.assemble import theme_css
    from via_reports.render.pdf import confined_fetcher

    figures = []
    sizes = [svg_size(svg) for svg in svgs.values()]
    for index, (svg, (width, _)) in enumerate(zip(svgs.values(), sizes)):
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        figures.append(f'<figure class="figure"><img class="chart" data-chart="{index}" alt="" src="{uri}" '
                       f'style="width: {width:.0f}px"></figure>')
    page = (f"<!DOCTYPE html><html><head><style>{theme_css(theme, 'report.css')}</style></head><body>"
            f'<section class="chapter">{"".join(figures)}</section></body></html>')
    document = HTML(string=page, url_fetcher=confined_fetcher(theme)).render()
    found: dict[int, float] = {}

    def walk(box) -> None:
        element = getattr(box, "element", None)
        if element is not None and element.get("data-chart") is not None and hasattr(box, "replacement"):
            index = int(element.get("data-chart"))
            width, height = sizes[index]
            found[index] = min(float(box.width), float(box.height) * width / height)
        for child in getattr(box, "children", ()):
            walk(child)

    for laid_out in document.pages:
        walk(laid_out._page_box)
    ids = list(svgs)
    missing = [ids[i] for i in range(len(ids)) if i not in found]
    if missing:
        raise ValueError(f"the layout placed no image for chart(s) {', '.join(missing)}")
    return {ids[i]: width for i, width in found.items()}


def printed_sizes(svg: str, printed_width_px: float) -> list[tuple[ChartText, float]]:
    """Every text of ``svg`` with its size in points when the chart is printed ``printed_width_px`` wide."""
    width, _ = svg_size(svg)
    scale = printed_width_px / width
    return [(text, text.size_px * scale * PT_PER_PX) for text in chart_texts(svg)]


def illegible_texts(svgs: dict[str, str], theme: Theme, minimum: float = MIN_PRINTED_PT) -> list[str]:
    """One line per chart text smaller than ``minimum`` points on paper: figure, text, size, scale."""
    widths = printed_widths(svgs, theme)
    problems = []
    for figure_id, svg in svgs.items():
        width, _ = svg_size(svg)
        small = [(text, pt) for text, pt in printed_sizes(svg, widths[figure_id]) if pt < minimum - 1e-9]
        for text, pt in small:
            problems.append(f"{figure_id}: {text.text!r} is {pt:.2f} pt on paper ({text.size_px:g} px, "
                            f"chart printed at {widths[figure_id] / width:.0%} of its {width:.0f} px)")
    return problems
