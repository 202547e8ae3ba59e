"""Chapter "Beschrijving van de deelnemers": who the pilot participants are (figures 3.1–3.7).

Population: every pilot participant, including those who left later.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from via_reports.analysis.formatting import format_rounded, join_words, percent_text
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
from via_reports.figures.figure import Figure
from via_reports.figures.public_box import public_box_plot, public_box_statistics

ORIGIN_MEASURES = ("born", "background", "born_or_background")
TOP_COUNTRIES = 5
SEXES = ("female", "male", "other")
EDUCATION = ("none", "primary", "vmbo", "mbo1", "mbo2", "mbo3_4", "havo_vwo", "hbo_wo")
BOX_STATISTICS = ("min", "q1", "median", "q3", "max", "mean", "whisker_low", "whisker_high")
YES_NO = (True, False)

MEASURE_LABELS = {
    "born": {"nl": "geboren in dit land", "en": "born in this country"},
    "background": {"nl": "achtergrond in dit land", "en": "background in this country"},
    "born_or_background": {"nl": "geboren en/of achtergrond", "en": "born there and/or background"},
}
STATISTIC_LABELS = {
    "min": {"nl": "laagste waarde", "en": "lowest value"},
    "q1": {"nl": "eerste kwartiel", "en": "first quartile"},
    "median": {"nl": "mediaan", "en": "median"},
    "q3": {"nl": "derde kwartiel", "en": "third quartile"},
    "max": {"nl": "hoogste waarde", "en": "highest value"},
    "mean": {"nl": "gemiddelde", "en": "mean"},
    "whisker_low": {"nl": "laagste waarde zonder uitschieters", "en": "lowest value without outliers"},
    "whisker_high": {"nl": "hoogste waarde zonder uitschieters", "en": "highest value without outliers"},
    "outlier": {"nl": "uitschieter", "en": "outlier"},
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


def origin_counts(dataset: Dataset, people: pd.DataFrame) -> pd.DataFrame:
    """Per country (NL excluded): how many were born there, have a background there, either."""
    backgrounds = dataset.backgrounds
    backgrounds = backgrounds[backgrounds["participant_id"].isin(people.index)]
    countries = (set(people["birth_country"]) | set(backgrounds["country"])) - {"NL"}
    rows = []
    for country in sorted(countries):
        born = set(people.index[people["birth_country"] == country])
        background = set(backgrounds.loc[backgrounds["country"] == country, "participant_id"])
        rows.append(
            {
                "country": country,
                "born": len(born),
                "background": len(background),
                "born_or_background": len(born | background),
            }
        )
    return pd.DataFrame(rows, columns=["country", *ORIGIN_MEASURES])


def top_countries(counts: pd.DataFrame, top: int = TOP_COUNTRIES) -> list[str]:
    """The ``top`` countries by born-and/or-background, ties broken by country code."""
    ranked = counts.assign(order=-counts["born_or_background"]).sort_values(["order", "country"])
    return list(ranked["country"].head(top))


def tie_at_cut(counts: pd.DataFrame, top: int = TOP_COUNTRIES) -> bool:
    """True when the last country in the top ties with the first one left out."""
    ranked = sorted(counts["born_or_background"], reverse=True)
    return len(ranked) > top and ranked[top - 1] == ranked[top]


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


def box_statistics(values: pd.Series) -> tuple[dict[str, float], pd.Series]:
    """min, q1, median, q3, max, mean, the whisker ends, and the Tukey outliers (beyond 1.5 × IQR).

    Quartiles by linear interpolation (numpy's default). ``min`` and ``max``
    are the true extremes; ``whisker_low`` and ``whisker_high`` the most
    extreme values that are not outliers (REPORTS.md, box plot statistics).
    The outliers come as the number of people per distinct value, ascending,
    so that a figure stays a summary however many people it describes.
    """
    array = np.asarray(values.dropna(), dtype=float)
    if array.size == 0:
        return {name: float("nan") for name in BOX_STATISTICS}, pd.Series(dtype="int64")
    q1, median, q3 = (float(q) for q in np.percentile(array, [25, 50, 75]))
    iqr = q3 - q1
    low_fence, high_fence = q1 - 1.5 * iqr, q3 + 1.5 * iqr
    inside = array[(array >= low_fence) & (array <= high_fence)]
    outliers = pd.Series(array[(array < low_fence) | (array > high_fence)]).value_counts().sort_index()
    statistics = {"min": float(array.min()), "q1": q1, "median": median, "q3": q3, "max": float(array.max()),
                  "mean": float(array.mean()), "whisker_low": float(inside.min()),
                  "whisker_high": float(inside.max())}
    return statistics, outliers.astype("int64")


def box_plot_figure(
    dataset: Dataset, scope: Scope, figure_id: str, column: str, style: ChartStyle | None = None
) -> Figure:
    """A box plot; its data: one row per statistic, one per distinct outlier value with its ``count``."""
    language = scope.language
    values = pilot(dataset)[column].dropna()
    n = len(values)
    statistics, outliers = box_statistics(values)
    rows = [{"statistic": name, "value": statistics[name], "count": pd.NA} for name in BOX_STATISTICS]
    rows += [{"statistic": "outlier", "value": value, "count": count} for value, count in outliers.items()]
    data = pd.DataFrame(rows, columns=["statistic", "value", "count"]).assign(n=n)
    data = data.astype({"value": "float64", "count": "Int64", "n": "int64"})

    statistic_label = dict_labeller(STATISTIC_LABELS, language)
    chart = charts.box_plot_chart(
        statistics,
        list(outliers.index),
        value_title={"nl": "Jaren", "en": "Years"}[language],
        labels={"mean": statistic_label("mean"), "outlier": statistic_label("outlier")},
        style=style,
    )
    parts = [
        f"{statistic_label(r.statistic)} {format_rounded(r.value, language)}"
        + (f" ({r.count} {PARTICIPANTS[language]})" if not pd.isna(r.count) and r.count > 1 else "")
        for r in data.itertuples()
        if not pd.isna(r.value)
    ]
    alt_text = describe("box", language, [", ".join(parts) or EMPTY_POPULATION[language].rstrip(".")])
    figure = Figure(
        id=figure_id,
        title=TITLES[figure_id][language],
        n=n,
        data=data,
        chart=chart,
        alt_text=alt_text,
        language=language,
        text=box_plot_text(statistics, int(outliers.sum()), n, language),
        # the count column only where there are outliers (a statistic's count shows as "–")
        table=display_table(data if len(outliers) else data.drop(columns="count"), language,
                            {"statistic": statistic_label}),
    )
    if scope.public:  # no single person's value, nothing of fewer than k people (figures/public_box.py)
        return public_box_plot(figure, public_box_statistics(values, scope.min_cell), scope.min_cell, style)
    return figure


def box_plot_text(statistics: dict[str, float], outliers: int, n: int, language: str) -> list[str]:
    """The box plot in words; ``outliers``: how many people are outliers."""
    if n == 0:
        return [EMPTY_POPULATION[language]]
    median, mean, q1, q3 = (format_rounded(statistics[k], language) for k in ("median", "mean", "q1", "q3"))
    one = outliers == 1
    if language == "nl":
        text = [
            (
                f"Van {n} deelnemers is het aantal jaren bekend. De mediaan is {median} jaar, het gemiddelde "
                f"{mean} jaar; de middelste helft ligt tussen {q1} en {q3} jaar."
            )
        ]
        who = "deelnemer" if one else "deelnemers"
        outlier_text = f"Bij {outliers} {who} wijkt het aantal jaren sterk af van de rest (uitschieters)."
    else:
        text = [
            (
                f"The number of years is known for {n} participants. The median is {median} years, the mean "
                f"{mean} years; the middle half lies between {q1} and {q3} years."
            )
        ]
        who = "participant" if one else "participants"
        outlier_text = f"For {outliers} {who}, the number of years differs strongly from the rest (outliers)."
    return text + ([outlier_text] if outliers else [])


def years_paid_work(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    return box_plot_figure(dataset, scope, "participants.years_paid_work", "years_paid_work_nl", style)


def years_since_work(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    return box_plot_figure(dataset, scope, "participants.years_since_work", "years_since_paid_work_nl", style)
