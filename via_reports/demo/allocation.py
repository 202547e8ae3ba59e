"""Dealing counts out to people: the helpers every step of the demo generator uses.

A person is a dict with the contract's columns plus a few working fields
whose names start with ``_``. The seeded generator ``rng`` only decides
*which* people of a cell get a value; how many get it is always given.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable, Iterable

import numpy as np

from via_reports.demo.numbers import REFERENCE_YEAR

Person = dict  # one participant: the contract's columns plus a few "_" working fields
Responses = dict[tuple[str, str], dict]  # (participant_id, wave) -> one responses row

# ---------------------------------------------------------------------------
# Small generic helpers
# ---------------------------------------------------------------------------

def pick(rng: np.random.Generator, people: list[Person], k: int,
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


def apportion(sizes: dict[Hashable, int], weights: dict[Hashable, float], total: int) -> dict[Hashable, int]:
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


def pick_in_cells(rng: np.random.Generator, people: list[Person], k: int, cell: Callable[[Person], Hashable],
                  cell_weight: Callable[[Hashable], float],
                  weight: Callable[[Person], float] | None = None) -> list[Person]:
    """Choose exactly ``k`` people, split over cells by :func:`apportion`."""
    groups: dict[Hashable, list[Person]] = {}
    for person in people:
        groups.setdefault(cell(person), []).append(person)
    counts = apportion({c: len(g) for c, g in groups.items()}, {c: cell_weight(c) for c in groups}, k)
    chosen: list[Person] = []
    for c in sorted(groups, key=repr):
        chosen += pick(rng, groups[c], counts[c], weight)
    return chosen


def _shuffled(rng: np.random.Generator, items: list) -> list:
    return [items[i] for i in rng.permutation(len(items))]


def deal(rng: np.random.Generator, people: list[Person], counts: dict) -> dict[str, object]:
    """Give each person one value; ``counts`` says how many get each value (must add up to len(people))."""
    values = [value for value, n in counts.items() for _ in range(n)]
    if len(values) != len(people):
        raise ValueError(f"{len(values)} values for {len(people)} people")
    return {p["participant_id"]: v for p, v in zip(_shuffled(rng, people), values)}


def deal_slots(rng: np.random.Generator, people: list[Person],
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
        held[pick(rng, candidates, 1)[0]["participant_id"]].append(code)
    return {pid: sorted(codes, key=list(slots).index) for pid, codes in held.items()}


def deal_sorted(rng: np.random.Generator, people: list[Person], counts: dict, key: Callable[[Person], float],
                noise: float = 1.0) -> dict[str, object]:
    """Like :func:`deal`, but ``None`` goes to random people and the other values, in ascending
    order, to people in ascending order of ``key`` plus normal noise (a soft correlation)."""
    missing = pick(rng, people, counts.get(None, 0))
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


def random_date(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def age(person: Person) -> int:
    return REFERENCE_YEAR - person["birth_year"]


def born_nl(person: Person) -> bool:
    return person["birth_country"] == "NL"


def has_origin(person: Person, country: str) -> bool:
    return person["birth_country"] == country or country in person["_backgrounds"]


def ids(people: Iterable[Person]) -> set[str]:
    return {p["participant_id"] for p in people}
