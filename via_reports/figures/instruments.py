"""Chapter "Inzet van instrumenten" (figure 4.1 and the reasons for non-use).

Population: respondents of the report's last wave (pilot participants who
answered it). Every instrument of the catalogue gets a row, also the ones
nobody used; ``any`` = at least one instrument.
"""

from __future__ import annotations

import pandas as pd

from via_reports.analysis.formatting import join_words, markdown_literal, percent_text
from via_reports.analysis.populations import instrument_user_ids, respondents
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures import charts
from via_reports.figures.charts import ChartStyle
from via_reports.figures.common import (
    COUNT_TITLE,
    EMPTY_POPULATION,
    PARTICIPANTS,
    code_labeller,
    count_of,
    count_rows,
    describe,
    display_table,
    instrument_labels,
    label,
)
from via_reports.figures.declaration import COUNTS, CountRule, figure
from via_reports.figures.figure import Figure

REASONS = ("health", "not_suitable", "not_offered", "no_time", "has_income", "other")
ANY_LABEL = {"nl": "minstens één instrument", "en": "at least one instrument"}

TITLES = {
    "instruments.use": {"nl": "Gebruik van instrumenten op {wave}", "en": "Use of instruments at {wave}"},
    "instruments.non_use_reasons": {
        "nl": "Redenen om op {wave} geen instrument te gebruiken",
        "en": "Reasons for not using any instrument at {wave}",
    },
}
MORE_INSTRUMENTS_NOTE = {
    "nl": "Een deelnemer kan meer dan één instrument gebruiken.",
    "en": "A participant may use more than one instrument.",
}
MORE_REASONS_NOTE = {
    "nl": "Deelnemers konden meer dan één reden noemen; de percentages tellen daarom niet op tot 100.",
    "en": "Participants could give more than one reason, so the percentages do not add up to 100.",
}


def catalogue(dataset: Dataset) -> list[str]:
    """Instrument codes in the order of the instruments table."""
    return list(dataset.instruments["instrument"])


@figure("instruments.use", chapter="instruments", order=1, caption=TITLES["instruments.use"],
        columns={"instrument": {"nl": "Instrument", "en": "Instrument"}, **COUNTS},
        chart_fields={"instrument_label": {"nl": "Instrument", "en": "Instrument"}}, disclosure=CountRule(binary=True))
def use(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language, wave = scope.language, scope.last_wave
    people = respondents(dataset, wave)
    n = len(people)
    instruments = catalogue(dataset)
    users = {code: instrument_user_ids(dataset, wave, code) & set(people.index) for code in instruments}
    anyone = instrument_user_ids(dataset, wave) & set(people.index)
    data = count_rows(
        [{"instrument": code} for code in [*instruments, "any"]],
        [len(users[code]) for code in instruments] + [len(anyone)],
        n,
    )

    names = {**instrument_labels(dataset, language), "any": ANY_LABEL[language]}
    by_use = data[data["instrument"] != "any"].sort_values("count", ascending=False, kind="mergesort")
    order = [names["any"]] + [names[code] for code in by_use["instrument"]]
    plot = data.assign(instrument_label=data["instrument"].map(names))
    chart = charts.bar_chart(
        plot,
        category="instrument_label",
        value="count",
        category_order=order,
        value_title=COUNT_TITLE[language],
        highlight=names["any"],
        style=style,
    )
    parts = [f"{names['any']}: {len(anyone)}"]
    parts += [f"{names[r.instrument]}: {r.count}" for r in by_use.itertuples()]
    return Figure(
        id="instruments.use",
        title=TITLES["instruments.use"][language].format(wave=wave),
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("bar", language, parts),
        language=language,
        text=use_text(data, by_use, names, n, scope),
        notes=[MORE_INSTRUMENTS_NOTE[language]],
        table=display_table(data, language, {"instrument": names.get}),
    )


def use_text(
    data: pd.DataFrame, by_use: pd.DataFrame, names: dict[str, str], n: int, scope: Scope
) -> list[str]:
    language, wave = scope.language, scope.last_wave
    if n == 0:
        return [EMPTY_POPULATION[language]]
    users = count_of(data, instrument="any")
    if users == 0:
        text = [{"nl": f"Op {wave} gebruikt geen van de {n} deelnemers een instrument.",
                 "en": f"At {wave}, none of the {n} participants uses an instrument."}[language]]
    else:
        anyone = percent_text(users, n, language, PARTICIPANTS[language])
        text = [{"nl": f"Op {wave} {'gebruikt' if users == 1 else 'gebruiken'} {anyone} minstens één instrument.",
                 "en": f"At {wave}, {anyone} {'uses' if users == 1 else 'use'} at least one instrument."}[language]]
    most_used = [f"{markdown_literal(names[r.instrument])} ({r.count})" for r in by_use.head(2).itertuples()
                 if r.count > 0]
    if most_used:
        most_used_text = join_words(most_used, language)
        text.append(
            {"nl": f"Het meest gebruikt: {most_used_text}.", "en": f"Most used: {most_used_text}."}[language]
        )
    return text


@figure("instruments.non_use_reasons", chapter="instruments", order=2, caption=TITLES["instruments.non_use_reasons"],
        columns={"reason": {"nl": "Reden", "en": "Reason"}, **COUNTS},
        chart_fields={"reason_label": {"nl": "Reden", "en": "Reason"}}, disclosure=CountRule(binary=True))
def non_use_reasons(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language, wave = scope.language, scope.last_wave
    everyone = respondents(dataset, wave)
    people = everyone[~everyone.index.isin(instrument_user_ids(dataset, wave))]
    n = len(people)
    reasons = dataset.non_use_reasons
    reasons = reasons[(reasons["wave"] == wave) & reasons["participant_id"].isin(people.index)]
    counts = [reasons.loc[reasons["reason"] == code, "participant_id"].nunique() for code in REASONS]
    data = count_rows([{"reason": code} for code in REASONS], counts, n)

    reason_label = code_labeller("non_use_reason", language)
    plot = data.assign(reason_label=data["reason"].map(reason_label))
    order = [
        reason_label(code) for code in data.sort_values("count", ascending=False, kind="mergesort")["reason"]
    ]
    chart = charts.bar_chart(
        plot,
        category="reason_label",
        value="count",
        category_order=order,
        value_title=COUNT_TITLE[language],
        style=style,
    )
    parts = [f"{reason_label(r.reason)}: {r.count}" for r in data.itertuples()]
    title = TITLES["instruments.non_use_reasons"][language].format(wave=wave)
    return Figure(
        id="instruments.non_use_reasons",
        title=title,
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("bar", language, parts),
        language=language,
        text=non_use_text(data, n, scope),
        notes=[MORE_REASONS_NOTE[language]],
        table=display_table(data, language, {"reason": reason_label}),
    )


def non_use_text(data: pd.DataFrame, n: int, scope: Scope) -> list[str]:
    language, wave = scope.language, scope.last_wave
    if n == 0:
        return [EMPTY_POPULATION[language]]
    top = data.sort_values("count", ascending=False, kind="mergesort").iloc[0]
    non_users = {"nl": f"Op {wave} gebruikt 1 deelnemer geen instrument" if n == 1
                 else f"Op {wave} gebruiken {n} deelnemers geen instrument",
                 "en": f"At {wave}, 1 participant uses no instrument" if n == 1
                 else f"At {wave}, {n} participants use no instrument"}[language]
    if top["count"] == 0:
        return [non_users + {"nl": "; er is geen reden genoemd.", "en": "; no reason was given."}[language]]
    reason = label("non_use_reason", top["reason"], language)
    top_text = percent_text(int(top["count"]), n, language)
    most = {"nl": f"De meest genoemde reden is '{reason}': {top_text}.",
            "en": f"The reason given most often is '{reason}': {top_text}."}[language]
    return [non_users + ".", most]
