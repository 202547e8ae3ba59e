"""Every edition in one language, and its pages as a reader turns them.

Both editions (nl, en) of the demo and of the tiny dataset, interim (T1) and
final (T2), are built once (the ``edition`` fixture, shared with the other
build tests). In the text of each PDF (the codebook's pages left out, where
the data's names are on purpose):

* no word of the other language's boilerplate (tests/editions.py reads both
  word lists from the report's own sources);
* no raw name of the data: no word with an underscore (``paid_work``), no
  code that is no word (``mbo1``) and, in the Dutch edition, no column, code
  or figure-CSV column that Dutch words do not use (``group``).

In the demo PDFs no caption ends a page without its figure or table, no
figure with a lead-in opens a page (its lead-in would be on the page before)
and no heading ends a page. tests/pdf_layout.py reads the positions of the
lines from poppler's ``pdftotext -bbox-layout``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from editions import other_language_words, raw_names, raw_words, reader_text, tokens, vocabulary
from pdf_layout import PT_PER_MM, figures_with_lead, layout_slips

from via_reports.render.labels import labels_for
from via_reports.theme.themes import load_theme

pytestmark = pytest.mark.slow

EDITIONS = [pytest.param(d, w, lang, id=f"{d}-{w}-{lang}")
            for d in ("demo", "tiny") for w in ("T1", "T2") for lang in ("nl", "en")]


def names_in(dataset: str) -> list[str]:
    """The names an edition shows as given (people, places, organisations, instruments): in no language."""
    if dataset == "demo":
        from via_reports.demo.numbers import INSTRUMENTS, STUDY
    else:
        from tiny import _INSTRUMENTS as INSTRUMENTS
        from tiny import STUDY
    keys = ("authors", "contributors", "place", "neighbourhood", "pilot_name", "client")
    names = [v for k, value in STUDY.items() if k.startswith(keys)
             for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    names += [text for row in INSTRUMENTS for text in row[1:] if text]
    theme = load_theme("default").publisher
    for publisher in (STUDY.get("publisher") or {}, dataclasses.asdict(theme) if theme else {}):
        names += [publisher.get(key) for key in ("name", "phone", "email", "web")]
        names += list(publisher.get("address") or [])
    names += ["via-reports", "VIA"]
    return [name for name in names if name]


def pdf_words(report: Path, dataset: str, language: str) -> str:
    return reader_text(report / "report.pdf", names=names_in(dataset),
                       skip_pages_titled=labels_for(language)["codebook_title"])


def test_the_word_lists_tell_the_languages_apart():
    """The check has teeth: typical boilerplate of each language is the other's slip."""
    assert {"meetmoment", "deelnemers", "tussenrapport"} <= other_language_words("en")
    assert {"wave", "participants", "interim"} <= other_language_words("nl")
    assert "deelnemers" in vocabulary("nl") and "participants" in vocabulary("en")
    assert raw_words("De kolom paid_work en country_label") == {"paid_work", "country_label"}


@pytest.mark.parametrize("dataset, wave, language", EDITIONS)
def test_an_edition_speaks_one_language(edition, dataset, wave, language):
    report = edition(dataset, wave, language)
    text = pdf_words(report, dataset, language)
    leaks = sorted(tokens(text) & other_language_words(language))
    assert not leaks, [re.search(rf".{{0,60}}\b{re.escape(w)}\b.{{0,60}}", text, re.I | re.S).group(0)
                       for w in leaks[:20]]


@pytest.mark.parametrize("dataset, wave, language", EDITIONS)
def test_an_edition_shows_no_raw_name_of_the_data(edition, dataset, wave, language):
    report = edition(dataset, wave, language)
    text = pdf_words(report, dataset, language)
    raw = raw_words(text)
    names = raw_names(sorted((report / "figures").glob("*.csv")))
    # a name of the data that is a plain word ("home", "any") reads as English: a slip only in the Dutch edition
    raw |= {w for w in re.findall(r"\w+", text)
            if w in names and (not w.isalpha() or language == "nl" and w.lower() not in vocabulary("nl"))}
    assert not raw, [re.search(rf".{{0,60}}\b{re.escape(w)}\b.{{0,60}}", text, re.S).group(0) for w in sorted(raw)]


@pytest.mark.parametrize("dataset, wave, language", EDITIONS)
def test_no_chart_cuts_a_label_off(edition, dataset, wave, language):
    """Vega shortens a label longer than its axis' limit to "…": the reader would miss the end of it.

    The charts as printed are the SVGs in the executed notebooks (the build's PDF and HTML use the same).
    """
    import nbformat

    cut = {}
    charts = 0
    for path in sorted((edition(dataset, wave, language) / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                svg = output.get("data", {}).get("image/svg+xml")
                if svg is None:
                    continue
                charts += 1
                svg = "".join(svg) if isinstance(svg, list) else svg
                words = re.sub(r"<[^>]+>", " ", svg)  # the text of the chart, tspans and all
                texts = re.findall(r".{0,40}\u2026", words)
                if texts:
                    cut[f"{path.stem}: {output['metadata'].get('via_reports', {}).get('figure')}"] = texts
    assert charts > 5
    assert not cut, cut


@pytest.mark.parametrize("wave, language", [
    ("T1", "nl"), ("T1", "en"), ("T2", "nl"), ("T2", "en")])
def test_no_caption_or_lead_in_parted_from_its_figure_or_table(edition, wave, language):
    report = edition("demo", wave, language)
    labels = labels_for(language)
    bottom_margin = float(re.findall(r"([0-9.]+)mm", load_theme("default").page_margin)[2])
    leads = figures_with_lead((report / "report.html").read_text(encoding="utf-8"), labels["figure"])
    assert leads, "the demo has figures with a lead-in: the check is not empty"
    slips = layout_slips(report / "report.pdf", bottom_margin_mm=bottom_margin, figure_word=labels["figure"],
                         table_word=labels["table"], figures_with_lead=leads)
    assert not slips, slips


def test_the_layout_check_finds_a_caption_at_the_foot_of_a_page(tmp_path):
    """A PDF made to slip: a caption as the last line of page 1, its table on page 2."""
    from weasyprint import HTML

    html = ("<style>@page { size: A5; margin: 20mm }</style>"
            + "<p>Tekst.</p>" * 3
            + "<p>Tabel 1.1. Een bijschrift dat alleen onderaan staat</p>"
            + '<p style="break-before: page">Figuur 2.1. Een figuur die een pagina opent</p>'
            + "<table><tr><td>1</td></tr></table>")
    HTML(string=html).write_pdf(tmp_path / "slip.pdf")
    slips = layout_slips(tmp_path / "slip.pdf", bottom_margin_mm=20 - 1 / PT_PER_MM, figure_word="Figuur",
                         table_word="Tabel", figures_with_lead={"2.1"})
    assert any("Tabel 1.1." in s and "ends the page" in s for s in slips), slips
    assert any("figure 2.1 opens the page" in s for s in slips), slips
