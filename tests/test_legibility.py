"""No chart text below 7 pt on paper (REPORTS.md, "Charts"), measured, in every figure of a built report.

A text's printed size is its font size in the chart's SVG times the scale at
which the PDF prints the chart; that scale is read from WeasyPrint's layout of
the chart with the report's stylesheet and the theme's page
(:mod:`via_reports.render.legibility`). The figures are the ones the build's
notebooks made, so the test covers whatever figures a report has.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_build import tiny_neutral_report  # noqa: F401 - the tiny dataset in the neutral theme, built once

from via_reports.theme.fit import fitted_spec, page_mm, shrunk, text_block_px, with_stacked_legends
from via_reports.render.legibility import MIN_PRINTED_PT, chart_texts, printed_sizes

# --------------------------------------------------------------------------- the measurement itself (fast)


def test_chart_texts_reads_every_text_with_its_font_size():
    svg = ('<svg width="400" height="100"><text font-size="10px">Betaald &amp; werk</text>'
           '<text font-family="Lato" font-size="8px" fill="#000"><tspan>two</tspan> <tspan>lines</tspan></text>'
           '<text font-size="9pt">nine points</text><text>no size</text><text font-size="10px"> </text></svg>')
    texts = chart_texts(svg)
    assert [(t.text, t.size_px) for t in texts] == [
        ("Betaald & werk", 10.0), ("two lines", 8.0), ("nine points", 12.0), ("no size", 16.0)]


def test_printed_size_is_font_size_times_printed_scale_in_points():
    svg = '<svg width="800" height="100"><text font-size="10px">a</text></svg>'
    # printed at 600 of 800 px: 10 px x 0.75 x 0.75 pt/px = 5.625 pt
    ((text, pt),) = printed_sizes(svg, 600.0)
    assert text.text == "a" and pt == pytest.approx(10 * 600 / 800 * 72 / 96)
    ((_, full),) = printed_sizes(svg, 800.0)
    assert full == pytest.approx(7.5)


@pytest.mark.parametrize("size, margin, expected_mm", [
    ("A4", "24mm 22mm 27mm 24mm", (164.0, 246.0)),
    ("A4", "25mm", (160.0, 247.0)),
    ("A4 landscape", "20mm 10mm", (277.0, 170.0)),
    ("170mm 240mm", "2cm 1cm 2cm 1cm", (150.0, 200.0)),
    ("letter", "1in", (215.9 - 50.8, 279.4 - 50.8)),
    ("A5", "10% 5%", (148 - 2 * 7.4, 210 - 2 * 21.0)),
])
def test_text_block_of_a_page(size, margin, expected_mm):
    width, height = text_block_px(size, margin)
    assert (width * 25.4 / 96, height * 25.4 / 96) == pytest.approx(expected_mm)
    assert page_mm("A4") == (210, 297)


def test_a_chart_too_wide_is_drawn_again_with_a_narrower_plot():
    spec = {"vconcat": [{"width": 400, "height": 100}, {"width": 400, "height": 50}],
            "config": {"legend": {"orient": "bottom"}}}
    drawn = []

    def render(s):  # a chart 250 px wider than its plots (labels) and 60 px higher
        drawn.append(s)
        width = max(v["width"] for v in s.get("vconcat", [s])) + 250
        height = sum(v["height"] for v in s.get("vconcat", [s])) + 60
        return f"<svg {width}x{height}>", (width, height)

    assert fitted_spec(spec, (600.0, 500.0), render) == "<svg 599.5x210>"
    assert [v["width"] for v in drawn[-1]["vconcat"]] == [349.5, 349.5]
    assert drawn[0]["config"]["legend"]["layout"]["bottom"]["direction"] == "vertical"
    assert spec["vconcat"][0]["width"] == 400  # the figure's own spec is not changed
    # a plot never goes below half its width: then the chart stays as it is (and the test below reports it)
    assert shrunk(spec, "width", 300, spec) is None
    assert fitted_spec({"width": 100, "height": 50}, (200.0, 500.0), render) == "<svg 350x110>"


def test_the_legends_of_a_chart_without_bottom_legends_are_left_alone():
    spec = {"width": 10, "config": {"legend": {"orient": "right"}}}
    assert with_stacked_legends(spec) is spec


# --------------------------------------------------------------------------- every figure of built reports

def report_svgs(report: Path) -> tuple[dict[str, str], str]:
    """Every figure of a built report as the PDF prints it (SVG), and the theme it was built in."""
    import json

    from via_reports.chapters.collect import collect_chapter
    from via_reports.theme.svg import render_svg
    from via_reports.theme.themes import load_theme

    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    theme = load_theme(manifest["report"]["parameters"]["theme"])
    svgs = {}
    for notebook in sorted((report / "notebooks").glob("*.ipynb")):
        for figure in collect_chapter(notebook.stem, notebook).figures:
            svgs[figure.id] = render_svg(figure.chart, theme, language=figure.language)
    return svgs, theme


@pytest.fixture(scope="session")
def demo_final_neutral_en(made_once, demo_data):
    """The demo's final report in English in the neutral theme (a smaller chart font, a narrower page)."""
    from via_reports.report.build import BuildOptions, build_report

    return made_once("demo-final-neutral-en", lambda folder: build_report(BuildOptions(
        data_dir=demo_data, out=folder / "report", wave="T2", language="en", theme="neutral"))) / "report"


@pytest.mark.slow
@pytest.mark.parametrize("report", ["demo_final_nl", "demo_final_neutral_en", "tiny_neutral_report"])
def test_no_chart_text_is_printed_below_7_pt(report, request, edition):
    from via_reports.render.legibility import illegible_texts

    if report == "demo_final_nl":
        folder = edition("demo", "T2", "nl")
    else:
        folder = request.getfixturevalue(report)
    svgs, theme = report_svgs(folder)
    assert len(svgs) >= 15
    if report != "tiny_neutral_report":  # a final report: the effects figures of statistics v3 are measured too
        assert {"effects.outcomes", "effects.flow", "effects.means", "effects.baseline"} <= set(svgs)
    problems = illegible_texts(svgs, theme)
    assert not problems, "\n".join(problems)
    assert MIN_PRINTED_PT == 7.0


@pytest.mark.slow
@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_synthesis_chart_text_is_printed_below_7_pt(language):
    """The synthesis report's figures (studies, pooled, a forest plot per outcome) in the house theme the
    synthesis is set in, for five studies with long names, one not by lot, three outcomes."""
    import pandas as pd

    from via_reports.programme.synthesis_figures import forest_figure, pooled_figure, pooled_rows, studies_figure
    from via_reports.render.legibility import illegible_texts
    from via_reports.theme.svg import render_svg
    from via_reports.theme.themes import chart_style, load_theme

    rows = []
    for i, study in enumerate(["enschede-zuid-2021", "hengelo-centrum-2022", "almelo-noord", "oldenzaal",
                               "borne-en-omstreken-2023"]):
        for outcome, effect, se in (("paid_work", 0.04 + 0.02 * i, 0.05), ("self_rated_health", 0.2 * i - 0.3, 0.3),
                                    ("job_search_hours", 0.5 - 0.3 * i, 0.6)):
            rows.append({"study": study, "outcome": outcome, "randomized": i != 3, "n_pilot": 40 + i,
                         "n_control": 60 - i, "effect": effect, "ci_low": effect - 1.96 * se,
                         "ci_high": effect + 1.96 * se, "se": se})
    studies = pd.DataFrame(rows)
    outcomes = ["paid_work", "self_rated_health", "job_search_hours"]
    pooled = pooled_rows(studies, outcomes)
    theme = load_theme("default")
    style = chart_style(theme)
    figures = [studies_figure(studies, language, style), pooled_figure(pooled, studies, language, style),
               *[forest_figure(o, studies, pooled, language, style) for o in outcomes]]
    svgs = {f.id: render_svg(f.chart, theme, language=language) for f in figures}
    assert len(svgs) == 5
    problems = illegible_texts(svgs, theme)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- plots that fit as first drawn

def _lato() -> str:
    from via_reports.resources import templates_dir

    return str(templates_dir() / "pdf" / "fonts" / "lato" / "Lato-Regular.ttf")


@pytest.mark.parametrize("text", ["mmmm", "iiii", "Betaald werk", "Ø 12,5%"])
def test_a_label_is_measured_as_the_font_sets_it(text):
    """Against FreeType (Pillow's basic layout), at 100 px where its hinting rounds the advances by little."""
    from PIL import ImageFont

    from via_reports.figures.charts import text_width_px

    expected = ImageFont.truetype(_lato(), 100, layout_engine=ImageFont.Layout.BASIC).getlength(text)
    assert text_width_px(text, _lato(), 100) == pytest.approx(expected, rel=0.01)
    assert text_width_px(text, _lato(), 20) == pytest.approx(2 * text_width_px(text, _lato(), 10))
    assert text_width_px("", _lato(), 10) == 0


def test_a_plot_gives_way_by_what_its_labels_would_push_the_chart_past_the_page():
    from dataclasses import replace

    from via_reports.figures.charts import AXIS_ALLOWANCE_PX, DEFAULT_STYLE, text_width_px

    page = replace(DEFAULT_STYLE, width=430, font_size=10, page_width=620.0, page_height=600.0, font_file=_lato())
    assert replace(page, page_width=None).plot_width_beside(["x" * 200]) == 430  # no page: as asked
    assert page.plot_width_beside(["Betaald werk", "Taal"]) == 430  # short labels: as asked
    long = "Meedoen in de maatschappij vindt men (heel) moeilijk"
    expected = 620.0 - text_width_px(long, _lato(), 10) - AXIS_ALLOWANCE_PX
    assert 300 < expected < 430
    assert page.plot_width_beside(["Taal", long]) == int(expected)  # whole pixels (vega-embed draws them exactly)
    # a label of two lines is as wide as its wider line
    assert page.plot_width_beside([f"Taal\n{long}"]) == page.plot_width_beside([long])
    assert page.plot_height_within(700, below=80) == 520 and page.plot_height_within(300, below=80) == 300
    assert replace(page, page_height=None).plot_height_within(700, below=80) == 700


@pytest.mark.slow
@pytest.mark.parametrize("language, kind", [("nl", "final"), ("en", "final"), ("nl", "interim")])
def test_every_demo_chart_fits_the_page_as_first_drawn(language, kind, monkeypatch):
    """Each chart is drawn once: a plot that fits the page at once spares the fit's second drawing (0.2–0.5 s
    of a kernel each, on the cold build's path), and the chart is printed at its own size."""
    import vl_convert as vlc

    from via_reports import load_dataset
    from via_reports.analysis.scope import Scope
    from via_reports.chapters.registry import chapter_figures, chapters_for
    from via_reports.theme.fit import chart_box_px
    from via_reports.theme.svg import render_svg, svg_size
    from via_reports.theme.themes import chart_style, load_theme

    theme = load_theme()
    style, box = chart_style(theme), chart_box_px(theme.page_size, theme.page_margin)
    dataset = load_dataset(None, language)
    waves = ("T0", "T1", "T2") if kind == "final" else ("T0", "T1")
    scope = Scope(waves=waves, language=language, min_n=10, kind=kind)
    drawn, draw = [], vlc.vegalite_to_svg
    monkeypatch.setattr(vlc, "vegalite_to_svg", lambda spec, **kw: drawn.append(1) or draw(spec, **kw))
    twice, too_big, charts = [], [], 0
    for chapter in chapters_for(kind):
        for figure in chapter_figures(chapter.id, dataset, scope, style):
            if figure.chart is None:
                continue
            drawn.clear()
            width, height = svg_size(render_svg(figure.chart, theme, language=language))
            charts += 1
            if len(drawn) > 1:
                twice.append(figure.id)
            if width > box[0] + 0.5 or height > box[1] + 0.5:
                too_big.append(f"{figure.id}: {width:.0f} x {height:.0f}")
    assert charts >= 15
    assert twice == [] and too_big == []


def test_a_chart_taller_than_a_page_prints_is_measured_at_the_width_it_is_drawn():
    """report.css caps a chart's height (``max-height``); a taller chart keeps its box's width but is drawn at
    its own proportions inside the lower box, so its text is smaller by height / cap, not by width."""
    from via_reports.render.legibility import printed_widths
    from via_reports.theme.fit import chart_box_px
    from via_reports.theme.themes import load_theme

    theme = load_theme()
    page_width, cap = chart_box_px(theme.page_size, theme.page_margin)

    def svg(width, height):
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}"><text font-size="10px" y="20">a</text></svg>')

    widths = printed_widths({"fits": svg(400, 300), "tall": svg(400, 2 * cap), "wide": svg(2 * page_width, 100)},
                            theme)
    assert widths["fits"] == pytest.approx(400, abs=0.5)
    assert widths["tall"] == pytest.approx(200, abs=1)  # drawn at half its size: its 10 px text is 3.75 pt
    assert widths["wide"] == pytest.approx(page_width, abs=1)
