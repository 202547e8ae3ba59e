"""Charts as vector SVG: the theme's fonts and palette applied, rendered by vl-convert."""

from __future__ import annotations

import json
import re
from typing import Any

from via_reports.exceptions import RenderError
from via_reports.report.themes import Theme, chart_style_values

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
    :func:`via_reports.report.themes.chart_style_values`, or a :class:`Theme`. Text
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


def svg_to_png(svg: str, scale: float = 1.5) -> bytes:
    """A chart's SVG (from :func:`render_svg`) as PNG, ``scale`` pixels per SVG unit, same fonts."""
    import vl_convert as vlc

    return vlc.svg_to_png(svg, scale=scale)


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
