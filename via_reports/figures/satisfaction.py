"""Chapter "Tevredenheid per instrument".

``satisfaction.overall``: respondents of the last wave with at least one
instrument_use row in that wave, answer ``satisfaction_overall``.
``satisfaction.<instrument>``: the users of that instrument in the last wave,
answer ``instrument_use.satisfaction``; one figure per instrument with at
least ``scope.min_n`` users. Answers 1–5 (1 very dissatisfied … 5 very
satisfied) and ``missing``.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from via_reports.analysis.populations import instrument_user_ids, respondents, responses_in_wave
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.exceptions import ParameterError
from via_reports.figures import charts
from via_reports.figures.charts import ChartStyle
from via_reports.figures.common import (
    ANSWERS,
    EMPTY_POPULATION,
    PERCENT_TITLE,
    answer_codes,
    answer_label,
    count_of,
    count_rows,
    count_with_percent,
    describe,
    display_table,
    instrument_labels,
    sum_counts,
)
from via_reports.figures.declaration import ANSWER, COUNTS, CountRule, FigureDeclaration, declare, figure
from via_reports.figures.figure import Figure

SATISFIED = ("4", "5")
#: What the satisfaction charts draw beside the shared fields (an answer, its sort order).
SATISFACTION_FIELDS = {"answer_label": ANSWER}
DISSATISFIED = ("1", "2")

TITLES = {
    "overall": {
        "nl": "Tevredenheid over de ingezette instrumenten in het algemeen",
        "en": "Overall satisfaction with the instruments used",
    },
    "instrument": {"nl": "Tevredenheid over {instrument}", "en": "Satisfaction with {instrument}"},
}
FEW_USERS_NOTE = {
    "nl": "Minder dan {min_n} deelnemers: de verdeling is onzeker.",
    "en": "Fewer than {min_n} participants: the distribution is uncertain.",
}


def satisfaction_figure(
    figure_id: str, title: str, answers: pd.Series, scope: Scope, style: ChartStyle | None = None
) -> Figure:
    """A figure of satisfaction answers (one per person asked)."""
    language, wave = scope.language, scope.last_wave
    n = len(answers)
    codes = answer_codes(answers)
    data = count_rows([{"answer": a} for a in ANSWERS], [int((codes == a).sum()) for a in ANSWERS], n)

    answer_text = partial(answer_label, "satisfaction", language=language)
    plot = data.assign(
        answer_label=data["answer"].map(answer_text), order=data["answer"].map(ANSWERS.index), wave=wave
    )
    chart = charts.answer_scale_chart(
        plot,
        row="wave",
        answer="answer_label",
        percent="percent",
        order="order",
        row_order=[wave],
        answer_order=[answer_text(a) for a in ANSWERS],
        colors=charts.answer_colors(5, higher_is_better=True, style=style),
        value_title=PERCENT_TITLE[language],
        style=style,
    )
    parts = [f"{answer_text(r.answer)} {count_with_percent(r.count, n)}" for r in data.itertuples()]
    notes = [FEW_USERS_NOTE[language].format(min_n=scope.min_n)] if n < scope.min_n else []
    return Figure(
        id=figure_id,
        title=title,
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("stacked_percent", language, [", ".join(parts)]),
        language=language,
        text=satisfaction_text(data, n, language),
        notes=notes,
        table=display_table(data, language, {"answer": answer_text}),
    )


#: The sentence on satisfied users, by case: none, one (a bit or very satisfied), or more (then how many very).
SATISFIED_TEXT = {
    "nl": {"none": "Van {users} is niemand een beetje of heel tevreden.",
           "one_very": "Van {users} is er {count} heel tevreden.",
           "one_a_bit": "Van {users} is er {count} een beetje tevreden.",
           "all_very": "Van {users} zijn er {count} een beetje of heel tevreden, allemaal heel tevreden.",
           "none_very": "Van {users} zijn er {count} een beetje of heel tevreden, niemand heel tevreden.",
           "some_very": "Van {users} zijn er {count} een beetje of heel tevreden, van wie {very} heel tevreden.",
           "one_user": "de enige gebruiker", "users": "de {n} gebruikers"},
    "en": {"none": "Of {users}, nobody is a bit or very satisfied.",
           "one_very": "Of {users}, {count} is very satisfied.",
           "one_a_bit": "Of {users}, {count} is a bit satisfied.",
           "all_very": "Of {users}, {count} are a bit or very satisfied, all of them very satisfied.",
           "none_very": "Of {users}, {count} are a bit or very satisfied, none of them very satisfied.",
           "some_very": "Of {users}, {count} are a bit or very satisfied, {very} of them very satisfied.",
           "one_user": "the only user", "users": "the {n} users"},
}
DISSATISFIED_TEXT = {
    "nl": {0: "Niemand is ontevreden.", 1: "Van de gebruikers is er 1 (een beetje) ontevreden.",
           "many": "Van de gebruikers zijn er {count} (een beetje) ontevreden."},
    "en": {0: "Nobody is dissatisfied.", 1: "Of the users, 1 is (a bit) dissatisfied.",
           "many": "Of the users, {count} are (a bit) dissatisfied."},
}


def satisfaction_text(data: pd.DataFrame, n: int, language: str) -> list[str]:
    """How many users are satisfied, how many of them very, and how many dissatisfied: right for 0, 1 and many."""
    if n == 0:
        return [EMPTY_POPULATION[language]]
    satisfied = sum_counts(data, "answer", SATISFIED)
    very = count_of(data, answer="5")
    dissatisfied = sum_counts(data, "answer", DISSATISFIED)
    words = SATISFIED_TEXT[language]
    if satisfied == 0:
        case = "none"
    elif satisfied == 1:
        case = "one_very" if very else "one_a_bit"
    else:
        case = "all_very" if very == satisfied else "none_very" if very == 0 else "some_very"
    users = words["one_user"] if n == 1 else words["users"].format(n=n)
    first = words[case].format(users=users, count=count_with_percent(satisfied, n),
                               very=count_with_percent(very, n))
    unhappy = DISSATISFIED_TEXT[language]
    return [first, unhappy.get(dissatisfied, unhappy["many"]).format(count=dissatisfied)]


def instrument_users_in_last_wave(dataset: Dataset, scope: Scope) -> pd.DataFrame:
    """Respondents of the last wave who used at least one instrument in it."""
    people = respondents(dataset, scope.last_wave)
    return people[people.index.isin(instrument_user_ids(dataset, scope.last_wave))]


@figure("satisfaction.overall", chapter="satisfaction", order=1, caption=TITLES["overall"],
        columns={"answer": ANSWER, **COUNTS}, chart_fields=SATISFACTION_FIELDS, disclosure=CountRule(dims=("answer",)))
def overall(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    people = instrument_users_in_last_wave(dataset, scope)
    answers = responses_in_wave(dataset, people, scope.last_wave)["satisfaction_overall"]
    title = TITLES["overall"][scope.language]
    return satisfaction_figure("satisfaction.overall", title, answers, scope, style)


def instrument_satisfaction(
    dataset: Dataset, scope: Scope, instrument: str, style: ChartStyle | None = None
) -> Figure:
    """``satisfaction.<instrument>``, built whatever the number of users (a note warns below min_n)."""
    names = instrument_labels(dataset, scope.language)
    if instrument not in names:
        raise ParameterError(f"unknown instrument {instrument!r}; the catalogue has {', '.join(names)}")
    people = respondents(dataset, scope.last_wave)
    use = dataset.instrument_use
    rows = use[
        (use["wave"] == scope.last_wave)
        & (use["instrument"] == instrument)
        & use["participant_id"].isin(people.index)
    ]
    title = TITLES["instrument"][scope.language].format(instrument=names[instrument])
    answers = rows["satisfaction"].reset_index(drop=True)
    return satisfaction_figure(f"satisfaction.{instrument}", title, answers, scope, style)


def instruments_with_enough_users(dataset: Dataset, scope: Scope) -> list[str]:
    """Catalogue instruments with at least ``scope.min_n`` users among the last wave's respondents."""
    people = set(respondents(dataset, scope.last_wave).index)
    return [
        code
        for code in dataset.instruments["instrument"]
        if len(instrument_user_ids(dataset, scope.last_wave, code) & people) >= scope.min_n
    ]


#: The family ``satisfaction.<instrument>``: declared below its members' function, which it names.
declare(FigureDeclaration(
    "satisfaction.<instrument>", chapter="satisfaction", order=2, caption=TITLES["instrument"],
    columns={"answer": ANSWER, **COUNTS}, chart_fields=SATISFACTION_FIELDS, disclosure=CountRule(dims=("answer",)),
    build=instrument_satisfaction, members=instruments_with_enough_users))
