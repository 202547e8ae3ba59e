"""The effects chapter as a reader sees it: figures, charts, appendix tables and words.

On the hand-made study of ``effects_data`` (a known health effect, a known
imbalance in paid work, people who left for work).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from effects_data import BY_LOT, load

from via_reports.analysis.balance import baseline_table, nonresponse_table
from via_reports.analysis.effects import EFFECTS_COLUMNS, OUTCOMES, effects_table
from via_reports.analysis.scope import Scope
from via_reports.figures import balance, effects
from via_reports.figures.effects_text import EffectsResults, outcomes_text
from via_reports.figures.figure import Figure

FINAL = Scope(waves=("T0", "T1", "T2"), language="nl", min_n=3, kind="final")
ENGLISH = Scope(waves=("T0", "T1", "T2"), language="en", min_n=3, kind="final")
BUILDERS = (effects.outcomes, balance.baseline, balance.nonresponse, effects.attrition, effects.exit_paid_work)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("effects-figures")
    return {"plain": load(folder / "plain"), "randomized": load(folder / "randomized", randomized=BY_LOT),
            "pilot_only": load(folder / "pilot_only", groups=("pilot",))}


#: What this module computed, by (dataset, scope): the tests only read it, so each is computed once.
_COMPUTED: dict[tuple, tuple] = {}


def _once(what, dataset, scope, compute):
    key = (what, id(dataset), scope)
    if key not in _COMPUTED:
        _COMPUTED[key] = (dataset, compute())  # the dataset is kept, so that its id is not reused
    return _COMPUTED[key][1]


def figures(dataset, scope=FINAL) -> list[Figure]:
    return _once("figures", dataset, scope,
                 lambda: [f for f in (build(dataset, scope) for build in BUILDERS) if f is not None])


def results(dataset, scope=FINAL) -> EffectsResults:
    """The effects tables behind the wording (``effects_table`` is its ``outcomes``)."""
    return _once("results", dataset, scope, lambda: EffectsResults.compute(dataset, scope))


def paragraph(text: list[str], outcome: str, language: str = "nl") -> str:
    from via_reports.figures.wording import wording

    label = wording("effects", language)["outcomes"][outcome]
    [found] = [p for p in text if p.startswith(f"**{label} (")]  # "(primaire uitkomst)" or "(secundaire ...)"
    return found


# ---------------------------------------------------------------------------
# Words


def _demonstrable(headline: pd.DataFrame, outcome: str) -> bool:
    """Statistics v3: the interval excludes 0 and, for a secondary outcome, p_holm < 0.05 too."""
    row = headline.loc[outcome]
    excludes = row["ci_low"] > 0 or row["ci_high"] < 0
    return bool(excludes and (outcome == "paid_work" or row["p_holm"] < 0.05))


def test_effect_stated_only_by_lot_where_the_holm_rule_allows(study):
    table = results(study["randomized"]).outcomes
    headline = table[(table["estimator"] == "ancova") & (table["analysis"] == "primary")].set_index("outcome")
    text = outcomes_text(results(study["randomized"], FINAL))
    stated = {o for o in OUTCOMES if "aantoonbaar effect." in paragraph(text, o)
              and "geen aantoonbaar" not in paragraph(text, o)}
    assert stated == {o for o in OUTCOMES if _demonstrable(headline, o)}
    for outcome in set(OUTCOMES) - stated:
        assert "geen aantoonbaar effect" in paragraph(text, outcome)
        assert "Effecten kleiner dan" in paragraph(text, outcome)  # the minimum detectable effect


def test_without_a_lottery_a_clear_difference_never_an_effect(study):
    """No randomized column ("plain"): "duidelijk verschil" where the rule allows; never "effect"/"aangetoond"."""
    table = results(study["plain"]).outcomes
    headline = table[table["estimator"] == "ancova"].set_index("outcome")
    text = outcomes_text(results(study["plain"], FINAL))
    stated = {o for o in OUTCOMES if "**: duidelijk verschil." in paragraph(text, o)}
    assert stated == {o for o in OUTCOMES if _demonstrable(headline, o)} and "self_rated_health" in stated
    for outcome in set(OUTCOMES) - stated:
        assert "geen duidelijk verschil" in paragraph(text, outcome)
        assert "Verschillen kleiner dan" in paragraph(text, outcome)  # the minimum detectable difference
    joined = " ".join(text).lower().replace("oorzakelijk effect", "")
    assert "aangetoond" not in joined and not re.search(r"\beffect", joined)


def test_found_sentence_has_direction_size_interval_and_dutch_commas(study):
    table = results(study["plain"]).outcomes
    row = table[(table["outcome"] == "self_rated_health") & (table["estimator"] == "ancova")].iloc[0]
    sentence = paragraph(outcomes_text(results(study["plain"], FINAL)), "self_rated_health")
    nl = lambda v: f"{v:.2f}".replace(".", ",")  # noqa: E731
    assert f"in de pilotgroep {nl(row['effect'])} punt hoger dan in de controlegroep" in sentence
    assert f"95%-BI {nl(row['ci_low'])} tot {nl(row['ci_high'])} punt" in sentence
    assert not re.search(r"\d\.\d", sentence)


def test_disagreeing_estimates_are_named_with_the_baseline_gap():
    """In the demo nobody by lot in the pilot had paid work at T0 against 12% of the controls (those who left
    for work counted, statistics v3): the change score puts the pilot 17.7 points ahead, the adjusted
    estimate 5.4; the text says why they differ."""
    from via_reports import load_dataset

    demo = load_dataset(None)
    computed = EffectsResults.compute(demo, Scope.for_wave(demo, "T2"))
    paid = paragraph(outcomes_text(computed), "paid_work")
    assert ("Zonder correctie voor de beginsituatie (verschil in verandering, Welch-toets) komt het verschil uit "
            "op +17,7 procentpunt (95%-BI -0,7 tot 36,1; p = 0,059)") in paid
    assert "doordat de groepen op T0 al verschilden (0% tegen 12%)" in paid
    # where the estimates agree, nothing is added
    assert "Zonder correctie" not in paragraph(outcomes_text(computed), "volunteer_work")


def test_design_and_caveats(study):
    plain = " ".join(outcomes_text(results(study["plain"], FINAL)))
    assert "De gegevens leggen niet vast hoe de pilot- en controlegroep zijn gevormd" in plain
    assert "door loting ingedeeld:" not in plain  # no count of people by lot without the column
    randomized = " ".join(outcomes_text(results(study["randomized"], FINAL)))
    assert "alleen wie door loting is ingedeeld: 8 van de 14 pilotdeelnemers en 8 van de 11 mensen" in randomized
    assert "In de gevoeligheidsanalyse met alle pilotdeelnemers" in randomized
    assert "De groepen in de vergelijking zijn klein" in randomized


def test_english_wording(study):
    text = outcomes_text(results(study["plain"], ENGLISH))
    assert "a clear difference" in paragraph(text, "self_rated_health", "en")
    assert "points higher in the pilot group" in paragraph(text, "self_rated_health", "en")
    assert "Differences smaller than" in paragraph(text, "volunteer_work", "en")
    assert any("The data do not record how the pilot and control groups were formed" in p for p in text)
    randomized = outcomes_text(results(study["randomized"], ENGLISH))
    assert "Effects smaller than" in paragraph(randomized, "volunteer_work", "en")


@pytest.mark.parametrize("name", ["plain", "randomized"])
@pytest.mark.parametrize("scope", [FINAL, pytest.param(ENGLISH, marks=pytest.mark.slow)], ids=["nl", "en"])
def test_never_overstates(study, name, scope):
    """The Dutch figures are the fast lane's (other tests compute them too); the English ones are
    computed for this test alone (seconds), so they run in the whole suite; test_english_wording is fast."""
    joined = " ".join(t for f in figures(study[name], scope) for t in f.text).lower()
    for word in ("werkt", "works", "bewezen", "proven", "proves", "effectief", "effective"):
        assert not re.search(rf"\b{word}\b", joined)


def test_every_paragraph_appears_once(study):
    """The exit-to-work paragraph (and every other) is said once in the chapter."""
    paragraphs = [t for f in figures(study["randomized"]) for t in f.text]
    assert len(paragraphs) == len(set(paragraphs))
    assert sum("Uitstroom naar betaald werk tijdens het onderzoek" in p for p in paragraphs) == 1


def test_too_small_comparison(study):
    small = Scope(waves=("T0", "T1", "T2"), language="nl", min_n=20, kind="final")
    figure = effects.outcomes(study["plain"], small)
    assert any("te klein om conclusies uit te trekken" in note for note in figure.notes)
    assert not any("aantoonbaar effect." in t for t in figure.text)


def test_no_control_group(study):
    dataset = study["pilot_only"]
    assert effects.outcomes(dataset, FINAL) is None and balance.baseline(dataset, FINAL) is None
    assert [f.id for f in figures(dataset)] == ["effects.attrition"]
    [text] = effects.effects_text(dataset, FINAL)
    assert "geen controlegroep" in text and "niet mogelijk" in text


# ---------------------------------------------------------------------------
# Figures, charts and appendix tables


def test_figures_carry_the_tables(study, tmp_path):
    dataset = study["randomized"]
    built = {f.id: f for f in figures(dataset)}
    assert list(built) == ["effects.outcomes", "effects.baseline", "effects.nonresponse", "effects.attrition",
                           "effects.exit_paid_work"]
    pd.testing.assert_frame_equal(built["effects.outcomes"].data, effects_table(dataset, FINAL))
    pd.testing.assert_frame_equal(built["effects.baseline"].data, baseline_table(dataset, FINAL))
    pd.testing.assert_frame_equal(built["effects.nonresponse"].data, nonresponse_table(dataset, FINAL))
    header = built["effects.outcomes"].write_csv(tmp_path).read_text().splitlines()[0]
    assert header == ",".join(EFFECTS_COLUMNS)
    assert built["effects.outcomes"].n_label == "pilot n=6, controlegroep n=6"  # by lot, with T0 and T2


def _layers(spec: dict) -> list[dict]:
    found = [spec]
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for part in spec.get(key, []):
            found += _layers(part)
    if "spec" in spec:
        found += _layers(spec["spec"])
    return found


def test_forest_shows_zero_on_every_axis_and_means_start_at_zero(study):
    """Statistics v3: the forest plot (effects.outcomes) and the means (effects.means) are separate figures."""
    from via_reports.figures.effects_flow import means

    spec = effects.outcomes(study["randomized"], FINAL).chart.to_dict()
    forests = [part for part in _layers(spec) if part.get("mark", {}).get("type") == "rule"
               and part.get("encoding", {}).get("x2")]
    assert len(forests) == 3  # percentage points, scale points, hours
    assert all(part["encoding"]["x"]["scale"]["zero"] for part in forests)
    assert not [part for part in _layers(spec) if part.get("mark", {}).get("type") == "line"]
    spec = means(study["randomized"], FINAL).chart.to_dict()
    lines = [part for part in _layers(spec) if part.get("mark", {}).get("type") == "line"]
    domains = [part["encoding"]["y"]["scale"].get("domain") for part in lines]
    assert [0, 100] in domains and [0, 10] in domains
    assert all(part["encoding"]["y"]["scale"].get("zero", True) for part in lines)
    assert all(part["encoding"]["color"]["legend"] is not None for part in lines)


def test_appendix_tables_are_translated_and_formatted(study):
    codes = set(OUTCOMES) | {"ancova", "ancova_covariates", "change_score", "primary", "sensitivity", "pilot",
                             "control", "female", "paid_work", "started", "responded", "left"}
    for figure in figures(study["randomized"]):
        table = figure.display_table
        assert not set(table.columns) & set(figure.data.columns) - {"n"}, figure.id
        cells = {str(v) for v in table.to_numpy().ravel()}
        assert not cells & codes, (figure.id, cells & codes)
    outcomes = effects.outcomes(study["randomized"], FINAL).display_table
    assert all(re.fullmatch(r"\d,\d{3}|< 0,001|–", p) for p in outcomes["p"]), outcomes["p"].tolist()
    shares = outcomes[outcomes["Uitkomst"] == "Betaald werk"]["Pilot T0 → T2"]
    assert all(re.fullmatch(r"\d+,\d%\u00a0→ \d+,\d%", v) for v in shares)


def test_chart_renders_and_no_personal_data(study, tmp_path):
    import vl_convert

    for figure in figures(study["randomized"]):
        assert vl_convert.vegalite_to_svg(figure.chart.to_json()).startswith("<svg")
        outputs = [json.dumps(figure.chart.to_dict()), figure.data.to_csv(), figure.display_table.to_csv(),
                   figure.alt_text, " ".join(figure.text), " ".join(figure.notes),
                   figure.write_csv(tmp_path).read_text()]
        assert not any("zzpid" in output for output in outputs), figure.id


def test_the_interval_level_follows_alpha(study):
    scope = Scope(waves=("T0", "T1", "T2"), language="nl", min_n=3, kind="final", alpha=0.1)
    text = " ".join(outcomes_text(results(study["plain"], scope)))
    assert "90%-BI" in text and "95%" not in text
    assert "90% CI" in " ".join(outcomes_text(results(
        study["plain"], Scope(waves=("T0", "T2"), language="en", min_n=3, kind="final", alpha=0.1))))


def test_shares_in_text_round_half_away_from_zero(study):
    """57 of 200 is 28.5%: the text says 29% (0.285 * 100 is 28.499999999999996 in floats)."""
    computed = results(study["plain"])
    assert computed.share_or_mean("paid_work", 57 / 200, 200) == "29%"
    assert computed.share_or_mean("age", 43.95, 40) == "44,0"
