"""The demo's survey answers: the published panel numbers at T0 and T1 first, then the rest.

Participation, instrument use and satisfaction, reasons for non-use, ease
and barriers of the panel are dealt out so that every published number
holds; the answers nothing published constrains (the pilot's T2, the
control group, the outcomes of the final report) are drawn.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable

import numpy as np

from via_reports.data.codebook import load_codebook
from via_reports.data.contracts import load_contract
from via_reports.demo.allocation import (
    Person,
    Responses,
    apportion,
    born_nl,
    deal,
    deal_slots,
    deal_sorted,
    has_origin,
    ids,
    pick,
    pick_in_cells,
    random_date,
)
from via_reports.demo.numbers import (
    FIELDWORK,
    LOW_EDUCATION,
    OTHER_BARRIER_TEXTS,
    OTHER_REASON_TEXTS,
    PANEL_BARRIERS,
    PANEL_EASE,
    PANEL_NO_BARRIERS,
    PARTICIPATION_PATTERN,
    PARTICIPATION_TYPES_PANEL,
    T1_INSTRUMENT_SLOTS,
    T1_INSTRUMENT_USERS,
    T1_SATISFACTION,
    T2_INSTRUMENT_SLOTS,
    T2_INSTRUMENT_USERS,
    T2_NON_USE_SLOTS,
    T2_SATISFACTION,
)

#: The participation types of a response (the codebook's list less its "any").
PARTICIPATION_TYPES = tuple(code for code in load_codebook()["participation_type"].codes if code != "any")
#: The domains a barrier is ticked in: society, work.
DOMAINS = tuple(load_codebook()["barrier_domain"].codes)

# ---------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------

MODE_SHARES = {  # survey mode per wave (during the 2020 lockdowns more by phone)
    "T0": {"self": 0.3, "with_caseworker": 0.6, "by_phone": 0.1},
    "T1": {"self": 0.25, "with_caseworker": 0.2, "by_phone": 0.55},
    "T2": {"self": 0.35, "with_caseworker": 0.35, "by_phone": 0.3},
}


def empty_responses(rng: np.random.Generator, people: list[Person]) -> Responses:
    """One response row per person per answered wave, with date and mode; the answers come later."""
    responses = {}
    for person in sorted(people, key=lambda p: p["participant_id"]):
        for wave in person["_waves"]:
            first, last = FIELDWORK[wave]
            if wave == "T0":
                date = max(first, person["start_date"] + dt.timedelta(days=int(rng.integers(7, 60))))
                date = min(date, last)
            else:
                date = random_date(rng, first, last)
            shares = MODE_SHARES[wave]
            mode = str(rng.choice(list(shares), p=list(shares.values())))
            row = {column: None for column in load_contract("responses").columns}
            row.update(participant_id=person["participant_id"], wave=wave, response_date=date, mode=mode)
            row.update({t: False for t in PARTICIPATION_TYPES})
            responses[(person["participant_id"], wave)] = row
    return responses


def allocate_panel_participation(rng: np.random.Generator, panel: list[Person],
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
    active_t1 = pick_in_cells(rng, panel, n_t1, cell, cell_weight)
    both = pick(rng, active_t1, PARTICIPATION_PATTERN["both"])
    inactive_t1 = [p for p in panel if p["participant_id"] not in ids(active_t1)]
    t0_only = pick(rng, inactive_t1, PARTICIPATION_PATTERN["t0_only"])
    active = {"T0": both + t0_only, "T1": active_t1}
    for wave, members in active.items():
        spec = PARTICIPATION_TYPES_PANEL[wave]
        primary = deal(rng, members, spec["primary"])
        for person in members:
            responses[(person["participant_id"], wave)][primary[person["participant_id"]]] = True
        for kind, n in spec["extra"].items():
            for person in pick(rng, [p for p in members if primary[p["participant_id"]] != kind], n):
                responses[(person["participant_id"], wave)][kind] = True


def allocate_t1_instruments(rng: np.random.Generator, panel: list[Person],
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
        return w * (0.6 if has_origin(p, "TR") else 1.0)

    users = pick(rng, panel, T1_INSTRUMENT_USERS, weight)
    _record_instrument_use(rng, users, "T1", T1_INSTRUMENT_SLOTS, T1_SATISFACTION, responses, instrument_use)
    return users


def _record_instrument_use(rng: np.random.Generator, users: list[Person], wave: str, slots: dict[str, int],
                           satisfaction: dict, responses: Responses,
                           instrument_use: list[dict]) -> None:
    """Write instrument_use rows and satisfaction_overall for the given users.

    The per-instrument satisfaction mostly equals the overall answer, now and
    then one point off, and is sometimes left open.
    """
    held = deal_slots(rng, users, slots)
    overall = deal(rng, users, satisfaction)
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


def record_non_use(rng: np.random.Generator, non_users: list[Person], wave: str, giving_reason: int,
                   slots: dict[str, int], non_use: list[dict]) -> None:
    """Write non_use_reasons rows: ``giving_reason`` of the non-users name reasons as in ``slots``.

    Guarantees at T1: 42 health, 16 not suitable, 7 has_income, every other
    reason fewer than 10, all among the 78 respondents without instrument use.
    """
    texts = iter(OTHER_REASON_TEXTS * 3)
    reasons = deal_slots(rng, pick(rng, non_users, giving_reason), slots)
    for pid, codes in reasons.items():
        for reason in codes:
            non_use.append({"participant_id": pid, "wave": wave, "reason": reason,
                            "other_text": next(texts) if reason == "other" else None})


def allocate_panel_ease(rng: np.random.Generator, panel: list[Person], responses: Responses,
                        t1_users: list[Person]) -> None:
    """ease_society and ease_paid_work of the panel at T0 and T1 (``PANEL_EASE``).

    Guarantees: society difficult (4-5) for 75 at T0 and 86 at T1, the
    majority at both and more at T1; paid work difficult for 114 and 116
    (>= 90%). NL-born find it somewhat easier, instrument users find taking
    part in society somewhat harder (soft ordering).
    """
    user_ids = ids(t1_users)
    for column, per_wave in PANEL_EASE.items():
        for wave, counts in per_wave.items():
            def key(p: Person) -> float:
                harder = 0.0 if born_nl(p) else 0.8
                if column == "ease_society" and p["participant_id"] in user_ids:
                    harder += 0.5
                return harder

            for pid, value in deal_sorted(rng, panel, counts, key).items():
                responses[(pid, wave)][column] = value


def allocate_panel_barriers(rng: np.random.Generator, panel: list[Person], barriers: list[dict],
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
    user_ids = ids(t1_users)
    sex_weight = {"female": 1.0, "male": 0.3}
    cells: dict[str, tuple[Callable[[Person], Hashable], Callable[[Hashable], float]]] = {
        "medical": (lambda p: "all", lambda c: 1.0),
        "other": (lambda p: "all", lambda c: 1.0),
        "transport": (lambda p: p["sex"], lambda c: sex_weight[c]),
        "language": (born_nl, lambda c: 0.08 if c else 1.0),
        "home": (lambda p: (p["sex"], born_nl(p)), lambda c: sex_weight[c[0]] * (0.3 if c[1] else 1.0)),
    }
    for wave, counts in PANEL_BARRIERS.items():
        nothing = pick(rng, panel, PANEL_NO_BARRIERS[wave])
        eligible = [p for p in panel if p["participant_id"] not in ids(nothing)]
        ticked: dict[str, list[str]] = {p["participant_id"]: [] for p in panel}
        for person in nothing:
            ticked[person["participant_id"]].append("none")

        def weight(p: Person, barrier: str, wave: str = wave, ticked: dict = ticked) -> float:
            young = p["_age_group"] == "<=39"
            user = wave == "T1" and p["participant_id"] in user_ids
            first = 4.0 if not ticked[p["participant_id"]] else 1.0
            return first * {
                "medical": 1.4 if has_origin(p, "TR") else 1.0,
                "language": (1.8 if p["birth_country"] == "IQ" else 1.0) * (0.7 if young else 1.0)
                * (1.3 if user else 1.0),
                "home": 1.6 if young else 1.0,
                "transport": 0.6 if user else 1.0,
            }.get(barrier, 1.0)

        for barrier, n in counts.items():
            cell, cell_weight = cells[barrier]
            chosen = pick_in_cells(rng, eligible, n, cell, cell_weight, lambda p, b=barrier: weight(p, b))
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
        if barrier == "language" and born_nl(person):
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


def fill_remaining_responses(rng: np.random.Generator, people: list[Person], responses: Responses,
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


def choose_active_at_t2(rng: np.random.Generator, people: list[Person],
                        responses: Responses, active_share: dict | None = None) -> set[str]:
    """Who participates at T2: in each cell (group x randomized x active at T0) of the T2
    respondents, a fixed share ``T2_ACTIVE_SHARE`` (rounded) of the people. A pilot of a demo
    programme gives its own shares (``active_share``): their difference is its true effect."""
    chosen: set[str] = set()
    for group, shares in (active_share or T2_ACTIVE_SHARE).items():
        for randomized in (False, True):
            for was_active in (False, True):
                cell = [p for p in people if p["group"] == group and p["randomized"] == randomized
                        and (p["participant_id"], "T2") in responses
                        and _is_active(responses[(p["participant_id"], "T0")]) == was_active]
                chosen |= ids(pick(rng, cell, math.floor(shares[was_active] * len(cell) + 0.5)))
    return chosen


def pilot_t2_instruments(rng: np.random.Generator, people: list[Person], responses: Responses,
                         t1_users: list[Person], instrument_use: list[dict], non_use: list[dict]) -> None:
    """Pilot T2: 50 instrument users (T1 users three times as likely); every other T2
    respondent gives one reason for non-use."""
    respondents = [p for p in people if (p["participant_id"], "T2") in responses]
    was_user = ids(t1_users)
    users = pick(rng, respondents, T2_INSTRUMENT_USERS,
                 lambda p: 3.0 if p["participant_id"] in was_user else 1.0)
    _record_instrument_use(rng, users, "T2", T2_INSTRUMENT_SLOTS, T2_SATISFACTION, responses, instrument_use)
    non_users = [p for p in respondents if p["participant_id"] not in ids(users)]
    record_non_use(rng, non_users, "T2", len(non_users), T2_NON_USE_SLOTS, non_use)


# Change in self_rated_health from T0 to T2, as shares of the people answering both waves.
HEALTH_CHANGE_T0_T2 = {
    "pilot": {-2: 0.06, -1: 0.15, 0: 0.40, 1: 0.25, 2: 0.14},  # mean +0.26
    "control": {-2: 0.08, -1: 0.20, 0: 0.42, 1: 0.20, 2: 0.10},  # mean +0.04
}


def add_final_report_outcomes(rng: np.random.Generator, people: list[Person],
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
                counts = apportion({change: len(members) for change in shares}, shares, len(members))
                health_change.update(deal(rng, members, counts))
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
