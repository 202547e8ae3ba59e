"""Charts that fit the printed page as drawn, so their text is printed at the size it was set in.

report.css prints a chart at its own width, and shrinks one that is wider
than the page's text block or taller than :data:`MAX_CHART_HEIGHT_MM`
(``img.chart``) — and its text with it: a 10 px label of a chart printed at
85% is 6.4 pt, too small to read (REPORTS.md, "Charts": no chart text below
7 pt). A chart's width is its plot plus its axis labels and legend, which only
the renderer knows, so :func:`fitted_spec` asks the renderer: a chart that
comes out too wide (or too tall) is drawn again with its plot area narrower
(or lower) by what it is over, and its text keeps its size.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

#: report.css ``img.chart { max-height: 165mm }``: a taller chart is scaled down (with its text).
MAX_CHART_HEIGHT_MM = 165.0
#: CSS pixels per millimetre (96 px per inch).
PX_PER_MM = 96 / 25.4
#: A plot is never made narrower or lower than this share of what the figure asked for.
MIN_SHARE = 0.5

#: Page sizes of CSS Paged Media, portrait, in millimetres.
PAGE_SIZES = {"a5": (148, 210), "a4": (210, 297), "a3": (297, 420), "b5": (176, 250), "b4": (250, 353),
              "letter": (215.9, 279.4), "legal": (215.9, 355.6), "ledger": (279.4, 431.8)}
_UNITS_MM = {"mm": 1.0, "cm": 10.0, "q": 0.25, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96}
_LENGTH = re.compile(r"^(-?[\d.]+)(mm|cm|q|in|pt|pc|px|%)?$", re.I)


def _length_mm(value: str, percent_of: float) -> float:
    match = _LENGTH.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a length")
    number, unit = float(match.group(1)), (match.group(2) or "px").lower()
    return number * percent_of / 100 if unit == "%" else number * _UNITS_MM[unit]


def page_mm(size: str) -> tuple[float, float]:
    """(width, height) in mm of a CSS ``@page { size }`` (``A4``, ``A4 landscape``, ``170mm 240mm``)."""
    words = size.lower().split()
    landscape = "landscape" in words
    words = [w for w in words if w not in ("landscape", "portrait")]
    if words and words[0] in PAGE_SIZES:
        width, height = PAGE_SIZES[words[0]]
    elif len(words) in (1, 2):
        width = _length_mm(words[0], 0)
        height = _length_mm(words[-1], 0)
    else:
        width, height = PAGE_SIZES["a4"]
    return (height, width) if landscape and height > width else (width, height)


def text_block_px(page_size: str, page_margin: str) -> tuple[float, float]:
    """(width, height) in CSS pixels of the text block of a page of ``page_size`` with ``page_margin``."""
    width, height = page_mm(page_size)
    values = page_margin.split()
    if not 1 <= len(values) <= 4:
        values = ["0"]
    # CSS shorthand: top [right [bottom [left]]], a missing side as its opposite
    top = values[0]
    right = values[1] if len(values) > 1 else top
    bottom = values[2] if len(values) > 2 else top
    left = values[3] if len(values) > 3 else right
    # CSS: percentages of a page margin refer to the page's width (horizontal) and height (vertical)
    text_width = width - _length_mm(left, width) - _length_mm(right, width)
    text_height = height - _length_mm(top, height) - _length_mm(bottom, height)
    return text_width * PX_PER_MM, text_height * PX_PER_MM


def chart_box_px(page_size: str, page_margin: str) -> tuple[float, float]:
    """The largest (width, height) in CSS pixels at which the PDF prints a chart at its own size."""
    width, height = text_block_px(page_size, page_margin)
    return width, min(height, MAX_CHART_HEIGHT_MM * PX_PER_MM)


def _views(spec: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The views of ``spec`` whose ``key`` (width or height) sets the chart's size along it."""
    along = "hconcat" if key == "width" else "vconcat"
    across = "vconcat" if key == "width" else "hconcat"
    if across in spec:
        return [v for part in spec[across] for v in _views(part, key)]
    if along in spec:
        return [v for part in spec[along] for v in _views(part, key)]
    if "concat" in spec:
        return [v for part in spec["concat"] for v in _views(part, key)]
    if "spec" in spec and ("facet" in spec or "repeat" in spec):
        return _views(spec["spec"], key)
    return [spec] if isinstance(spec.get(key), (int, float)) else []


def _per_view(spec: dict[str, Any], key: str) -> int:
    """How many views a chart sets side by side (width) or one above the other (height)."""
    along = "hconcat" if key == "width" else "vconcat"
    if along in spec:
        return sum(_per_view(part, key) for part in spec[along])
    across = "vconcat" if key == "width" else "hconcat"
    if across in spec:
        return max((_per_view(part, key) for part in spec[across]), default=1)
    if "spec" in spec and "facet" in spec:
        columns = spec.get("columns")
        return int(columns) if key == "width" and columns else 1
    return 1


def shrunk(spec: dict[str, Any], key: str, by: float, original: dict[str, Any]) -> dict[str, Any] | None:
    """``spec`` with its plots ``by`` px narrower (``key`` = width) or lower (height), shared among the
    views set along that direction; None when a plot would go below :data:`MIN_SHARE` of ``original``'s."""
    spec = copy.deepcopy(spec)
    views, floors = _views(spec, key), _views(original, key)
    if not views or len(views) != len(floors):
        return None
    step = by / _per_view(spec, key)
    for view, floor in zip(views, floors):
        new = view[key] - step
        if new < floor[key] * MIN_SHARE:
            return None
        view[key] = round(new, 1)
    return spec


#: Vega's layout of the legends below a chart: one above the other, from the plot's left edge. Side by
#: side (Vega's default) a colour and a shape legend made a chart wider than the page. Vega-Lite passes
#: it on to Vega, but its JSON schema (and so Altair) does not know it: it is set here, in the spec drawn.
LEGEND_LAYOUT = {"bottom": {"anchor": "start", "direction": "vertical"}}


def with_stacked_legends(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the legends below it set one above the other (:data:`LEGEND_LAYOUT`)."""
    config = spec.get("config") or {}
    legend = config.get("legend") or {}
    if legend.get("orient", "right") != "bottom" or "layout" in legend:
        return spec
    return {**spec, "config": {**config, "legend": {**legend, "layout": LEGEND_LAYOUT}}}


def fitted_spec(spec: dict[str, Any], box: tuple[float, float],
                render: Callable[[dict[str, Any]], tuple[str, tuple[float, float]]]) -> str:
    """The SVG of ``spec`` drawn to fit ``box`` (px) where its plots can give way; ``render(spec)``
    returns (svg, (width, height)). At most three drawings: the chart, then twice with the overflow."""
    spec = with_stacked_legends(spec)
    original, svg = spec, None
    for _ in range(3):
        svg, (width, height) = render(spec)
        over = {"width": width - box[0], "height": height - box[1]}
        if over["width"] <= 0.5 and over["height"] <= 0.5:
            return svg
        candidate = spec
        for key, by in over.items():
            if by > 0.5:
                candidate = shrunk(candidate, key, by + 0.5, original) or candidate
        if candidate is spec:
            return svg  # nothing can give way: report.css scales it (the legibility test reports it)
        spec = candidate
    return svg
