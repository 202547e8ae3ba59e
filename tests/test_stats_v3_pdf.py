"""Statistics v3 wording read back from the rendered PDF (pypdf), Dutch and English, internal and public.

- Without assignment by lot (the demo without its ``randomized`` column): the effects chapter and the
  bottom line never say "aangetoond"/"demonstrated", and "effect" only in "oorzakelijk effect"/"causal
  effect" (that the comparison cannot show one).
- Never "ongeveer gelijk"/"about the same" after a test.
- The primary outcome is answered first in the bottom line.
- Public edition of the demo with --min-cell 10: the bottom line and the MDE stay for every publishable
  outcome, and every withheld outcome is named.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pypdf import PdfReader

from via_reports.report.build import BuildOptions, build_report

pytestmark = pytest.mark.slow

LABELS = {"nl": {"paid_work": "Betaald werk", "any_participation": "Enige vorm van participatie"},
          "en": {"paid_work": "Paid work", "any_participation": "Any participation"}}


def pdf_text(path) -> str:
    """The PDF's text on one line, with the layout's hyphenation undone ("aan- getoond" is "aangetoond")."""
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))
    return re.sub(r"([a-zà-ÿ])- ([a-zà-ÿ])", r"\1\2", text)


@pytest.fixture(scope="session")
def no_lottery(made_once, demo_data):
    """``no_lottery(language)``: the final report of the demo without its randomized column."""
    import shutil

    def make(language):
        def build(folder):
            data = folder / "data"
            shutil.copytree(demo_data, data)
            people = pd.read_csv(data / "participants.csv", dtype=str, keep_default_na=False)
            people.drop(columns=["randomized"]).to_csv(data / "participants.csv", index=False)
            build_report(BuildOptions(data_dir=data, out=folder / "report", wave="T2", language=language))
        return made_once(f"no-lottery-{language}", build) / "report"
    return make


def _effects_parts(text: str, language: str) -> str:
    """The effects chapter's body: from its method paragraph to the heading of the conclusions chapter."""
    start = "Per uitkomst vergelijken we" if language == "nl" else "For each outcome we compare"
    following = r"\d+ Conclusie en suggesties \d+\.1\." if language == "nl" else r"\d+ Conclusions and suggestions \d+\.1\."
    body = text[text.index(start):]
    end = re.search(following, body)
    assert end is not None and end.start() > 5000  # the whole chapter, not a header's fragment
    return body[:end.start()]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_without_a_lottery_the_pdf_never_claims_an_effect(no_lottery, language):
    text = pdf_text(no_lottery(language) / "report.pdf")
    part = _effects_parts(text, language).lower()
    part = part.replace("oorzakelijk effect", "").replace("causal effect", "")
    # the chapter's own title in the running header is not a claim
    part = part.replace("effecten: pilot en controlegroep", "").replace("effects: pilot and control group", "")
    assert "aangetoond" not in part and "demonstrated" not in part
    assert not re.search(r"\beffect", part), re.search(r".{80}\beffect.{40}", part)
    assert ("leggen niet vast hoe" if language == "nl" else "do not record how") in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_about_the_same_after_a_test_and_the_primary_outcome_first(edition, language):
    text = pdf_text(edition("demo", "T2", language) / "report.pdf")
    assert "ongeveer gelijk" not in text.lower() and "about the same" not in text.lower()
    labels = LABELS[language]
    first = "Eerst de primaire uitkomst, betaald werk" if language == "nl" else "First the primary outcome, paid work"
    assert first in text
    primary = text.index(f"{labels['paid_work']} (")
    secondary = text.index(f"{labels['any_participation']} (")
    assert primary < secondary  # listed first in the summary's bottom line too
    # a comparison within part of the population (the foreign-born pilot participants, by sex) names that part
    within = ("Vrouwen die buiten Nederland geboren zijn hadden relatief" if language == "nl"
              else "Women born outside the Netherlands had")
    assert within in text


@pytest.fixture(scope="session")
def public_min_cell_10(made_once):
    return made_once("demo-public-10", lambda folder: build_report(
        BuildOptions(out=folder / "report", wave="T2", public=True, min_cell=10))) / "report"


def test_public_edition_keeps_the_bottom_line_per_outcome(public_min_cell_10):
    from via_reports.figures.wording import wording

    report = public_min_cell_10
    text = pdf_text(report / "report.pdf")
    rows = pd.read_csv(report / "figures" / "effects.outcomes.csv")
    withheld = set(rows.loc[rows["suppressed"].astype(str).str.lower() == "true", "outcome"])
    labels = wording("effects", "nl")["outcomes"]
    assert withheld and withheld != set(rows["outcome"])  # the demo at k = 10 has both kinds
    for outcome, label in labels.items():
        if outcome in withheld:
            assert re.search(rf"{re.escape(label)} \((primaire|secundaire) uitkomst\): niet getoond in deze "
                             rf"openbare editie", text), outcome
        else:
            # the bottom line's item with its minimum detectable effect
            assert re.search(rf"{re.escape(label)} \((primaire|secundaire) uitkomst\): [-+]?\d", text), outcome
    assert "effecten kleiner dan" in text.lower()
    assert "niet alle uitkomsten van de effectanalyse" not in text  # no longer one sentence for everything
