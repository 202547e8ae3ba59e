"""Deterministic synthetic demo dataset for the VIA-pilot reports.

The demo is the dataset a user gets when they give no data of their own. It
follows data contract v1 and reproduces every number the interim report
(April 2021) published about the 134 pilot participants in Enschede (Noord-Noord).
It also carries a plausible third wave (T2) and a control group of 68, so the
final report can be built from it. Nothing in it describes a real person.

How the numbers come about
--------------------------
* Everything a published number constrains is built by **explicit
  allocation**: tables of counts per cell below (``FOREIGN_BORN``,
  ``NL_BORN``, ``NO_NL_EDUCATION``, ``PARTICIPATION_PATTERN``, ...). Each
  step's docstring names the published numbers it guarantees.
* Where the report only states a direction ("men relatively more often than
  women"), the total is still fixed and it is split over subgroups in
  proportion to explicit weights (``_apportion``).
* The seeded random generator (``numpy.random.default_rng(2021)``) only
  decides *which* person within a cell gets an attribute, and draws the
  attributes no published number constrains (exact birth years, dates,
  survey mode, the T2 wave, the control group, the final-report outcomes).

Calling :func:`build_demo` twice gives identical tables; :func:`write_demo`
writes byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

__all__ = ["build_demo", "write_demo", "TABLE_COLUMNS", "SEED"]

SEED = 2021
REFERENCE_DATE = dt.date(2020, 12, 31)
REFERENCE_YEAR = REFERENCE_DATE.year
STUDY_PERIOD = (dt.date(2019, 11, 1), dt.date(2021, 6, 30))
START_WINDOW = (dt.date(2019, 11, 1), dt.date(2020, 1, 31))  # when participants entered the study
FIELDWORK = {
    "T0": (dt.date(2019, 12, 15), dt.date(2020, 8, 7)),
    "T1": (dt.date(2020, 10, 15), dt.date(2021, 1, 8)),
    "T2": (dt.date(2021, 4, 1), dt.date(2021, 6, 30)),
}
PILOT_NEIGHBOURHOOD = "Noord-Noord"
CONTROL_NEIGHBOURHOOD = "Enschede-Zuid"

# Column order of every table, as in the data contract.
TABLE_COLUMNS: dict[str, list[str]] = {
    "participants": [
        "participant_id", "group", "sex", "birth_year", "birth_country", "generation", "education_nl",
        "foreign_diploma_valued", "prior_paid_work_nl", "years_paid_work_nl", "years_since_paid_work_nl",
        "distance", "neighbourhood", "start_date", "exit_date", "exit_reason", "randomized",
    ],
    "backgrounds": ["participant_id", "country"],
    "responses": [
        "participant_id", "wave", "response_date", "mode", "paid_work", "unpaid_work", "volunteer_work",
        "education", "ease_society", "ease_paid_work", "satisfaction_overall", "self_rated_health",
        "enough_social_contacts", "discrimination_experienced", "job_search_hours",
    ],
    "barriers": ["participant_id", "wave", "domain", "barrier", "other_text"],
    "instrument_use": ["participant_id", "wave", "instrument", "satisfaction"],
    "non_use_reasons": ["participant_id", "wave", "reason", "other_text"],
    "instruments": ["instrument", "label_nl", "label_en", "provider"],
}
BOOLEAN_COLUMNS = {
    "foreign_diploma_valued", "prior_paid_work_nl", "randomized", "paid_work", "unpaid_work",
    "volunteer_work", "education", "enough_social_contacts", "discrimination_experienced",
}
INTEGER_COLUMNS = {
    "birth_year", "ease_society", "ease_paid_work", "satisfaction_overall", "self_rated_health",
    "satisfaction",
}
FLOAT_COLUMNS = {"years_paid_work_nl", "years_since_paid_work_nl", "job_search_hours"}

PARTICIPATION_TYPES = ("paid_work", "unpaid_work", "volunteer_work", "education")
BARRIER_CODES = ("medical", "transport", "home", "language", "other", "none")
DOMAINS = ("society", "work")
NON_USE_REASONS = ("health", "not_suitable", "not_offered", "no_time", "has_income", "other")

# ---------------------------------------------------------------------------
# Study metadata and instrument catalogue
# ---------------------------------------------------------------------------

STUDY: dict = {
    "contract_version": 1,
    "report_language": "nl",
    "title": "Wijkgericht en intensief ondersteunen bij integratie op de arbeidsmarkt",
    "subtitle_interim": "Tussenrapport over onderzoek naar de VIA-pilot in Enschede",
    "subtitle_final": "Eindrapport over onderzoek naar de VIA-pilot in Enschede",
    "title_en": "Neighbourhood-based, intensive support for integration into the labour market",
    "subtitle_interim_en": "Interim report on the study of the VIA pilot in Enschede",
    "subtitle_final_en": "Final report on the study of the VIA pilot in Enschede",
    "pilot_name": "VIA-pilot Enschede",
    "client": "Gemeente Enschede",
    "authors": ["Kirsten Tinnemans", "Marlinda van der Hoff"],
    "contributors": [
        "A.L. Brock", "H.B. Jonkman", "I. Balsa Mendonça", "L. Janssen Lok", "E.J.D. van Malsen",
    ],
    "place": "Utrecht",
    "publication_date": dt.date(2021, 4, 1),
    "final_publication_date": dt.date(2021, 11, 22),
    "isbn": "978-94-6409-071-0",
    "study_period": {"start": STUDY_PERIOD[0], "end": STUDY_PERIOD[1]},
    "reference_date": REFERENCE_DATE,
    "waves": {wave: {"fieldwork": list(window)} for wave, window in FIELDWORK.items()},
    "neighbourhood": PILOT_NEIGHBOURHOOD,
    "synthetic": True,
    "synthetic_note": (
        "Synthetische demonstratiedata: geen echte personen. De aantallen van het tussenrapport "
        "zijn nagebootst; meting T2 en de controlegroep zijn verzonnen."
    ),
}

# (instrument, label_nl, label_en, provider). Sollicitatietraining is offered but nobody uses it,
# so that reports show an instrument with zero users.
INSTRUMENTS = [
    ("power", "Activeringscentrum Power", "Power activation centre", None),
    ("taaltraject_roc", "Taaltraject ROC", "ROC language course", "ROC van Twente"),
    ("dcw_praktijkdiagnose", "DCW praktijkdiagnose", "DCW work assessment", "DCW"),
    ("werken_aan_werk", "Werken aan werk", "Working on work", None),
    ("taalcoach", "Taalcoach", "Language coach", None),
    ("sollicitatietraining", "Sollicitatietraining", "Job application training", None),
]

# ---------------------------------------------------------------------------
# Pilot group: explicit allocation tables
# ---------------------------------------------------------------------------

AGE_GROUPS = ("<=39", "40-49", ">=50")
AGE_RANGE = {"<=39": (21, 39), "40-49": (40, 49), ">=50": (50, 64)}  # whole years on the reference date
# Column order of the count tuples in FOREIGN_BORN and NL_BORN.
CELLS = (
    ("female", "<=39"), ("male", "<=39"),
    ("female", "40-49"), ("male", "40-49"),
    ("female", ">=50"), ("male", ">=50"),
)
#                 F<=39 M<=39 F40-49 M40-49 F>=50 M>=50
FOREIGN_BORN = {  # birth country -> counts; 100 people, 61 women and 39 men
    "TR": (2, 1, 11, 3, 10, 6),  # 33 born in Turkey: 23 women, 10 men
    "MA": (4, 3, 2, 1, 1, 1),  # 12 born in Morocco, 7 aged <=39
    "IQ": (2, 1, 5, 3, 4, 4),  # 19 born in Iraq (= everyone with an Iraqi background)
    "SY": (2, 1, 4, 2, 2, 3),  # 14
    "SO": (1, 1, 2, 1, 2, 2),  # 9
    "AF": (1, 0, 2, 1, 1, 1),  # 6
    "ER": (0, 0, 1, 1, 1, 1),  # 4
    "SR": (0, 0, 0, 0, 1, 2),  # 3
}
NL_BORN = {  # parents' country (cultural background) -> counts; 34 second-generation people, 26 aged <=39
    "TR": (6, 2, 1, 1, 1, 1),  # 12: 8 women, 4 men  -> Turkish group 33 + 12 = 45 (31 women, 14 men)
    "MA": (6, 3, 1, 0, 0, 0),  # 10, 9 aged <=39    -> Moroccan group 12 + 10 = 22 (7 + 9 = 16 aged <=39)
    "SR": (5, 2, 1, 0, 0, 0),  # 8                   -> Surinamese group 11
    "SO": (1, 1, 0, 2, 0, 0),  # 4                   -> Somali group 13 (< 19, as is Syrian with 14)
}
# Column sums: women 30/30/23, men 15/15/21 per age group -> 45, 45, 44 and 83 women, 51 men.

# No education in NL (education_nl = none) per birth country and age group (<=39, 40-49, >=50):
# 5 + 22 + 32 = 59, all born abroad and mostly older; 14 of the 19 born in Iraq.
NO_NL_EDUCATION = {
    "TR": (1, 8, 11), "MA": (0, 1, 2), "IQ": (2, 5, 7), "SY": (1, 3, 4),
    "SO": (1, 2, 3), "AF": (0, 2, 2), "ER": (0, 1, 2), "SR": (0, 0, 1),
}
NO_NL_EDUCATION_DIPLOMA_VALUED = 8  # of the 59 -> 51 without a valued foreign diploma
EDUCATION_NL_BORN = {"primary": 3, "vmbo": 10, "mbo1": 5, "mbo2": 8, "mbo3_4": 5, "havo_vwo": 2, "hbo_wo": 1}
EDUCATION_FOREIGN_REST = {"primary": 11, "vmbo": 5, "mbo1": 9, "mbo2": 10, "mbo3_4": 4, "havo_vwo": 1,
                          "hbo_wo": 1}
FOREIGN_REST_DIPLOMA_VALUED = 12  # of the 41 born abroad with some education in NL
LOW_EDUCATION = {"none", "primary", "vmbo", "mbo1"}  # "mbo1 and lower"

# Prior paid work in NL: 29 of 34 NL-born, 58 of 100 born abroad (29 of 39 men, 29 of 61 women).
PRIOR_WORK = {"nl_born": 29, "foreign_male": 29, "foreign_female": 29}
# years_paid_work_nl for 86 of the 87 with prior work (whole years). Sorted, numpy's linear
# interpolation gives q1 = 3 (values 22 and 23 are both 3), median = 6.5 (values 43 and 44 are 6 and 7),
# q3 = 11, so the upper Tukey fence is 11 + 1.5 * 8 = 23: 26, 29 and 33 are the three outliers.
# Mean 701 / 86 = 8.15.
YEARS_PAID_WORK = {
    1: 8, 2: 10, 3: 9, 4: 6, 5: 6, 6: 4, 7: 5, 8: 4, 9: 4, 10: 5, 11: 5, 12: 3,
    13: 2, 14: 2, 15: 2, 16: 2, 18: 2, 20: 2, 22: 2, 26: 1, 29: 1, 33: 1,
}
YEARS_SINCE_WORK_MISSING = 3  # years_since_paid_work_nl known for 84 of the 87

# Who answered which wave (pilot, 134 people).
PILOT_MOVED_2020 = 4  # moved away during 2020: T0 only, exit_reason moved
PILOT_NO_T1 = 6  # stayed in the study but did not answer T1 (3 of them answered T2 again)
PILOT_NO_T1_BACK_AT_T2 = 3
PILOT_EXIT_2021 = {"paid_work": 5, "other": 1}  # panel members who left between T1 and T2
PILOT_NO_T2 = 6  # panel members who did not answer T2 -> 124 - 6 - 6 = 112 answer T0, T1 and T2
PILOT_RANDOMIZED = 40  # pilot participants who came in through the lottery (see _assign_randomized)

# Participation among the panel (124): any of the four types at T0 and/or T1.
# both + t0_only = 54 at T0, both + t1_only = 53 at T1, both = 47.
PARTICIPATION_PATTERN = {"both": 47, "t0_only": 7, "t1_only": 6}
# Per wave: every participant gets one "primary" type, a few get a second ("extra").
# Volunteer work is the most common type at both waves and drops from 38 to 22.
PARTICIPATION_TYPES_PANEL = {
    "T0": {"primary": {"volunteer_work": 38, "education": 7, "paid_work": 6, "unpaid_work": 3},
           "extra": {"education": 3, "paid_work": 2, "unpaid_work": 3}},
    "T1": {"primary": {"volunteer_work": 22, "education": 14, "paid_work": 10, "unpaid_work": 7},
           "extra": {"education": 4, "paid_work": 2, "unpaid_work": 1}},
}

# Instruments at T1 (124 respondents): 46 users, 50 instrument rows (4 people use two).
T1_INSTRUMENT_USERS = 46
T1_INSTRUMENT_SLOTS = {"power": 22, "taaltraject_roc": 11, "dcw_praktijkdiagnose": 5, "werken_aan_werk": 6,
                       "taalcoach": 6}
# satisfaction_overall of the 46 users: half very satisfied, two thirds satisfied, one a bit dissatisfied.
T1_SATISFACTION = {5: 23, 4: 8, 3: 14, 2: 1}
# Reasons for non-use among the 78 non-users: 76 give a reason, 4 of them two (80 rows).
T1_NON_USE_GIVING_REASON = 76
T1_NON_USE_SLOTS = {"health": 42, "not_suitable": 16, "has_income": 7, "no_time": 6, "not_offered": 5,
                    "other": 4}
OTHER_REASON_TEXTS = ["wil eerst taal leren", "zorg voor familielid", "wacht op verhuizing",
                      "volgt al een cursus elders"]
OTHER_BARRIER_TEXTS = ["geen kinderopvang", "schulden", "geen rijbewijs", "weinig zelfvertrouwen"]

# Ease (1 very easy .. 5 very difficult, None = don't know) among the panel (124 per wave).
PANEL_EASE = {
    "ease_society": {"T0": {1: 3, 2: 12, 3: 30, 4: 45, 5: 30, None: 4},    # 75 difficult (60%)
                     "T1": {1: 2, 2: 8, 3: 24, 4: 50, 5: 36, None: 4}},    # 86 difficult (69%)
    "ease_paid_work": {"T0": {1: 0, 2: 2, 3: 6, 4: 40, 5: 74, None: 2},    # 114 difficult (92%)
                       "T1": {1: 0, 2: 1, 3: 5, 4: 38, 5: 78, None: 2}},   # 116 difficult (94%)
}
# Barriers among the panel, counted "ticked in society and/or work".
PANEL_NO_BARRIERS = {"T0": 3, "T1": 2}  # `none` in both domains
PANEL_BARRIERS = {
    "T0": {"medical": 92, "transport": 24, "home": 34, "language": 30, "other": 5},  # medical 74%
    "T1": {"medical": 95, "transport": 50, "home": 40, "language": 60, "other": 6},  # medical 77%
}

# T2 (pilot) instruments and reasons.
T2_INSTRUMENT_USERS = 50
T2_INSTRUMENT_SLOTS = {"power": 20, "taaltraject_roc": 14, "dcw_praktijkdiagnose": 4, "werken_aan_werk": 8,
                       "taalcoach": 7}
T2_SATISFACTION = {5: 21, 4: 14, 3: 11, 2: 2, None: 2}
T2_NON_USE_SLOTS = {"health": 30, "not_suitable": 14, "has_income": 8, "no_time": 6, "not_offered": 4,
                    "other": 3}

# Control group (68 = the 238 eligible minus the 170 selected for the pilot).
CONTROL_SIZE = 68
CONTROL_MOVED_2020 = 2
CONTROL_NO_T1 = 8  # answered T0 and T2 only
CONTROL_EXIT_2021 = {"paid_work": 2, "other": 1}
CONTROL_NO_T2 = 8  # -> 68 - 2 - 3 - 8 = 55 answer T2

Person = dict  # one participant: the contract's columns plus a few "_" working fields
Responses = dict[tuple[str, str], dict]  # (participant_id, wave) -> one responses row


# ---------------------------------------------------------------------------
# Small generic helpers
# ---------------------------------------------------------------------------

def _pick(rng: np.random.Generator, people: list[Person], k: int,
          weight: Callable[[Person], float] | None = None) -> list[Person]:
    """Choose exactly ``k`` people (optionally with weights); the result keeps the input order."""
    if k > len(people):
        raise ValueError(f"cannot pick {k} out of {len(people)} people")
    if k == 0:
        return []
    p = None
    if weight is not None:
        w = np.array([weight(person) for person in people], dtype=float)
        p = w / w.sum()
    idx = rng.choice(len(people), size=k, replace=False, p=p)
    return [people[i] for i in sorted(idx)]


def _apportion(sizes: dict[Hashable, int], weights: dict[Hashable, float], total: int) -> dict[Hashable, int]:
    """Split ``total`` over cells in proportion to size x weight (largest remainder, capped at size).

    Used where the report gives a total and only the direction of a subgroup
    difference: the total stays exact, the weights make the direction.
    """
    keys = sorted(sizes, key=repr)
    raw = {k: sizes[k] * weights[k] for k in keys}
    scale = total / sum(raw.values())
    quota = {k: raw[k] * scale for k in keys}
    counts = {k: min(sizes[k], math.floor(quota[k])) for k in keys}
    while sum(counts.values()) < total:
        room = [k for k in keys if counts[k] < sizes[k]]
        if not room:
            raise ValueError(f"cannot place {total} in cells of sizes {sizes}")
        best = max(room, key=lambda k: quota[k] - counts[k])
        counts[best] += 1
    return counts


def _pick_in_cells(rng: np.random.Generator, people: list[Person], k: int, cell: Callable[[Person], Hashable],
                   cell_weight: Callable[[Hashable], float],
                   weight: Callable[[Person], float] | None = None) -> list[Person]:
    """Choose exactly ``k`` people, split over cells by :func:`_apportion`."""
    groups: dict[Hashable, list[Person]] = {}
    for person in people:
        groups.setdefault(cell(person), []).append(person)
    counts = _apportion({c: len(g) for c, g in groups.items()}, {c: cell_weight(c) for c in groups}, k)
    chosen: list[Person] = []
    for c in sorted(groups, key=repr):
        chosen += _pick(rng, groups[c], counts[c], weight)
    return chosen


def _shuffled(rng: np.random.Generator, items: list) -> list:
    return [items[i] for i in rng.permutation(len(items))]


def _deal(rng: np.random.Generator, people: list[Person], counts: dict) -> dict[str, object]:
    """Give each person one value; ``counts`` says how many get each value (must add up to len(people))."""
    values = [value for value, n in counts.items() for _ in range(n)]
    if len(values) != len(people):
        raise ValueError(f"{len(values)} values for {len(people)} people")
    return {p["participant_id"]: v for p, v in zip(_shuffled(rng, people), values)}


def _deal_slots(rng: np.random.Generator, people: list[Person],
                slots: dict[str, int]) -> dict[str, list[str]]:
    """Give every person at least one code; the codes left over go to people who hold only one.

    The number of holders of each code equals ``slots[code]`` exactly (multi-select answers).
    """
    pool = _shuffled(rng, [code for code, n in slots.items() for _ in range(n)])
    if len(pool) < len(people):
        raise ValueError("fewer slots than people")
    order = _shuffled(rng, people)
    held = {p["participant_id"]: [] for p in people}
    for person, code in zip(order, pool):
        held[person["participant_id"]].append(code)
    for code in pool[len(people):]:
        candidates = [p for p in order
                      if len(held[p["participant_id"]]) == 1 and code not in held[p["participant_id"]]]
        held[_pick(rng, candidates, 1)[0]["participant_id"]].append(code)
    return {pid: sorted(codes, key=list(slots).index) for pid, codes in held.items()}


def _deal_sorted(rng: np.random.Generator, people: list[Person], counts: dict, key: Callable[[Person], float],
                 noise: float = 1.0) -> dict[str, object]:
    """Like :func:`_deal`, but ``None`` goes to random people and the other values, in ascending
    order, to people in ascending order of ``key`` plus normal noise (a soft correlation)."""
    missing = _pick(rng, people, counts.get(None, 0))
    missing_ids = {p["participant_id"] for p in missing}
    rest = [p for p in people if p["participant_id"] not in missing_ids]
    scores = {p["participant_id"]: key(p) + rng.normal(0, noise) for p in rest}
    rest.sort(key=lambda p: scores[p["participant_id"]])
    values = sorted((v for v, n in counts.items() if v is not None for _ in range(n)))
    if len(values) != len(rest):
        raise ValueError(f"{len(values)} values for {len(rest)} people")
    dealt: dict[str, object] = {p["participant_id"]: None for p in missing}
    dealt.update({p["participant_id"]: v for p, v in zip(rest, values)})
    return dealt


def _random_date(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _age(person: Person) -> int:
    return REFERENCE_YEAR - person["birth_year"]


def _born_nl(person: Person) -> bool:
    return person["birth_country"] == "NL"


def _has_origin(person: Person, country: str) -> bool:
    return person["birth_country"] == country or country in person["_backgrounds"]


def _ids(people: Iterable[Person]) -> set[str]:
    return {p["participant_id"] for p in people}


# ---------------------------------------------------------------------------
# Pilot group: background characteristics
# ---------------------------------------------------------------------------

def _pilot_people(rng: np.random.Generator) -> list[Person]:
    """Create the 134 pilot participants from ``FOREIGN_BORN`` and ``NL_BORN``.

    Guarantees: 134 people; 100 born abroad, 34 born in NL (26 aged <=39); age
    groups 45/45/44; 83 women and 51 men (30/15, 30/15, 23/21 per age group);
    the Turkish group 45 (31 women, 14 men), the Moroccan group 22 (16 aged
    <=39), the Iraqi group 19 = born in Iraq; the 4th and 5th largest groups
    (Syrian 14, Somali 13) below 19.
    """
    people: list[Person] = []
    for born_nl, table in ((False, FOREIGN_BORN), (True, NL_BORN)):
        for country, counts in table.items():
            for (sex, age_group), n in zip(CELLS, counts):
                for _ in range(n):
                    low, high = AGE_RANGE[age_group]
                    people.append({
                        "group": "pilot",
                        "sex": sex,
                        "birth_year": REFERENCE_YEAR - int(rng.integers(low, high + 1)),
                        "birth_country": "NL" if born_nl else country,
                        "generation": "second" if born_nl else "first",
                        "distance": "long",
                        "neighbourhood": PILOT_NEIGHBOURHOOD,
                        "_age_group": age_group,
                        "_origin": country,
                        "_backgrounds": [country],
                    })
    return people


def _assign_education(rng: np.random.Generator, people: list[Person]) -> None:
    """education_nl and foreign_diploma_valued.

    Guarantees: 59 with education_nl = none, all born abroad, mostly aged 40+
    (so they are older on average); 14 of the 19 born in Iraq; 51 of the 59
    without a valued foreign diploma.
    """
    foreign = [p for p in people if not _born_nl(p)]
    for country, counts in NO_NL_EDUCATION.items():
        for age_group, n in zip(AGE_GROUPS, counts):
            cell = [p for p in foreign if p["birth_country"] == country and p["_age_group"] == age_group]
            for person in _pick(rng, cell, n):
                person["education_nl"] = "none"
    no_education = [p for p in people if p.get("education_nl") == "none"]
    valued = _ids(_pick(rng, no_education, NO_NL_EDUCATION_DIPLOMA_VALUED))

    foreign_rest = [p for p in foreign if p.get("education_nl") != "none"]
    levels = _deal(rng, foreign_rest, EDUCATION_FOREIGN_REST)
    valued |= _ids(_pick(rng, foreign_rest, FOREIGN_REST_DIPLOMA_VALUED))
    nl_born = [p for p in people if _born_nl(p)]
    levels.update(_deal(rng, nl_born, EDUCATION_NL_BORN))
    for person in people:
        if person.get("education_nl") != "none":
            person["education_nl"] = levels[person["participant_id"]]
        person["foreign_diploma_valued"] = person["participant_id"] in valued


def _assign_prior_work(rng: np.random.Generator, people: list[Person]) -> None:
    """prior_paid_work_nl.

    Guarantees: 87 in total; 29 of the 34 NL-born; 58 of the 100 born abroad,
    of whom 29 of 39 men and 29 of 61 women (Fisher p = 0.012). Within a
    group, people with a Turkish background are a bit more likely and people
    born in Iraq a bit less likely to have worked in NL (as the report notes).
    """
    def weight(p: Person) -> float:
        return {"TR": 1.5, "IQ": 0.5}.get(p["_origin"], 1.0)

    groups = {
        "nl_born": [p for p in people if _born_nl(p)],
        "foreign_male": [p for p in people if not _born_nl(p) and p["sex"] == "male"],
        "foreign_female": [p for p in people if not _born_nl(p) and p["sex"] == "female"],
    }
    worked = set()
    for name, members in groups.items():
        worked |= _ids(_pick(rng, members, PRIOR_WORK[name], weight))
    for person in people:
        person["prior_paid_work_nl"] = person["participant_id"] in worked


def _assign_work_years(rng: np.random.Generator, people: list[Person]) -> None:
    """years_paid_work_nl and years_since_paid_work_nl.

    Guarantees: years_paid_work_nl known for 86 of the 87 with prior work, with
    exactly the values of ``YEARS_PAID_WORK`` (q1 3, median 6.5, mean 8.15,
    three upward outliers); years_since_paid_work_nl known for 84. Both missing
    whenever prior_paid_work_nl is false. The largest values go to people old
    enough for them (work from age 16 onwards).
    """
    workers = [p for p in people if p["prior_paid_work_nl"]]
    unknown = _ids(_pick(rng, workers, len(workers) - sum(YEARS_PAID_WORK.values())))
    known = [p for p in workers if p["participant_id"] not in unknown]
    values = sorted((v for v, n in YEARS_PAID_WORK.items() for _ in range(n)), reverse=True)
    free = list(known)
    for value in values:  # largest first, each to a random person old enough
        candidates = [p for p in free if _age(p) - 16 >= value]
        chosen = _pick(rng, candidates, 1)[0]
        chosen["years_paid_work_nl"] = float(value)
        free.remove(chosen)
    since_unknown = _ids(_pick(rng, workers, YEARS_SINCE_WORK_MISSING))
    for person in people:
        person.setdefault("years_paid_work_nl", None)
        person["years_since_paid_work_nl"] = None
        if person["prior_paid_work_nl"] and person["participant_id"] not in since_unknown:
            room = _age(person) - 16 - int(person["years_paid_work_nl"] or 0)
            person["years_since_paid_work_nl"] = float(rng.integers(0, max(0, min(room, 20)) + 1))


def _assign_backgrounds(rng: np.random.Generator, people: list[Person]) -> None:
    """Cultural backgrounds (multi-select).

    Born abroad: the birth country, and often also NL. NL-born: the parents'
    country and mostly NL. Nobody gets a migrant background other than their
    own origin, so the country groups of ``_pilot_people`` stay exact (and
    everyone with an Iraqi background was born in Iraq). One woman born in
    Turkey ticks only the Dutch background: she still counts in the Turkish
    group (born there) but shows that born and background differ.
    """
    for person in people:
        share_nl = 0.8 if _born_nl(person) else 0.45
        if rng.random() < share_nl:
            person["_backgrounds"].append("NL")
    turkish_born_women = [p for p in people if p["birth_country"] == "TR" and p["sex"] == "female"]
    _pick(rng, turkish_born_women, 1)[0]["_backgrounds"] = ["NL"]


def _assign_ids(rng: np.random.Generator, people: list[Person], prefix: str) -> None:
    """Pseudonyms P0001.. / C0001.. in random order, so the id says nothing about the person."""
    for number, index in enumerate(rng.permutation(len(people)), start=1):
        people[index]["participant_id"] = f"{prefix}{number:04d}"


def _assign_pilot_waves(rng: np.random.Generator, people: list[Person]) -> list[Person]:
    """Who answered which wave, start dates and exits; returns the panel (T0 and T1).

    Guarantees: 4 moved away during 2020 (answered T0 only); 6 others did not
    answer T1 and stay in the study; the other 124 answered T0 and T1.
    Plausible, not published: 112 of the panel answer T2; 5 panel members
    leave for paid work and 1 for another reason early in 2021; 3 of the 6
    who skipped T1 answer T2 again.
    """
    for person in people:
        person["start_date"] = _random_date(rng, *START_WINDOW)
        person["exit_date"] = None
        person["exit_reason"] = None
        person["_waves"] = ("T0", "T1", "T2")
    moved = _pick(rng, people, PILOT_MOVED_2020)
    for person in moved:
        person["_waves"] = ("T0",)
        person["exit_reason"] = "moved"
        person["exit_date"] = _random_date(rng, dt.date(2020, 5, 1), dt.date(2020, 10, 10))
    rest = [p for p in people if p["participant_id"] not in _ids(moved)]
    no_t1 = _pick(rng, rest, PILOT_NO_T1)
    back_at_t2 = _ids(_pick(rng, no_t1, PILOT_NO_T1_BACK_AT_T2))
    for person in no_t1:
        person["_waves"] = ("T0", "T2") if person["participant_id"] in back_at_t2 else ("T0",)
    panel = [p for p in rest if p["participant_id"] not in _ids(no_t1)]

    leavers = _pick(rng, panel, sum(PILOT_EXIT_2021.values()))
    _set_exits_2021(rng, leavers, PILOT_EXIT_2021)
    stayers = [p for p in panel if p["participant_id"] not in _ids(leavers)]
    for person in _pick(rng, stayers, PILOT_NO_T2):
        person["_waves"] = ("T0", "T1")
    return panel


def _set_exits_2021(rng: np.random.Generator, leavers: list[Person], reasons: dict[str, int]) -> None:
    """Exit between the T1 fieldwork and the T2 fieldwork (after the last response)."""
    for person, reason in zip(leavers, [r for r, n in reasons.items() for _ in range(n)]):
        person["exit_reason"] = reason
        person["exit_date"] = _random_date(rng, dt.date(2021, 1, 20), dt.date(2021, 3, 25))
        person["_waves"] = tuple(w for w in person["_waves"] if w != "T2")


def _assign_randomized(rng: np.random.Generator, people: list[Person]) -> None:
    """The optional ``randomized`` column.

    Assumption (synthetic, not from the report): of the 238 eligible people a
    lottery drew the 68 controls, and 40 pilot participants entered the pilot
    through that same lottery; the other pilot participants were placed by
    their caseworkers. So randomized is true for all controls and for 40 pilot
    participants, which gives the effects chapter a primary (randomized) and a
    sensitivity (all participants) analysis.
    """
    chosen = _ids(_pick(rng, people, PILOT_RANDOMIZED))
    for person in people:
        person["randomized"] = person["participant_id"] in chosen


# ---------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------

MODE_SHARES = {  # survey mode per wave (during the 2020 lockdowns more by phone)
    "T0": {"self": 0.3, "with_caseworker": 0.6, "by_phone": 0.1},
    "T1": {"self": 0.25, "with_caseworker": 0.2, "by_phone": 0.55},
    "T2": {"self": 0.35, "with_caseworker": 0.35, "by_phone": 0.3},
}


def _empty_responses(rng: np.random.Generator, people: list[Person]) -> Responses:
    """One response row per person per answered wave, with date and mode; the answers come later."""
    responses = {}
    for person in sorted(people, key=lambda p: p["participant_id"]):
        for wave in person["_waves"]:
            first, last = FIELDWORK[wave]
            if wave == "T0":
                date = max(first, person["start_date"] + dt.timedelta(days=int(rng.integers(7, 60))))
                date = min(date, last)
            else:
                date = _random_date(rng, first, last)
            shares = MODE_SHARES[wave]
            mode = str(rng.choice(list(shares), p=list(shares.values())))
            row = {column: None for column in TABLE_COLUMNS["responses"]}
            row.update(participant_id=person["participant_id"], wave=wave, response_date=date, mode=mode)
            row.update({t: False for t in PARTICIPATION_TYPES})
            responses[(person["participant_id"], wave)] = row
    return responses


def _allocate_panel_participation(rng: np.random.Generator, panel: list[Person],
                                  responses: Responses) -> None:
    """Participation (paid, unpaid, volunteer work, education) of the panel at T0 and T1.

    Guarantees: any type at T0 = 54, at T1 = 53, at both = 47
    (``PARTICIPATION_PATTERN``); volunteer work most common at both waves, 38
    at T0 and 22 at T1 (``PARTICIPATION_TYPES_PANEL``). At T1 men, people aged
    40+ and people with mbo1 or lower participate relatively more often: the
    53 are split over sex x age x education cells with weight 1.5 for each of
    these traits.
    """
    def cell(p: Person) -> tuple:
        return p["sex"], p["_age_group"] != "<=39", p["education_nl"] in LOW_EDUCATION

    def cell_weight(c: tuple) -> float:
        male, older, low = c[0] == "male", c[1], c[2]
        return 1.5 ** (male + older + low)

    n_t1 = PARTICIPATION_PATTERN["both"] + PARTICIPATION_PATTERN["t1_only"]
    active_t1 = _pick_in_cells(rng, panel, n_t1, cell, cell_weight)
    both = _pick(rng, active_t1, PARTICIPATION_PATTERN["both"])
    inactive_t1 = [p for p in panel if p["participant_id"] not in _ids(active_t1)]
    t0_only = _pick(rng, inactive_t1, PARTICIPATION_PATTERN["t0_only"])
    active = {"T0": both + t0_only, "T1": active_t1}
    for wave, members in active.items():
        spec = PARTICIPATION_TYPES_PANEL[wave]
        primary = _deal(rng, members, spec["primary"])
        for person in members:
            responses[(person["participant_id"], wave)][primary[person["participant_id"]]] = True
        for kind, n in spec["extra"].items():
            for person in _pick(rng, [p for p in members if primary[p["participant_id"]] != kind], n):
                responses[(person["participant_id"], wave)][kind] = True


def _allocate_t1_instruments(rng: np.random.Generator, panel: list[Person],
                             responses: Responses, instrument_use: list[dict]) -> list[Person]:
    """Instrument use and satisfaction at T1; returns the users.

    Guarantees: 46 of the 124 use at least one instrument; Power 22,
    Taaltraject ROC 11, DCW praktijkdiagnose 5, Werken aan werk 6, Taalcoach 6
    (4 people use two); nobody uses Sollicitatietraining; satisfaction_overall
    of the users 23 x 5, 8 x 4, 14 x 3, 1 x 2 and missing for everybody else.
    People aged 40+ and born in Iraq use instruments more often, people with a
    Turkish background less often (weights, as the report notes).
    """
    def weight(p: Person) -> float:
        w = 1.6 if p["_age_group"] != "<=39" else 1.0
        w *= 2.0 if p["birth_country"] == "IQ" else 1.0
        return w * (0.6 if _has_origin(p, "TR") else 1.0)

    users = _pick(rng, panel, T1_INSTRUMENT_USERS, weight)
    _record_instrument_use(rng, users, "T1", T1_INSTRUMENT_SLOTS, T1_SATISFACTION, responses, instrument_use)
    return users


def _record_instrument_use(rng: np.random.Generator, users: list[Person], wave: str, slots: dict[str, int],
                           satisfaction: dict, responses: Responses,
                           instrument_use: list[dict]) -> None:
    """Write instrument_use rows and satisfaction_overall for the given users.

    The per-instrument satisfaction mostly equals the overall answer, now and
    then one point off, and is sometimes left open.
    """
    held = _deal_slots(rng, users, slots)
    overall = _deal(rng, users, satisfaction)
    for person in users:
        pid = person["participant_id"]
        responses[(pid, wave)]["satisfaction_overall"] = overall[pid]
        for instrument in held[pid]:
            score = overall[pid]
            if score is not None and rng.random() < 0.25:
                score = int(np.clip(score + rng.choice([-1, 1]), 1, 5))
            if rng.random() < 0.05:
                score = None
            instrument_use.append({"participant_id": pid, "wave": wave, "instrument": instrument,
                                   "satisfaction": score})


def _record_non_use(rng: np.random.Generator, non_users: list[Person], wave: str, giving_reason: int,
                    slots: dict[str, int], non_use: list[dict]) -> None:
    """Write non_use_reasons rows: ``giving_reason`` of the non-users name reasons as in ``slots``.

    Guarantees at T1: 42 health, 16 not suitable, 7 has_income, every other
    reason fewer than 10, all among the 78 respondents without instrument use.
    """
    texts = iter(OTHER_REASON_TEXTS * 3)
    reasons = _deal_slots(rng, _pick(rng, non_users, giving_reason), slots)
    for pid, codes in reasons.items():
        for reason in codes:
            non_use.append({"participant_id": pid, "wave": wave, "reason": reason,
                            "other_text": next(texts) if reason == "other" else None})


def _allocate_panel_ease(rng: np.random.Generator, panel: list[Person], responses: Responses,
                         t1_users: list[Person]) -> None:
    """ease_society and ease_paid_work of the panel at T0 and T1 (``PANEL_EASE``).

    Guarantees: society difficult (4-5) for 75 at T0 and 86 at T1, the
    majority at both and more at T1; paid work difficult for 114 and 116
    (>= 90%). NL-born find it somewhat easier, instrument users find taking
    part in society somewhat harder (soft ordering).
    """
    user_ids = _ids(t1_users)
    for column, per_wave in PANEL_EASE.items():
        for wave, counts in per_wave.items():
            def key(p: Person) -> float:
                harder = 0.0 if _born_nl(p) else 0.8
                if column == "ease_society" and p["participant_id"] in user_ids:
                    harder += 0.5
                return harder

            for pid, value in _deal_sorted(rng, panel, counts, key).items():
                responses[(pid, wave)][column] = value


def _allocate_panel_barriers(rng: np.random.Generator, panel: list[Person], barriers: list[dict],
                             t1_users: list[Person]) -> None:
    """Barriers of the panel at T0 and T1 (``PANEL_BARRIERS``, ``PANEL_NO_BARRIERS``).

    Guarantees per wave (ticked in society and/or work, n = 124): medical 92
    and 95 (74% and 77%, the most ticked); transport 24 -> 50 and language
    30 -> 60 (about double at T1); 3 and 2 people with `none` in both domains
    (and nothing else). At T1 women tick transport and home far more often
    than men, NL-born tick home and language far less often than people born
    abroad (cell weights 0.3, 0.3 and 0.08 -> Fisher p < 0.05). Softer
    tendencies from the report via person weights: Turkish background more
    medical, Iraqi more language, <=39 more home and less language, instrument
    users less transport. People who have ticked nothing yet are four times as
    likely to be chosen, so that nearly everyone who is not `none` ticks
    something (the few left without any row skipped the question).
    """
    user_ids = _ids(t1_users)
    sex_weight = {"female": 1.0, "male": 0.3}
    cells: dict[str, tuple[Callable[[Person], Hashable], Callable[[Hashable], float]]] = {
        "medical": (lambda p: "all", lambda c: 1.0),
        "other": (lambda p: "all", lambda c: 1.0),
        "transport": (lambda p: p["sex"], lambda c: sex_weight[c]),
        "language": (_born_nl, lambda c: 0.08 if c else 1.0),
        "home": (lambda p: (p["sex"], _born_nl(p)), lambda c: sex_weight[c[0]] * (0.3 if c[1] else 1.0)),
    }
    for wave, counts in PANEL_BARRIERS.items():
        nothing = _pick(rng, panel, PANEL_NO_BARRIERS[wave])
        eligible = [p for p in panel if p["participant_id"] not in _ids(nothing)]
        ticked: dict[str, list[str]] = {p["participant_id"]: [] for p in panel}
        for person in nothing:
            ticked[person["participant_id"]].append("none")

        def weight(p: Person, barrier: str, wave: str = wave, ticked: dict = ticked) -> float:
            young = p["_age_group"] == "<=39"
            user = wave == "T1" and p["participant_id"] in user_ids
            first = 4.0 if not ticked[p["participant_id"]] else 1.0
            return first * {
                "medical": 1.4 if _has_origin(p, "TR") else 1.0,
                "language": (1.8 if p["birth_country"] == "IQ" else 1.0) * (0.7 if young else 1.0)
                * (1.3 if user else 1.0),
                "home": 1.6 if young else 1.0,
                "transport": 0.6 if user else 1.0,
            }.get(barrier, 1.0)

        for barrier, n in counts.items():
            cell, cell_weight = cells[barrier]
            chosen = _pick_in_cells(rng, eligible, n, cell, cell_weight, lambda p, b=barrier: weight(p, b))
            for person in chosen:
                ticked[person["participant_id"]].append(barrier)
        _record_barriers(rng, wave, ticked, barriers)


def _record_barriers(rng: np.random.Generator, wave: str, ticked: dict[str, list[str]],
                     barriers: list[dict]) -> None:
    """Spread each ticked barrier over the domains: mostly both, sometimes only one.

    `none` is always ticked in both domains and never combined with another barrier.
    """
    texts = iter(OTHER_BARRIER_TEXTS * 20)
    for pid, codes in ticked.items():
        for barrier in codes:
            if barrier == "none":
                domains = DOMAINS
            else:
                domains = [DOMAINS, ("society",), ("work",)][int(rng.choice(3, p=[0.8, 0.1, 0.1]))]
            text = next(texts) if barrier == "other" else None
            for domain in domains:
                barriers.append({"participant_id": pid, "wave": wave, "domain": domain, "barrier": barrier,
                                 "other_text": text})


# --- responses no published number constrains --------------------------------

def _random_participation(rng: np.random.Generator, row: dict, active: bool) -> None:
    """Set participation types for an active respondent (at least one type)."""
    if not active:
        return
    shares = {"volunteer_work": 0.55, "education": 0.3, "paid_work": 0.2, "unpaid_work": 0.15}
    kinds = [kind for kind, share in shares.items() if rng.random() < share] or ["volunteer_work"]
    for kind in kinds:
        row[kind] = True


def _is_active(row: dict) -> bool:
    return any(row[t] for t in PARTICIPATION_TYPES)


RANDOM_EASE = {
    "ease_society": {1: 0.03, 2: 0.08, 3: 0.22, 4: 0.40, 5: 0.24, None: 0.03},
    "ease_paid_work": {1: 0.0, 2: 0.02, 3: 0.05, 4: 0.33, 5: 0.57, None: 0.03},
}
RANDOM_BARRIER_SHARES = {"medical": 0.74, "transport": 0.3, "home": 0.3, "language": 0.4, "other": 0.04}


STABILITY = 0.6  # chance that an answer is the same as at the previous wave


def _random_ease(rng: np.random.Generator, row: dict, previous: dict | None) -> None:
    """Ease answers: often the same as last time, otherwise drawn from ``RANDOM_EASE``."""
    for column, shares in RANDOM_EASE.items():
        values = list(shares)
        drawn = values[int(rng.choice(len(values), p=list(shares.values())))]
        keep = previous is not None and previous[column] is not None and rng.random() < STABILITY
        row[column] = previous[column] if keep else drawn


def _random_barriers(rng: np.random.Generator, person: Person, wave: str, barriers: list[dict]) -> None:
    ticked = []
    for barrier, share in RANDOM_BARRIER_SHARES.items():
        if barrier == "language" and _born_nl(person):
            share = 0.05
        if rng.random() < share:
            ticked.append(barrier)
    if not ticked and rng.random() < 0.5:
        ticked = ["none"]
    _record_barriers(rng, wave, {person["participant_id"]: ticked}, barriers)


# Share participating (any type) at T2, by whether the person participated at T0. Applied per group
# and per randomized / not randomized, so both effect analyses see a small gain for the pilot
# (about +0.06 in the share participating, relative to the control group).
T2_ACTIVE_SHARE = {
    "pilot": {True: 0.82, False: 0.22},
    "control": {True: 0.75, False: 0.15},
}


def _fill_remaining_responses(rng: np.random.Generator, people: list[Person], responses: Responses,
                              done: set[tuple[str, str]], barriers: list[dict], waves: tuple[str, ...],
                              active_at_t2: set[str] = frozenset()) -> None:
    """Answers for responses outside the published panel: the T0 answers of the
    10 pilot participants who left the panel, the pilot's T2, and the control
    group. Participation at T0 and T1 depends on the previous wave (stay or
    become active), at T2 on ``active_at_t2``; ease and barriers are drawn
    from shares like the panel's, ease often repeating the previous answer."""
    by_id = {p["participant_id"]: p for p in people}
    for (pid, wave), row in sorted(responses.items()):
        if pid not in by_id or wave not in waves or (pid, wave) in done:
            continue
        previous = [responses[(pid, w)] for w in ("T0", "T1") if w < wave and (pid, w) in responses]
        if wave == "T2":
            active = pid in active_at_t2
        else:
            share = 0.42 if not previous else (0.75 if _is_active(previous[-1]) else 0.15)
            active = bool(rng.random() < share)
        _random_participation(rng, row, active)
        _random_ease(rng, row, previous[-1] if previous else None)
        _random_barriers(rng, by_id[pid], wave, barriers)


def _choose_active_at_t2(rng: np.random.Generator, people: list[Person],
                         responses: Responses) -> set[str]:
    """Who participates at T2: in each cell (group x randomized x active at T0) of the T2
    respondents, a fixed share ``T2_ACTIVE_SHARE`` (rounded) of the people."""
    chosen: set[str] = set()
    for group, shares in T2_ACTIVE_SHARE.items():
        for randomized in (False, True):
            for was_active in (False, True):
                cell = [p for p in people if p["group"] == group and p["randomized"] == randomized
                        and (p["participant_id"], "T2") in responses
                        and _is_active(responses[(p["participant_id"], "T0")]) == was_active]
                chosen |= _ids(_pick(rng, cell, math.floor(shares[was_active] * len(cell) + 0.5)))
    return chosen


def _pilot_t2_instruments(rng: np.random.Generator, people: list[Person], responses: Responses,
                          t1_users: list[Person], instrument_use: list[dict], non_use: list[dict]) -> None:
    """Pilot T2: 50 instrument users (T1 users three times as likely); every other T2
    respondent gives one reason for non-use."""
    respondents = [p for p in people if (p["participant_id"], "T2") in responses]
    was_user = _ids(t1_users)
    users = _pick(rng, respondents, T2_INSTRUMENT_USERS,
                  lambda p: 3.0 if p["participant_id"] in was_user else 1.0)
    _record_instrument_use(rng, users, "T2", T2_INSTRUMENT_SLOTS, T2_SATISFACTION, responses, instrument_use)
    non_users = [p for p in respondents if p["participant_id"] not in _ids(users)]
    _record_non_use(rng, non_users, "T2", len(non_users), T2_NON_USE_SLOTS, non_use)


# Change in self_rated_health from T0 to T2, as shares of the people answering both waves.
HEALTH_CHANGE_T0_T2 = {
    "pilot": {-2: 0.06, -1: 0.15, 0: 0.40, 1: 0.25, 2: 0.14},  # mean +0.26
    "control": {-2: 0.08, -1: 0.20, 0: 0.42, 1: 0.20, 2: 0.10},  # mean +0.04
}


def _add_final_report_outcomes(rng: np.random.Generator, people: list[Person],
                               responses: Responses) -> None:
    """self_rated_health, enough_social_contacts, discrimination_experienced, job_search_hours.

    Plausible, not published. Health at T0 and T1 varies around a personal
    baseline; the T0 -> T2 change is dealt out from ``HEALTH_CHANGE_T0_T2``, so
    the pilot improves by about 0.2 points more than the control group: a small
    effect with a wide interval. Social contacts are often the same as at the
    previous wave and equally likely in both groups; discrimination and job
    search hours are drawn independently.
    """
    by_id = {p["participant_id"]: p for p in people}
    base_health = {pid: rng.normal(6.0, 1.4) for pid in sorted(by_id)}
    health_change: dict[str, object] = {}
    for group, shares in HEALTH_CHANGE_T0_T2.items():
        for randomized in (False, True):  # dealt separately so both effect analyses see the same gain
            members = [p for p in people if p["group"] == group and p["randomized"] == randomized
                       and (p["participant_id"], "T2") in responses]
            if members:
                counts = _apportion({change: len(members) for change in shares}, shares, len(members))
                health_change.update(_deal(rng, members, counts))
    health_t0: dict[str, int] = {}
    social_before: dict[str, bool | None] = {}
    for (pid, wave), row in sorted(responses.items()):  # T0 comes before T2 for each person
        if wave == "T2":
            health = health_t0[pid] + health_change[pid]
        else:
            drift = {"T0": 0.0, "T1": -0.15}[wave]  # T1: autumn 2020 lockdown
            health = round(base_health[pid] + drift + rng.normal(0, 0.6))
        health = int(np.clip(health, 1, 10))
        if wave == "T0":
            health_t0[pid] = health
        social = bool(rng.random() < {"T0": 0.45, "T1": 0.40, "T2": 0.47}[wave])
        if social_before.get(pid) is not None and rng.random() < STABILITY:
            social = social_before[pid]
        social = social if rng.random() > 0.03 else None
        social_before[pid] = social
        hours = 0.0 if rng.random() < 0.6 else float(rng.integers(1, 13))
        row["self_rated_health"] = health if rng.random() > 0.03 else None
        row["enough_social_contacts"] = social
        row["discrimination_experienced"] = bool(rng.random() < 0.12) if rng.random() > 0.05 else None
        row["job_search_hours"] = hours if rng.random() > 0.05 else None


# ---------------------------------------------------------------------------
# Control group
# ---------------------------------------------------------------------------

def _control_people(rng: np.random.Generator, pilot: list[Person]) -> list[Person]:
    """68 controls with a profile like the pilot's: each copies the background
    characteristics of a different pilot participant, lives elsewhere in
    Enschede and was drawn by lot (randomized = true)."""
    copied = ("sex", "birth_year", "birth_country", "generation", "education_nl", "foreign_diploma_valued",
              "prior_paid_work_nl", "years_paid_work_nl", "years_since_paid_work_nl", "distance",
              "_age_group", "_origin")
    ordered = sorted(pilot, key=lambda p: p["participant_id"])
    people = []
    for index in sorted(rng.choice(len(ordered), size=CONTROL_SIZE, replace=False)):
        source = ordered[index]
        person = {key: source[key] for key in copied}
        person.update(group="control", neighbourhood=CONTROL_NEIGHBOURHOOD, randomized=True,
                      _backgrounds=list(source["_backgrounds"]))
        people.append(person)
    _assign_ids(rng, people, "C")
    return people


def _assign_control_waves(rng: np.random.Generator, people: list[Person]) -> None:
    """Control attrition: 2 moved in 2020 (T0 only), 8 skipped T1, 3 left early 2021
    (2 for paid work), 8 did not answer T2 -> 55 answer T0 and T2."""
    for person in people:
        person["start_date"] = _random_date(rng, *START_WINDOW)
        person["exit_date"] = None
        person["exit_reason"] = None
        person["_waves"] = ("T0", "T1", "T2")
    moved = _pick(rng, people, CONTROL_MOVED_2020)
    for person in moved:
        person["_waves"] = ("T0",)
        person["exit_reason"] = "moved"
        person["exit_date"] = _random_date(rng, dt.date(2020, 5, 1), dt.date(2020, 10, 10))
    rest = [p for p in people if p["participant_id"] not in _ids(moved)]
    no_t1 = _pick(rng, rest, CONTROL_NO_T1)
    for person in no_t1:
        person["_waves"] = ("T0", "T2")
    rest = [p for p in rest if p["participant_id"] not in _ids(no_t1)]
    leavers = _pick(rng, rest, sum(CONTROL_EXIT_2021.values()))
    _set_exits_2021(rng, leavers, CONTROL_EXIT_2021)
    rest = [p for p in rest if p["participant_id"] not in _ids(leavers)]
    for person in _pick(rng, rest, CONTROL_NO_T2):
        person["_waves"] = ("T0", "T1")


# ---------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------

def _frame(rows: list[dict], table: str, sort_by: list[str]) -> pd.DataFrame:
    """Build one contract table: contract column order, sorted rows, booleans as Python bool / None,
    integers as nullable Int64, dates as ISO strings."""
    columns = TABLE_COLUMNS[table]
    records = []
    for row in rows:
        record = {}
        for column in columns:
            value = row.get(column)
            if isinstance(value, dt.date):
                value = value.isoformat()
            record[column] = value
        records.append(record)
    code_order = {"barrier": BARRIER_CODES, "domain": DOMAINS, "reason": NON_USE_REASONS,
                  "instrument": [i[0] for i in INSTRUMENTS]}
    records.sort(key=lambda r: tuple(code_order[c].index(r[c]) if c in code_order else r[c] for c in sort_by))
    frame = pd.DataFrame(records, columns=columns)
    for column in columns:
        if column in BOOLEAN_COLUMNS:
            frame[column] = pd.Series([r[column] for r in records], dtype=object)
        elif column in INTEGER_COLUMNS:
            frame[column] = frame[column].astype("Int64")
        elif column in FLOAT_COLUMNS:
            frame[column] = frame[column].astype(float)
    return frame


def build_demo() -> tuple[dict, dict[str, pd.DataFrame]]:
    """Build the synthetic demo study: ``(study metadata, {table name: DataFrame})``.

    The metadata dict is what ``write_demo`` writes as study.yaml (dates as
    ``datetime.date``). The seven tables use the contract's column names and
    codes; booleans are Python bool (None when missing), dates ISO strings.
    """
    rng = np.random.default_rng(SEED)

    pilot = _pilot_people(rng)
    _assign_ids(rng, pilot, "P")
    _assign_education(rng, pilot)
    _assign_prior_work(rng, pilot)
    _assign_work_years(rng, pilot)
    _assign_backgrounds(rng, pilot)
    panel = _assign_pilot_waves(rng, pilot)
    _assign_randomized(rng, pilot)

    control = _control_people(rng, pilot)
    _assign_control_waves(rng, control)
    people = pilot + control

    barriers: list[dict] = []
    instrument_use: list[dict] = []
    non_use: list[dict] = []
    responses = _empty_responses(rng, people)

    # The published numbers: panel (124) at T0 and T1.
    _allocate_panel_participation(rng, panel, responses)
    t1_users = _allocate_t1_instruments(rng, panel, responses, instrument_use)
    t1_non_users = [p for p in panel if p["participant_id"] not in _ids(t1_users)]
    _record_non_use(rng, t1_non_users, "T1", T1_NON_USE_GIVING_REASON, T1_NON_USE_SLOTS, non_use)
    _allocate_panel_ease(rng, panel, responses, t1_users)
    _allocate_panel_barriers(rng, panel, barriers, t1_users)
    done = {(p["participant_id"], w) for p in panel for w in ("T0", "T1")}

    # Not published: the rest of the pilot, T2, and the control group.
    _fill_remaining_responses(rng, people, responses, done, barriers, waves=("T0", "T1"))
    active_at_t2 = _choose_active_at_t2(rng, people, responses)
    _fill_remaining_responses(rng, people, responses, done, barriers, waves=("T2",),
                              active_at_t2=active_at_t2)
    _pilot_t2_instruments(rng, pilot, responses, t1_users, instrument_use, non_use)
    _add_final_report_outcomes(rng, people, responses)

    backgrounds = [{"participant_id": p["participant_id"], "country": country}
                   for p in people for country in p["_backgrounds"]]
    tables = {
        "participants": _frame(people, "participants", ["participant_id"]),
        "backgrounds": _frame(backgrounds, "backgrounds", ["participant_id", "country"]),
        "responses": _frame(list(responses.values()), "responses", ["participant_id", "wave"]),
        "barriers": _frame(barriers, "barriers", ["participant_id", "wave", "domain", "barrier"]),
        "instrument_use": _frame(instrument_use, "instrument_use", ["participant_id", "wave", "instrument"]),
        "non_use_reasons": _frame(non_use, "non_use_reasons", ["participant_id", "wave", "reason"]),
        "instruments": _frame([dict(zip(TABLE_COLUMNS["instruments"], i)) for i in INSTRUMENTS],
                              "instruments", ["instrument"]),
    }
    return _copy_study(), tables


def _copy_study() -> dict:
    study = dict(STUDY)
    study["authors"] = list(STUDY["authors"])
    study["contributors"] = list(STUDY["contributors"])
    study["study_period"] = dict(STUDY["study_period"])
    study["waves"] = {w: {"fieldwork": list(v["fieldwork"])} for w, v in STUDY["waves"].items()}
    return study


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def _csv_cell(value: object) -> str:
    """Contract CSV formatting: empty = missing, booleans true/false, whole numbers without '.0'."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_demo(out_dir: Path) -> Path:
    """Write the demo dataset (study.yaml + one CSV per table) into ``out_dir`` and return it.

    The folder is created when needed; an existing folder that is not empty is
    never touched (FileExistsError). Two calls give byte-identical files.
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        if not out_dir.is_dir():
            raise FileExistsError(
                f"{out_dir} exists and is not a folder; choose an empty or new folder for the demo"
            )
        if any(out_dir.iterdir()):
            raise FileExistsError(
                f"{out_dir} is not empty; the demo dataset is only written into an empty or new folder, "
                "so no existing data is overwritten"
            )
    study, tables = build_demo()
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "study.yaml", "w", encoding="utf-8", newline="\n") as handle:
        handle.write("# Synthetic demo dataset generated by via_reports.demo.generator - no real persons.\n")
        yaml.safe_dump(study, handle, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    for name, frame in tables.items():
        with open(out_dir / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(frame.columns)
            for row in frame.itertuples(index=False, name=None):
                writer.writerow([_csv_cell(v) for v in row])
    return out_dir
