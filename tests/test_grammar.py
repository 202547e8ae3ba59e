"""Generated sentences read right for 0, 1 and many, in both languages.

Each figure's sentences are made here from counts chosen for the case (no
dataset needed): the verb agrees with its subject ("1 deelnemer gebruikt",
"46 deelnemers gebruiken"), nobody is never a number ("geen van de 124"),
"van wie" is never used for all of them, and no sentence starts with a digit.
The authored texts' cases (the leavers, "hadden", the most named barrier) are
in tests/test_authored_texts.py; subgroup comparisons in tests/test_subgroups.py.
"""

from __future__ import annotations

import re

import pytest

from via_reports.analysis.scope import Scope
from via_reports.figures.common import count_rows
from via_reports.figures.instruments import non_use_text, use_text
from via_reports.figures.participation import all_waves_text, by_wave_text
from via_reports.figures.satisfaction import satisfaction_text

T1 = {lang: Scope(waves=("T0", "T1"), language=lang) for lang in ("nl", "en")}


def no_sentence_starts_with_a_digit(lines: list[str]) -> None:
    for line in lines:
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            assert not re.match(r"[\d+\-−]", sentence), sentence


def use(users: int, n: int, language: str) -> list[str]:
    data = count_rows([{"instrument": "power"}, {"instrument": "any"}], [users, users], n)
    by_use = data[data["instrument"] != "any"]
    return use_text(data, by_use, {"power": "Power", "any": "any"}, n, T1[language])


@pytest.mark.parametrize("users, nl, en", [
    (0, "Op T1 gebruikt geen van de 124 deelnemers een instrument.",
     "At T1, none of the 124 participants uses an instrument."),
    (1, "Op T1 gebruikt 1 van de 124 deelnemers (1%) minstens één instrument.",
     "At T1, 1 of 124 participants (1%) uses at least one instrument."),
    (46, "Op T1 gebruiken 46 van de 124 deelnemers (37%) minstens één instrument.",
     "At T1, 46 of 124 participants (37%) use at least one instrument."),
])
def test_instrument_users(users, nl, en):
    for language, expected in (("nl", nl), ("en", en)):
        lines = use(users, 124, language)
        assert lines[0] == expected
        no_sentence_starts_with_a_digit(lines)


@pytest.mark.parametrize("n, reasons, nl, en", [
    (1, 0, ["Op T1 gebruikt 1 deelnemer geen instrument; er is geen reden genoemd."],
     ["At T1, 1 participant uses no instrument; no reason was given."]),
    (1, 1, ["Op T1 gebruikt 1 deelnemer geen instrument.", "De meest genoemde reden is 'vanwege gezondheid': "
            "1 van de 1 (100%)."],
     ["At T1, 1 participant uses no instrument.", "The reason given most often is 'because of health': "
      "1 of 1 (100%)."]),
    (78, 42, ["Op T1 gebruiken 78 deelnemers geen instrument.",
              "De meest genoemde reden is 'vanwege gezondheid': 42 van de 78 (54%)."],
     ["At T1, 78 participants use no instrument.", "The reason given most often is 'because of health': "
      "42 of 78 (54%)."]),
])
def test_non_users_and_their_reasons(n, reasons, nl, en):
    for language, expected in (("nl", nl), ("en", en)):
        data = count_rows([{"reason": "health"}, {"reason": "other"}], [reasons, 0], n)
        assert non_use_text(data, n, T1[language]) == expected


def satisfaction(n: int, answers: dict[str, int], language: str) -> list[str]:
    codes = ["1", "2", "3", "4", "5"]
    return satisfaction_text(count_rows([{"answer": c} for c in codes], [answers.get(c, 0) for c in codes], n),
                             n, language)


@pytest.mark.parametrize("n, answers, nl, en", [
    (1, {"5": 1}, "Van de enige gebruiker is er 1 (100%) heel tevreden.", "Of the only user, 1 (100%) is very satisfied."),
    (1, {"3": 1}, "Van de enige gebruiker is niemand een beetje of heel tevreden.",
     "Of the only user, nobody is a bit or very satisfied."),
    (4, {"4": 4}, "Van de 4 gebruikers zijn er 4 (100%) een beetje of heel tevreden, niemand heel tevreden.",
     "Of the 4 users, 4 (100%) are a bit or very satisfied, none of them very satisfied."),
    (4, {"5": 4}, "Van de 4 gebruikers zijn er 4 (100%) een beetje of heel tevreden, allemaal heel tevreden.",
     "Of the 4 users, 4 (100%) are a bit or very satisfied, all of them very satisfied."),
    (4, {"4": 1, "2": 3}, "Van de 4 gebruikers is er 1 (25%) een beetje tevreden.",
     "Of the 4 users, 1 (25%) is a bit satisfied."),
    (4, {"5": 1, "4": 1, "2": 2}, "Van de 4 gebruikers zijn er 2 (50%) een beetje of heel tevreden, van wie "
     "1 (25%) heel tevreden.", "Of the 4 users, 2 (50%) are a bit or very satisfied, 1 (25%) of them very satisfied."),
])
def test_satisfied_users(n, answers, nl, en):
    for language, expected in (("nl", nl), ("en", en)):
        lines = satisfaction(n, answers, language)
        assert lines[0] == expected
        no_sentence_starts_with_a_digit(lines)


@pytest.mark.parametrize("dissatisfied, nl, en", [
    (0, "Niemand is ontevreden.", "Nobody is dissatisfied."),
    (1, "Van de gebruikers is er 1 (een beetje) ontevreden.", "Of the users, 1 is (a bit) dissatisfied."),
    (2, "Van de gebruikers zijn er 2 (een beetje) ontevreden.", "Of the users, 2 are (a bit) dissatisfied."),
])
def test_dissatisfied_users(dissatisfied, nl, en):
    for language, expected in (("nl", nl), ("en", en)):
        assert satisfaction(5, {"1": dissatisfied, "4": 5 - dissatisfied}, language)[1] == expected


@pytest.mark.parametrize("count, en", [(1, "takes part"), (2, "take part")])
def test_participation_agrees_with_its_count(count, en):
    keys = [{"wave": w, "type": t} for w in ("T0", "T1") for t in ("paid_work", "any")]
    data = count_rows(keys, [count] * 4, 10)
    line = by_wave_text(data, 10, T1["en"])[0]
    assert line.startswith(f"At T0, {count} of 10 participants ") and f" {en} in work" in line
    every = count_rows([{"type": "paid_work"}, {"type": "any"}], [count, count], 10)
    assert f" {en} in work" in all_waves_text(every, 10, T1["en"])[0]
    # the Dutch sentence needs no agreement: "Bij T0 is er bij 1 van de 10 deelnemers (10%) sprake van participatie"
    assert by_wave_text(data, 10, T1["nl"])[0].startswith(f"Bij T0 is er bij {count} van de 10 deelnemers")


def test_a_label_from_the_data_stays_text_in_a_sentence():
    """An instrument called '*Power* [site](https://x.org) <b>' is shown as typed, not as markup."""
    from markdown_it import MarkdownIt

    label = "*Power* [site](https://x.org) <b> &amp; _x_"
    data = count_rows([{"instrument": "power"}, {"instrument": "any"}], [3, 3], 10)
    line = use_text(data, data[data["instrument"] != "any"], {"power": label, "any": "any"}, 10, T1["nl"])[1]
    html = MarkdownIt("commonmark", {"html": False}).renderInline(line)
    assert html == "Het meest gebruikt: *Power* [site](https://x.org) &lt;b&gt; &amp;amp; _x_ (3)."


@pytest.mark.parametrize("country, nl, en", [
    ("IQ", "deelnemers met een Irakese achtergrond", "participants with an Iraqi background"),
    ("TR", "deelnemers met een Turkse achtergrond", "participants with a Turkish background"),
])
def test_a_background_takes_its_article(country, nl, en):
    from via_reports.figures.subgroups import group_names

    assert group_names(f"background_{country}", "nl")[0] == nl
    assert group_names(f"background_{country}", "en")[0] == en
