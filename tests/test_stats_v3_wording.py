"""Statistics v3 wording rules on the demo's sentences (fast; test_stats_v3_pdf reads the rendered PDF).

- A subgroup comparison made within part of the population names that part in its sentence, for both
  of its groups, in the chart's label and in the appendix table.
"""

from __future__ import annotations

import pytest

from via_reports import load_dataset
from via_reports.analysis.scope import Scope
from via_reports.analysis.subgroups import participants_comparisons, participation_comparisons
from via_reports.figures.subgroups import comparison_sentence, comparisons_figure
from via_reports.figures.wording import wording

SCOPE = {language: Scope(waves=("T0", "T1", "T2"), language=language, min_n=10, kind="final")
         for language in ("nl", "en")}
PART = {"nl": "die buiten Nederland geboren zijn", "en": "born outside the Netherlands"}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_comparison_within_part_of_the_population_names_that_part(language):
    dataset = load_dataset(None, language)
    (within,) = participants_comparisons(dataset, SCOPE[language])
    assert within.population == "pilot born outside NL"
    # the n's are those of the foreign-born pilot participants with a known sex, not of everyone
    people = dataset.tables["participants"]
    pilot_abroad = people[(people["group"] == "pilot") & (people["birth_country"] != "NL")]
    assert within.n_a + within.n_b == int(pilot_abroad["sex"].isin(["female", "male"]).sum())
    sentence = comparison_sentence(within, language, 0.05)
    women, men = wording("subgroups", language)["splits"]["sex"].values()
    assert f"{women.capitalize()} {PART[language]}" in sentence and f"{men} {PART[language]}" in sentence
    figure = comparisons_figure([within], {"participants": "P"}, SCOPE[language])
    assert PART[language] in figure.table.iloc[0, 2] and PART[language] in figure.table.iloc[0, 3]
    # a comparison over the chapter's whole population names no part
    for whole in participation_comparisons(dataset, SCOPE[language]):
        assert PART[language] not in comparison_sentence(whole, language, 0.05)


# --------------------------------------------------------------------------- the lottery warning on the demo


@pytest.fixture(scope="module")
def demo_effects():
    from via_reports.figures.effects_text import EffectsResults

    return {language: EffectsResults.compute(load_dataset(None, language), SCOPE[language])
            for language in ("nl", "en")}


def smd_by_hand(dataset, characteristic_of) -> float:
    """(mean pilot − mean control) / sqrt((var pilot + var control) / 2), ddof 1, among those by lot."""
    people = dataset.tables["participants"]
    by_lot = people[people["randomized"].astype(str).str.lower() == "true"]
    values = {group: characteristic_of(by_lot[by_lot["group"] == group]).dropna().astype(float)
              for group in ("pilot", "control")}
    pooled = ((values["pilot"].var(ddof=1) + values["control"].var(ddof=1)) / 2) ** 0.5
    return (values["pilot"].mean() - values["control"].mean()) / pooled


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_lottery_warning_names_what_set_it_off(demo_effects, language):
    """The demo by lot: paid work at T0 is 0 of 40 in the pilot and 8 of 68 in the control group, SMD −0.51
    (|SMD| > 0.25 sets the warning off); the joint test of the background characteristics does not (p 0.931)."""
    from via_reports.figures import effects_checks as checks

    dataset = load_dataset(None, language)
    answers = dataset.tables["responses"]
    t0 = answers[answers["wave"] == "T0"].set_index("participant_id")["paid_work"]

    def paid_work_at_t0(people):
        return people["participant_id"].map(t0).map(lambda v: None if v is None or v != v else float(bool(v)))

    smd = smd_by_hand(dataset, paid_work_at_t0)
    assert smd == pytest.approx(-0.5126, abs=5e-4)
    results = demo_effects[language]
    row = results.baseline.query("analysis == 'primary' and characteristic == 'paid_work'").iloc[0]
    assert row["smd"] == pytest.approx(smd, rel=1e-9)
    warning = checks.lottery_warning(results)
    nl = language == "nl"
    assert warning.startswith("Let op: bij de start verschilden de door loting ingedeelde groepen" if nl
                              else "Note: at the start the groups assigned by lot differed")
    assert ("bij betaald werk is het gestandaardiseerde verschil -0,51 (0% tegen 12%; grens ±0,25)" if nl
            else "for paid work the standardised difference is -0.51 (0% against 12%; limit ±0.25)") in warning
    assert ("niet meer dan bij loting te verwachten (p = 0,931)" if nl
            else "no more than a lottery would produce (p = 0.931)") in warning
    assert ("houden rekening met de waarde van elke uitkomst op T0" if nl
            else "take each outcome's value at T0 into account") in warning
    # no longer "all characteristics": the joint test is of the six background characteristics
    assert "alle kenmerken" not in warning.lower() and "all characteristics" not in warning.lower()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_public_balance_text_names_withheld_rows_and_keeps_the_warning(language):
    """k = 10: the balance rows of paid work (8 of 68 controls), finding paid work hard and discrimination are
    withheld; the text names them, states no number of theirs, and keeps the lottery warning as a verdict."""
    from via_reports.figures.balance import baseline
    from via_reports.figures.public import public_figure

    scope = Scope(waves=("T0", "T1", "T2"), language=language, min_n=10, kind="final", min_cell=10)
    figure = public_figure(baseline(load_dataset(None, language), scope), 10)
    text = " ".join(figure.text)
    nl = language == "nl"
    assert ("in de hoofdanalyse (door loting ingedeeld) betaald werk, het (heel) moeilijk vinden om betaald werk "
            "te vinden en ervaren discriminatie" if nl else
            "in the primary analysis (assigned by lot) paid work, finding it (very) difficult to find paid work "
            "and experienced discrimination") in text
    assert "-0,51" not in text and "-0.51" not in text and "12%" not in text
    assert ("bij een kenmerk dat deze openbare editie niet toont" if nl
            else "on a characteristic this public edition does not show") in text
    assert (("Bij de start (T0) verschilden de groepen van de hoofdanalyse" if nl
             else "At the start") in text)  # the balance paragraphs stay
    withheld = figure.data[figure.data["suppressed"]]
    assert set(withheld["characteristic"]) == {"paid_work", "ease_paid_work_difficult",
                                                "discrimination_experienced"}


# --------------------------------------------------------------------------- one denominator per measure


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_ease_sentence_and_its_subgroup_rows_share_one_denominator(language):
    """The demo's interim report (T0–T1): 4 of the 124 panel members left the society-ease question empty at
    T1. The chapter's sentence and the subgroup comparisons of 'finding taking part in society difficult'
    both count the 120 who answered, and the sentence states it."""
    from via_reports.analysis.populations import panel, responses_in_wave
    from via_reports.analysis.subgroups import barriers_comparisons
    from via_reports.figures.barriers import ease_society

    dataset = load_dataset(None, language)
    scope = Scope(waves=("T0", "T1"), language=language, min_n=10, kind="interim")
    people = panel(dataset, scope.waves)
    answers = responses_in_wave(dataset, people, "T1")["ease_society"]
    answered, difficult = int(answers.notna().sum()), int((answers >= 4).sum())
    assert (len(people), answered) == (124, 120)
    rows = [c for c in barriers_comparisons(dataset, scope) if c.outcome == "ease_society_difficult"]
    assert rows and all(c.n_a + c.n_b == answered for c in rows)  # born in NL and instrument use are known
    assert all(c.count_a + c.count_b == difficult for c in rows)
    sentence = ease_society(dataset, scope).text[0]
    of = "van de" if language == "nl" else "of"
    assert f"T1 {difficult} {of} {answered} (" in sentence
    assert ("van wie de vraag beantwoordde" if language == "nl" else "of those who answered") in sentence


def test_the_forest_plot_shows_the_primary_outcome_first():
    from via_reports.figures.effects import outcomes

    figure = outcomes(load_dataset(None, "en"), SCOPE["en"])
    spec = figure.chart.to_dict()
    sorts = []

    def walk(node):
        if isinstance(node, dict):
            y = node.get("encoding", {}).get("y", {})
            if y.get("field") == "outcome" and isinstance(y.get("sort"), list):
                sorts.append(y["sort"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert sorts and sorts[0][0] == "Paid work"  # the percentage-point panel, the primary outcome on top
