"""Chapter "Participatie per meetmoment" (figures 3.8–3.9).

Population: the panel, i.e. pilot participants who answered every wave the
report covers. Participation = paid work, unpaid work, volunteer work or
education now or in the last three months; ``any`` = at least one of these.
``participation.all_waves`` counts ``any`` for whoever takes part in at least
one type at every wave, not necessarily the same type each time.
"""

from __future__ import annotations

import pandas as pd

from via_reports.analysis.change import change_table
from via_reports.analysis.formatting import capitalize_first, join_words, percent_text
from via_reports.analysis.populations import PARTICIPATION_TYPES, panel, participates, responses_in_wave
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures import charts
from via_reports.figures.change import changes_text
from via_reports.figures.charts import ChartStyle
from via_reports.figures.common import (
    COUNT_TITLE,
    EMPTY_POPULATION,
    HEADERS,
    PARTICIPANTS,
    code_labeller,
    count_of,
    count_rows,
    count_with_percent,
    describe,
    display_table,
    panel_note,
)
from via_reports.figures.declaration import COUNTS, WAVE, CountRule, figure
from via_reports.figures.figure import Figure

TYPES = (*PARTICIPATION_TYPES, "any")

TITLES = {
    "participation.by_wave": {
        "nl": "Aantal deelnemers bij wie sprake is van participatie per meetmoment",
        "en": "Number of participants taking part in work or education, per wave",
    },
    "participation.all_waves": {
        "nl": "Aantal deelnemers bij wie op alle meetmomenten sprake is van participatie",
        "en": "Number of participants taking part in work or education at every wave",
    },
}
ANY_NOTE = {
    "nl": "'Minstens één van deze' telt wie op elk meetmoment aan minstens één vorm deelneemt, "
    "niet noodzakelijk steeds dezelfde.",
    "en": "'At least one of these' counts who takes part in at least one type at every wave, "
    "not necessarily the same one.",
}


def participation_in_wave(dataset: Dataset, people: pd.DataFrame, wave: str) -> pd.DataFrame:
    """Per person of ``people``: True/False per participation type and ``any`` in ``wave``."""
    responses = responses_in_wave(dataset, people, wave)
    table = responses[list(PARTICIPATION_TYPES)].fillna(False).astype(bool)
    table["any"] = participates(responses)
    return table


@figure("participation.by_wave", chapter="participation", order=1, caption=TITLES["participation.by_wave"],
        columns={"wave": WAVE, "type": {"nl": "Vorm van participatie", "en": "Type of participation"}, **COUNTS}, chart_fields={"type_label": {"nl": "Vorm", "en": "Type"}},
        disclosure=CountRule(binary=True))
def by_wave(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language = scope.language
    people = panel(dataset, scope.waves)
    n = len(people)
    keys, values = [], []
    for wave in scope.waves:
        table = participation_in_wave(dataset, people, wave)
        keys += [{"wave": wave, "type": t} for t in TYPES]
        values += [int(table[t].sum()) for t in TYPES]
    data = count_rows(keys, values, n)

    type_label = code_labeller("participation_type", language)
    plot = data.assign(type_label=data["type"].map(type_label))
    chart = charts.grouped_bar_chart(
        plot,
        category="type_label",
        group="wave",
        value="count",
        category_order=[type_label(t) for t in TYPES],
        group_order=list(scope.waves),
        value_title=COUNT_TITLE[language],
        group_title=HEADERS["wave"][language],
        style=style,
    )
    parts = [
        f"{wave}: " + ", ".join(f"{type_label(t)} {count_of(data, wave=wave, type=t)}" for t in TYPES)
        for wave in scope.waves
    ]
    return Figure(
        id="participation.by_wave",
        title=TITLES["participation.by_wave"][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("bar", language, parts),
        language=language,
        text=by_wave_text(data, n, scope) + change_text(dataset, scope, n),
        notes=[panel_note(scope)],
        table=display_table(data, language, {"type": type_label}),
    )


def change_text(dataset: Dataset, scope: Scope, n: int) -> list[str]:
    """Between consecutive waves: any participation, and each type that changed (paired McNemar tests)."""
    if n == 0 or len(scope.waves) < 2:
        return []
    return changes_text(change_table(dataset, scope), PARTICIPATION_TYPES, "participation", scope,
                        always=["participation_any"])


def by_wave_text(data: pd.DataFrame, n: int, scope: Scope) -> list[str]:
    language = scope.language
    if n == 0:
        return [EMPTY_POPULATION[language]]
    first, *rest = scope.waves
    at = {"nl": "bij", "en": "at"}[language]
    first_count = count_of(data, wave=first, type="any")
    first_text = percent_text(first_count, n, language, PARTICIPANTS[language])
    later = [f"{at} {w} {count_with_percent(count_of(data, wave=w, type='any'), n)}" for w in rest]
    tail = f", {join_words(later, language)}" if later else ""
    text = [
        {
            "nl": f"Bij {first} is er bij {first_text} sprake van participatie{tail}.",
            "en": f"At {first}, {first_text} {'takes' if first_count == 1 else 'take'} part in work or "
                  f"education{tail}.",
        }[language]
    ]
    in_first_wave = data[(data["wave"] == first) & (data["type"] != "any")]
    top = in_first_wave.sort_values("count", ascending=False, kind="mergesort").iloc[0]
    if top["count"] > 0:
        name = capitalize_first(code_labeller("participation_type", language)(top["type"]))
        counts = join_words(
            [f"{w} {count_of(data, wave=w, type=top['type'])}" for w in scope.waves], language
        )
        text.append(
            {
                "nl": f"{name} komt het vaakst voor ({counts}).",
                "en": f"{name} is the most common type ({counts}).",
            }[language]
        )
    return text


@figure("participation.all_waves", chapter="participation", order=2, caption=TITLES["participation.all_waves"],
        columns={"type": {"nl": "Vorm van participatie", "en": "Type of participation"}, **COUNTS}, chart_fields={"type_label": {"nl": "Vorm", "en": "Type"}}, disclosure=CountRule(binary=True))
def all_waves(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language = scope.language
    people = panel(dataset, scope.waves)
    n = len(people)
    every_wave = pd.DataFrame(True, index=people.index, columns=list(TYPES))
    for wave in scope.waves:
        every_wave &= participation_in_wave(dataset, people, wave)
    data = count_rows([{"type": t} for t in TYPES], [int(every_wave[t].sum()) for t in TYPES], n)

    type_label = code_labeller("participation_type", language)
    plot = data.assign(type_label=data["type"].map(type_label))
    chart = charts.bar_chart(
        plot,
        category="type_label",
        value="count",
        category_order=[type_label(t) for t in TYPES],
        value_title=COUNT_TITLE[language],
        highlight=type_label("any"),
        style=style,
    )
    parts = [f"{type_label(r.type)}: {r.count}" for r in data.itertuples()]
    return Figure(
        id="participation.all_waves",
        title=TITLES["participation.all_waves"][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("bar", language, parts),
        language=language,
        text=all_waves_text(data, n, scope),
        notes=[panel_note(scope), ANY_NOTE[language]],
        table=display_table(data, language, {"type": type_label}),
    )


def all_waves_text(data: pd.DataFrame, n: int, scope: Scope) -> list[str]:
    language = scope.language
    if n == 0:
        return [EMPTY_POPULATION[language]]
    waves = join_words(list(scope.waves), language)
    every = count_of(data, type="any")
    everyone = percent_text(every, n, language, PARTICIPANTS[language])
    return [
        {
            "nl": f"Bij {everyone} is er op alle meetmomenten ({waves}) sprake van participatie.",
            "en": f"At every wave ({waves}), {everyone} {'takes' if every == 1 else 'take'} part in work or "
                  "education.",
        }[language]
    ]
