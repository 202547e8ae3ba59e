"""Chapter "Beschrijving van de deelnemers": who the pilot participants are (figures 3.1–3.7).

Population: every pilot participant, including those who left later.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from via_reports.analysis.formatting import format_rounded, join_words, percent_text
from via_reports.analysis.origins import ORIGIN_MEASURES, origin_counts, tie_at_cut, top_countries
from via_reports.analysis.populations import AGE_GROUPS, age, age_group, born_nl, low_education, pilot
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures import charts
from via_reports.figures.charts import ChartStyle
from via_reports.figures.common import (
    COUNT_TITLE,
    EMPTY_POPULATION,
    PARTICIPANTS,
    boolean_label,
    category_counts,
    code_labeller,
    count_of,
    count_rows,
    count_with_percent,
    counted,
    describe,
    dict_labeller,
    display_table,
    label,
)
from via_reports.figures.box_plot import BOX_COLUMNS, box_plot_figure
from via_reports.figures.declaration import COUNTS, CountRule, figure
from via_reports.figures.figure import Figure

SEXES = ("female", "male", "other")
EDUCATION = ("none", "primary", "vmbo", "mbo1", "mbo2", "mbo3_4", "havo_vwo", "hbo_wo")
YES_NO = (True, False)

MEASURE_LABELS = {
    "born": {"nl": "geboren in dit land", "en": "born in this country"},
    "background": {"nl": "achtergrond in dit land", "en": "background in this country"},
    "born_or_background": {"nl": "geboren en/of achtergrond", "en": "born there and/or background"},
}
BORN_NL_LABELS = {
    True: {"nl": "geboren in Nederland", "en": "born in the Netherlands"},
    False: {"nl": "niet in Nederland geboren", "en": "born outside the Netherlands"},
}
PRIOR_WORK_LABELS = {
    True: {"nl": "eerder betaald werk in Nederland", "en": "prior paid work in the Netherlands"},
    False: {"nl": "geen eerder betaald werk in Nederland", "en": "no prior paid work in the Netherlands"},
}
DIPLOMA_LABELS = {
    True: {"nl": "buitenlands diploma gewaardeerd", "en": "foreign diploma valued"},
    False: {"nl": "geen gewaardeerd buitenlands diploma", "en": "no valued foreign diploma"},
}

TITLES = {
    "participants.origin": {
        "nl": "Deelnemers naar geboorteland en culturele achtergrond",
        "en": "Participants by country of birth and cultural background",
    },
    "participants.age_sex": {
        "nl": "Deelnemers naar leeftijdsgroep en geslacht",
        "en": "Participants by age group and sex",
    },
    "participants.education": {
        "nl": "Deelnemers naar hoogst gevolgde opleiding in Nederland",
        "en": "Participants by highest education followed in the Netherlands",
    },
    "participants.no_nl_diploma_age": {
        "nl": (
            "Deelnemers zonder onderwijs in Nederland naar leeftijdsgroep en gewaardeerd buitenlands diploma"
        ),
        "en": "Participants without education in the Netherlands by age group and valued foreign diploma",
    },
    "participants.born_nl_prior_work": {
        "nl": "Deelnemers naar geboorteland Nederland en eerder betaald werk in Nederland",
        "en": "Participants by birth in the Netherlands and prior paid work in the Netherlands",
    },
    "participants.years_paid_work": {
        "nl": "Aantal jaren betaald werk in Nederland",
        "en": "Years of paid work in the Netherlands",
    },
    "participants.years_since_work": {
        "nl": "Aantal jaren sinds het laatste betaalde werk in Nederland",
        "en": "Years since the last paid work in the Netherlands",
    },
}
TIE_NOTE = {
    "nl": "Bij gelijke aantallen bepaalt de landcode welk land in de top vijf staat.",
    "en": "Where countries tie, the country code decides which one is in the top five.",
}
BACKGROUNDS_NOTE = {
    "nl": "Deelnemers kunnen meer dan één culturele achtergrond opgeven.",
    "en": "Participants may report more than one cultural background.",
}


def cross_counts(first: pd.Series, first_codes, second: pd.Series, second_codes) -> list[int]:
    """How many people have each combination (first code, second code), first code varying slowest."""
    return [
        int(((first == a) & (second == b)).fillna(False).sum()) for a in first_codes for b in second_codes
    ]


# ---------------------------------------------------------------------------
# participants.origin
# ---------------------------------------------------------------------------


@figure("participants.origin", chapter="participants", order=1, caption=TITLES["participants.origin"],
        columns={"country": {"nl": "Land", "en": "Country"}, "measure": {"nl": "Kenmerk", "en": "Measure"}, **COUNTS},
        chart_fields={"country_label": {"nl": "Land", "en": "Country"}, "measure_label": {"nl": "Maat", "en": "Measure"}},
        # measures overlap (born / background / either), so each count is only known against n
        disclosure=CountRule(binary=True))
def origin(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language = scope.language
    people = pilot(dataset)
    n = len(people)
    counts = origin_counts(dataset, people)
    top = top_countries(counts)
    by_country = counts.set_index("country")
    keys = [{"country": c, "measure": m} for c in top for m in ORIGIN_MEASURES]
    values = [by_country.loc[c, m] for c in top for m in ORIGIN_MEASURES]
    data = count_rows([*keys, {"country": "NL", "measure": "born"}], [*values, int(born_nl(people).sum())], n)

    country_label = code_labeller("country", language)
    measure_label = dict_labeller(MEASURE_LABELS, language)
    plot = data.assign(
        country_label=data["country"].map(country_label), measure_label=data["measure"].map(measure_label)
    )
    chart = charts.grouped_bar_chart(
        plot,
        category="country_label",
        group="measure_label",
        value="count",
        category_order=[country_label(c) for c in [*top, "NL"]],
        group_order=[measure_label(m) for m in ORIGIN_MEASURES],
        value_title=COUNT_TITLE[language],
        style=style,
    )
    parts = [
        f"{country_label(c)}: "
        + ", ".join(f"{measure_label(r.measure)} {r.count}" for r in data[data["country"] == c].itertuples())
        for c in [*top, "NL"]
    ]
    notes = [TIE_NOTE[language]] if tie_at_cut(counts) else []
    return Figure(
        id="participants.origin",
        title=TITLES["participants.origin"][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("bar", language, parts),
        language=language,
        text=origin_text(data, n, top, language),
        notes=[*notes, BACKGROUNDS_NOTE[language]],
        table=display_table(data, language, {"country": country_label, "measure": measure_label}),
    )


def origin_text(data: pd.DataFrame, n: int, top: list[str], language: str) -> list[str]:
    if n == 0:
        return [EMPTY_POPULATION[language]]
    in_nl = count_of(data, country="NL", measure="born")
    here, elsewhere = count_with_percent(in_nl, n), count_with_percent(n - in_nl, n)
    first = {
        "nl": f"Van de {n} deelnemers zijn er {here} in Nederland geboren en {elsewhere} elders.",
        "en": f"Of the {n} participants, {here} were born in the Netherlands and {elsewhere} elsewhere.",
    }[language]
    largest = [
        f"{label('country', c, language)} ({count_of(data, country=c, measure='born_or_background')})"
        for c in top[:3]
    ]
    if not largest:
        return [first]
    second = {
        "nl": "De meest voorkomende landen van geboorte en/of achtergrond zijn {}.",
        "en": "The most common countries of birth and/or background are {}.",
    }[language]
    return [first, second.format(join_words(largest, language))]


# ---------------------------------------------------------------------------
# participants.age_sex
# ---------------------------------------------------------------------------


@figure("participants.age_sex", chapter="participants", order=2, caption=TITLES["participants.age_sex"],
        columns={"age_group": {"nl": "Leeftijdsgroep", "en": "Age group"}, "sex": {"nl": "Geslacht", "en": "Sex"}, **COUNTS},
        chart_fields={"age_label": {"nl": "Leeftijd", "en": "Age"}, "sex_label": {"nl": "Geslacht", "en": "Sex"}},
        disclosure=CountRule(dims=("age_group", "sex")))
def age_sex(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language = scope.language
    people = pilot(dataset)
    n = len(people)
    keys = [{"age_group": a, "sex": s} for a in AGE_GROUPS for s in SEXES]
    data = count_rows(keys, cross_counts(age_group(dataset, people), AGE_GROUPS, people["sex"], SEXES), n)

    age_label = code_labeller("age_group", language)
    sex_label = code_labeller("sex", language)
    sex_plural = code_labeller("sex", language, form="plural")
    plot = data.assign(age_label=data["age_group"].map(age_label), sex_label=data["sex"].map(sex_label))
    chart = charts.grouped_bar_chart(
        plot,
        category="age_label",
        group="sex_label",
        value="count",
        category_order=[age_label(a) for a in AGE_GROUPS],
        group_order=[sex_label(s) for s in SEXES],
        value_title=COUNT_TITLE[language],
        style=style,
    )
    parts = [
        f"{age_label(a)}: "
        + ", ".join(f"{count_of(data, age_group=a, sex=s)} {sex_plural(s)}" for s in SEXES)
        for a in AGE_GROUPS
    ]
    return Figure(
        id="participants.age_sex",
        title=TITLES["participants.age_sex"][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("bar", language, parts),
        language=language,
        text=age_sex_text(data, n, language),
        table=display_table(data, language, {"age_group": age_label, "sex": sex_label}),
    )


def age_sex_text(data: pd.DataFrame, n: int, language: str) -> list[str]:
    if n == 0:
        return [EMPTY_POPULATION[language]]
    shown = [s for s in SEXES if s != "other" or count_of(data, sex=s) > 0]
    by_sex = join_words(
        [counted(count_of(data, sex=s), n, label("sex", s, language)) for s in shown], language
    )
    by_age = [f"{count_with_percent(count_of(data, age_group=a), n)} {label('age_group', a, language)}"
              for a in AGE_GROUPS]
    first = {
        "nl": f"Van de {n} deelnemers zijn er {by_sex}.",
        "en": f"By sex, the {n} participants are {by_sex}.",
    }[language]
    second = {"nl": "Naar leeftijd zijn dat er", "en": "By age, they are"}[language]
    return [first, f"{second} {join_words(by_age, language)}."]


# ---------------------------------------------------------------------------
# participants.education
# ---------------------------------------------------------------------------


@figure("participants.education", chapter="participants", order=3, caption=TITLES["participants.education"],
        columns={"education_nl": {"nl": "Opleiding in Nederland", "en": "Education in the Netherlands"}, **COUNTS},
        chart_fields={"education_label": {"nl": "Opleiding", "en": "Education"}},
        disclosure=CountRule(dims=("education_nl",)))
def education(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language = scope.language
    people = pilot(dataset)
    n = len(people)
    data = category_counts(people["education_nl"], EDUCATION, "education_nl")

    education_label = code_labeller("education_nl", language)
    plot = data.assign(education_label=data["education_nl"].map(education_label))
    chart = charts.bar_chart(
        plot,
        category="education_label",
        value="count",
        category_order=[education_label(e) for e in EDUCATION],
        value_title=COUNT_TITLE[language],
        style=style,
    )
    parts = [f"{education_label(r.education_nl)}: {r.count}" for r in data.itertuples()]
    return Figure(
        id="participants.education",
        title=TITLES["participants.education"][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("bar", language, parts),
        language=language,
        text=education_text(data, people, n, language),
        table=display_table(data, language, {"education_nl": education_label}),
    )


def education_text(data: pd.DataFrame, people: pd.DataFrame, n: int, language: str) -> list[str]:
    if n == 0:
        return [EMPTY_POPULATION[language]]
    largest = data.sort_values("count", ascending=False, kind="mergesort").iloc[0]
    largest_label = label("education_nl", largest["education_nl"], language)
    largest_text = percent_text(int(largest["count"]), n, language)
    low = percent_text(int(low_education(people).sum()), n, language, PARTICIPANTS[language])
    if language == "nl":
        return [
            f"De grootste groep is '{largest_label}': {largest_text}.",
            f"In totaal hebben {low} geen opleiding in Nederland of een opleiding tot en met mbo 1.",
        ]
    return [
        f"The largest group is '{largest_label}': {largest_text}.",
        f"In all, {low} have no education in the Netherlands or education up to mbo 1.",
    ]


# ---------------------------------------------------------------------------
# participants.no_nl_diploma_age
# ---------------------------------------------------------------------------


@figure("participants.no_nl_diploma_age", chapter="participants", order=4,
        caption=TITLES["participants.no_nl_diploma_age"],
        columns={"age_group": {"nl": "Leeftijdsgroep", "en": "Age group"}, "foreign_diploma_valued": {"nl": "Buitenlands diploma gewaardeerd",
                                                    "en": "Foreign diploma valued"}, **COUNTS},
        chart_fields={"age_label": {"nl": "Leeftijd", "en": "Age"}, "diploma_label": {"nl": "Diploma", "en": "Diploma"}},
        disclosure=CountRule(dims=("age_group", "foreign_diploma_valued")))
def no_nl_diploma_age(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language = scope.language
    everyone = pilot(dataset)
    people = everyone[everyone["education_nl"] == "none"]
    n = len(people)
    keys = [{"age_group": a, "foreign_diploma_valued": v} for a in AGE_GROUPS for v in YES_NO]
    values = cross_counts(age_group(dataset, people), AGE_GROUPS, people["foreign_diploma_valued"], YES_NO)
    data = count_rows(keys, values, n)

    age_label = code_labeller("age_group", language)
    diploma_label = dict_labeller(DIPLOMA_LABELS, language)
    plot = data.assign(
        age_label=data["age_group"].map(age_label),
        diploma_label=[diploma_label(v) for v in data["foreign_diploma_valued"]],
        order=[0 if v else 1 for v in data["foreign_diploma_valued"]],
    )
    chart = charts.stacked_bar_chart(
        plot,
        category="age_label",
        group="diploma_label",
        value="count",
        order="order",
        category_order=[age_label(a) for a in AGE_GROUPS],
        group_order=[diploma_label(v) for v in YES_NO],
        value_title=COUNT_TITLE[language],
        style=style,
    )
    parts = [
        f"{age_label(a)}: "
        + ", ".join(
            f"{diploma_label(v)} {count_of(data, age_group=a, foreign_diploma_valued=v)}" for v in YES_NO
        )
        for a in AGE_GROUPS
    ]
    yes_no = partial(boolean_label, language=language)
    return Figure(
        id="participants.no_nl_diploma_age",
        title=TITLES["participants.no_nl_diploma_age"][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("stacked", language, parts),
        language=language,
        text=no_nl_diploma_text(dataset, data, people, everyone, language),
        table=display_table(data, language, {"age_group": age_label, "foreign_diploma_valued": yes_no}),
    )


def no_nl_diploma_text(
    dataset: Dataset, data: pd.DataFrame, people: pd.DataFrame, everyone: pd.DataFrame, language: str
) -> list[str]:
    n = len(people)
    if n == 0:
        return [EMPTY_POPULATION[language]]
    not_valued = count_with_percent(count_of(data, foreign_diploma_valued=False), n)
    text = [
        {
            "nl": f"Van de {n} deelnemers zonder onderwijs in Nederland hebben er {not_valued} "
            "geen buitenlands diploma dat in Nederland gewaardeerd is.",
            "en": f"Of the {n} participants without education in the Netherlands, {not_valued} "
            "have no foreign diploma valued in the Netherlands.",
        }[language]
    ]
    rest = everyone[everyone["education_nl"] != "none"]
    if len(rest):
        here = format_rounded(float(age(dataset, people).mean()), language)
        others = format_rounded(float(age(dataset, rest).mean()), language)
        text.append(
            {
                "nl": f"Zij zijn gemiddeld {here} jaar oud, de andere deelnemers {others} jaar.",
                "en": f"Their mean age is {here}, that of the other participants {others}.",
            }[language]
        )
    return text


# ---------------------------------------------------------------------------
# participants.born_nl_prior_work
# ---------------------------------------------------------------------------


@figure("participants.born_nl_prior_work", chapter="participants", order=5,
        caption=TITLES["participants.born_nl_prior_work"],
        columns={"born_nl": {"nl": "Geboren in Nederland", "en": "Born in the Netherlands"},
                 "prior_paid_work_nl": {"nl": "Eerder betaald werk in Nederland",
                                        "en": "Prior paid work in the Netherlands"}, **COUNTS},
        chart_fields={"born_label": {"nl": "Geboren", "en": "Born"},
                      "work_label": {"nl": "Eerder betaald werk", "en": "Prior paid work"}},
        disclosure=CountRule(dims=("born_nl", "prior_paid_work_nl")))
def born_nl_prior_work(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    language = scope.language
    people = pilot(dataset)
    n = len(people)
    keys = [{"born_nl": b, "prior_paid_work_nl": p} for b in YES_NO for p in YES_NO]
    data = count_rows(keys, cross_counts(born_nl(people), YES_NO, people["prior_paid_work_nl"], YES_NO), n)

    born_label = dict_labeller(BORN_NL_LABELS, language)
    work_label = dict_labeller(PRIOR_WORK_LABELS, language)
    plot = data.assign(
        born_label=[born_label(v) for v in data["born_nl"]],
        work_label=[work_label(v) for v in data["prior_paid_work_nl"]],
        order=[0 if v else 1 for v in data["prior_paid_work_nl"]],
    )
    chart = charts.stacked_bar_chart(
        plot,
        category="born_label",
        group="work_label",
        value="count",
        order="order",
        category_order=[born_label(b) for b in YES_NO],
        group_order=[work_label(p) for p in YES_NO],
        value_title=COUNT_TITLE[language],
        style=style,
    )
    parts = [
        f"{born_label(b)}: "
        + ", ".join(f"{work_label(p)} {count_of(data, born_nl=b, prior_paid_work_nl=p)}" for p in YES_NO)
        for b in YES_NO
    ]
    yes_no = partial(boolean_label, language=language)
    as_yes_no = {"born_nl": yes_no, "prior_paid_work_nl": yes_no}
    return Figure(
        id="participants.born_nl_prior_work",
        title=TITLES["participants.born_nl_prior_work"][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=describe("stacked", language, parts),
        language=language,
        text=born_nl_prior_work_text(data, n, language),
        table=display_table(data, language, as_yes_no),
    )


def born_nl_prior_work_text(data: pd.DataFrame, n: int, language: str) -> list[str]:
    if n == 0:
        return [EMPTY_POPULATION[language]]
    of_the = {"nl": "van de", "en": "of the"}[language]
    clauses = []
    for born in YES_NO:
        group_n = count_of(data, born_nl=born)
        worked = count_of(data, born_nl=born, prior_paid_work_nl=True)
        if group_n:
            clauses.append(
                f"{of_the} {group_n} {PARTICIPANTS[language]} {BORN_NL_LABELS[born][language]} "
                f"{count_with_percent(worked, group_n)}"
            )
    lead = {"nl": "Eerder betaald werk in Nederland: ", "en": "Prior paid work in the Netherlands: "}[
        language
    ]
    return [lead + "; ".join(clauses) + "."]


# ---------------------------------------------------------------------------
# participants.years_paid_work, participants.years_since_work
# ---------------------------------------------------------------------------


@figure("participants.years_paid_work", chapter="participants", order=6, caption=TITLES["participants.years_paid_work"],
        columns=BOX_COLUMNS, disclosure="box_plot")
def years_paid_work(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    figure_id = "participants.years_paid_work"
    return box_plot_figure(pilot(dataset)["years_paid_work_nl"], scope, figure_id, TITLES[figure_id], style)


@figure("participants.years_since_work", chapter="participants", order=7,
        caption=TITLES["participants.years_since_work"], columns=BOX_COLUMNS, disclosure="box_plot")
def years_since_work(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    figure_id = "participants.years_since_work"
    values = pilot(dataset)["years_since_paid_work_nl"]
    return box_plot_figure(values, scope, figure_id, TITLES[figure_id], style)
