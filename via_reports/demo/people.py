"""The demo's participants: the 134 pilot participants and their characteristics, and the control group."""

from __future__ import annotations

import datetime as dt

import numpy as np

from via_reports.demo.allocation import Person, age, born_nl, deal, ids, pick, random_date
from via_reports.demo.numbers import (
    AGE_GROUPS,
    AGE_RANGE,
    CELLS,
    CONTROL_EXIT_2021,
    CONTROL_MOVED_2020,
    CONTROL_NEIGHBOURHOOD,
    CONTROL_NO_T1,
    CONTROL_NO_T2,
    CONTROL_SIZE,
    EDUCATION_FOREIGN_REST,
    EDUCATION_NL_BORN,
    FOREIGN_BORN,
    FOREIGN_REST_DIPLOMA_VALUED,
    NL_BORN,
    NO_NL_EDUCATION,
    NO_NL_EDUCATION_DIPLOMA_VALUED,
    PILOT_EXIT_2021,
    PILOT_MOVED_2020,
    PILOT_NEIGHBOURHOOD,
    PILOT_NO_T1,
    PILOT_NO_T1_BACK_AT_T2,
    PILOT_NO_T2,
    PILOT_RANDOMIZED,
    PRIOR_WORK,
    REFERENCE_YEAR,
    START_WINDOW,
    YEARS_PAID_WORK,
    YEARS_SINCE_WORK_MISSING,
)

# ---------------------------------------------------------------------------
# Pilot group: background characteristics
# ---------------------------------------------------------------------------

def pilot_people(rng: np.random.Generator) -> list[Person]:
    """Create the 134 pilot participants from ``FOREIGN_BORN`` and ``NL_BORN``.

    Guarantees: 134 people; 100 born abroad, 34 born in NL (26 aged <=39); age
    groups 45/45/44; 83 women and 51 men (30/15, 30/15, 23/21 per age group);
    the Turkish group 45 (31 women, 14 men), the Moroccan group 22 (16 aged
    <=39), the Iraqi group 19 = born in Iraq; the 4th and 5th largest groups
    (Syrian 14, Somali 13) below 19.
    """
    people: list[Person] = []
    for second_generation, table in ((False, FOREIGN_BORN), (True, NL_BORN)):
        for country, counts in table.items():
            for (sex, age_group), n in zip(CELLS, counts):
                for _ in range(n):
                    low, high = AGE_RANGE[age_group]
                    people.append({
                        "group": "pilot",
                        "sex": sex,
                        "birth_year": REFERENCE_YEAR - int(rng.integers(low, high + 1)),
                        "birth_country": "NL" if second_generation else country,
                        "generation": "second" if second_generation else "first",
                        "distance": "long",
                        "neighbourhood": PILOT_NEIGHBOURHOOD,
                        "_age_group": age_group,
                        "_origin": country,
                        "_backgrounds": [country],
                    })
    return people


def assign_education(rng: np.random.Generator, people: list[Person]) -> None:
    """education_nl and foreign_diploma_valued.

    Guarantees: 59 with education_nl = none, all born abroad, mostly aged 40+
    (so they are older on average); 14 of the 19 born in Iraq; 51 of the 59
    without a valued foreign diploma.
    """
    foreign = [p for p in people if not born_nl(p)]
    for country, counts in NO_NL_EDUCATION.items():
        for age_group, n in zip(AGE_GROUPS, counts):
            cell = [p for p in foreign if p["birth_country"] == country and p["_age_group"] == age_group]
            for person in pick(rng, cell, n):
                person["education_nl"] = "none"
    no_education = [p for p in people if p.get("education_nl") == "none"]
    valued = ids(pick(rng, no_education, NO_NL_EDUCATION_DIPLOMA_VALUED))

    foreign_rest = [p for p in foreign if p.get("education_nl") != "none"]
    levels = deal(rng, foreign_rest, EDUCATION_FOREIGN_REST)
    valued |= ids(pick(rng, foreign_rest, FOREIGN_REST_DIPLOMA_VALUED))
    nl_born = [p for p in people if born_nl(p)]
    levels.update(deal(rng, nl_born, EDUCATION_NL_BORN))
    for person in people:
        if person.get("education_nl") != "none":
            person["education_nl"] = levels[person["participant_id"]]
        person["foreign_diploma_valued"] = person["participant_id"] in valued


def assign_prior_work(rng: np.random.Generator, people: list[Person]) -> None:
    """prior_paid_work_nl.

    Guarantees: 87 in total; 29 of the 34 NL-born; 58 of the 100 born abroad,
    of whom 29 of 39 men and 29 of 61 women (Fisher p = 0.012). Within a
    group, people with a Turkish background are a bit more likely and people
    born in Iraq a bit less likely to have worked in NL (as the report notes).
    """
    def weight(p: Person) -> float:
        return {"TR": 1.5, "IQ": 0.5}.get(p["_origin"], 1.0)

    groups = {
        "nl_born": [p for p in people if born_nl(p)],
        "foreign_male": [p for p in people if not born_nl(p) and p["sex"] == "male"],
        "foreign_female": [p for p in people if not born_nl(p) and p["sex"] == "female"],
    }
    worked = set()
    for name, members in groups.items():
        worked |= ids(pick(rng, members, PRIOR_WORK[name], weight))
    for person in people:
        person["prior_paid_work_nl"] = person["participant_id"] in worked


def assign_work_years(rng: np.random.Generator, people: list[Person]) -> None:
    """years_paid_work_nl and years_since_paid_work_nl.

    Guarantees: years_paid_work_nl known for 86 of the 87 with prior work, with
    exactly the values of ``YEARS_PAID_WORK`` (q1 3, median 6.5, mean 8.15,
    three upward outliers); years_since_paid_work_nl known for 84. Both missing
    whenever prior_paid_work_nl is false. The largest values go to people old
    enough for them (work from age 16 onwards).
    """
    workers = [p for p in people if p["prior_paid_work_nl"]]
    unknown = ids(pick(rng, workers, len(workers) - sum(YEARS_PAID_WORK.values())))
    known = [p for p in workers if p["participant_id"] not in unknown]
    values = sorted((v for v, n in YEARS_PAID_WORK.items() for _ in range(n)), reverse=True)
    free = list(known)
    for value in values:  # largest first, each to a random person old enough
        candidates = [p for p in free if age(p) - 16 >= value]
        chosen = pick(rng, candidates, 1)[0]
        chosen["years_paid_work_nl"] = float(value)
        free.remove(chosen)
    since_unknown = ids(pick(rng, workers, YEARS_SINCE_WORK_MISSING))
    for person in people:
        person.setdefault("years_paid_work_nl", None)
        person["years_since_paid_work_nl"] = None
        if person["prior_paid_work_nl"] and person["participant_id"] not in since_unknown:
            room = age(person) - 16 - int(person["years_paid_work_nl"] or 0)
            person["years_since_paid_work_nl"] = float(rng.integers(0, max(0, min(room, 20)) + 1))


def assign_backgrounds(rng: np.random.Generator, people: list[Person]) -> None:
    """Cultural backgrounds (multi-select).

    Born abroad: the birth country, and often also NL. NL-born: the parents'
    country and mostly NL. Nobody gets a migrant background other than their
    own origin, so the country groups of ``pilot_people`` stay exact (and
    everyone with an Iraqi background was born in Iraq). One woman born in
    Turkey ticks only the Dutch background: she still counts in the Turkish
    group (born there) but shows that born and background differ.
    """
    for person in people:
        share_nl = 0.8 if born_nl(person) else 0.45
        if rng.random() < share_nl:
            person["_backgrounds"].append("NL")
    turkish_born_women = [p for p in people if p["birth_country"] == "TR" and p["sex"] == "female"]
    pick(rng, turkish_born_women, 1)[0]["_backgrounds"] = ["NL"]


def assign_ids(rng: np.random.Generator, people: list[Person], prefix: str) -> None:
    """Pseudonyms P0001.. / C0001.. in random order, so the id says nothing about the person."""
    for number, index in enumerate(rng.permutation(len(people)), start=1):
        people[index]["participant_id"] = f"{prefix}{number:04d}"


def _start_and_move_away(rng: np.random.Generator, people: list[Person], moved_in_2020: int) -> list[Person]:
    """Give everyone a start date and all three waves, then let ``moved_in_2020`` of them move away
    during 2020 (they answered T0 only); returns the others, in their order."""
    for person in people:
        person["start_date"] = random_date(rng, *START_WINDOW)
        person["exit_date"] = None
        person["exit_reason"] = None
        person["_waves"] = ("T0", "T1", "T2")
    moved = pick(rng, people, moved_in_2020)
    for person in moved:
        person["_waves"] = ("T0",)
        person["exit_reason"] = "moved"
        person["exit_date"] = random_date(rng, dt.date(2020, 5, 1), dt.date(2020, 10, 10))
    return [p for p in people if p["participant_id"] not in ids(moved)]


def assign_pilot_waves(rng: np.random.Generator, people: list[Person]) -> list[Person]:
    """Who answered which wave, start dates and exits; returns the panel (T0 and T1).

    Guarantees: 4 moved away during 2020 (answered T0 only); 6 others did not
    answer T1 and stay in the study; the other 124 answered T0 and T1.
    Plausible, not published: 112 of the panel answer T2; 5 panel members
    leave for paid work and 1 for another reason early in 2021; 3 of the 6
    who skipped T1 answer T2 again.
    """
    rest = _start_and_move_away(rng, people, PILOT_MOVED_2020)
    no_t1 = pick(rng, rest, PILOT_NO_T1)
    back_at_t2 = ids(pick(rng, no_t1, PILOT_NO_T1_BACK_AT_T2))
    for person in no_t1:
        person["_waves"] = ("T0", "T2") if person["participant_id"] in back_at_t2 else ("T0",)
    panel = [p for p in rest if p["participant_id"] not in ids(no_t1)]

    leavers = pick(rng, panel, sum(PILOT_EXIT_2021.values()))
    _set_exits_2021(rng, leavers, PILOT_EXIT_2021)
    stayers = [p for p in panel if p["participant_id"] not in ids(leavers)]
    for person in pick(rng, stayers, PILOT_NO_T2):
        person["_waves"] = ("T0", "T1")
    return panel


def _set_exits_2021(rng: np.random.Generator, leavers: list[Person], reasons: dict[str, int]) -> None:
    """Exit between the T1 fieldwork and the T2 fieldwork (after the last response)."""
    for person, reason in zip(leavers, [r for r, n in reasons.items() for _ in range(n)]):
        person["exit_reason"] = reason
        person["exit_date"] = random_date(rng, dt.date(2021, 1, 20), dt.date(2021, 3, 25))
        person["_waves"] = tuple(w for w in person["_waves"] if w != "T2")


def assign_randomized(rng: np.random.Generator, people: list[Person]) -> None:
    """The optional ``randomized`` column.

    Assumption (synthetic, not from the report): of the 238 eligible people a
    lottery drew the 68 controls, and 40 pilot participants entered the pilot
    through that same lottery; the other pilot participants were placed by
    their caseworkers. So randomized is true for all controls and for 40 pilot
    participants, which gives the effects chapter a primary (randomized) and a
    sensitivity (all participants) analysis.
    """
    chosen = ids(pick(rng, people, PILOT_RANDOMIZED))
    for person in people:
        person["randomized"] = person["participant_id"] in chosen


# ---------------------------------------------------------------------------
# Control group
# ---------------------------------------------------------------------------

def control_people(rng: np.random.Generator, pilot: list[Person], size: int = CONTROL_SIZE) -> list[Person]:
    """68 controls (``size``: a pilot of a demo programme has its own) with a profile like the
    pilot's: each copies the background characteristics of a different pilot participant, lives elsewhere in
    Enschede and was drawn by lot (randomized = true)."""
    copied = ("sex", "birth_year", "birth_country", "generation", "education_nl", "foreign_diploma_valued",
              "prior_paid_work_nl", "years_paid_work_nl", "years_since_paid_work_nl", "distance",
              "_age_group", "_origin")
    ordered = sorted(pilot, key=lambda p: p["participant_id"])
    people = []
    for index in sorted(rng.choice(len(ordered), size=size, replace=False)):
        source = ordered[index]
        person = {key: source[key] for key in copied}
        person.update(group="control", neighbourhood=CONTROL_NEIGHBOURHOOD, randomized=True,
                      _backgrounds=list(source["_backgrounds"]))
        people.append(person)
    assign_ids(rng, people, "C")
    return people


def assign_control_waves(rng: np.random.Generator, people: list[Person]) -> None:
    """Control attrition: 2 moved in 2020 (T0 only), 8 skipped T1, 3 left early 2021
    (2 for paid work), 8 did not answer T2 -> 55 answer T0 and T2."""
    rest = _start_and_move_away(rng, people, CONTROL_MOVED_2020)
    no_t1 = pick(rng, rest, CONTROL_NO_T1)
    for person in no_t1:
        person["_waves"] = ("T0", "T2")
    rest = [p for p in rest if p["participant_id"] not in ids(no_t1)]
    leavers = pick(rng, rest, sum(CONTROL_EXIT_2021.values()))
    _set_exits_2021(rng, leavers, CONTROL_EXIT_2021)
    rest = [p for p in rest if p["participant_id"] not in ids(leavers)]
    for person in pick(rng, rest, CONTROL_NO_T2):
        person["_waves"] = ("T0", "T1")
