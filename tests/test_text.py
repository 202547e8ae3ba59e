"""Authored text with live numbers: placeholders read the figures' own data."""

from __future__ import annotations

import pandas as pd
import pytest

from via_reports.figures.figure import Figure
from via_reports.document.text import TextContext, TextError, render_text
from via_reports.document.text_files import split_title


def _figure(figure_id="participation.by_wave"):
    data = pd.DataFrame({
        "wave": ["T0", "T0", "T1", "T1"],
        "type": ["any", "paid_work", "any", "paid_work"],
        "count": [54, 10, 53, 12],
        "percent": [43.5, 8.1, 42.7, 9.7],
        "n": [124, 124, 124, 124],
    })
    return Figure(id=figure_id, title="t", n=124, data=data, chart=None, alt_text="")


@pytest.fixture
def context():
    return TextContext(figures={"participation.by_wave": _figure()}, language="nl",
                       study={"pilot_name": "VIA-pilot"}, facts={"n_pilot": 134})


def test_placeholders_take_numbers_from_the_figure(context):
    text = ('{{ study.pilot_name }}: {{ count("participation.by_wave", wave="T0", type="any") }} van '
            '{{ n("participation.by_wave") }} ({{ percent("participation.by_wave", wave="T1", type="any") }}), '
            '{{ sum_count("participation.by_wave", type="paid_work") }} betaald, {{ facts.n_pilot }} gestart; '
            'zie {{ fig("participation.by_wave") }}.')
    assert render_text(text, context) == ("VIA-pilot: 54 van 124 (43%), 22 betaald, 134 gestart; "
                                          "zie {fig:participation.by_wave}.")


@pytest.mark.parametrize("language, expected", [("nl", "6,5 · 0,05 · 2021 · 12.345 · ja"),
                                                  ("en", "6.5 · 0.05 · 2021 · 12,345 · ja")])
def test_numbers_in_a_text_are_written_as_its_language_writes_them(context, language, expected):
    context.language = language
    assert render_text("{{ 6.5 }} · {{ 0.05 }} · {{ 2021 }} · {{ 12345 }} · {{ 'ja' }}", context) == expected


def test_percent_in_text_rounds_half_away_from_zero():
    data = pd.DataFrame({"answer": ["5"], "count": [1], "percent": [12.5], "n": [8]})
    context = TextContext(figures={"satisfaction.overall": Figure("satisfaction.overall", "t", 8, data, None, "")},
                          language="nl")
    assert render_text('{{ percent("satisfaction.overall", answer="5") }}', context) == "13%"


@pytest.mark.parametrize("source, fragment", [
    ("{{ unknown_number }}", "unknown_number"),
    ('{{ count("participants.nope") }}', "unknown figure"),
    ('{{ count("participation.by_wave", wave="T9", type="any") }}', "0 rows"),
    ('{{ count("participation.by_wave", wave="T0") }}', "2 rows"),
    ('{{ count("participation.by_wave", colour="red") }}', "colour"),
    ("{{ study.nope }}", "nope"),
])
def test_unknown_placeholder_is_an_error_naming_file_and_line(context, source, fragment):
    with pytest.raises(TextError) as info:
        render_text("Eerste regel.\n\n" + source, context, name="conclusions.md")
    message = str(info.value)
    assert "conclusions.md, line 3" in message
    assert fragment in message


def test_syntax_error_names_the_line(context):
    with pytest.raises(TextError, match="intro.md, line 2"):
        render_text("ok\n{{ count( }}", context, name="intro.md")


def test_split_title():
    assert split_title("# Inleiding\n\nTekst.\n") == ("Inleiding", "Tekst.")
    assert split_title("Tekst.") == (None, "Tekst.")


def test_boolean_where_matches_exactly():
    data = pd.DataFrame({"born_nl": [True, True, False, False], "prior_paid_work_nl": [True, False, True, False],
                         "count": [29, 5, 58, 42], "percent": [0.0] * 4, "n": [134] * 4})
    context = TextContext(figures={"participants.born_nl_prior_work": Figure(
        "participants.born_nl_prior_work", "t", 134, data, None, "")}, language="nl")
    source = ('{{ count("participants.born_nl_prior_work", born_nl=false, prior_paid_work_nl=true) }} '
              '{{ sum_count("participants.born_nl_prior_work", born_nl=false) }}')
    assert render_text(source, context) == "58 100"
