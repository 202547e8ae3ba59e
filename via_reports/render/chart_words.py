"""A chart of the interactive HTML as a reader hovers over it or a screen reader reads it.

Every mark gets a tooltip and a screen-reader label (its ``aria-label``) that
name the chart's fields in the report's words (``Land: Turkije; Aantal: 33``),
never the data's own names (``country_label``). The words come from
``chart_fields`` in ``templates/pdf/labels.yaml`` and the figures' declarations; numbers are formatted by
the page's d3 locale (``12,5`` in Dutch). Axes and legends are left out of the
screen reader's way: Vega describes them in English ("X-axis for a linear
scale ..."), and the figure's own alt text says what they show.

Vega-Lite documents both: ``tooltip`` as an encoding channel and a mark's
``description`` (https://vega.github.io/vega-lite/docs/tooltip.html,
https://vega.github.io/vega-lite/docs/mark.html#accessibility-properties).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from via_reports.exceptions import RenderError

#: Channels whose field a reader sees, in the order the tooltip names them: what a mark is first,
#: then its numbers.
_CHANNELS = ("row", "column", "y", "yOffset", "color", "shape", "x", "x2", "y2", "xOffset", "size", "text",
             "theta", "tooltip")
_MISSING = "–"


def _rows(spec: Any) -> list[dict]:
    """Every data row written into ``spec`` (its ``datasets`` and inline ``values``)."""
    rows: list[dict] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "datasets" and isinstance(value, dict):
                rows += [row for table in value.values() for row in table if isinstance(row, dict)]
            elif key == "values" and isinstance(value, list):
                rows += [row for row in value if isinstance(row, dict)]
            else:
                rows += _rows(value)
    elif isinstance(spec, list):
        for value in spec:
            rows += _rows(value)
    return rows


def _number_format(field: str, rows: list[dict]) -> str:
    """',d' for a field of whole numbers (but a percentage), ',.1f' otherwise (d3 format strings)."""
    if field == "percent":
        return ",.1f"
    values = [row[field] for row in rows if isinstance(row.get(field), (int, float))]
    return ",d" if all(float(v).is_integer() for v in values) else ",.1f"


def _field_defs(encoding: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for channel in _CHANNELS:
        defs = encoding.get(channel)
        for definition in defs if isinstance(defs, list) else [defs]:
            if isinstance(definition, dict) and "field" in definition:
                found.append((channel, definition))
    return found


def _describe(unit: dict[str, Any], encoding: dict[str, Any], names: dict[str, str | None],
              rows: list[dict]) -> None:
    """Give ``unit`` (a spec with a mark) its tooltip and screen-reader label, in place."""
    formats = {d["field"]: d["format"] for _, d in _field_defs({"tooltip": encoding.get("tooltip")})
               if "format" in d}
    items, seen = [], set()
    for channel, definition in _field_defs(encoding):
        field = definition["field"]
        if field in seen:
            continue
        seen.add(field)
        if field not in names and isinstance(definition.get("title"), str) and definition["title"].strip():
            names = {**names, field: definition["title"]}  # the axis or legend already names it for readers
        if field not in names:
            raise RenderError(f"the chart field {field!r} has no name for readers: name it in the figure's "
                              "declaration (chart_fields=...) or, shared, in templates/pdf/labels.yaml")
        if names[field] is None:
            continue
        kind = definition.get("type") or ("quantitative" if channel in ("x2", "y2") else "nominal")
        number = formats.get(field) or _number_format(field, rows) if kind == "quantitative" else None
        items.append((field, names[field], kind, number))
    mark = unit["mark"] if isinstance(unit["mark"], dict) else {"type": unit["mark"]}
    unit["mark"] = mark
    unit["encoding"] = {key: value for key, value in unit.get("encoding", {}).items() if key != "tooltip"}
    if not items:
        mark["aria"] = False
        mark["tooltip"] = False
        return
    unit["encoding"]["tooltip"] = [
        {"field": field, "type": kind, "title": title, **({"format": number} if number else {})}
        for field, title, kind, number in items]
    parts = []
    for field, title, kind, number in items:
        value = f"datum[{json.dumps(field)}]"
        shown = f"format({value}, {json.dumps(number)})" if number else f"'' + {value}"
        parts.append(f"{json.dumps(title + ': ')} + (isValid({value}) ? {shown} : {json.dumps(_MISSING)})")
    mark["description"] = {"expr": " + '; ' + ".join(parts)}
    for overlay in ("point", "line"):  # a line's points (mark_line(point=True)) are marks of their own
        if mark.get(overlay):
            mark[overlay] = {**(mark[overlay] if isinstance(mark[overlay], dict) else {}),
                             "description": mark["description"]}


def _walk(spec: Any, names: dict[str, str | None], rows: list[dict], inherited: dict[str, Any]) -> None:
    if not isinstance(spec, dict):
        return
    encoding = {**inherited, **spec.get("encoding", {})}
    if "mark" in spec:
        _describe(spec, encoding, names, rows)
    for child in spec.get("layer", []):
        _walk(child, names, rows, encoding)
    for key in ("hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            _walk(child, names, rows, {})
    if isinstance(spec.get("spec"), dict):
        _walk(spec["spec"], names, rows, {})


def interactive_spec(spec: dict[str, Any], names: dict[str, str | None]) -> dict[str, Any]:
    """A copy of the Vega-Lite ``spec`` with tooltips and screen-reader labels in the report's words.

    ``names`` maps each field to its name for readers (``labels_for(language)["chart_fields"]``);
    a field mapped to None (a reference line's position) is never shown. A field without a
    name is a :class:`RenderError`: no data name reaches a reader.
    """
    spec = copy.deepcopy(spec)
    _walk(spec, names, _rows(spec), {})
    config = spec.setdefault("config", {})
    for part in ("axis", "legend", "title"):  # a title's label is Vega's, in English ("Title text ...")
        config.setdefault(part, {})["aria"] = False
    return spec
