"""One denominator per measure (REPORTS.md, statistics v3), on the demo's interim (T1) and final (T2) report.

"A chapter's sentence and its subgroup rows for the same measure use the
same n (answers 'don't know' or missing excluded from both, and the n
stated)." For every measure with subgroup rows (``subgroups.comparisons``, the
figure CSV of the statistical appendix), the n and count the chapter's
sentence states for the last wave are read from the sentence and compared
with the rows' n_a + n_b and count_a + count_b, and both with a count made
here from the raw tables. The splits of the demo (sex, age, education, born
in NL, instrument use, background) are known for everyone, so the rows'
n_a + n_b is the measure's whole denominator.

A barrier question left empty (no row in either domain, although ``none``
can be ticked) is a missing answer: before, such a person counted as "not
ticked" in the barrier's share, change test and subgroup rows (the demo at
T1: 2 of the 124, at T2: 6 of the 112).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from via_reports import load_dataset
from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import build_figure

SCOPES = {"T1": (("T0", "T1"), "interim"), "T2": (("T0", "T1", "T2"), "final")}
OF = {"nl": "van de", "en": "of"}
AT = {"nl": "op", "en": "at"}


@pytest.fixture(scope="module", params=[(w, lang) for w in SCOPES for lang in ("nl", "en")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def report(request):
    last, language = request.param
    waves, kind = SCOPES[last]
    dataset = load_dataset(None, language)
    scope = Scope(waves=waves, language=language, min_n=10, kind=kind)
    rows = build_figure("subgroups.comparisons", dataset, scope).data
    return dataset, scope, rows


def figure(report, figure_id):
    dataset, scope, _ = report
    return build_figure(figure_id, dataset, scope)


def panel_ids(dataset, waves) -> set[str]:
    people = dataset.participants
    ids = set(people.loc[people["group"] == "pilot", "participant_id"])
    for wave in waves:
        ids &= set(dataset.responses.loc[dataset.responses["wave"] == wave, "participant_id"])
    return ids


def rows_of(rows: pd.DataFrame, outcome: str) -> pd.DataFrame:
    found = rows[rows["outcome"] == outcome]
    assert len(found), outcome
    return found


def assert_rows(rows: pd.DataFrame, outcome: str, n: int, count: int) -> None:
    """Every subgroup row of ``outcome`` counts the same n people and count as the sentence."""
    for _, row in rows_of(rows, outcome).iterrows():
        assert (row["n_a"] + row["n_b"], row["count_a"] + row["count_b"]) == (n, count), (outcome, row["split"])


def test_barriers_share_of_those_who_answered(report):
    dataset, scope, rows = report
    last, language = scope.last_wave, scope.language
    people = panel_ids(dataset, scope.waves)
    barriers = dataset.barriers[dataset.barriers["participant_id"].isin(people)]
    answered = {w: set(barriers.loc[barriers["wave"] == w, "participant_id"]) for w in scope.waves}
    assert len(answered[last]) < len(people)  # the demo: some left the barrier questions empty
    data = figure(report, "barriers.by_wave").data
    for barrier in ("transport", "home", "language", "medical"):
        ticked = set(barriers.loc[(barriers["wave"] == last) & (barriers["barrier"] == barrier), "participant_id"])
        row = data[(data["wave"] == last) & (data["barrier"] == barrier)].iloc[0]
        assert (row["n"], row["count"]) == (len(answered[last]), len(ticked))  # the figure CSV
        if barrier != "medical":  # medical has no subgroup rows
            assert_rows(rows, f"barrier_{barrier}", len(answered[last]), len(ticked))
    # the chapter's sentence states the n of each wave: those who answered
    sentence = figure(report, "barriers.by_wave").text[0]
    top = data[(data["wave"] == last) & (data["barrier"] != "none")].sort_values("count", kind="mergesort").iloc[-1]
    count = int(top["count"])
    assert f"{AT[language]} {last} {count} {OF[language]} {len(answered[last])} (" in sentence, sentence
    assert ("vragen over belemmeringen beantwoordde" if language == "nl"
            else "answered the barrier questions") in sentence


def test_the_barrier_change_tests_count_the_pairs_who_answered_both_waves(report):
    dataset, scope, _ = report
    people = panel_ids(dataset, scope.waves)
    barriers = dataset.barriers[dataset.barriers["participant_id"].isin(people)]
    answered = {w: set(barriers.loc[barriers["wave"] == w, "participant_id"]) for w in scope.waves}
    table = build_figure("change.by_wave", dataset, scope).data
    for _, row in table[table["measure"].str.startswith("barrier_")].iterrows():
        pairs = answered[row["wave_from"]] & answered[row["wave_to"]]
        ticked = {w: set(barriers.loc[(barriers["wave"] == w) & (barriers["barrier"] == row["measure"][8:]),
                                      "participant_id"]) & pairs for w in (row["wave_from"], row["wave_to"])}
        assert (row["n"], row["value_from"], row["value_to"]) == (
            len(pairs), len(ticked[row["wave_from"]]), len(ticked[row["wave_to"]])), row["measure"]
    # the chapter's change sentences state those n's
    text = " ".join(figure(report, "barriers.by_wave").text[1:])
    stated = {int(n) for n in re.findall(rf"\b{OF[scope.language]} (\d+)[;)]", text)}
    assert stated and stated <= set(table.loc[table["measure"].str.startswith("barrier_"), "n"])
    assert len(people) not in stated or all(len(answered[w]) == len(people) for w in scope.waves)


def test_ease_sentence_and_rows(report):
    dataset, scope, rows = report
    last, language = scope.last_wave, scope.language
    people = panel_ids(dataset, scope.waves)
    answers = dataset.responses[(dataset.responses["wave"] == last)
                                & dataset.responses["participant_id"].isin(people)]["ease_society"]
    n, count = int(answers.notna().sum()), int((answers >= 4).sum())
    assert f"{AT[language]} {last} {count} {OF[language]} {n} (" in figure(report, "barriers.ease_society").text[0]
    assert_rows(rows, "ease_society_difficult", n, count)


def test_participation_sentence_and_rows(report):
    dataset, scope, rows = report
    last, language = scope.last_wave, scope.language
    people = panel_ids(dataset, scope.waves)
    answers = dataset.responses[(dataset.responses["wave"] == last) & dataset.responses["participant_id"].isin(people)]
    count = int(answers[["paid_work", "unpaid_work", "volunteer_work", "education"]].astype(bool).any(axis=1).sum())
    sentence = figure(report, "participation.by_wave").text[0]
    n = int(re.search(rf"{OF[language]} (\d+) (?:deelnemers|participants)", sentence).group(1))
    stated = int(re.search(rf"(?:bij|at) {last} (\d+) \(", sentence).group(1))
    assert (n, stated) == (len(people), count)
    assert_rows(rows, "participation_any", n, count)


def test_instrument_use_sentence_and_rows(report):
    dataset, scope, rows = report
    last, language = scope.last_wave, scope.language
    respondents = set(dataset.responses.loc[dataset.responses["wave"] == last, "participant_id"])
    respondents &= set(dataset.participants.loc[dataset.participants["group"] == "pilot", "participant_id"])
    users = set(dataset.instrument_use.loc[dataset.instrument_use["wave"] == last, "participant_id"]) & respondents
    sentence = figure(report, "instruments.use").text[0]
    count, n = map(int, re.search(rf"(\d+) {OF[language]} (\d+) (?:deelnemers|participants)", sentence).groups())
    assert (n, count) == (len(respondents), len(users))
    assert_rows(rows, "instrument_use", n, count)


def test_prior_paid_work_sentence_and_rows(report):
    dataset, scope, rows = report
    people = dataset.participants[(dataset.participants["group"] == "pilot")
                                  & (dataset.participants["birth_country"] != "NL")]
    n, count = len(people), int(people["prior_paid_work_nl"].astype(bool).sum())
    sentence = figure(report, "participants.born_nl_prior_work").text[0]
    born_abroad = "deelnemers niet in Nederland geboren" if scope.language == "nl" else \
        "participants born outside the Netherlands"
    assert f"{n} {born_abroad} {count} (" in sentence, sentence
    assert_rows(rows, "prior_paid_work_nl", n, count)
