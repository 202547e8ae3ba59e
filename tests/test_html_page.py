"""The interactive HTML as a reader sees it in a browser, on a desktop (1280 px) and a phone (390 px).

The page is opened in headless Debian ``chromium`` (tests/browser.py), in a
frame of the screen's width, with a measuring script added to a copy of the
page (and to its Content-Security-Policy, so that it may run): after the
charts are drawn it tells the frame's parent how wide the page is, how many
charts there are, how many hold a drawn SVG and the charts' screen-reader
labels. The page must never be wider than the window (a wide table
scrolls inside its own box), and every chart must be drawn. The screen-reader
labels Vega gives the marks are read from the same DOM: the chart's fields in
the report's words, numbers in the edition's format, no name of the data.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

import pytest
from browser import browse, needs_chromium
from editions import raw_words

from via_reports.render.chart_words import interactive_spec
from via_reports.render.html import content_security_policy
from via_reports.render.labels import labels_for

pytestmark = pytest.mark.slow


def field_names(language: str) -> dict:
    """What the HTML calls the charts' fields: labels.yaml's shared names and those the figures declare."""
    import via_reports.chapters.registry  # noqa: F401 - imports the figure modules, with their declarations
    from via_reports.figures.declaration import chart_field_names

    return {**labels_for(language)["chart_fields"], **chart_field_names(language)}

MEASURE = """<script>
window.addEventListener("load", function () {
  setTimeout(function () {
    var charts = document.querySelectorAll("div.chart");
    var drawn = 0, labels = [];
    for (var i = 0; i < charts.length; i++) {
      var svg = charts[i].querySelector("svg");
      if (svg && svg.getBoundingClientRect().width > 0 && svg.querySelector("path, rect, line")) { drawn++; }
      var named = charts[i].querySelectorAll("svg [aria-label]");
      for (var j = 0; j < named.length; j++) { labels.push(named[j].getAttribute("aria-label")); }
    }
    var wide = [];
    var all = document.querySelectorAll("body *");
    for (var k = 0; k < all.length && wide.length < 5; k++) {
      var box = all[k].getBoundingClientRect();
      if (box.right > window.innerWidth + 1 && !all[k].closest(".table-wrap")) {
        wide.push(all[k].tagName + "." + all[k].className + " " + Math.round(box.right));
      }
    }
    parent.postMessage(JSON.stringify({
      viewport: window.innerWidth, page: document.documentElement.scrollWidth, charts: charts.length,
      drawn: drawn, wide: wide, labels: labels}), "*");
  }, 10000);
});
</script>"""
#: A phone's screen: the report in a frame of the phone's width (a headless window is at least 500 px wide).
SCREEN = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="report.html" style="border:0;width:{width}px;height:900px"></iframe>
<script>window.addEventListener("message", function (event) {{
  document.body.setAttribute("data-measured", event.data); }});</script>
</body></html>"""


def screen(report: Path, folder: Path, width: int) -> Path:
    """A page that shows a copy of the report ``width`` px wide, the copy carrying the measuring script.

    The script's hash is added to the copy's Content-Security-Policy, so that it may run.
    """
    page = (report / "report.html").read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    head, _, tail = page.rpartition("</body>")  # the last one: the chart library's code holds one too
    page = head + MEASURE + "</body>" + tail
    (folder / "report.html").write_text(page.replace(policy, content_security_policy(page), 1), encoding="utf-8")
    (folder / "screen.html").write_text(SCREEN.format(width=width), encoding="utf-8")
    return folder / "screen.html"


@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("wave, language", [("T2", "nl"), ("T1", "en")])
def test_the_page_fits_the_screen_and_every_chart_is_drawn(edition, tmp_path, wave, language, width):
    report = edition("demo", wave, language)
    dom, console = browse(screen(report, tmp_path, width), width=max(width, 500) + 20)
    found = re.search(r'data-measured="([^"]*)"', dom)
    assert found, f"the measuring script did not run: {console}"
    measured = json.loads(html_lib.unescape(found.group(1)))
    figures = len(json.loads((report / "manifest.json").read_text())["figures"])
    assert measured["viewport"] == width
    assert measured["page"] <= width, {k: v for k, v in measured.items() if k != "labels"}
    assert measured["charts"] == figures and measured["drawn"] == figures, measured["drawn"]
    assert "Content Security Policy" not in console and "Error" not in console, console

    # every mark's screen-reader label names the fields in the report's words, numbers as the edition writes them
    labels = measured["labels"]
    names = field_names(language)
    marks = [label for label in labels if any(label.startswith(f"{name}: ") for name in names.values() if name)]
    assert len(marks) > 100, labels[:10]
    field = re.compile(rf"(^|; )({'|'.join(map(re.escape, names))}): ")
    assert not [label for label in labels if raw_words(label) or field.search(label)], labels
    decimal = {"nl": r"\d,\d", "en": r"\d\.\d"}[language]
    assert any(re.search(rf"{names['percent']}: {decimal}", label) for label in marks)


def test_every_chart_gets_tooltips_in_the_reports_words():
    """A bar chart's spec: tooltip titles and the mark's description from chart_fields, no field name."""
    import altair as alt
    import pandas as pd
    import vl_convert as vlc

    chart = alt.Chart(pd.DataFrame({"country_label": ["Turkije", "Irak"], "count": [33, 19]})).mark_bar().encode(
        y=alt.Y("country_label:N", title=None), x=alt.X("count:Q", title=None))
    spec = interactive_spec(chart.to_dict(), field_names("nl"))
    assert spec["encoding"]["tooltip"] == [
        {"field": "country_label", "type": "nominal", "title": "Land"},
        {"field": "count", "type": "quantitative", "title": "Aantal", "format": ",d"}]
    svg = vlc.vegalite_to_svg(spec)
    assert 'aria-label="Land: Turkije; Aantal: 33"' in svg
    assert "country_label" not in svg and "X-axis" not in svg


def test_a_chart_field_without_a_name_is_refused():
    from via_reports.exceptions import RenderError

    spec = {"mark": "bar", "encoding": {"x": {"field": "secret_column", "type": "quantitative"}}}
    with pytest.raises(RenderError, match="secret_column"):
        interactive_spec(spec, field_names("en"))


def test_the_points_of_a_line_carry_the_same_label():
    """mark_line(point=True) draws its points as marks of their own: they too are named in words."""
    import altair as alt
    import pandas as pd
    import vl_convert as vlc

    chart = alt.Chart(pd.DataFrame({"wave": ["T0", "T2"], "value": [44.1, 14.7], "group": ["VIA-pilot"] * 2})) \
        .mark_line(point=True).encode(x="wave:O", y=alt.Y("value:Q", title="%"), color="group:N")
    svg = vlc.vegalite_to_svg(interactive_spec(chart.to_dict(), field_names("nl")))
    labels = re.findall(r'aria-label="([^"]*)"', svg)
    assert labels and all(label.startswith("Waarde: ") for label in labels), labels
