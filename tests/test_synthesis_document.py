"""The synthesis as a document, without running its notebook or rendering it: the colophon,
the provenance table and the forest plots' data tables, built from small hand-made study reports
(the ``programme`` fixture of test_synthesis.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from test_synthesis import programme  # noqa: F401 (a fixture)

from via_reports.programme.programme_file import load_programme
from via_reports.programme.synthesis import _document
from via_reports.programme.synthesis_data import read_programme
from via_reports.programme.synthesis_notebook import SynthesisRun
from via_reports.render.assemble import _colophon
from via_reports.theme.themes import load_theme


def synthesis_document(path, reports, language: str, extra: str = ""):
    """The synthesis' ReportDocument of the programme file ``path`` (``extra`` appended to it)."""
    if extra:
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    run = SynthesisRun.from_parameters(str(path), str(reports), str(path.parent / "nb"), language)
    figures = [run.figure("synthesis.studies"), run.figure("synthesis.pooled")]
    figures += [run.figure(f"synthesis.forest.{outcome}") for outcome in run.outcomes]
    texts = [run.introduction()] + [f"text of {outcome}" for outcome in run.outcomes]
    collected = SimpleNamespace(figures=[f for f in figures if f is not None], texts=[(None, t) for t in texts])
    loaded = load_programme(path)
    studies, _ = read_programme(loaded, reports)
    return _document(loaded, collected, studies, language), run


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_colophon_names_its_owner_once_and_the_place_only_when_given(programme, tmp_path, language):  # noqa: F811
    doc, _ = synthesis_document(programme, tmp_path / "out", language)
    colophon = _colophon(doc, load_theme("default"))
    assert colophon["copyright_line"] == f"© via-reports, {'november' if language == 'nl' else 'November'} 2021."
    assert "via-reports, via-reports" not in str(colophon)
    given, _ = synthesis_document(programme, tmp_path / "out", language,
                                  "authors: [A. Voorbeeld, B. Voorbeeld]\nplace: Utrecht\n")
    colophon = _colophon(given, load_theme("default"))
    both = "A. Voorbeeld en B. Voorbeeld" if language == "nl" else "A. Voorbeeld and B. Voorbeeld"
    assert colophon["copyright_line"].startswith(f"© {both}, Utrecht, ")
    assert ("Auteurs" if language == "nl" else "Authors", ["A. Voorbeeld", "B. Voorbeeld"]) in colophon["rows"]


@pytest.mark.parametrize("language, row", [("nl", ("Gepoolde analyse", "Studies met loting")),
                                           ("en", ("Pooled analysis", "Studies by lot"))])
def test_the_provenance_names_the_pooled_analysis_in_words(programme, tmp_path, language, row):  # noqa: F811
    from via_reports.render.appendices import _provenance_rows
    from via_reports.render.labels import labels_for

    doc, _ = synthesis_document(programme, tmp_path / "out", language)
    rows = _provenance_rows(doc, labels_for(language))
    assert row in rows
    assert not [r for r in rows if "primary" in r[0] + r[1] or r[0] == "analysis"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_forest_table_holds_what_its_title_says_studies_and_pooled(programme, tmp_path, language):  # noqa: F811
    from test_meta_analysis import dersimonian_laird

    from test_synthesis import STUDIES
    from via_reports.render.appendices import data_table_html
    from via_reports.render.labels import labels_for

    _, run = synthesis_document(programme, tmp_path / "out", language)
    figure = run.figure("synthesis.forest.paid_work")
    table = figure.display_table
    by_lot = [s for s in STUDIES if s[1] == "by_lot"]
    expected = dersimonian_laird([s[2] for s in by_lot], [s[3] for s in by_lot])
    pooled_word, prediction_word = {"nl": ("Gepoold (studies met loting)", "Voorspellingsinterval"),
                                    "en": ("Pooled (studies by lot)", "Prediction interval")}[language]
    assert table["study"].tolist() == [s[0] for s in STUDIES] + [pooled_word, prediction_word]
    pooled, prediction = table.iloc[-2], table.iloc[-1]
    for name in ("effect", "ci_low", "ci_high"):
        assert pooled[name] == pytest.approx(expected[name], rel=1e-9)
    assert (prediction["ci_low"], prediction["ci_high"]) == pytest.approx((expected["pi_low"], expected["pi_high"]),
                                                                           rel=1e-9)
    assert pd.isna(prediction["effect"]) and pd.isna(pooled["se"])  # shown as the dash
    assert figure.data["study"].tolist() == [s[0] for s in STUDIES]  # the CSV: the studies alone, as before
    html = data_table_html(figure, labels_for(language), language, caption=None)
    assert html.count("<tr>") == 1 + len(STUDIES) + 2 and pooled_word in html
    # fewer than three studies by lot: a pooled row, no prediction interval
    two = run.pooled.assign(pi_low=float("nan"), pi_high=float("nan"))
    from via_reports.programme.synthesis_figures import forest_figure

    table = forest_figure("paid_work", run.table, two, language).display_table
    assert table["study"].tolist()[-1] == pooled_word
