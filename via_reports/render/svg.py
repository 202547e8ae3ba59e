"""Charts as vector SVG (and PNG), rendered by vl-convert in the theme's fonts.

A chart comes styled: the figure made it in the theme's chart style
(:func:`via_reports.figures.charts.configure`), so what the notebook shows is
what the PDF prints. Here it is only rendered, with the theme's font files
made known to vl-convert, and checked: text in any font but the theme's is
an error, since only the theme's font is embedded.
"""

from __future__ import annotations

import re
from typing import Any

from via_reports.exceptions import RenderError
from via_reports.report.themes import Theme

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


def _vl_version(spec: dict[str, Any]) -> str | None:
    import vl_convert as vlc

    match = re.search(r"/v(\d+)\.(\d+)", spec.get("$schema", ""))
    if match:
        version = f"{match.group(1)}.{match.group(2)}"
        if version in vlc.get_vegalite_versions():
            return version
    return None


def render_svg(chart: Any, theme: Theme, *, language: str = "nl") -> str:
    """One chart (an Altair chart or its Vega-Lite spec) as vector SVG, in the theme's fonts, drawn to
    fit the theme's printed page (:mod:`via_reports.render.fit`)."""
    import vl_convert as vlc

    from via_reports.render.fit import chart_box_px, fitted_spec

    register_fonts(theme)
    spec = chart.to_dict() if hasattr(chart, "to_dict") else chart
    family = theme.body_font.family

    def render(spec: dict[str, Any]) -> tuple[str, tuple[float, float]]:
        try:
            svg = vlc.vegalite_to_svg(spec, vl_version=_vl_version(spec),
                                      format_locale="nl-NL" if language == "nl" else "en-GB")
        except Exception as error:  # vl-convert raises ValueError with the Vega message
            raise RenderError(f"vl-convert could not render a chart: {error}") from error
        return svg, svg_size(svg)

    # drawn to fit the printed page, so that report.css never shrinks it and its text (render/fit.py)
    svg = fitted_spec(spec, chart_box_px(theme.page_size, theme.page_margin), render)
    families = set(re.findall(r'font-family="([^"]*)"', svg))
    wrong = sorted(f for f in families if f.strip("'\" ") != family)
    if wrong:
        raise RenderError(f"a chart sets text in font(s) {', '.join(wrong)}; only the theme's font "
                          f"{family!r} is embedded. Make the chart in the theme's chart style "
                          "(via_reports.report.themes.chart_style).")
    return svg


def svg_to_png(svg: str, scale: float = 1.5) -> bytes:
    """A chart's SVG (from :func:`render_svg`) as PNG, ``scale`` pixels per SVG unit, same fonts."""
    import vl_convert as vlc

    return vlc.svg_to_png(svg, scale=scale)


#: The settings of a Vega-Lite config that name a font.
_FONT_KEYS = ("font", "labelFont", "titleFont", "subtitleFont")
#: Fonts a reader's browser falls back to when it lacks the theme's font.
FALLBACK_FONTS = "'Helvetica Neue', Arial, 'Liberation Sans', sans-serif"


def with_fallback_fonts(chart: dict[str, Any] | str, family: str) -> dict[str, Any] | str:
    """A Vega-Lite spec or an SVG for display outside the report, where ``family`` may not be installed.

    Every font setting ``family`` becomes ``family, FALLBACK_FONTS``, so a
    browser without the theme's font (JupyterLab, nbconvert's HTML, GitHub)
    sets the chart in a similar sans-serif instead of its default serif. The
    PDF and the report's HTML embed the theme's font and need no fallback.
    """
    if "," in family:
        return chart
    stack = f"{family}, {FALLBACK_FONTS}"
    if isinstance(chart, str):
        return chart.replace(f'font-family="{family}"', f'font-family="{stack}"')

    def replaced(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: stack if k in _FONT_KEYS and v == family else replaced(v) for k, v in value.items()}
        if isinstance(value, list):
            return [replaced(v) for v in value]
        return value

    return replaced(chart)


def svg_size(svg: str) -> tuple[float, float]:
    match = re.search(r'<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"', svg)
    return (float(match.group(1)), float(match.group(2))) if match else (400.0, 250.0)


def strip_svg_prolog(svg: str) -> str:
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


#: Vega's own accessibility attributes of a drawn chart: its marks named by the data's fields.
_VEGA_ARIA = re.compile(r'\s(?:aria-label|aria-roledescription|aria-hidden|role)="[^"]*"')


def silent_svg(svg: str) -> str:
    """``svg`` (a static chart) for the HTML page without Vega's screen-reader labels, hidden from screen readers.

    The labels name the data's fields (``country_label: Turkije``); the chart's holder
    carries the figure's alt text, and the interactive chart that replaces the
    static one has labels in the report's words (render/chart_words.py).
    """
    svg = _VEGA_ARIA.sub("", strip_svg_prolog(svg))
    return svg.replace("<svg", '<svg aria-hidden="true"', 1)
