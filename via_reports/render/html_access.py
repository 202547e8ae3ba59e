"""What the interactive page adds for a reader with a keyboard, a screen reader or a phone.

The chapters' HTML is shared with the PDF (:mod:`via_reports.render.markdown`,
:mod:`via_reports.render.appendices`); the screen needs more than paper, and
:func:`for_screen` adds it to a part's HTML:

* **Wide tables** scroll sideways on a phone inside their box
  (``.table-wrap``). A box that scrolls must be reachable by keyboard (WCAG
  2.1.1; axe-core's ``scrollable-region-focusable``), so it gets
  ``tabindex="0"`` and, as a named group, the table's caption (or its column
  headers) as its name.
* **Charts** keep their size on a phone, so that no text in them is smaller
  than on paper (the theme's chart font, 10 px at the least), and scroll
  sideways in a box of their own that is named and focusable like a table's.
  The chart itself stays one image (``role="img"``, the alt text as its name);
  its menu (save as SVG or PNG) is moved out of it by the page's script, into
  ``.chart-tools`` after it, and labelled in the report's language
  (``templates/pdf/interactive.html.j2``). The chart's values are reachable by
  keyboard in the table under each chart (``details.figure-data``), and what
  each mark's tooltip shows (a mouse only) in a list the page's script adds to
  ``.chart-tools`` (``details.chart-values``, from the marks' labels).

Values in these attributes are escaped: a caption is text from the data.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

_TABLE_WRAP = re.compile(r'<div class="table-wrap(?P<size>[^"]*)">(?P<table><table\b.*?</table>)', re.S)
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.S)
_HEADER = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_TAG = re.compile(r"<[^>]+>")
_CHART = re.compile(r'(?P<chart><div class="chart" id="(?P<id>vis-[^"]+)" role="img" aria-label="[^"]*">.*?</svg></div>)',
                    re.S)
_FIGURE_LABEL = re.compile(r'<span class="figure-label">(.*?)</span>', re.S)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(_TAG.sub(" ", fragment))).strip()


def _table_name(table: str, labels: dict[str, Any]) -> str:
    caption = _CAPTION.search(table)
    if caption and _text(caption.group(1)):
        return _text(caption.group(1))
    headers = [_text(h) for h in _HEADER.findall(table)[:4]]
    return f"{labels['table']}: {', '.join(h for h in headers if h)}" if any(headers) else labels["table"]


def for_screen(body: str, labels: dict[str, Any]) -> str:
    """A part's HTML with its table boxes and chart boxes focusable and named (see the module's text)."""
    def table(match: re.Match[str]) -> str:
        name = html_lib.escape(_table_name(match.group("table"), labels), quote=True)
        return (f'<div class="table-wrap{match.group("size")}" tabindex="0" role="group" aria-label="{name}">'
                f'{match.group("table")}')

    body = _TABLE_WRAP.sub(table, body)
    pieces, position = [], 0
    for match in _CHART.finditer(body):
        before = body[position:match.start()]
        label = _FIGURE_LABEL.findall(before)
        name = html_lib.escape(_text(label[-1]).rstrip(".") if label else labels["figure"], quote=True)
        pieces += [before, f'<div class="chart-scroll" tabindex="0" role="group" aria-label="{name}">',
                   match.group("chart"), "</div>",
                   f'<div class="chart-tools" id="tools-{match.group("id")}" data-name="{name}"></div>']
        position = match.end()
    pieces.append(body[position:])
    return "".join(pieces)
