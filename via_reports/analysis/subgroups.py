"""Subgroup comparisons: "mannen relatief vaker dan vrouwen", computed instead of eyeballed.

For a binary outcome (any participation, instrument use, a barrier, ease 4–5
= difficult, ...) and a two-way split of a population (sex, age ≤39 vs 40+,
born in NL, ...), a :class:`Comparison` holds both groups' counts, n and
percentages and Fisher's exact two-sided p-value on the 2×2 table. Its
sentence states a difference ("relatief vaker" / "relatively more often") only
where p < ``scope.alpha`` and otherwise says there is no clear difference; when
either group has fewer than :data:`SMALL_GROUP` people the sentence carries a
caution.

People whose outcome or split is unknown (e.g. sex ``other`` in a
women-vs-men split, an unanswered ease question) are left out of that
comparison. A split with an empty group is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd
from scipy.stats import fisher_exact

from via_reports.analysis.formatting import capitalize_first, p_value_text, percent_value, whole_percent
from via_reports.analysis.populations import (
    age,
    born_nl,
    born_or_background,
    low_education,
    panel,
    participates,
    pilot,
    respondents,
    responses_in_wave,
    ticked_barrier,
    uses_instrument,
)
from via_reports.analysis.scope import Scope
from via_reports.data.codebook import load_codebook
from via_reports.data.dataset import Dataset

#: Groups smaller than this carry a caution.
SMALL_GROUP = 10

#: How many of the top origin countries (born there and/or background there,
#: ranked as in participants.origin) the instruments chapter compares.
TOP_BACKGROUNDS = 3


@dataclass(frozen=True)
class Outcome:
    """How a binary outcome reads in a sentence.

    Dutch: "<groep> <verb> relatief vaker <rest> dan <andere groep>" and
    "geen duidelijk verschil in <noun>"; English: "<group> <predicate>
    relatively more often than <other group>" and "no clear difference in <noun>".
    """

    code: str
    verb_nl: str
    rest_nl: str
    noun_nl: str
    predicate_en: str
    noun_en: str

    def more_often(self, higher: str, lower: str, language: str) -> str:
        if language == "nl":
            middle = " ".join(part for part in (self.verb_nl, "relatief vaker", self.rest_nl) if part)
            return f"{capitalize_first(higher)} {middle} dan {lower}"
        return f"{capitalize_first(higher)} {self.predicate_en} relatively more often than {lower}"

    def noun(self, language: str) -> str:
        return self.noun_nl if language == "nl" else self.noun_en


@dataclass(frozen=True)
class Split:
    """A two-way split: plural descriptions of the first and the second group."""

    code: str
    first: dict[str, str]
    second: dict[str, str]


@dataclass(frozen=True)
class Comparison:
    chapter: str
    population: str
    wave: str | None
    outcome: str
    split: str
    group_a: str
    group_b: str
    count_a: int
    n_a: int
    count_b: int
    n_b: int
    percent_a: float
    percent_b: float
    p_value: float
    alpha: float
    significant: bool
    small: bool
    language: str
    sentence: str

    def as_dict(self) -> dict:
        return asdict(self)


def _barrier_outcome(barrier: str) -> Outcome:
    codebook = load_codebook()
    nl, en = codebook.label("barrier", barrier, "nl"), codebook.label("barrier", barrier, "en")
    return Outcome(
        f"barrier_{barrier}",
        "noemen",
        f"{nl} als belemmering",
        f"het noemen van {nl} als belemmering",
        f"report {en} as a barrier",
        f"reporting {en} as a barrier",
    )


OUTCOMES = {
    "participation_any": Outcome(
        "participation_any",
        "participeren",
        "",
        "participatie",
        "take part in work or education",
        "taking part in work or education",
    ),
    "prior_paid_work_nl": Outcome(
        "prior_paid_work_nl",
        "hebben",
        "eerder betaald werk in Nederland gehad",
        "eerder betaald werk in Nederland",
        "have had paid work in the Netherlands before",
        "prior paid work in the Netherlands",
    ),
    "instrument_use": Outcome(
        "instrument_use",
        "gebruiken",
        "minstens één instrument",
        "het gebruik van instrumenten",
        "use at least one instrument",
        "the use of instruments",
    ),
    "ease_society_difficult": Outcome(
        "ease_society_difficult",
        "vinden",
        "het (heel) moeilijk om deel te nemen aan de maatschappij",
        "het (heel) moeilijk vinden om deel te nemen aan de maatschappij",
        "find taking part in society (very) difficult",
        "finding taking part in society (very) difficult",
    ),
    **{f"barrier_{b}": _barrier_outcome(b) for b in ("medical", "transport", "home", "language", "other")},
}

SPLITS = {
    "sex": Split("sex", {"nl": "vrouwen", "en": "women"}, {"nl": "mannen", "en": "men"}),
    "age_39": Split(
        "age_39",
        {"nl": "deelnemers van 39 jaar en jonger", "en": "participants aged 39 and younger"},
        {"nl": "deelnemers van 40 jaar en ouder", "en": "participants aged 40 and older"},
    ),
    "education_mbo1": Split(
        "education_mbo1",
        {
            "nl": "deelnemers zonder opleiding in Nederland of met hooguit mbo 1",
            "en": "participants with no education in the Netherlands or up to mbo 1",
        },
        {"nl": "deelnemers met mbo 2 of hoger", "en": "participants with mbo 2 or higher"},
    ),
    "born_nl": Split(
        "born_nl",
        {"nl": "in Nederland geboren deelnemers", "en": "participants born in the Netherlands"},
        {"nl": "elders geboren deelnemers", "en": "participants born elsewhere"},
    ),
    "barrier_language": Split(
        "barrier_language",
        {
            "nl": "deelnemers die moeite met de Nederlandse taal als belemmering noemen",
            "en": "participants who report difficulty with the Dutch language as a barrier",
        },
        {"nl": "deelnemers die dat niet noemen", "en": "participants who do not"},
    ),
    "instrument_use": Split(
        "instrument_use",
        {"nl": "deelnemers die een instrument gebruiken", "en": "participants who use an instrument"},
        {"nl": "deelnemers die geen instrument gebruiken", "en": "participants who use none"},
    ),
}


def background_split(country: str) -> Split:
    """Born in ``country`` and/or a background there, vs everyone else."""
    adjective = {
        language: load_codebook().label("country", country, language, form="adjective")
        for language in ("nl", "en")
    }
    return Split(
        f"background_{country}",
        {
            "nl": f"deelnemers met een {adjective['nl']} achtergrond",
            "en": f"participants with a {adjective['en']} background",
        },
        {"nl": "de andere deelnemers", "en": "the other participants"},
    )


def birth_split(country: str) -> Split:
    """Born in ``country`` vs everyone else."""
    codebook = load_codebook()
    return Split(
        f"born_{country}",
        {
            "nl": f"in {codebook.label('country', country, 'nl')} geboren deelnemers",
            "en": f"participants born in {codebook.label('country', country, 'en')}",
        },
        {"nl": "de andere deelnemers", "en": "the other participants"},
    )


# ---------------------------------------------------------------------------
# The comparison itself
# ---------------------------------------------------------------------------


def compare(
    outcome: Outcome,
    split: Split,
    has_outcome: pd.Series,
    in_first: pd.Series,
    scope: Scope,
    *,
    chapter: str,
    population: str,
    wave: str | None = None,
) -> Comparison | None:
    """Compare the share with ``has_outcome`` between the first (``in_first`` True) and second group.

    Both series are indexed by person; missing values leave a person out.
    Returns None when either group is empty.
    """
    frame = pd.DataFrame({"outcome": has_outcome, "first": in_first}).dropna()
    outcome_true = frame["outcome"].astype(bool)
    first = frame["first"].astype(bool)
    n_a, n_b = int(first.sum()), int((~first).sum())
    if n_a == 0 or n_b == 0:
        return None
    count_a, count_b = int(outcome_true[first].sum()), int(outcome_true[~first].sum())
    p_value = float(
        fisher_exact([[count_a, n_a - count_a], [count_b, n_b - count_b]], alternative="two-sided").pvalue
    )
    significant = p_value < scope.alpha
    small = min(n_a, n_b) < SMALL_GROUP
    language = scope.language
    group_a, group_b = split.first[language], split.second[language]
    sentence = comparison_sentence(
        outcome, (group_a, count_a, n_a), (group_b, count_b, n_b), p_value, significant, small, language,
        alpha=scope.alpha,
    )
    return Comparison(
        chapter=chapter,
        population=population,
        wave=wave,
        outcome=outcome.code,
        split=split.code,
        group_a=group_a,
        group_b=group_b,
        count_a=count_a,
        n_a=n_a,
        count_b=count_b,
        n_b=n_b,
        percent_a=percent_value(count_a, n_a),
        percent_b=percent_value(count_b, n_b),
        p_value=p_value,
        alpha=scope.alpha,
        significant=significant,
        small=small,
        language=language,
        sentence=sentence,
    )


def _share(count: int, n: int, language: str) -> str:
    return f"{whole_percent(count, n)}% {'van' if language == 'nl' else 'of'} {n}"


def comparison_sentence(
    outcome: Outcome,
    a: tuple[str, int, int],
    b: tuple[str, int, int],
    p_value: float,
    significant: bool,
    small: bool,
    language: str,
    alpha: float = 0.05,
) -> str:
    """The sentence of a comparison; ``a`` and ``b`` are (group description, count, n)."""
    p_text = p_value_text(p_value, language, threshold=alpha)
    if significant:
        (high, hc, hn), (low, lc, ln) = (a, b) if a[1] / a[2] >= b[1] / b[2] else (b, a)
        versus = "tegen" if language == "nl" else "versus"
        sentence = (
            f"{outcome.more_often(high, low, language)} "
            f"({_share(hc, hn, language)} {versus} {_share(lc, ln, language)}; {p_text})."
        )
    elif language == "nl":
        sentence = (
            f"Tussen {a[0]} ({_share(a[1], a[2], language)}) en {b[0]} ({_share(b[1], b[2], language)}) "
            f"is er geen duidelijk verschil in {outcome.noun(language)} ({p_text})."
        )
    else:
        sentence = (
            f"There is no clear difference in {outcome.noun(language)} between {a[0]} "
            f"({_share(a[1], a[2], language)}) and {b[0]} ({_share(b[1], b[2], language)}) ({p_text})."
        )
    if small:
        sentence += {
            "nl": f" Let op: minstens één groep telt minder dan {SMALL_GROUP} deelnemers, "
            "dus dit is onzeker.",
            "en": f" Note: at least one group has fewer than {SMALL_GROUP} participants, so this is "
            "uncertain.",
        }[language]
    return sentence


# ---------------------------------------------------------------------------
# Splits on a population (True = first group, NA = left out)
# ---------------------------------------------------------------------------


def women_vs_men(people: pd.DataFrame) -> pd.Series:
    sex = people["sex"].astype(object)
    return sex.map({"female": True, "male": False})


def up_to_39(dataset: Dataset, people: pd.DataFrame) -> pd.Series:
    return (age(dataset, people) <= 39).astype("boolean")


# ---------------------------------------------------------------------------
# The comparisons each chapter discusses
# ---------------------------------------------------------------------------


def participation_comparisons(dataset: Dataset, scope: Scope) -> list[Comparison | None]:
    """Any participation in the last wave, panel: by sex, age ≤39 vs 40+, education ≤ mbo 1 vs ≥ mbo 2."""
    wave = scope.last_wave
    people = panel(dataset, scope.waves)
    outcome = participates(responses_in_wave(dataset, people, wave))
    kwargs = {"chapter": "participation", "population": "panel", "wave": wave}
    any_participation = OUTCOMES["participation_any"]
    return [
        compare(any_participation, SPLITS["sex"], outcome, women_vs_men(people), scope, **kwargs),
        compare(any_participation, SPLITS["age_39"], outcome, up_to_39(dataset, people), scope, **kwargs),
        compare(any_participation, SPLITS["education_mbo1"], outcome, low_education(people), scope, **kwargs),
    ]


def participants_comparisons(dataset: Dataset, scope: Scope) -> list[Comparison | None]:
    """Prior paid work in NL among the foreign-born pilot participants, by sex."""
    everyone = pilot(dataset)
    people = everyone[~born_nl(everyone)]
    outcome = people["prior_paid_work_nl"]
    return [
        compare(
            OUTCOMES["prior_paid_work_nl"],
            SPLITS["sex"],
            outcome,
            women_vs_men(people),
            scope,
            chapter="participants",
            population="pilot born outside NL",
        )
    ]


def top_backgrounds(dataset: Dataset, top: int = TOP_BACKGROUNDS) -> list[str]:
    """The study's own top origin countries (NL excluded), as the origin figure ranks them."""
    from via_reports.figures.participants import origin_counts, top_countries

    return top_countries(origin_counts(dataset, pilot(dataset)), top)


def instruments_comparisons(
    dataset: Dataset,
    scope: Scope,
    background_countries: Sequence[str] | None = None,
    birth_countries: Sequence[str] = (),
) -> list[Comparison | None]:
    """Using at least one instrument, respondents of the last wave: by age, language barrier, origin.

    Origin splits default to the study's top backgrounds (born there and/or
    background there), so they follow the data, not one city's population.
    """
    wave = scope.last_wave
    people = respondents(dataset, wave)
    if background_countries is None:
        background_countries = top_backgrounds(dataset)
    outcome = uses_instrument(dataset, people, wave)
    kwargs = {"chapter": "instruments", "population": "respondents", "wave": wave}
    use = OUTCOMES["instrument_use"]
    comparisons = [
        compare(use, SPLITS["age_39"], outcome, up_to_39(dataset, people), scope, **kwargs),
        compare(
            use,
            SPLITS["barrier_language"],
            outcome,
            ticked_barrier(dataset, people, wave, "language"),
            scope,
            **kwargs,
        ),
    ]
    comparisons += [
        compare(use, background_split(c), outcome, born_or_background(dataset, people, c), scope, **kwargs)
        for c in background_countries
    ]
    comparisons += [
        compare(use, birth_split(c), outcome, (people["birth_country"] == c).astype(bool), scope, **kwargs)
        for c in birth_countries
    ]
    return comparisons


def difficult(answers: pd.Series) -> pd.Series:
    """Ease 4–5 = difficult; a missing answer stays missing (left out of the comparison)."""
    return answers.map(lambda v: pd.NA if pd.isna(v) else int(v) >= 4).astype("boolean")


def barriers_comparisons(dataset: Dataset, scope: Scope) -> list[Comparison | None]:
    """Barriers and ease in the last wave, panel: by sex, born in NL, instrument use."""
    wave = scope.last_wave
    people = panel(dataset, scope.waves)
    kwargs = {"chapter": "barriers", "population": "panel", "wave": wave}
    barrier = lambda code: ticked_barrier(dataset, people, wave, code)
    born_here = born_nl(people)
    hard = difficult(responses_in_wave(dataset, people, wave)["ease_society"])
    return [
        compare(
            OUTCOMES["barrier_transport"],
            SPLITS["sex"],
            barrier("transport"),
            women_vs_men(people),
            scope,
            **kwargs,
        ),
        compare(
            OUTCOMES["barrier_home"], SPLITS["sex"], barrier("home"), women_vs_men(people), scope, **kwargs
        ),
        compare(OUTCOMES["barrier_home"], SPLITS["born_nl"], barrier("home"), born_here, scope, **kwargs),
        compare(
            OUTCOMES["barrier_language"], SPLITS["born_nl"], barrier("language"), born_here, scope, **kwargs
        ),
        compare(OUTCOMES["ease_society_difficult"], SPLITS["born_nl"], hard, born_here, scope, **kwargs),
        compare(
            OUTCOMES["ease_society_difficult"],
            SPLITS["instrument_use"],
            hard,
            uses_instrument(dataset, people, wave),
            scope,
            **kwargs,
        ),
    ]


def comparisons_frame(comparisons: Sequence[Comparison]) -> pd.DataFrame:
    """All comparisons as one tidy table (for notebooks and the appendix)."""
    columns = list(Comparison.__dataclass_fields__)
    return pd.DataFrame([c.as_dict() for c in comparisons], columns=columns)
