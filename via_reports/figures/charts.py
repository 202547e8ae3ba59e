"""Altair chart builders for the figures, styled by one :class:`ChartStyle`.

Every builder takes a small frame of *aggregated* numbers that the figure
computed (counts, percentages, box-plot statistics) with display labels
already filled in, and the category orders. Nothing row-level is ever passed
to Altair: the spec embeds its data, and the spec ends up in notebooks and
the PDF. Charts render to SVG without a browser::

    vl_convert.vegalite_to_svg(chart.to_json())

The report's theme maps onto :class:`ChartStyle`
(:func:`via_reports.theme.themes.chart_style`); :func:`configure` applies it
once, when the figure is made, and the notebook, the PDF and the HTML show
that same chart. :data:`DEFAULT_STYLE` is used when a builder gets ``style=None``.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

#: Okabe & Ito (2008), a palette that stays distinguishable with colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
#: Five answers from the most negative to the most positive (orange–grey–purple, colour-blind safe),
#: each at least 3:1 against white (WCAG 1.4.11, graphical objects): 6.8, 4.3, 5.1, 4.1 and 10.7.
DIVERGING_5 = ("#8c4a00", "#c25e00", "#6e6e6e", "#8e6fc0", "#4b2a85")


@dataclass(frozen=True)
class ChartStyle:
    """What a chart looks like; :func:`via_reports.theme.themes.chart_style` makes it from a theme."""

    #: The font of every text in the chart (the theme's body font).
    font: str = "Liberation Sans, Arial, Helvetica, sans-serif"
    #: Labels, legends and values; a chart title is one point larger.
    font_size: int = 11
    text_color: str = "#1a1a1a"
    #: Colours for categories (sex, wave, measure, ...), in order.
    palette: tuple[str, ...] = OKABE_ITO
    #: Colours for answers 1–5 from the most negative to the most positive meaning.
    scale_palette: tuple[str, ...] = DIVERGING_5
    #: Colour of "missing / no answer".
    missing_color: str = "#8c8c8c"
    #: Colour of a single series (simple bars, box plots).
    bar_color: str = OKABE_ITO[0]
    #: Colour of the "at least one" bar that sums up the others.
    total_color: str = "#004c77"
    grid_color: str = "#e5e5e5"
    background: str = "white"
    width: int = 420
    #: Height of a chart with one bar; bars of horizontal charts take ``bar_height`` each.
    height: int = 80
    bar_height: int = 16
    show_values: bool = True
    #: The widest and highest chart, in px, that the PDF prints at its own size (the page's text block,
    #: :func:`via_reports.theme.fit.chart_box_px`); None: no page known, plots keep ``width``.
    page_width: float | None = None
    page_height: float | None = None
    #: The file of ``font``'s regular face, to measure labels with; None: labels are not measured.
    font_file: str | None = None

    def plot_width_beside(self, labels: Iterable[str]) -> int:
        """The width of a plot with ``labels`` on the axis to its left: ``width``, or narrower by what
        the labels would push the chart past ``page_width``.

        theme/fit.py would find that out by drawing the chart and draw it again narrower; a plot that
        fits the page when first drawn saves that second drawing (0.2–0.5 s of a kernel's time each)
        and is printed the same. Whole pixels: a browser draws a chart of a fractional width (vega-embed, the
        HTML) a hair smaller than its text size.
        """
        if self.page_width is None or self.font_file is None:
            return self.width
        lines = [line for label in labels for line in str(label).split("\n")]
        widest = max((text_width_px(line, self.font_file, self.font_size) for line in lines), default=0.0)
        return math.floor(min(self.width, self.page_width - widest - AXIS_ALLOWANCE_PX))

    def plot_height_within(self, height: int, below: float) -> int:
        """``height``, or lower where ``below`` px of axis, title and legend would push the chart past
        ``page_height``."""
        if self.page_height is None:
            return height
        return math.floor(min(height, self.page_height - below))


#: What a chart adds beside the widest label of its left axis: the tick and the label's padding, the chart's
#: own padding and the half of the last x-axis label past the plot's edge. Measured 15.8–18.3 px with 10 px
#: Lato on the demo's forest, love, change and comparison plots; 4 px are kept to spare, as a label's kerning
#: is not measured.
AXIS_ALLOWANCE_PX = 22.0


@functools.lru_cache(maxsize=4)
def _advance_widths(font_file: str) -> tuple[dict[int, int], int, int]:
    """(advance width per character, the font's units per em, the width of a character it lacks)."""
    from fontTools.ttLib import TTFont

    # fontTools logs doubts about a font's header dates; in a kernel that would land in the notebook
    log = logging.getLogger("fontTools")
    level = log.level
    log.setLevel(logging.ERROR)  # setLevel, not .level: it clears the loggers' cached levels below it
    try:
        with TTFont(font_file, lazy=True) as font:
            metrics = font["hmtx"].metrics
            widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
            units = font["head"].unitsPerEm
    finally:
        log.setLevel(level)
    return widths, units, max(widths.values(), default=units)


def text_width_px(text: str, font_file: str, size: float) -> float:
    """The width in px of ``text`` set in ``font_file`` at ``size`` px, without kerning."""
    widths, units, missing = _advance_widths(font_file)
    return sum(widths.get(ord(character), missing) for character in text) * size / units


DEFAULT_STYLE = ChartStyle()


def _style(style: ChartStyle | None) -> ChartStyle:
    return style or DEFAULT_STYLE


def _colours(style: ChartStyle, n: int) -> list[str]:
    palette = list(style.palette)
    return [palette[i % len(palette)] for i in range(n)]


def chart_config(style: ChartStyle | None = None) -> dict:
    """The Vega-Lite ``config`` of ``style``: every text in its font, its sizes and colours, its palette."""
    s = _style(style)
    fonts = {"labelFont": s.font, "titleFont": s.font}
    texts = {"labelFontSize": s.font_size, "titleFontSize": s.font_size, "labelColor": s.text_color,
             "titleColor": s.text_color}
    return {
        "font": s.font,
        "background": s.background,
        "view": {"stroke": None},
        "axis": {**fonts, **texts, "gridColor": s.grid_color, "domainColor": s.text_color,
                 "tickColor": s.text_color, "labelLimit": 260},
        "legend": {**fonts, **texts, "orient": "bottom", "direction": "horizontal", "columns": 3,
                   "labelLimit": 260},
        "header": {**fonts, **texts},
        "title": {"font": s.font, "subtitleFont": s.font, "fontSize": s.font_size + 1, "color": s.text_color,
                  "subtitleColor": s.text_color},
        "text": {"font": s.font, "fontSize": s.font_size, "color": s.text_color},
        "range": {"category": list(s.palette)},
        "mark": {"color": s.palette[0]},
    }


def configure(chart: alt.TopLevelMixin, style: ChartStyle | None = None) -> alt.TopLevelMixin:
    """A finished chart in ``style``: the one place a chart is styled (the PDF renders it as it is)."""
    return chart.configure(**chart_config(style))


def plain_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain Python values (no pandas NA) so the spec serialises cleanly."""
    return frame.astype(object).where(frame.notna(), None)


def _value_labels(base: alt.Chart, value: str, style: ChartStyle, **encodings) -> alt.Chart:
    return base.mark_text(align="left", dx=3, color=style.text_color).encode(
        text=alt.Text(f"{value}:Q", format=",.0f"), **encodings
    )


def bar_chart(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    category_order: Sequence[str],
    value_title: str,
    style: ChartStyle | None = None,
    highlight: str | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars, one per category in ``category_order``.

    ``highlight`` names a category drawn in the style's total colour (e.g. "at least one").
    """
    s = _style(style)
    y = alt.Y(f"{category}:N", sort=list(category_order), title=None)
    x = alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(tickMinStep=1, format=",.0f"))
    colour = alt.value(s.bar_color)
    if highlight is not None:
        colour = alt.condition(
            alt.datum[category] == highlight, alt.value(s.total_color), alt.value(s.bar_color)
        )
    base = alt.Chart(plain_values(frame))
    chart = base.mark_bar().encode(y=y, x=x, color=colour)
    if s.show_values:
        chart = chart + _value_labels(base, value, s, y=y, x=x)
    return configure(
        chart.properties(width=s.width, height=max(s.height, s.bar_height * len(category_order))), s
    )


def grouped_bar_chart(
    frame: pd.DataFrame,
    *,
    category: str,
    group: str,
    value: str,
    category_order: Sequence[str],
    group_order: Sequence[str],
    value_title: str,
    group_title: str | None = None,
    colors: Sequence[str] | None = None,
    style: ChartStyle | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars per category, one bar per group side by side (e.g. age group × sex, per wave)."""
    s = _style(style)
    colours = list(colors) if colors is not None else _colours(s, len(group_order))
    y = alt.Y(f"{category}:N", sort=list(category_order), title=None)
    y_offset = alt.YOffset(f"{group}:N", sort=list(group_order))
    x = alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(tickMinStep=1, format=",.0f"))
    colour = alt.Color(
        f"{group}:N",
        sort=list(group_order),
        title=group_title,
        scale=alt.Scale(domain=list(group_order), range=colours),
    )
    base = alt.Chart(plain_values(frame))
    chart = base.mark_bar().encode(y=y, yOffset=y_offset, x=x, color=colour)
    if s.show_values:
        chart = chart + _value_labels(base, value, s, y=y, yOffset=y_offset, x=x)
    height = s.bar_height * len(category_order) * len(group_order) + 4 * len(category_order)
    return configure(chart.properties(width=s.width, height=max(s.height, height)), s)


def stacked_bar_chart(
    frame: pd.DataFrame,
    *,
    category: str,
    group: str,
    value: str,
    order: str,
    category_order: Sequence[str],
    group_order: Sequence[str],
    value_title: str,
    group_title: str | None = None,
    colors: Sequence[str] | None = None,
    style: ChartStyle | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars per category, stacked by group; integer column ``order`` gives the stack order."""
    s = _style(style)
    colours = list(colors) if colors is not None else _colours(s, len(group_order))
    chart = (
        alt.Chart(plain_values(frame))
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", sort=list(category_order), title=None),
            x=alt.X(
                f"{value}:Q", stack="zero", title=value_title, axis=alt.Axis(tickMinStep=1, format=",.0f")
            ),
            color=alt.Color(
                f"{group}:N",
                sort=list(group_order),
                title=group_title,
                scale=alt.Scale(domain=list(group_order), range=colours),
            ),
            order=alt.Order(f"{order}:Q", sort="ascending"),
        )
    )
    height = max(s.height, 2 * s.bar_height * len(category_order))
    return configure(chart.properties(width=s.width, height=height), s)


def answer_colors(n_answers: int, *, higher_is_better: bool, style: ChartStyle | None = None) -> list[str]:
    """Colours for answers 1..n (plus one for missing): negative meanings orange, positive purple."""
    s = _style(style)
    scale = list(s.scale_palette)[:n_answers]
    if not higher_is_better:
        scale = scale[::-1]
    return scale + [s.missing_color]


def answer_scale_chart(
    frame: pd.DataFrame,
    *,
    row: str,
    answer: str,
    percent: str,
    order: str,
    row_order: Sequence[str],
    answer_order: Sequence[str],
    colors: Sequence[str],
    answer_title: str | None = None,
    value_title: str = "%",
    style: ChartStyle | None = None,
) -> alt.TopLevelMixin:
    """100% stacked bars of answers 1–5 and missing, one bar per row (wave), answers in scale order."""
    s = _style(style)
    chart = (
        alt.Chart(plain_values(frame))
        .mark_bar()
        .encode(
            y=alt.Y(f"{row}:N", sort=list(row_order), title=None),
            x=alt.X(
                f"{percent}:Q",
                stack="zero",
                title=value_title,
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=[0, 20, 40, 60, 80, 100]),
            ),
            color=alt.Color(
                f"{answer}:N",
                sort=list(answer_order),
                title=answer_title,
                scale=alt.Scale(domain=list(answer_order), range=list(colors)),
            ),
            order=alt.Order(f"{order}:Q", sort="ascending"),
        )
    )
    height = max(s.height, 2 * s.bar_height * len(row_order))
    return configure(chart.properties(width=s.width, height=height), s)


#: At most this many outlier points in a box plot (far below altair's limit of 5,000 rows of chart data).
MAX_OUTLIER_POINTS = 1000


def outlier_points(outliers: Sequence[float]) -> list[float]:
    """The positions at which a box plot draws ``outliers``: each distinct value once.

    Beyond :data:`MAX_OUTLIER_POINTS` distinct values, values closer together
    than 1/(MAX_OUTLIER_POINTS − 1) of their range share one point (on a chart a few
    hundred pixels wide they would overlap anyway), so a chart's data stay
    small however many people it describes.
    """
    distinct = sorted(set(outliers))
    if len(distinct) <= MAX_OUTLIER_POINTS:
        return distinct
    low, step = distinct[0], (distinct[-1] - distinct[0]) / (MAX_OUTLIER_POINTS - 1)
    return sorted({low + round((value - low) / step) * step for value in distinct})


def box_plot_chart(
    statistics: dict[str, float],
    outliers: Sequence[float],
    *,
    value_title: str,
    labels: dict[str, str],
    style: ChartStyle | None = None,
) -> alt.TopLevelMixin:
    """A horizontal box plot drawn from precomputed statistics.

    ``statistics`` holds q1, median, q3, mean and the whisker ends
    ``whisker_low`` and ``whisker_high`` (the most extreme values that are not
    outliers); ``outliers`` the outlying values, each drawn once (see
    :func:`outlier_points`); ``labels`` gives the legend labels of ``mean`` and ``outlier``.
    """
    s = _style(style)
    summary = pd.DataFrame([{key: statistics.get(key) for key in ("whisker_low", "q1", "median", "q3",
                                                                  "whisker_high")}])
    points = pd.DataFrame(
        [{"marker": labels["mean"], "value": statistics.get("mean")}]
        + [{"marker": labels["outlier"], "value": value} for value in outlier_points(outliers)]
    )
    x_scale = alt.Scale(zero=True, nice=True)
    base = alt.Chart(plain_values(summary))
    whisker = base.mark_rule(color=s.text_color).encode(
        x=alt.X("whisker_low:Q", title=value_title, scale=x_scale), x2="whisker_high:Q"
    )
    box = base.mark_bar(size=28, color=s.bar_color, opacity=0.85).encode(x="q1:Q", x2="q3:Q")
    median = base.mark_tick(color="white", size=28, thickness=2).encode(x="median:Q")
    marker_order = [labels["mean"], labels["outlier"]]
    markers = (
        alt.Chart(plain_values(points))
        .mark_point(size=60, filled=True)
        .encode(
            x="value:Q",
            shape=alt.Shape(
                "marker:N",
                sort=marker_order,
                title=None,
                scale=alt.Scale(domain=marker_order, range=["diamond", "circle"]),
            ),
            color=alt.Color(
                "marker:N",
                sort=marker_order,
                title=None,
                scale=alt.Scale(domain=marker_order, range=[s.palette[1], s.text_color]),
            ),
        )
    )
    chart = alt.layer(whisker, box, median, markers).properties(width=s.width, height=s.height)
    return configure(chart, s)
