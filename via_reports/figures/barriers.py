"""Chapter "Ervaren belemmeringen" (figures 6.1–6.3).

Population: the panel. Ease is asked on a 1–5 scale (1 very easy … 5 very
difficult); an empty answer is counted as ``missing``. Barriers are ticked per
domain (society, work); the figure counts a person once per barrier when it is
ticked in either domain. ``none`` ("no barriers") is counted the same way:
ticked in at least one domain — someone may tick ``none`` for society and
``medical`` for work and then counts under both.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from via_reports.analysis.change import change_table
from via_reports.analysis.formatting import join_words, percent_text
from via_reports.analysis.populations import BARRIERS, answered_barriers, panel, responses_in_wave, ticked_barrier
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures import charts
from via_reports.figures.change import changes_text, scale_text
from via_reports.figures.charts import ChartStyle
from via_reports.figures.common import (
    ANSWERS,
    COUNT_TITLE,
    EMPTY_POPULATION,
    HEADERS,
    PARTICIPANTS,
    PERCENT_TITLE,
    answer_codes,
    answer_label,
    code_labeller,
    count_of,
    count_rows,
    count_with_percent,
    describe,
    display_table,
    label,
    panel_note,
    sum_counts,
)
from via_reports.figures.declaration import ANSWER, COUNTS, WAVE, CountRule, figure
from via_reports.figures.figure import Figure

DIFFICULT = ("4", "5")

TITLES = {
    "barriers.ease_society": {
        "nl": "Hoe makkelijk of moeilijk deelnemen aan de maatschappij is, per meetmoment",
        "en": "How easy or difficult taking part in society is, per wave",
    },
    "barriers.ease_paid_work": {
        "nl": "Hoe makkelijk of moeilijk betaald werk vinden en krijgen is, per meetmoment",
        "en": "How easy or difficult finding and getting paid work is, per wave",
    },
    "barriers.by_wave": {
        "nl": "Ervaren belemmeringen per meetmoment",
        "en": "Barriers experienced, per wave",
    },
}
EITHER_DOMAIN_NOTE = {
    "nl": "Een belemmering telt mee als de deelnemer haar noemt bij deelnemen aan de maatschappij en/of bij "
    "betaald werk vinden; dat geldt ook voor 'geen belemmeringen'. Meer antwoorden waren mogelijk.",
    "en": "A barrier counts when the participant ticked it for taking part in society and/or for finding "
    "paid work; the same holds for 'no barriers'. More than one answer was possible.",
}
EASE_TOPIC = {
    "ease_society": {"nl": "om deel te nemen aan de maatschappij", "en": "to take part in society"},
    "ease_paid_work": {"nl": "om betaald werk te vinden en te krijgen", "en": "to find and get paid work"},
}


def ease_figure(
    dataset: Dataset, scope: Scope, figure_id: str, column: str, style: ChartStyle | None = None
) -> Figure:
    language = scope.language
    people = panel(dataset, scope.waves)
    n = len(people)
    keys, values = [], []
    for wave in scope.waves:
        answers = answer_codes(responses_in_wave(dataset, people, wave)[column])
        keys += [{"wave": wave, "answer": a} for a in ANSWERS]
        values += [int((answers == a).sum()) for a in ANSWERS]
    data = count_rows(keys, values, n)

    answer_text = partial(answer_label, "ease", language=language)
    plot = data.assign(answer_label=data["answer"].map(answer_text), order=data["answer"].map(ANSWERS.index))
    chart = charts.answer_scale_chart(
        plot,
        row="wave",
        answer="answer_label",
        percent="percent",
        order="order",
        row_order=list(scope.waves),
        answer_order=[answer_text(a) for a in ANSWERS],
        colors=charts.answer_colors(5, higher_is_better=False, style=style),
        value_title=PERCENT_TITLE[language],
        style=style,
    )
    parts = [
        f"{wave}: "
        + ", ".join(
            f"{answer_text(a)} {count_with_percent(count_of(data, wave=wave, answer=a), n)}" for a in ANSWERS
        )
        for wave in scope.waves
    ]
    return Figure(
        id=figure_id,
        title=TITLES[figure_id][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("stacked_percent", language, parts),
        language=language,
        text=ease_text(data, n, column, scope) + (
            scale_text(change_table(dataset, scope), column, scope) if n and len(scope.waves) > 1 else []),
        notes=[panel_note(scope)],
        table=display_table(data, language, {"answer": answer_text}),
    )


def ease_text(data: pd.DataFrame, n: int, column: str, scope: Scope) -> list[str]:
    language = scope.language
    if n == 0:
        return [EMPTY_POPULATION[language]]
    at = {"nl": "op", "en": "at"}[language]
    # one denominator per measure (statistics v3): those who answered, as in the subgroup comparisons of ease
    answered = {wave: sum_counts(data[data["wave"] == wave], "answer", ANSWERS[:-1]) for wave in scope.waves}
    difficult = {wave: sum_counts(data[data["wave"] == wave], "answer", DIFFICULT) for wave in scope.waves}
    per_wave = [f"{at} {wave} {percent_text(count, answered[wave], language)}" for wave, count in difficult.items()]
    topic = EASE_TOPIC[column][language]
    if language == "nl":
        return [
            (
                f"Het aantal deelnemers dat het moeilijk of heel moeilijk vindt {topic}, van wie de vraag "
                f"beantwoordde: "
                f"{join_words(per_wave, language)}."
            )
        ]
    return [
        f"Participants who find it difficult or very difficult {topic}, of those who answered the question: "
        f"{join_words(per_wave, language)}."
    ]


@figure("barriers.ease_society", chapter="barriers", order=1, caption=TITLES["barriers.ease_society"],
        columns={"wave": WAVE, "answer": ANSWER, **COUNTS}, chart_fields={"answer_label": ANSWER},
        disclosure=CountRule(by=("wave",), dims=("answer",)))
def ease_society(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    return ease_figure(dataset, scope, "barriers.ease_society", "ease_society", style)


@figure("barriers.ease_paid_work", chapter="barriers", order=2, caption=TITLES["barriers.ease_paid_work"],
        columns={"wave": WAVE, "answer": ANSWER, **COUNTS}, chart_fields={"answer_label": ANSWER},
        disclosure=CountRule(by=("wave",), dims=("answer",)))
def ease_paid_work(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    return ease_figure(dataset, scope, "barriers.ease_paid_work", "ease_paid_work", style)


@figure("barriers.by_wave", chapter="barriers", order=3, caption=TITLES["barriers.by_wave"],
        columns={"wave": WAVE, "barrier": {"nl": "Belemmering", "en": "Barrier"}, **COUNTS},
        chart_fields={"barrier_label": {"nl": "Belemmering", "en": "Barrier"}}, disclosure=CountRule(binary=True))
def by_wave(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language = scope.language
    people = panel(dataset, scope.waves)
    n = len(people)
    # one denominator per measure (statistics v3): per wave, those who answered the barrier questions, as in
    # the change tests and the subgroup comparisons of a barrier (analysis/populations.py barrier_answer)
    answered = {wave: int(answered_barriers(dataset, people, wave).sum()) for wave in scope.waves}
    data = pd.concat([count_rows([{"wave": wave, "barrier": b} for b in BARRIERS],
                                 [int(ticked_barrier(dataset, people, wave, b).sum()) for b in BARRIERS],
                                 answered[wave]) for wave in scope.waves], ignore_index=True)

    barrier_label = code_labeller("barrier", language)
    plot = data.assign(barrier_label=data["barrier"].map(barrier_label))
    chart = charts.grouped_bar_chart(
        plot,
        category="barrier_label",
        group="wave",
        value="count",
        category_order=[barrier_label(b) for b in BARRIERS],
        group_order=list(scope.waves),
        value_title=COUNT_TITLE[language],
        group_title=HEADERS["wave"][language],
        style=style,
    )
    parts = [
        f"{wave}: "
        + ", ".join(f"{barrier_label(b)} {count_of(data, wave=wave, barrier=b)}" for b in BARRIERS)
        for wave in scope.waves
    ]
    return Figure(
        id="barriers.by_wave",
        title=TITLES["barriers.by_wave"][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("bar", language, parts),
        language=language,
        text=by_wave_text(data, n, scope) + (
            changes_text(_tested(change_table(dataset, scope)), [f"barrier_{b}" for b in BARRIERS], "barriers", scope)
            if n and len(scope.waves) > 1 else []),
        notes=[panel_note(scope), EITHER_DOMAIN_NOTE[language]],
        table=display_table(data, language, {"barrier": barrier_label}),
    )


def _tested(table: pd.DataFrame) -> pd.DataFrame:
    """The change tests with at least one pair: a barrier nobody answered at both waves has no test to state."""
    return table[table["n"] > 0]


def by_wave_text(data: pd.DataFrame, n: int, scope: Scope) -> list[str]:
    language = scope.language
    if n == 0:
        return [EMPTY_POPULATION[language]]
    if int(data.loc[data["wave"] == scope.last_wave, "n"].iloc[0]) == 0:
        return [{"nl": f"Op {scope.last_wave} heeft niemand de vragen over belemmeringen beantwoord.",
                 "en": f"At {scope.last_wave}, nobody answered the barrier questions."}[language]]
    last = data[(data["wave"] == scope.last_wave) & (data["barrier"] != "none")]
    top = last.sort_values("count", ascending=False, kind="mergesort").iloc[0]
    if top["count"] == 0:
        return [
            {
                "nl": f"Op {scope.last_wave} noemt niemand een belemmering.",
                "en": f"At {scope.last_wave}, nobody reports a barrier.",
            }[language]
        ]
    barrier = label("barrier", top["barrier"], language)
    at = {"nl": "op", "en": "at"}[language]
    first, *rest = scope.waves
    ticked = {wave: count_of(data, wave=wave, barrier=top["barrier"]) for wave in scope.waves}
    # the n of each wave stated: those who answered the barrier questions (one denominator per measure)
    answered = {wave: int(data.loc[data["wave"] == wave, "n"].iloc[0]) for wave in scope.waves}
    per_wave = [f"{at} {first} {percent_text(ticked[first], answered[first], language, PARTICIPANTS[language])}"]
    per_wave += [f"{at} {wave} {percent_text(ticked[wave], answered[wave], language)}" for wave in rest]
    waves = join_words(per_wave, language)
    return [
        {
            "nl": f"De meest genoemde belemmering op {scope.last_wave} is '{barrier}' (geteld onder wie de vragen "
                  f"over belemmeringen beantwoordde): {waves}.",
            "en": f"The barrier reported most often at {scope.last_wave} is '{barrier}' (counted among those who "
                  f"answered the barrier questions): {waves}.",
        }[language]
    ]
