"""No sentence claims a difference or a change without its test below alpha; none starts with a number.

Over every generated and authored sentence of a report (figure texts,
subgroup comparisons, the effects chapter, summary and conclusions) for the
demo and the tiny dataset, interim and final, Dutch and English: a sentence
that says a group does something "relatief vaker", that a number rose or fell
between waves, or that a value was higher in the pilot, must carry its test,
and the last p-value it prints (Holm-adjusted for subgroups, the paired test
for change, the adjusted estimate for effects) must be below alpha.
"""

from __future__ import annotations

import re

import pytest
from tiny import load_tiny

from via_reports import load_dataset
from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import chapter_comparisons, chapter_figures, computed_chapters
from via_reports.figures.subgroups import comparison_sentence
from via_reports.document.facts import text_context
from via_reports.document.text_files import load_text

CLAIMS = {
    "nl": [r"relatief (vaker|minder vaak)", r"\b(steeg|daalde|toegenomen|afgenomen)\b", r"\bvaker (op|bij) T\d",
           r"\bminder vaak (op|bij) T\d", r"\b(moeilijker|makkelijker)\b", r"\b(hoger|lager) dan\b"],
    "en": [r"relatively (more|less) often", r"\b(rose|fell|increased|decreased)\b", r"\bmore often (at|on) T\d",
           r"\bless often (at|on) T\d", r"\b(more difficult|easier)\b", r"\b(higher|lower) (in|than)\b"],
}
#: A sentence that says of itself that its difference is not demonstrable claims none.
NOT_DEMONSTRABLE = {"nl": r"niet statistisch aantoonbaar", "en": r"not statistically demonstrable"}
P_VALUE = re.compile(r"\bp (=|<) (\d+[.,]\d+)")
ALPHA = 0.05


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*(\-])", text) if s.strip()]


def unsupported(text: str, language: str) -> list[str]:
    """The sentences of ``text`` that claim a difference or change without a last p-value below alpha."""
    found = []
    for sentence in sentences(text):
        if not any(re.search(pattern, sentence) for pattern in CLAIMS[language]):
            continue
        if re.search(NOT_DEMONSTRABLE[language], sentence):
            continue  # a possible adverse development, named as not demonstrable in the same sentence (v3)
        values = P_VALUE.findall(sentence)
        if not values:
            found.append(sentence)
            continue
        sign, number = values[-1]
        if sign == "=" and float(number.replace(",", ".")) >= ALPHA:
            found.append(sentence)
    return found


def test_the_check_can_fail():
    assert unsupported("Vrouwen noemen relatief vaker vervoer dan mannen (40% tegen 20%).", "nl")
    assert unsupported("Het aantal deelnemers met vrijwilligerswerk daalde van 38 naar 22 (p = 0,060).", "nl")
    assert unsupported("Transport was ticked more often at T1 than at T0.", "en")
    assert not unsupported("Vrouwen noemen relatief vaker vervoer (Fisher-toets p = 0,001, na Holm-correctie "
                           "p = 0,004).", "nl")


def report_texts(dataset, wave: str, language: str) -> list[str]:
    scope = Scope.for_wave(dataset, wave, language=language, min_n=2)
    figures = {f.id: f for chapter in computed_chapters(scope.kind) for f in chapter_figures(chapter, dataset, scope)}
    texts = [line for figure in figures.values() for line in [*figure.text, *figure.notes]]
    texts += [comparison_sentence(c, language, scope.alpha)
              for chapter in computed_chapters(scope.kind) for c in chapter_comparisons(chapter, dataset, scope)]
    context = text_context(dataset, scope, figures)
    texts += [load_text(name, context)[1] for name in ("summary", "introduction", "selection", "conclusions")]
    return texts


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    return {"demo": load_dataset(None), "tiny": load_tiny(tmp_path_factory.mktemp("claims"))}


@pytest.mark.slow
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name, wave", [("demo", "T1"), ("demo", "T2"), ("tiny", "T1"), ("tiny", "T2")])
def test_every_claim_rests_on_its_test(datasets, name, wave, language):
    texts = report_texts(datasets[name], wave, language)
    assert texts
    claims = [s for text in texts for s in unsupported(text, language)]
    assert not claims, claims
    # and no sentence (or list item) starts with a number
    starts = [s for text in texts for line in text.splitlines() for s in sentences(line.lstrip("-| *").strip())
              if re.match(r"[\d+\-−]", s)]
    assert not starts, starts


@pytest.mark.slow
def test_the_demo_makes_claims_and_they_are_tested(datasets):
    """The check is not empty on the demo: the changes of T0 → T1 are stated, each with its test."""
    texts = report_texts(datasets["demo"], "T1", "nl")
    stated = [s for text in texts for s in sentences(text)
              if any(re.search(pattern, s) for pattern in CLAIMS["nl"])]
    assert any("vervoersproblemen als belemmering steeg" in s for s in stated)
    assert any("relatief vaker" in s for s in stated)
    assert not [s for s in stated if unsupported(s, "nl")]
