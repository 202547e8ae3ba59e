"""The shipped texts fill in for any valid dataset, and say only what the numbers say."""

from __future__ import annotations

import pytest
from tiny import load_tiny

from via_reports import load_dataset
from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import CHAPTERS, TEXT_APPENDICES, chapter_figures, computed_chapters
from via_reports.document.facts import text_context
from via_reports.document.text import TextContext, TextError, render_text
from via_reports.document.text_files import load_text

TEXTS = [c.id for c in CHAPTERS if not c.is_computed] + [a.id for a in TEXT_APPENDICES]


#: Figures by (dataset, wave): their data, all a text reads, are codes and counts whatever the
#: language, so both languages' texts are filled from one computation.
_FIGURES: dict[tuple[str, str], dict] = {}


def context_for(datasets, name, wave, language):
    dataset = datasets[name]
    scope = Scope.for_wave(dataset, wave, language=language, min_n=2)
    if (name, wave) not in _FIGURES:
        _FIGURES[(name, wave)] = {f.id: f for chapter in computed_chapters(scope.kind)
                                  for f in chapter_figures(chapter, dataset, scope)}
    return text_context(dataset, scope, _FIGURES[(name, wave)])


def _without_control(frames):
    ids = set(frames["participants"].loc[frames["participants"].group == "control", "participant_id"])
    for table, frame in frames.items():
        if "participant_id" in frame:
            frames[table] = frame[~frame.participant_id.isin(ids)].reset_index(drop=True)


def _nobody_ticks_a_barrier(frames):
    frames["barriers"] = frames["barriers"].iloc[0:0]


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    base = tmp_path_factory.mktemp("texts")
    return {
        "demo": load_dataset(None),
        "tiny": load_tiny(base / "tiny"),
        "tiny_no_control": load_tiny(base / "no-control", _without_control),
        "tiny_no_barriers": load_tiny(base / "no-barriers", _nobody_ticks_a_barrier),
    }


#: This file runs on one xdist worker (``--dist loadfile``), which computes each case's figures once.
#: Every figure of a dataset takes seconds: the tiny dataset is the fast lane's case, the rest is slow.
CASES = [pytest.param(d, w, marks=[] if d == "tiny" else [pytest.mark.slow])
         for d in ("demo", "tiny", "tiny_no_control", "tiny_no_barriers") for w in ("T1", "T2")]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name, wave", CASES)
def test_every_text_fills_in(datasets, name, wave, language):
    context = context_for(datasets, name, wave, language)
    for text in TEXTS:
        title, body = load_text(text, context)
        assert title and body.strip()
        assert "{{" not in body and "{%" not in body


@pytest.mark.slow
def test_the_most_named_barrier_needs_no_agreement_with_its_label(datasets):
    """'medische klachten' is plural, 'moeite met de taal' singular: the sentence reads right for both."""
    for language, expected in (("nl", "; op T1 noemen zij medische klachten het vaakst."),
                               ("en", "; at T1, they named medical complaints most often.")):
        _, body = load_text("conclusions", context_for(datasets, "demo", "T1", language))
        assert expected in body
        assert "staat medische klachten" not in body


@pytest.mark.slow
def test_demo_summary_states_the_published_numbers(datasets):
    _, body = load_text("summary", context_for(datasets, "demo", "T1", "nl"))
    assert "hebben er 87 (65%) eerder betaald werk" in body
    assert "Op T0 hadden 54 van de 124 deelnemers" in body and "waren dat er 53" in body
    assert "maakten 46 van de 124 deelnemers gebruik" in body
    assert "noemden 42 deelnemers als reden: vanwege gezondheid" in body
    assert "is medische klachten: 78% van de deelnemers" in body  # 95 of 122 who answered the barrier questions (one denominator per measure)
    assert "zijn er 31 tevreden of heel tevreden" in body
    # a change is stated with its paired test, and 54 → 53 is no change
    assert ("Bij het aantal deelnemers met minstens één vorm van participatie is tussen T0 en T1 geen duidelijke "
            "verandering te zien (54 en 53 van de 124; McNemar-toets, p = 1,000; gecorrigeerd voor het aantal "
            "toetsen p = 1,000)") in body


def _dutch(value: float, decimals: int, sign: bool = False) -> str:
    text = f"{value:+.{decimals}f}" if sign and round(value, decimals) != 0 else f"{value:.{decimals}f}"
    return text.replace(".", ",")


@pytest.mark.slow
@pytest.mark.parametrize("text", ["summary", "conclusions"])
def test_demo_final_report_states_the_bottom_line_with_numbers(datasets, text):
    from via_reports.analysis.effects import effects_table

    context = context_for(datasets, "demo", "T2", "nl")
    _, body = load_text(text, context)
    scope = Scope.for_wave(datasets["demo"], "T2", language="nl", min_n=2)
    table = effects_table(datasets["demo"], scope)
    headline = table[(table["analysis"] == "primary") & (table["estimator"] == "ancova")].set_index("outcome")
    paid = headline.loc["paid_work"]
    effect, low, high, mde = (_dutch(100 * paid[c], 1, c == "effect") for c in ("effect", "ci_low", "ci_high", "mde"))
    if text == "summary":
        assert (f"Betaald werk (primaire uitkomst): {effect} procentpunt (95%-BI {low} tot {high}); effecten "
                f"kleiner dan {mde}") in body
        assert body.index("Eerst de primaire uitkomst, betaald werk") < body.index("- Betaald werk (primaire")
        assert "Kanttekeningen:" in body
    else:
        assert (f"| Betaald werk (primaire uitkomst) | {effect}\u00a0%-punt | {low}\u00a0–\u00a0{high} | "
                f"{mde}\u00a0%-punt | niet aantoonbaar |") in body
    assert "Gecorrigeerd voor de beginsituatie is bij geen van de 9 uitkomsten een effect van de pilot aangetoond" \
        in body
    # where the estimates disagree: paid work (imbalance at T0) and discrimination
    assert "Bij betaald werk en discriminatie ervaren geven" in body
    for caveat in ("De groepen in de vergelijking zijn klein", "wie afhaakte, verschilde op T0",
                   "Bij de start verschilden de groepen op betaald werk (0% tegen 12%)",
                   "pilotdeelnemers mee die niet door loting zijn ingedeeld"):
        assert caveat in body
    english = load_text(text, context_for(datasets, "demo", "T2", "en"))[1]
    assert "no effect of the pilot was demonstrated for any of the 9 outcomes" in english


@pytest.mark.slow
def test_no_barrier_named_is_said_as_such(datasets):
    context = context_for(datasets, "tiny_no_barriers", "T1", "nl")
    _, body = load_text("summary", context)
    assert "noemt niemand een belemmering" in body
    _, conclusions = load_text("conclusions", context)
    assert "meest genoemde belemmering" not in conclusions


def test_templates_run_in_a_sandbox():
    context = TextContext(figures={}, language="nl")
    with pytest.raises(TextError):
        render_text("{{ count.__func__.__globals__['Path']('/etc/hostname').read_text() }}", context)


def test_facts_count_leavers_and_the_panel(datasets, tmp_path):
    from via_reports.document.facts import study_facts

    demo = study_facts(datasets["demo"], Scope.for_wave(datasets["demo"], "T1"))
    assert (demo["n_pilot"], demo["n_panel"], demo["left_before_last_wave"], demo["left_moved"]) == (134, 124, 4, 4)
    assert demo["wave_list"] == "T0 en T1"

    def p1_leaves_after_answering_t1(frames):
        people = frames["participants"]
        people.loc[people.participant_id == "P1", ["exit_date", "exit_reason"]] = ["2021-01-05", "paid_work"]
        frames["responses"] = frames["responses"][~((frames["responses"].participant_id == "P1")
                                                    & (frames["responses"].wave == "T2"))]

    tiny = load_tiny(tmp_path / "p1", p1_leaves_after_answering_t1)
    facts = study_facts(tiny, Scope.for_wave(tiny, "T1"))
    # P7 left before T1 (moved); P1 answered T1 and left afterwards: still in the panel, not a leaver
    assert (facts["n_panel"], facts["left_before_last_wave"], facts["left_moved"]) == (6, 1, 1)


@pytest.mark.parametrize("left, moved, nl, en", [
    (0, 0, "Geen van de 8 deelnemers die begonnen, vertrok voor het laatste meetmoment van dit rapport.",
     "None of the 8 participants who started left before the last wave of this report."),
    (1, 0, "vertrok er één voor het laatste meetmoment van dit rapport.",
     "one left before the last wave of this report."),
    (1, 1, "vertrok er één voor het laatste meetmoment van dit rapport, door een verhuizing.",
     "one left before the last wave of this report, because they moved."),
    (4, 0, "vertrokken er 4 voor het laatste meetmoment van dit rapport.",
     "4 left before the last wave of this report."),
    (4, 1, "vertrokken er 4 voor het laatste meetmoment van dit rapport, van wie één door een verhuizing.",
     "4 left before the last wave of this report, one of them because they moved."),
    (4, 2, "vertrokken er 4 voor het laatste meetmoment van dit rapport, van wie 2 door een verhuizing.",
     "4 left before the last wave of this report, 2 of them because they moved."),
    (4, 4, "vertrokken er 4 voor het laatste meetmoment van dit rapport, allemaal door een verhuizing.",
     "4 left before the last wave of this report, all of them because they moved."),
])
def test_the_leavers_sentence_reads_right_for_none_one_and_many(datasets, left, moved, nl, en):
    for language, expected in (("nl", nl), ("en", en)):
        context = context_for(datasets, "tiny", "T1", language)
        context.facts.update(left_before_last_wave=left, left_moved=moved)
        _, body = load_text("introduction", context)
        assert expected in body, body
