"""The renderer: a small fake report to PDF and HTML, checked as a reader and a
screen reader would check it (structure, tags, fonts, reproducibility)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import yaml

from via_reports.data.study import parse_study
from via_reports.exceptions import RenderError
import via_reports.figures.instruments  # these two declare the chart fields of make_document's figures
import via_reports.figures.participants
from via_reports.figures.charts import configure
from via_reports.figures.figure import Figure
from via_reports.document.model import (
    Chapter,
    FigureBlock,
    MarkdownBlock,
    QuoteBlock,
    ReportDocument,
    number_document,
    resolve_references,
)
from via_reports.theme.themes import available_themes, chart_style, contrast_ratio, load_theme, themes_dir

pytestmark = pytest.mark.slow

STUDY = {
    "contract_version": 1,
    "report_language": "nl",
    "title": "Wijkgericht en intensief ondersteunen bij integratie op de arbeidsmarkt",
    "subtitle_interim": "Tussenrapport over onderzoek naar de VIA-pilot in Enschede",
    "pilot_name": "VIA-pilot Enschede",
    "client": "Gemeente Enschede",
    "authors": ["A. Auteur", "B. Auteur"],
    "contributors": ["A. Medewerker", "B. Medewerker"],
    "place": "Utrecht",
    "publication_date": "2021-04-01",
    "isbn": "978-0-00-000000-2",
    "publisher": {"name": "Instituut X", "address": ["Straat 1"]},
    "cover_photo_credit": "Eigen beeld",
    "study_period": {"start": "2019-11-01", "end": "2021-06-30"},
    "reference_date": "2020-12-31",
    "synthetic": True,
    "waves": {"T0": {"fieldwork": ["2019-12-15", "2020-08-07"]},
              "T1": {"fieldwork": ["2020-10-15", "2021-01-08"]}},
}


def _study():
    study, problems = parse_study(STUDY)
    assert study is not None, problems
    return study


def _age_sex(style) -> Figure:
    data = pd.DataFrame({
        "age_group": ["<=39", "<=39", "40-49", "40-49", ">=50", ">=50"],
        "sex": ["female", "male"] * 3,
        "count": [30, 15, 30, 15, 23, 21],
    })
    data["n"] = 134
    data["percent"] = (data["count"] / 134 * 100).round(1)
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("age_group:N", title="Leeftijdsgroep", sort=["<=39", "40-49", ">=50"]),
        xOffset="sex:N",
        y=alt.Y("count:Q", title="Aantal"),
        color=alt.Color("sex:N", title="Geslacht"),
    ).properties(width=360, height=200)
    chart = configure(chart, style)
    table = pd.DataFrame({"Leeftijdsgroep": ["≤39", "40–49", "≥50"], "Vrouwen": [30, 30, 23],
                          "Mannen": [15, 15, 21], "Percentage": [33.6, 33.6, 32.8]})
    return Figure(
        id="participants.age_sex", title="Deelnemers naar leeftijdsgroep en geslacht", n=134, data=data,
        chart=chart, alt_text="Staafdiagram. ≤39 jaar: 30 vrouwen, 15 mannen; 40–49 jaar: 30 vrouwen, "
                              "15 mannen; ≥50 jaar: 23 vrouwen, 21 mannen.",
        table=table, notes=["Percentages zijn van alle 134 deelnemers."])


def _education(style) -> Figure:
    data = pd.DataFrame({"education_label": ["none", "primary", "vmbo", "mbo2"], "count": [59, 20, 30, 25]})
    data["n"] = 134
    data["percent"] = (data["count"] / 134 * 100).round(1)
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("education_label:N", title=None, sort=None), x=alt.X("count:Q", title="Aantal"),
    ).properties(width=360, height=120)
    chart = configure(chart, style)
    return Figure(id="participants.education", title="Hoogst afgeronde opleiding in Nederland", n=134,
                  data=data, chart=chart,
                  alt_text="Staafdiagram. Geen onderwijs in Nederland 59, basisonderwijs 20, vmbo 30, mbo 2 25.")


def _instruments(style) -> Figure:
    data = pd.DataFrame({"instrument_label": ["power", "roc", "any"], "count": [22, 11, 46]})
    data["n"] = 124
    data["percent"] = (data["count"] / 124 * 100).round(1)
    chart = configure(alt.Chart(data).mark_bar().encode(x=alt.X("instrument_label:N", title=None), y="count:Q"), style)
    return Figure(id="instruments.use", title="Inzet van instrumenten op T1", n=124, data=data, chart=chart,
                  alt_text="Staafdiagram. Activeringscentrum 22, Taaltraject 11, minstens één 46.")


def make_document(*, synthetic: bool = True, extra_text: str = "", theme: str = "default") -> ReportDocument:
    """A small report whose figures are charted in ``theme``'s style, as a build makes them."""
    style = chart_style(load_theme(theme))
    intro = MarkdownBlock(
        "## Het onderzoek\n\n"
        "Dit tussenrapport beschrijft de eerste twee metingen.[^1] De deelnemers staan in "
        "{chap:participants}; hun leeftijd in {fig:participants.age_sex}.\n\n"
        "[^1]: De eerste meting heet T0, de tweede T1.\n\n"
        "## Leeswijzer\n\n"
        "- **Hoofdstuk 2** beschrijft de deelnemers;\n- hoofdstuk 3 de instrumenten.\n" + extra_text)
    participants = [
        MarkdownBlock("## Achtergrondkenmerken\n\n{Fig:participants.age_sex} toont leeftijd en geslacht."
                      "[^age]\n\n[^age]: Leeftijd op 31 december 2020."),
        FigureBlock(_age_sex(style)),
        MarkdownBlock("Veel deelnemers hebben geen opleiding in Nederland ({fig:participants.education})."),
        FigureBlock(_education(style)),
        QuoteBlock("Het contact is intensiever dan vroeger.", speaker="Een professional:"),
        MarkdownBlock("## Participatie\n\nDe participatie daalt licht.\n\n> Een deelnemer:\n>\n> Ik ga nu "
                      "elke week naar het activeringscentrum."),
    ]
    instruments = [MarkdownBlock("## Gebruik\n\nZie {fig:instruments.use} en {app:data_tables}."),
                   FigureBlock(_instruments(style))]
    return ReportDocument(
        kind="interim",
        study=_study(),
        synthetic=synthetic,
        summary=["In totaal zijn **134 deelnemers** gestart. De meesten hebben een **lange afstand** tot "
                 "de arbeidsmarkt ({fig:participants.age_sex})."],
        chapters=[Chapter("introduction", "Inleiding", [intro]),
                  Chapter("participants", "Beschrijving van de deelnemers", participants),
                  Chapter("instruments", "Inzet van instrumenten", instruments)],
        appendices=[Chapter("selection", "Selectie van deelnemers aan de VIA-pilot",
                            ["Van de 238 geschikte personen zijn er 170 geselecteerd."])],
        provenance={"data_fingerprint": "sha256:0123456789abcdef0123456789abcdef", "contract_version": 1,
                    "package_version": "0.1.0", "parameters": {"report": "interim", "min_n": 10},
                    "publication_date": "2021-04-01"},
    )


# --------------------------------------------------------------------------- PDF reading helpers

def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def _pdf_objects(path: Path) -> bytes:
    """All PDF bytes with every Flate stream (incl. object streams) inflated."""
    raw = path.read_bytes()
    out = [raw]
    for match in re.finditer(rb"stream\r?\n", raw):
        start = match.end()
        try:
            out.append(zlib.decompressobj().decompress(raw[start:start + 5_000_000]))
        except zlib.error:
            continue
    return b"\n".join(out)


def _figure_alt_texts(path: Path) -> list[str]:
    """The /Alt of every /Figure element of the PDF's structure tree, in document order."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found = []

    def walk(node) -> None:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt")))
            if "/K" in node:
                walk(node["/K"])

    walk(PdfReader(str(path)).trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.fixture(scope="session")
def rendered(made_once):
    """(document, PDF, HTML) of :func:`make_document`, rendered once per test run."""
    from types import SimpleNamespace

    from via_reports.render import render_html, render_pdf

    def make(folder):
        render_pdf(make_document(), "default", folder / "report.pdf")
        render_html(make_document(), "default", folder / "report.html")

    folder = made_once("rendered", make)
    return (make_document(), SimpleNamespace(path=folder / "report.pdf"),
            SimpleNamespace(path=folder / "report.html"))


# --------------------------------------------------------------------------- document model

def test_numbering_and_references():
    doc = make_document()
    numbering = number_document(doc)
    assert numbering.chapters == {"introduction": "1", "participants": "2", "instruments": "3"}
    assert numbering.figures == {"participants.age_sex": "2.1", "participants.education": "2.2",
                                 "instruments.use": "3.1"}
    assert numbering.appendices["selection"] == "1"
    assert numbering.appendices["data_tables"] == "3"
    text = resolve_references("Zie {fig:participants.age_sex}; {Chap:instruments}.", numbering, "nl",
                              markdown_links=False)
    assert text == "Zie figuur 2.1; Hoofdstuk 3."
    assert resolve_references("{fig:instruments.use}", numbering, "en", markdown_links=False) == "figure 3.1"
    manifest = numbering.manifest(doc)
    assert manifest[0]["number"] == "2.1"
    assert manifest[0]["caption"] == "Figuur 2.1. Deelnemers naar leeftijdsgroep en geslacht (n=134)"


def test_unknown_reference_is_an_error():
    doc = make_document()
    with pytest.raises(RenderError, match=r"\{fig:participants.nope\}"):
        resolve_references("zie {fig:participants.nope}", number_document(doc), "nl")


def test_themes_load_and_meet_contrast():
    assert {"default", "neutral"} <= set(available_themes())
    for name in ("default", "neutral"):
        theme = load_theme(name)
        for color in theme.palette:
            assert contrast_ratio(color, theme.colors["background"]) >= 4.5
        assert contrast_ratio(theme.colors["text"], theme.colors["background"]) >= 4.5


# --------------------------------------------------------------------------- the PDF

def test_pdf_structure(rendered):
    doc, result, _ = rendered
    text = _pdf_text(result.path)
    flat = re.sub(r"\s+", " ", text)
    # cover and title page
    assert "Synthetische demonstratiedata" in flat
    assert "Tussenrapport over onderzoek naar de VIA-pilot in Enschede" in flat
    assert "Utrecht, april 2021" in flat
    assert "Auteurs" in flat
    # contents with page numbers (dot leaders end in a number)
    assert re.search(r"Inhoud", text)
    assert re.search(r"1 Inleiding[ .]*\d+", flat)
    assert re.search(r"2\.1\. Achtergrondkenmerken[ .]*\d+", flat)
    assert re.search(r"Bijlage 1: Selectie van deelnemers aan de VIA-pilot[ .]*\d+", flat)
    assert re.search(r"Bijlage 2: Codeboek[ .]*\d+", flat)
    # figures: caption with number and n; references resolved
    assert "Figuur 2.1. Deelnemers naar leeftijdsgroep en geslacht (n=134)" in flat
    assert "Figuur 3.1. Inzet van instrumenten op T1 (n=124)" in flat
    assert "Figuur 2.1 toont leeftijd" in flat
    assert "{fig:" not in flat
    # data tables appendix, codebook, provenance, colophon
    assert re.search(r"Tabel B3\.1\. Deelnemers naar leeftijdsgroep en geslacht \(n=134\), bij figuur 2\.1", flat)
    assert "participant_id" in flat and "geslacht" in flat
    assert "sha256:0123456789abcdef" in flat
    for word in ("Colofon", "Opdrachtgever", "Gemeente Enschede", "Met medewerking van", "ISBN 978-0-00-000000-2",
                 "Uitgave", "auteursrecht"):
        assert word in flat, word
    assert "copyright" not in flat, "the Dutch edition has its copyright in Dutch only"
    assert "Een professional:" in flat and "Een deelnemer:" in flat


def test_pdf_is_tagged_with_language_title_and_alt(rendered):
    _, result, _ = rendered
    objects = _pdf_objects(result.path)
    assert b"/StructTreeRoot" in objects
    assert b"/MarkInfo" in objects
    assert b"/Lang (nl-NL)" in objects
    assert b"/Title (Wijkgericht en intensief" in objects
    figures = [b.figure for c in make_document().chapters for b in c.blocks if isinstance(b, FigureBlock)]
    # every chart is a /Figure of the structure tree with its alt text; the logo carries the publisher's name (study.yaml's)
    assert _figure_alt_texts(result.path) == ["Instituut X", *[f.alt_text for f in figures]]
    assert b"pdfuaid" in objects
    assert b"/Outlines" in objects


def test_pdf_embeds_only_theme_fonts(rendered):
    _, result, _ = rendered
    if shutil.which("pdffonts"):
        out = subprocess.run(["pdffonts", str(result.path)], check=True, capture_output=True, text=True).stdout
        rows = out.splitlines()[2:]
        assert rows
        for row in rows:
            assert "Lato" in row, row
            assert re.search(r"\byes\s+yes\s+yes\b", row), row  # embedded, subset, unicode
    objects = _pdf_objects(result.path)
    assert b"/FontFile2" in objects or b"/FontFile3" in objects
    assert b"DejaVu" not in objects


def test_pdf_is_byte_identical_when_rendered_again(rendered, tmp_path):
    from via_reports.render import render_pdf

    doc, result, _ = rendered
    again = render_pdf(make_document(), "default", tmp_path / "again.pdf")
    assert again.path.read_bytes() == result.path.read_bytes()
    from pypdf import PdfReader

    created = PdfReader(str(result.path)).metadata.creation_date  # the publication date, never the clock
    assert (created.year, created.month, created.day) == (2021, 4, 1)


def test_neutral_theme_renders_english(tmp_path):
    from via_reports.render import render_pdf

    doc = make_document(synthetic=False, theme="neutral")
    doc.language = "en"
    for chapter in doc.chapters:
        for block in chapter.blocks:
            if isinstance(block, FigureBlock):
                block.figure.language = "en"
    result = render_pdf(doc, "neutral", tmp_path / "neutral.pdf")
    flat = re.sub(r"\s+", " ", _pdf_text(result.path))
    assert "Contents" in flat and "Colophon" in flat and "Appendix 1:" in flat
    assert "Figure 2.1." in flat
    assert "Synthetic demonstration data" not in flat
    assert b"/Lang (en-GB)" in _pdf_objects(result.path)
    if shutil.which("pdffonts"):
        out = subprocess.run(["pdffonts", str(result.path)], check=True, capture_output=True, text=True).stdout
        assert all("Inter" in row for row in out.splitlines()[2:])


# --------------------------------------------------------------------------- errors

def test_missing_logo_is_an_error(tmp_path):
    from via_reports.render import render_pdf

    theme = tmp_path / "broken"
    shutil.copytree(themes_dir() / "default", theme)
    spec = yaml.safe_load((theme / "theme.yaml").read_text())
    spec["logo"] = "no-such-logo.svg"
    (theme / "theme.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(RenderError, match="no-such-logo.svg"):
        render_pdf(make_document(), theme, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_missing_image_in_text_is_an_error(tmp_path):
    from via_reports.render import render_pdf

    doc = make_document(extra_text="\n![Kaart van de wijk](/nonexistent/kaart.png)\n")
    with pytest.raises(RenderError):
        render_pdf(doc, "default", tmp_path / "x.pdf")


def test_footnote_without_text_is_an_error(tmp_path):
    from via_reports.render import render_pdf

    doc = make_document(extra_text="\nNog een noot.[^missing]\n")
    with pytest.raises(RenderError, match="missing"):
        render_pdf(doc, "default", tmp_path / "x.pdf")


def test_low_contrast_theme_is_an_error(tmp_path):
    theme = tmp_path / "pale"
    shutil.copytree(themes_dir() / "neutral", theme)
    spec = yaml.safe_load((theme / "theme.yaml").read_text())
    spec["palette"] = ["#FFD700", "#2B4C7E"]
    (theme / "theme.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(RenderError, match="#FFD700"):
        load_theme(theme)


# --------------------------------------------------------------------------- HTML

def test_interactive_html_is_self_contained(rendered):
    _, _, html = rendered
    text = html.path.read_text(encoding="utf-8")
    assert '<html lang="nl-NL">' in text
    assert "vegaEmbed" in text
    assert "cdn.jsdelivr" not in text and "unpkg.com" not in text
    assert "https://" not in re.sub(r'"\$schema":"https://[^"]+"', "", text).split("<script>")[0]
    assert 'role="img" aria-label="Staafdiagram.' in text
    assert "Figuur 2.1." in text
    assert "@font-face" in text and "data:font/woff2;base64," in text
    assert 'id="fn-1"' in text


def test_interactive_html_is_reproducible(rendered, tmp_path):
    from via_reports.render import render_html

    _, _, html = rendered
    again = render_html(make_document(), "default", tmp_path / "again.html")
    assert again.path.read_bytes() == html.path.read_bytes()


def test_the_html_fonts_are_made_before_the_text_and_shared(tmp_path, monkeypatch):
    """A build subsets the HTML's fonts (and bundles vega) while its chapters run, before the text exists:
    to a fixed set of characters, so every report shares them. A text with a character beyond the set gets
    fonts with it."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    from via_reports.theme import cache as render_cache
    from via_reports.render import render_html
    from via_reports.theme.cache import RenderCache
    from via_reports.render.html import font_characters, prepare_html

    monkeypatch.setattr(render_cache, "_MEMORY", {})  # not the fonts earlier tests made in this process
    theme = load_theme("default")
    fonts = tmp_path / "cache" / "render" / "font"
    cache = RenderCache(tmp_path / "cache")
    document = make_document()
    prepare_html(theme, document.study.publication_date, cache)
    prepared = sorted(p.name for p in fonts.iterdir())
    assert len(prepared) == 4  # regular, italic, bold, bold italic

    def prepared_entries() -> list[Path]:  # what is not the report's own (its charts are)
        return sorted(p for kind in ("font", "vega-bundle") for p in (fonts.parent / kind).glob("*"))

    made = prepared_entries()
    assert len(made) == 5  # the fonts and the vega bundle
    render_html(document, theme, tmp_path / "plain.html", cache=cache)
    assert prepared_entries() == made  # the page made no font of its own, nor a bundle

    assert font_characters("Hoofdstuk 2 − ‘een’ ↩") == font_characters("")
    assert set(font_characters("Ștefan")) - set(font_characters("")) == {"Ș"}
    page = render_html(make_document(extra_text="\nȘtefan vertelt.\n"), theme, tmp_path / "more.html",
                       cache=cache).path.read_text(encoding="utf-8")
    assert len(list(fonts.iterdir())) == 8
    for data in re.findall(r"data:font/woff2;base64,([A-Za-z0-9+/=]+)", page):
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        assert ord("Ș") in font.getBestCmap() and ord("é") in font.getBestCmap()


def test_figure_without_alt_text_is_an_error(tmp_path):
    from via_reports.render import render_pdf

    doc = make_document()
    doc.chapters[2].blocks[1].figure.alt_text = " "
    with pytest.raises(RenderError, match="alt text"):
        render_pdf(doc, "default", tmp_path / "x.pdf")
