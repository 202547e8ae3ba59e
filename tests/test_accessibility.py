"""The interactive report for a keyboard, a screen reader and a phone: axe-core in headless Chromium, and by hand.

axe-core (npm, pinned in package.json) runs its WCAG 2.0 and 2.1 A and AA
rules on each edition's report.html at 1280 and at 375 px: no violation of any
impact (tests/axe.py); every edition in the default theme, and one edition in
each other shipped theme. In the same browser, what axe cannot see:

* the first Tab reaches the skip link, and following it puts the focus in the text;
* each chart is one image whose menu (save as SVG or PNG) is outside it,
  named in the report's language;
* at 375 px no chart text is smaller than 10 px;
* every chart has its values in a table under it that the keyboard reaches and opens
  (Tab to its summary, Enter), and what each mark's tooltip shows (a mouse only) in a
  list after the chart that opens the same way.

Fast: every shipped theme's chart colours reach 3:1 against its background
(WCAG 1.4.11), and the boxes :mod:`via_reports.render.html_access` adds are
focusable, named and escaped.
"""

from __future__ import annotations

import pytest
from axe import Browser, needs_axe

from via_reports.render.html_access import for_screen
from via_reports.render.labels import labels_for
from via_reports.theme.themes import available_themes, chart_style, contrast_ratio, load_theme

#: Every edition: interim and final, Dutch and English, internal and public (the builds shared with
#: tests/test_pdf_ua.py and tests/test_docx.py, each built once per run).
EDITIONS = ["demo-T1-nl", "demo-T1-en", "demo-T2-nl", "demo-T2-en",
            "public-T1-nl", "public-T1-en", "public-T2-nl", "public-T2-en"]
WIDTHS = (1280, 375)
#: The shipped themes other than the default, which every edition above is built in.
OTHER_THEMES = [name for name in available_themes() if name != "default"]


@pytest.mark.parametrize("name", sorted(available_themes()))
def test_every_chart_colour_of_every_theme_stands_out_from_the_background(name):
    theme = load_theme(name)
    style = chart_style(theme)
    colours = {*style.palette, *style.scale_palette, style.bar_color, style.total_color, style.missing_color}
    background = theme.colors["background"]
    weak = {c: round(contrast_ratio(c, background), 2) for c in colours if contrast_ratio(c, background) < 3}
    assert not weak, f"theme {name}: chart colours below 3:1 against {background}: {weak}"


def test_table_and_chart_boxes_are_focusable_named_and_escaped():
    labels = labels_for("nl")
    body = ('<div class="table-wrap small"><table><caption>Aantal &lt;b&gt; "x"</caption><tr><th>a</th></tr></table></div>'
            '<div class="table-wrap"><table><thead><tr><th scope="col">Jaar</th><th scope="col">n</th></tr></thead>'
            '</table></div>'
            '<figure><figcaption><span class="figure-label">Figuur 3.1.</span> Iets</figcaption>'
            '<div class="chart" id="vis-fig-a" role="img" aria-label="alt"><svg><text>1</text></svg></div></figure>')
    out = for_screen(body, labels)
    assert '<div class="table-wrap small" tabindex="0" role="group" aria-label="Aantal &lt;b&gt; &quot;x&quot;">' in out
    assert '<div class="table-wrap" tabindex="0" role="group" aria-label="Tabel: Jaar, n">' in out
    assert ('<div class="chart-scroll" tabindex="0" role="group" aria-label="Figuur 3.1">'
            '<div class="chart" id="vis-fig-a" role="img" aria-label="alt"><svg><text>1</text></svg></div></div>'
            '<div class="chart-tools" id="tools-vis-fig-a" data-name="Figuur 3.1"></div>') in out


@pytest.fixture(scope="module")
def browser():
    chromium = Browser()
    yield chromium
    chromium.close()


@pytest.mark.slow
@needs_axe
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", EDITIONS)
def test_axe_finds_no_violation(any_edition, browser, name, width):
    violations = browser.axe(any_edition(name) / "report.html", width)
    assert not violations, [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][:2]) for v in violations]
    if width == 375:
        sizes = browser.driver.execute_script("""
            var out = [];
            document.querySelectorAll('.chart svg text').forEach(function (t) {
              var m = t.getScreenCTM();
              // the scale of the text's own matrix (an axis title turned by 90 degrees has a = 0, b = 1)
              if (m && t.textContent.trim()) out.push(parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b));
            });
            return out;""")
        assert sizes and min(sizes) >= 10 - 1e-6, f"chart text of {min(sizes):.1f} px on a phone"


@pytest.fixture(scope="module")
def themed(made_once):
    """``themed(theme)``: the demo's interim report (Dutch) in a shipped theme, only its HTML, built once per run."""
    from via_reports.report.build import BuildOptions, build_report

    def built(theme: str):
        return made_once(f"demo-T1-nl-theme-{theme}", lambda folder: build_report(BuildOptions(
            out=folder / "report", wave="T1", language="nl", theme=theme, formats=["html"]))) / "report"

    return built


def test_every_shipped_theme_is_in_the_axe_matrix():
    assert "default" in available_themes() and "neutral" in OTHER_THEMES


@pytest.mark.slow
@needs_axe
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", OTHER_THEMES)
def test_axe_finds_no_violation_in_every_shipped_theme(themed, browser, theme, width):
    """The editions above are in the default theme; the page's colours, fonts and charts of each
    other theme (the neutral one) are checked on one edition, at both widths."""
    violations = browser.axe(themed(theme) / "report.html", width)
    assert not violations, [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][:2]) for v in violations]


@pytest.mark.slow
@needs_axe
@pytest.mark.parametrize("name", ["demo-T2-nl", "demo-T1-en"])
def test_a_keyboard_reaches_the_text_the_charts_menus_and_their_values(any_edition, browser, name):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    language = name.split("-")[2]
    labels = labels_for(language)
    browser.open(any_edition(name) / "report.html", 1280)
    driver = browser.driver
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    first = driver.switch_to.active_element
    assert first.get_attribute("class") == "skip-link" and first.text == labels["skip_to_content"]
    first.send_keys(Keys.ENTER)
    assert driver.execute_script("return document.activeElement.id") == "content"

    charts = driver.execute_script("""
        return [...document.querySelectorAll('.chart[role=img]')].map(function (chart) {
          var focusable = chart.querySelectorAll('a, button, summary, details, [tabindex]');
          var tools = document.getElementById('tools-' + chart.id);
          var summary = tools && tools.querySelector('details > summary');
          var figure = chart.closest('figure');
          var table = figure && figure.querySelector('details.figure-data table');
          var values = tools && tools.querySelector('details.chart-values');
          return [chart.id, focusable.length, summary ? summary.textContent : null,
                  tools ? tools.getAttribute('data-name') : null, !!table,
                  values ? values.querySelector('summary').textContent : null,
                  values ? [...values.querySelectorAll('li')].map(li => li.textContent) : [],
                  [...chart.querySelectorAll('[role=graphics-symbol][aria-label]')].length];
        });""")
    assert charts
    for chart_id, inside, summary, figure, table, values, items, marks in charts:
        assert inside == 0, f"{chart_id}: something to press inside the chart image"
        assert figure.startswith(labels["figure"] + " ") and summary == labels["chart_actions"].format(figure=figure)
        assert table, f"{chart_id}: no table of its values"
        # what a mark's tooltip shows, listed for the keyboard: one item per distinct mark
        assert marks and values == labels["chart_values"].format(figure=figure), chart_id
        assert items and len(items) <= marks and all(": " in item for item in items), (chart_id, items[:3])
    # the table of a chart's values opens from the keyboard: Tab to its summary, Enter
    summary = driver.find_element(By.CSS_SELECTOR, "figure details.figure-data > summary")
    driver.execute_script("arguments[0].scrollIntoView()", summary)
    for _ in range(400):
        if driver.switch_to.active_element == summary:
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element == summary, "Tab never reaches the first chart's table of values"
    assert summary.text == labels["data_table"]
    summary.send_keys(Keys.ENTER)
    table = summary.find_element(By.XPATH, "..").find_element(By.TAG_NAME, "table")
    assert table.is_displayed() and table.find_elements(By.CSS_SELECTOR, "tbody td")

    values = driver.find_element(By.CSS_SELECTOR, ".chart-tools details.chart-values > summary")
    values.send_keys(Keys.ENTER)  # a summary takes the focus and opens with Enter, as the table's does
    assert values.find_element(By.XPATH, "..").find_element(By.TAG_NAME, "li").is_displayed()
    menus = driver.execute_script("""
        return [...document.querySelectorAll('.chart-tools .vega-actions a')].map(a => a.textContent);""")
    assert set(menus) == {labels["chart_save_svg"], labels["chart_save_png"]}
