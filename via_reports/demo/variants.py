"""Other pilots for a demo programme: the demo generator with other parameters.

A programme of studies (``via-reports demo-programme``) needs several pilots
that differ the way real ones do: municipality, size, control group, whether
assignment was by lot, and how well the pilot worked. Each is a
:class:`PilotVariant` handed to :func:`via_reports.demo.generator.build_demo`,
which then runs its usual steps with the variant's seed, control group size
and T2 participation shares, and finally calls :meth:`PilotVariant.resized`
and :meth:`PilotVariant.study`.

**Size.** The generator's allocation tables fix 134 pilot participants. A
variant draws its own number from them (60-250): fewer are a random subset,
more are all 134 plus participants drawn again, each a new pseudonymous
person with the rows (answers, barriers, instruments) of the one drawn. Ids
are assigned anew (P0001.. in random order).

**True effect.** The pilot's share participating at T2 is the control
group's plus ``true_effect``, for those active at T0 and for those who were
not (the generator deals these shares exactly per cell). So the ANCOVA of
``any_participation`` (T2 on group and T0) estimates ``true_effect``, and a
synthesis of the programme should find their mean.

**Design.** ``by_lot``: every participant carries ``randomized`` = true
(the whole study was assigned by lot); otherwise false for everyone, so the
build records the design ``not_by_lot``.

Every variant stays synthetic: study.yaml says so, and names a made-up
municipality.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The outcome whose true effect a variant sets (see the module).
TRUE_EFFECT_OUTCOME = "any_participation"
#: Share participating at T2 in the control group, by whether the person took part at T0
#: (the Enschede demo's control shares).
CONTROL_ACTIVE_SHARE = {True: 0.75, False: 0.15}
#: The tables with a participant_id column.
PERSON_TABLES = ("participants", "backgrounds", "responses", "barriers", "instrument_use", "non_use_reasons")

#: Made-up municipalities and neighbourhoods (pilot, control) of the demo programme's pilots.
PLACES = (
    ("oostvoorde", "Oostvoorde", "De Hoven", "Oostvoorde-Noord"),
    ("westerbroek", "Westerbroek", "Kanaalzone", "Westerbroek-Zuid"),
    ("zuidhaven", "Zuidhaven", "Havenkwartier", "Zuidhaven-West"),
    ("noordveen", "Noordveen", "Veenwijk", "Noordveen-Oost"),
    ("middeldorp", "Middeldorp", "Het Lint", "Middeldorp-Centrum"),
    ("beekstad", "Beekstad", "Beekdal", "Beekstad-Noord"),
    ("dijkmond", "Dijkmond", "Dijkzicht", "Dijkmond-Zuid"),
    ("heuvelrode", "Heuvelrode", "De Kruin", "Heuvelrode-West"),
    ("lindewaard", "Lindewaard", "Lindenhof", "Lindewaard-Oost"),
    ("rietvelde", "Rietvelde", "Rietkamp", "Rietvelde-Noord"),
    ("kerkhoven", "Kerkhoven", "Torenwijk", "Kerkhoven-Zuid"),
    ("molenbeek", "Molenbeek", "Molenakker", "Molenbeek-West"),
)
#: (pilot participants, control participants, true effect) of each pilot in turn; the third is not by lot.
SHAPES = (
    (180, 90, 0.08), (60, 45, 0.11), (140, 80, 0.16), (250, 120, 0.05),
    (100, 60, 0.10), (210, 100, 0.06), (90, 50, 0.09), (160, 70, 0.07),
    (120, 65, 0.12), (200, 95, 0.04), (75, 48, 0.08), (230, 110, 0.06),
)
#: Which pilot of a programme was not assigned by lot.
NOT_BY_LOT = 2


@dataclass(frozen=True)
class PilotVariant:
    """One synthetic pilot of a demo programme (see the module)."""

    study_id: str
    municipality: str
    neighbourhood: str
    control_neighbourhood: str
    seed: int
    pilot_size: int
    control_size: int
    by_lot: bool
    true_effect: float

    def active_share(self) -> dict[str, dict[bool, float]]:
        """The T2 participation shares per group and T0 state: the pilot's are the control's + the effect."""
        return {"pilot": {was: share + self.true_effect for was, share in CONTROL_ACTIVE_SHARE.items()},
                "control": dict(CONTROL_ACTIVE_SHARE)}

    def study(self, study: dict) -> dict:
        """The Enschede demo's study.yaml, made this pilot's: its municipality, neighbourhood and note."""
        study = copy.deepcopy(study)
        for key, value in list(study.items()):
            if isinstance(value, str):
                study[key] = value.replace("Enschede", self.municipality)
        study["neighbourhood"] = self.neighbourhood
        study["synthetic_note"] = (f"Synthetische pilot {self.municipality} van het demoprogramma: een verzonnen "
                                   "gemeente, verzonnen deelnemers en een vooraf gekozen effect.")
        study["synthetic_note_en"] = (f"Synthetic pilot {self.municipality} of the demo programme: a made-up "
                                      "municipality, made-up participants and an effect chosen in advance.")
        return study

    def resized(self, rng: np.random.Generator, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """The tables with :attr:`pilot_size` pilot participants under new ids, its neighbourhoods and design."""
        people = tables["participants"]
        pilot = sorted(people.loc[people["group"] == "pilot", "participant_id"])
        if self.pilot_size <= len(pilot):
            chosen = sorted(rng.choice(pilot, size=self.pilot_size, replace=False).tolist())
        else:
            chosen = pilot + sorted(rng.choice(pilot, size=self.pilot_size - len(pilot), replace=True).tolist())
        new_ids = [f"P{number:04d}" for number in rng.permutation(self.pilot_size) + 1]
        copies = pd.DataFrame({"participant_id": chosen, "_new": new_ids})
        resized = dict(tables)
        for name in PERSON_TABLES:
            frame = tables[name]
            is_pilot = frame["participant_id"].str.startswith("P")
            drawn = frame[is_pilot].merge(copies, on="participant_id", how="inner", sort=False)
            drawn["participant_id"] = drawn.pop("_new")
            merged = pd.concat([drawn[frame.columns], frame[~is_pilot]], ignore_index=True)
            # the generator's order within a person is kept; persons in id order
            merged = merged.sort_values("participant_id", kind="stable", ignore_index=True)
            resized[name] = merged.astype(frame.dtypes.to_dict())
        people = resized["participants"]
        people["neighbourhood"] = np.where(people["group"] == "pilot", self.neighbourhood,
                                           self.control_neighbourhood)
        people["randomized"] = pd.Series([self.by_lot] * len(people), dtype=object)
        return resized


def programme_variants(count: int) -> list[PilotVariant]:
    """The ``count`` pilots of the demo programme (3 to 12), always the same ones; the third not by lot."""
    if not 3 <= count <= len(PLACES):
        raise ValueError(f"a demo programme has 3 to {len(PLACES)} studies, not {count}")
    variants = []
    for index in range(count):
        study_id, municipality, neighbourhood, control = PLACES[index]
        pilot_size, control_size, effect = SHAPES[index]
        variants.append(PilotVariant(study_id, municipality, neighbourhood, control, seed=3100 + index,
                                     pilot_size=pilot_size, control_size=control_size,
                                     by_lot=index != NOT_BY_LOT, true_effect=effect))
    return variants


def true_pooled_effect(variants: list[PilotVariant]) -> float:
    """What a synthesis of the pilots by lot should find: the mean of their true effects."""
    effects = [variant.true_effect for variant in variants if variant.by_lot]
    return sum(effects) / len(effects)
