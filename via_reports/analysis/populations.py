"""The populations every figure and comparison counts (docs/figures.md, "Who is counted").

- **pilot**: participants with group = pilot, including those who left later.
- **respondents(w)**: pilot participants with a response in wave w.
- **panel(waves)**: pilot participants with a response in every one of ``waves``.

Each returns the participants' rows indexed by ``participant_id``, so that
person-level series (age group, born in NL, participation in a wave) line up
by index. These frames are row-level and never leave the package: figures and
comparisons only pass on counts.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from via_reports.data.dataset import Dataset

#: Age group codes in order (code list ``age_group``).
AGE_GROUPS = ("<=39", "40-49", ">=50")
#: Education up to and including mbo 1 ("low"); the rest is mbo 2 or higher.
EDUCATION_UP_TO_MBO1 = ("none", "primary", "vmbo", "mbo1")
#: The participation types of a response, in the order of the figures.
PARTICIPATION_TYPES = ("paid_work", "unpaid_work", "volunteer_work", "education")
#: The barriers of the figures (``none`` = "no barriers" ticked), in order.
BARRIERS = ("medical", "transport", "home", "language", "other", "none")


def pilot(dataset: Dataset) -> pd.DataFrame:
    """Every pilot participant (also those who left)."""
    people = dataset.participants
    return people[people["group"] == "pilot"].set_index("participant_id", drop=False)


def respondent_ids(dataset: Dataset, wave: str) -> set[str]:
    """Ids of everyone (pilot or control) with a response in ``wave``."""
    responses = dataset.responses
    return set(responses.loc[responses["wave"] == wave, "participant_id"])


def respondents(dataset: Dataset, wave: str) -> pd.DataFrame:
    """Pilot participants with a response in ``wave``."""
    people = pilot(dataset)
    return people[people.index.isin(respondent_ids(dataset, wave))]


def panel(dataset: Dataset, waves: Iterable[str]) -> pd.DataFrame:
    """Pilot participants with a response in every wave of ``waves``."""
    people = pilot(dataset)
    for wave in waves:
        people = people[people.index.isin(respondent_ids(dataset, wave))]
    return people


def responses_in_wave(dataset: Dataset, people: pd.DataFrame, wave: str) -> pd.DataFrame:
    """The responses of ``people`` in ``wave``, indexed by participant_id in the order of ``people``."""
    responses = dataset.responses
    in_wave = responses[responses["wave"] == wave].set_index("participant_id", drop=False)
    return in_wave.reindex(people.index)


def age(dataset: Dataset, people: pd.DataFrame) -> pd.Series:
    """Age in years: reference_date year − birth_year."""
    return (dataset.study.reference_date.year - people["birth_year"]).astype("Int64")


def age_group_of(ages: pd.Series) -> pd.Series:
    """``<=39``, ``40-49`` or ``>=50`` per age."""
    groups = pd.Series(pd.NA, index=ages.index, dtype="string")
    groups[ages <= 39] = "<=39"
    groups[(ages >= 40) & (ages <= 49)] = "40-49"
    groups[ages >= 50] = ">=50"
    return groups


def age_group(dataset: Dataset, people: pd.DataFrame) -> pd.Series:
    """The age group of each of ``people``."""
    return age_group_of(age(dataset, people))


def born_nl(people: pd.DataFrame) -> pd.Series:
    """True for people born in the Netherlands."""
    return (people["birth_country"] == "NL").astype(bool)


def background_countries(dataset: Dataset, people: pd.DataFrame) -> pd.DataFrame:
    """The (participant_id, country) background rows of ``people``."""
    rows = dataset.backgrounds
    return rows[rows["participant_id"].isin(people.index)]


def has_background(dataset: Dataset, people: pd.DataFrame, country: str) -> pd.Series:
    """True for people who report a cultural background in ``country``."""
    rows = background_countries(dataset, people)
    ids = set(rows.loc[rows["country"] == country, "participant_id"])
    return pd.Series(people.index.isin(ids), index=people.index)


def born_or_background(dataset: Dataset, people: pd.DataFrame, country: str) -> pd.Series:
    """True for people born in ``country`` and/or with a background there."""
    return (people["birth_country"] == country).astype(bool) | has_background(dataset, people, country)


def low_education(people: pd.DataFrame) -> pd.Series:
    """True for education in NL up to and including mbo 1 (none, primary, vmbo, mbo1)."""
    return people["education_nl"].isin(EDUCATION_UP_TO_MBO1).astype(bool)


def instrument_user_ids(dataset: Dataset, wave: str, instrument: str | None = None) -> set[str]:
    """Ids with at least one instrument_use row in ``wave`` (of ``instrument`` when given)."""
    use = dataset.instrument_use
    rows = use[use["wave"] == wave]
    if instrument is not None:
        rows = rows[rows["instrument"] == instrument]
    return set(rows["participant_id"])


def uses_instrument(
    dataset: Dataset, people: pd.DataFrame, wave: str, instrument: str | None = None
) -> pd.Series:
    """True for people who used (``instrument`` or any) instrument in ``wave``."""
    ids = instrument_user_ids(dataset, wave, instrument)
    return pd.Series(people.index.isin(ids), index=people.index)


def ticked_barrier(dataset: Dataset, people: pd.DataFrame, wave: str, barrier: str) -> pd.Series:
    """True for people who ticked ``barrier`` in ``wave`` in either domain (society or work)."""
    rows = dataset.barriers
    ids = set(rows.loc[(rows["wave"] == wave) & (rows["barrier"] == barrier), "participant_id"])
    return pd.Series(people.index.isin(ids), index=people.index)


def answered_barriers(dataset: Dataset, people: pd.DataFrame, wave: str) -> pd.Series:
    """True for people with at least one barrier row in ``wave`` (either domain, ``none`` included).

    The barrier questions are multi-select with an explicit ``none``: someone
    with no row in either domain left them unanswered, which is a missing
    answer, not "no barrier".
    """
    rows = dataset.barriers
    ids = set(rows.loc[rows["wave"] == wave, "participant_id"])
    return pd.Series(people.index.isin(ids), index=people.index)


def barrier_answer(dataset: Dataset, people: pd.DataFrame, wave: str, barrier: str) -> pd.Series:
    """:func:`ticked_barrier` with NA for people who answered no barrier question in ``wave``.

    One denominator per measure (statistics v3, REPORTS.md): a missing answer
    is left out of a barrier's share, its change test and its subgroup
    comparisons alike, never counted as "not ticked" in one and not in another.
    """
    ticked = ticked_barrier(dataset, people, wave, barrier).astype("boolean")
    return ticked.mask(~answered_barriers(dataset, people, wave))


def participates(responses: pd.DataFrame) -> pd.Series:
    """True where a response has any of paid, unpaid or volunteer work, or education."""
    return responses[list(PARTICIPATION_TYPES)].fillna(False).astype(bool).any(axis=1)
