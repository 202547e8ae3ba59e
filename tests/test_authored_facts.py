"""Authored texts state no fact about the study's people that the data can contradict (REPORTS.md,
"Statistics v3", wording rules): where the groups live, who the participants are, whether a lottery
decided the groups. Each such sentence is computed from the data (via_reports/report/design_facts.py);
here datasets are made whose facts differ, and the sentence must follow them, in Dutch and English.
"""

from __future__ import annotations

import re

import pytest
from tiny import load_tiny

from via_reports import load_dataset
from via_reports.analysis.scope import Scope
from via_reports.report.facts import text_context
from via_reports.report.text import load_text


def markdown(dataset, chapter: str, language: str, wave: str = "T2", **scope) -> str:
    """The text's Markdown as the build renders it (a name from the data escaped: ``Noord\\-Noord``)."""
    scope = Scope.for_wave(dataset, wave, language=language, min_n=2, **scope)
    return load_text(chapter, text_context(dataset, scope, {}))[1]


def text(dataset, chapter: str, language: str, wave: str = "T2", **scope) -> str:
    """The text as a reader sees it: Markdown's escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown(dataset, chapter, language, wave, **scope))


def _controls_in(*places):
    def change(frames):
        people = frames["participants"]
        controls = people.index[people["group"] == "control"]
        people.loc[controls, "neighbourhood"] = [places[i % len(places)] for i in range(len(controls))]
    return change


def _randomized(values):
    def change(frames):
        people = frames["participants"]
        people["randomized"] = values(people)
    return change


@pytest.fixture(scope="module")
def tiny_variants(tmp_path_factory):
    base = tmp_path_factory.mktemp("facts")
    make = {
        "as_is": None,  # pilot in Noord-Noord, the 3 controls in Zuid, no randomized column
        "controls_with_pilot": _controls_in("Noord-Noord"),
        "controls_split": _controls_in("Noord-Noord", "*Zuid* <b>"),
        "by_lot": _randomized(lambda p: [True] * len(p)),
        "not_by_lot": _randomized(lambda p: [False] * len(p)),
        "all_in_target": lambda f: f["participants"].__setitem__("generation", "first"),
        "outside_target": lambda f: f["participants"].__setitem__(
            "distance", ["short"] * 2 + list(f["participants"]["distance"][2:])),
    }
    return {name: load_tiny(base / name, change) for name, change in make.items()}


def test_the_demo_says_where_its_controls_live_not_that_they_come_from_the_same_group():
    demo = load_dataset(None)
    nl, en = text(demo, "selection", "nl"), text(demo, "selection", "en")
    assert "dezelfde groep" not in nl and "same pool" not in en
    assert "Zij wonen allemaal in Enschede-Zuid, niet in de wijk van de deelnemers" in nl
    assert "They all live in Enschede-Zuid, not in the participants' neighbourhood" in en
    assert "Alle 134 deelnemers wonen in Noord-Noord" in nl and "All 134 participants live in Noord-Noord" in en
    # the demo's groups were decided by lot: 40 pilots and 68 controls, the estimand named
    assert "Door loting zijn 40 personen aan de pilot en 68 aan de controlegroep toegewezen" in nl
    assert "intention to treat" in nl and "intention to treat" in en


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_control_groups_place_follows_the_data(tiny_variants, language):
    same = {"nl": "Zij wonen in dezelfde wijk als de deelnemers", "en": "They live in the same neighbourhood as"}
    other = {"nl": "Zij wonen allemaal in Zuid, niet in de wijk van de deelnemers",
             "en": "They all live in Zuid, not in the participants' neighbourhood"}
    as_is = text(tiny_variants["as_is"], "selection", language)
    assert other[language] in as_is and same[language] not in as_is
    with_pilot = text(tiny_variants["controls_with_pilot"], "selection", language)
    assert same[language] in with_pilot and other[language] not in with_pilot
    split = text(tiny_variants["controls_split"], "selection", language)
    assert same[language] not in split and "niet in de wijk" not in split and "not in the participants'" not in split
    # both places with their counts; a place name is data, shown as typed, never as markup
    assert "Noord-Noord (2)" in split and "*Zuid* <b> (1)" in split
    assert r"\*Zuid\* \<b\> (1)" in markdown(tiny_variants["controls_split"], "selection", language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_lottery_sentence_follows_the_data(tiny_variants, language):
    unknown = {"nl": "De gegevens leggen niet vast hoe", "en": "The data do not record how"}
    not_lot = {"nl": "De groepen zijn niet door loting gevormd", "en": "The groups were not formed by lot"}
    lot = {"nl": "Door loting zijn 8 personen aan de pilot en 3 aan de controlegroep toegewezen",
           "en": "By lot, 8 people were assigned to the pilot and 3 to the control group"}
    without_column = text(tiny_variants["as_is"], "selection", language)
    assert unknown[language] in without_column
    assert not any(s[language] in without_column for s in (not_lot, lot))
    assert "loting" not in without_column.replace("niet door loting", "") or language == "en"
    assert not_lot[language] in text(tiny_variants["not_by_lot"], "selection", language)
    by_lot = text(tiny_variants["by_lot"], "selection", language)
    assert lot[language] in by_lot and "intention to treat" in by_lot
    assert "intention to treat" not in text(tiny_variants["by_lot"], "selection", language, wave="T1")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_participants_outside_the_target_group_are_counted(tiny_variants, language):
    all_in = {"nl": "Zij hebben allemaal een migratieachtergrond", "en": "All of them have a migration background"}
    one_out = {"nl": "Van hen heeft er 1 geen migratieachtergrond", "en": "Of them, 1 has no migration background"}
    near = {"nl": "Een korte afstand tot de arbeidsmarkt hebben er 2", "en": "2 are close to the labour market"}
    assert all_in[language] in text(tiny_variants["all_in_target"], "selection", language)
    as_is = text(tiny_variants["as_is"], "selection", language)  # P6: generation none
    assert one_out[language] in as_is and all_in[language] not in as_is and near[language] not in as_is
    outside = text(tiny_variants["outside_target"], "selection", language)
    assert one_out[language] in outside and near[language] in outside


def test_a_public_edition_withholds_every_place_count_when_one_is_small(tiny_variants):
    split = text(tiny_variants["controls_split"], "selection", "nl", min_cell=5)
    assert "Noord-Noord (×)" in split and "(1)" not in split and "(2)" not in split


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_fictitious_quotation_is_only_in_a_report_of_synthetic_data(tiny_variants, language):
    demo = load_dataset(None)
    word = {"nl": "fictief citaat", "en": "fictitious quotation"}[language]
    assert word in text(demo, "approach", language)
    assert tiny_variants["as_is"].study.synthetic is False
    assert word not in text(tiny_variants["as_is"], "approach", language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_without_a_control_group_no_text_promises_a_comparison_with_one(tmp_path, language):
    def no_control(frames):
        ids = set(frames["participants"].loc[frames["participants"].group == "control", "participant_id"])
        for table, frame in frames.items():
            if "participant_id" in frame:
                frames[table] = frame[~frame.participant_id.isin(ids)].reset_index(drop=True)

    dataset = load_tiny(tmp_path / "no-control", no_control)
    for wave in ("T1", "T2"):
        for chapter in ("introduction", "selection"):
            written = text(dataset, chapter, language, wave=wave).lower()
            assert "controlegroep" not in written and "control group" not in written, (chapter, wave)
