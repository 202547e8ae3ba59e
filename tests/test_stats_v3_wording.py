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
