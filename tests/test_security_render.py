"""Markup from data, links, images, what WeasyPrint may fetch, the HTML's
Content-Security-Policy, and themes that reach out of their folder.
(Issue 8, items 1 and 2.)

The pages here are made with :func:`via_reports.render.build_html` (the HTML
WeasyPrint lays out, and the interactive page) from a small document, so no
notebook runs; the real build with a hostile dataset is in
``test_security_build.py``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import yaml

from via_reports import ParameterError, RenderError
from via_reports.cli import main
from via_reports.data.study import parse_study
from via_reports.figures.charts import configure
from via_reports.figures.figure import Figure
from via_reports.render import build_html
from via_reports.render.html import _script_json, _script_safe
from via_reports.render.pdf import confined_fetcher
from via_reports.document.model import Chapter, FigureBlock, MarkdownBlock, ReportDocument
from via_reports.theme.themes import chart_style, load_theme, themes_dir

ROOT = Path(__file__).resolve().parents[1]
SECRET_PATH = "/etc/passwd"
#: Raw HTML that would attach, run, frame, fetch or embed something if it were markup.
RAW_HTML = [
    f'<a rel="attachment" href="file://{SECRET_PATH}">bijlage</a>',
    f'<link rel="attachment" href="file://{SECRET_PATH}">',
    "<script>alert('xss')</script>",
    '<script src="https://evil.example/x.js"></script>',
    '<iframe src="https://evil.example/"></iframe>',
    f'<img src="file://{SECRET_PATH}">',
    f'<object data="file://{SECRET_PATH}"></object>',
    f'<svg><image href="file://{SECRET_PATH}"/></svg>',
    f"<style>@import url(file://{SECRET_PATH});</style>",
    '<div onmouseover="alert(1)">x</div>',
]
def elements(page: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of ``page`` with its attributes, as a browser (or WeasyPrint) would see them."""
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, {k: v or "" for k, v in attrs}))

        handle_startendtag = handle_starttag

    Collect().feed(page)
    return found


def markup_problems(page: str) -> list[str]:
    """What in ``page`` would attach, run, frame or fetch something."""
    problems = []
    for tag, attributes in elements(page):
        if tag in ("iframe", "object", "embed", "frame", "image", "base", "form"):
            problems.append(tag)
        if tag == "script" and "src" in attributes:
            problems.append("script src")
        if tag == "link" and attributes.get("rel") != "stylesheet":
            problems.append(f"link {attributes}")
        if tag == "img" and not attributes.get("src", "").startswith(("data:", (ROOT / "templates").as_uri())):
            problems.append(f"img {attributes.get('src')}")
        if tag == "a" and not re.match(r"^(#|https://example\.org/)", attributes.get("href", "#")):
            problems.append(f"a {attributes}")
        if "rel" in attributes and "attachment" in attributes["rel"]:
            problems.append(f"{tag} rel=attachment")
        problems += [f"{tag} {name}" for name in attributes if name.startswith("on")]
    problems += ["@import"] * len(re.findall(r"<style[^>]*>[^<]*@import", page))
    return problems


def _study(**changes):
    raw = {
        "contract_version": 1, "report_language": "nl", "title": "Testonderzoek", "pilot_name": "Testpilot",
        "client": "Gemeente Test", "authors": ["A. Auteur"], "place": "Utrecht",
        "publication_date": "2021-04-01", "study_period": {"start": "2019-11-01", "end": "2021-06-30"},
        "reference_date": "2020-12-31", "waves": {"T0": {"fieldwork": ["2019-12-15", "2020-08-07"]}},
    }
    raw.update(changes)
    study, problems = parse_study(raw)
    assert study is not None, problems
    return study


def _figure(label: str) -> Figure:
    data = pd.DataFrame({"instrument": ["power", "any"], "label": [label, "minstens één"], "count": [3, 4], "n": 8})
    chart = configure(alt.Chart(data).mark_bar().encode(x=alt.X("label:N", title=label), y=alt.Y("count:Q", title="Aantal")),
                      chart_style(load_theme("default")))
    return Figure(id="instruments.use", title=f"Gebruik van {label}", n=8, data=data, chart=chart,
                  alt_text=f"Staafdiagram. {label}: 3.", notes=[f"Let op: {label}."],
                  table=data[["label", "count"]].rename(columns={"label": label}))


def document(text: str, *, label: str = "Power", **study) -> ReportDocument:
    return ReportDocument(kind="interim", study=_study(**study),
                          chapters=[Chapter("introduction", "Inleiding", [MarkdownBlock(text)]),
                                    Chapter("instruments", "Instrumenten", [FigureBlock(_figure(label)),
                                                                            MarkdownBlock(f"Meest gebruikt: {label}.")])])


@pytest.fixture(scope="module")
def hostile_pages():
    """The hostile document as the PDF's and the interactive HTML page (its chart rendered: slow lane)."""
    payload = " ".join(RAW_HTML)
    links = ("[web](https://example.org/info) [js](javascript:alert(1)) [file](file:///etc/passwd) "
             "[local](/etc/passwd) [mail](mailto:a@example.org) <file:///etc/passwd> [intern]({fig:instruments.use})")
    doc = document(f"## Tekst\n\n{payload}\n\n{links}\n\n&lt;script&gt; &#60;b&#62;\n", label=payload,
                   client=f"Gemeente {payload}", title=f"Titel {payload}", authors=[payload],
                   download_url="javascript:alert(1)", cover_photo_credit=payload)
    return {mode: build_html(doc, "default", mode=mode) for mode in ("pdf", "html")}


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["pdf", "html"])
def test_markup_from_data_and_texts_is_text(hostile_pages, mode):
    page = hostile_pages[mode]
    assert markup_problems(page) == []
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page or "&lt;script&gt;alert(‘xss’)" in page
    scripts = re.findall(r"<script[^>]*>", page)
    if mode == "pdf":
        assert scripts == []
    else:
        assert all(s in ('<script>', '<script type="application/json" class="vega-spec" data-target='
                                     '"vis-fig-instruments-use">', '<script type="application/json" id="vega-locale">',
                                     '<script type="application/json" id="chart-words">')
                   for s in scripts), scripts
    assert "&lt;b&gt;" in page, "HTML entities in a text stay text"


@pytest.mark.slow
def test_links_only_inside_the_report_or_to_the_web_in_the_html(hostile_pages):
    for mode, page in hostile_pages.items():
        hrefs = {attributes["href"] for tag, attributes in elements(page) if tag == "a" and "href" in attributes}
        assert all(h.startswith("#") or h == "https://example.org/info" for h in hrefs), hrefs
        assert "#fig-instruments-use" in hrefs
        assert ('href="https://example.org/info"' in page) == (mode == "html")
        assert ">web<" in page or "web " in page  # the link text stays


def test_an_image_in_a_text_is_refused():
    with pytest.raises(RenderError, match=r"has an image \(/etc/passwd\)"):
        build_html(document("Kaart: ![wijk](/etc/passwd)"), "default")


def test_chart_specs_in_the_page_cannot_close_their_script():
    assert _script_safe("a</ScRiPt>b</script") == "a<\\/ScRiPt>b<\\/script"
    assert _script_json({"a": "</sCript><!--&"}) == '{"a":"\\u003c/sCript\\u003e\\u003c!--\\u0026"}'


@pytest.mark.slow
def test_the_interactive_page_runs_only_its_own_scripts(hostile_pages):
    page = hostile_pages["html"]
    head = page[:page.index("</head>")]
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head).group(1)
    assert head.index("Content-Security-Policy") < head.index("<title>")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    running = re.findall(r"<script>(.*?)</script>", page, re.S)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in running}
    assert len(running) == 2 and set(directives["script-src"].split()) == hashes
    assert directives["default-src"] == "'none'"
    for directive in ("connect-src", "frame-src", "object-src", "base-uri", "form-action"):
        assert directives[directive] == "'none'", directive
    assert directives["img-src"] == "data: blob:" and directives["font-src"] == "data:"
    assert "unsafe-eval" not in policy and "unsafe-inline" not in directives["script-src"]
    assert "ast: true" in running[1], "charts evaluate expressions without eval()"


# --------------------------------------------------------------------------- what WeasyPrint may read

def test_the_pdf_fetcher_reads_only_the_templates_and_the_theme(tmp_path):
    from weasyprint.urls import FatalURLFetchingError

    theme_folder = tmp_path / "theme"
    shutil.copytree(themes_dir() / "default", theme_folder)
    (theme_folder / "outside.svg").symlink_to(SECRET_PATH)
    fetcher = confined_fetcher(load_theme(theme_folder))
    logo = (theme_folder / "mark.svg").resolve()
    font = (ROOT / "templates" / "pdf" / "fonts" / "lato" / "Lato-Regular.ttf").resolve()
    assert fetcher.fetch(logo.as_uri()).read().startswith(b"<")
    assert fetcher.fetch(font.as_uri()).read(4) == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in (f"file://{SECRET_PATH}", "https://evil.example/x.css", "http://127.0.0.1:1/x",
                (theme_folder / "outside.svg").as_uri(), f"{theme_folder.as_uri()}/../../../../../etc/passwd",
                f"file://evil-host{SECRET_PATH}", "ftp://evil.example/x"):
        with pytest.raises(FatalURLFetchingError, match="it is not read"):
            fetcher.fetch(url)


@pytest.mark.slow
@pytest.mark.parametrize("reference", [f"file://{SECRET_PATH}", "https://evil.example/track.png",
                                       "../../../../../../etc/passwd"])
def test_an_svg_logo_that_refers_outside_stops_the_render(reference, tmp_path):
    from via_reports.render import render_pdf

    theme_folder = tmp_path / "theme"
    shutil.copytree(themes_dir() / "default", theme_folder)
    (theme_folder / "mark.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f'<image xlink:href="{reference}" width="10" height="10"/></svg>')
    with pytest.raises(RenderError, match="it is not read") as info:
        render_pdf(document("Tekst."), theme_folder, tmp_path / "report.pdf")
    assert "passwd" in str(info.value) or "evil.example" in str(info.value)
    assert not (tmp_path / "report.pdf").exists()


# --------------------------------------------------------------------------- themes stay in their folder

def _theme(tmp_path, change=None, css: str | None = None) -> Path:
    folder = tmp_path / "gemeente"
    shutil.copytree(themes_dir() / "default", folder)
    spec = yaml.safe_load((folder / "theme.yaml").read_text())
    if change:
        change(spec, folder)
    (folder / "theme.yaml").write_text(yaml.safe_dump(spec))
    if css is not None:
        (folder / "theme.css").write_text(css)
    return folder


def _link(name):
    def change(spec, folder):
        (folder / name).unlink()
        (folder / name).symlink_to(SECRET_PATH)
    return change


THEME_ATTACKS = {
    "logo out of the folder": (lambda s, f: s.update(logo="../../../../../../etc/passwd"), None, "lies outside"),
    "absolute logo": (lambda s, f: s.update(logo=SECRET_PATH), None, "is an absolute path"),
    "linked logo": (lambda s, f: (f.joinpath("logo.svg").symlink_to(SECRET_PATH), s.update(logo="logo.svg")),
                    None, "symbolic link"),
    "cover image out of the folder": (lambda s, f: s.update(cover_image="../x/../../../../etc/passwd"), None,
                                      "lies outside"),
    "interactive_css out of the folder": (lambda s, f: s.update(interactive_css="../../../../etc/passwd"), None,
                                          "lies outside"),
    "font out of the folder": (lambda s, f: s["fonts"]["body"]["files"].update(regular="../../../../etc/passwd"),
                               None, "lies outside"),
    "linked theme.css": (_link("theme.css"), None, "symbolic link"),
    "css url(file:)": (None, f"body {{ background: url(file://{SECRET_PATH}) }}", "refers to 'file:///etc/passwd'"),
    "css @import web": (None, '@import url("https://evil.example/x.css");', "refers to 'https://evil.example/x.css'"),
    "css absolute url": (None, f"@font-face {{ src: url({SECRET_PATH}) }}", "refers to '/etc/passwd'"),
    "css escaped url": (None, f"body {{ background: \\75 rl({SECRET_PATH}) }}", "refers to '/etc/passwd'"),
    "css url out of the folder": (None, "body { background: url(../../../../etc/passwd) }", "lies outside"),
}


@pytest.mark.parametrize("change, css, fragment", THEME_ATTACKS.values(), ids=list(THEME_ATTACKS))
def test_a_theme_cannot_reach_out_of_its_folder(change, css, fragment, tmp_path, capsys):
    folder = _theme(tmp_path, change, css)
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        load_theme(folder)
    out = tmp_path / "out"
    assert main(["build", "--theme", str(folder), "--out", str(out)]) == 2
    printed = capsys.readouterr().out
    assert "ParameterError" in printed and "root:" not in printed and "Traceback" not in printed
    assert not out.exists()


def test_a_linked_theme_yaml_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="symbolic link"):
        load_theme(_theme(tmp_path, _link("theme.yaml")))


def test_css_inside_the_theme_and_data_uris_are_fine(tmp_path):
    folder = _theme(tmp_path, css="body { background: url(mark.svg) } i { background: url(data:image/png;base64,AA==) }")
    assert load_theme(folder).css_path == folder.resolve() / "theme.css"


@pytest.mark.parametrize("change, fragment", [
    (lambda s, f: s["fonts"]["body"].update(family='Lato"; } body { background: url(/etc/passwd'), "font family"),
    (lambda s, f: s["page"].update(size="A4; } body { background: url(/etc/passwd) } @page {"), "page.size"),
])
def test_theme_values_written_into_css_cannot_break_out(change, fragment, tmp_path):
    with pytest.raises(RenderError, match=fragment):
        load_theme(_theme(tmp_path, change))


def test_yaml_aliases_in_a_theme_are_refused(tmp_path):
    folder = _theme(tmp_path)
    (folder / "theme.yaml").write_text("a: &a [x, x, x]\nb: [*a, *a]\n" + (folder / "theme.yaml").read_text())
    with pytest.raises(RenderError, match="aliases"):
        load_theme(folder)
