"""Facts about who is in the study, for the authored texts: where the groups live, who they are, the lottery.

An authored text that states such a fact as prose ("the control group was
drawn from the same pool") can be contradicted by the data (the demo's 68
controls all live in Enschede-Zuid, the pilot's participants in
Noord-Noord). REPORTS.md, "Statistics v3": such a fact is a live placeholder
or left out. :func:`design_facts` computes each one from the validated
participants table, for the templates in ``templates/text/<lang>/``
(``facts.pilot_places``, ``facts.control_same_places``, ``facts.by_lot``, ...).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from via_reports.analysis.disclosure import Withheld, is_small
from via_reports.analysis.formatting import markdown_literal
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset


def places(people: pd.DataFrame, scope: Scope) -> list[dict[str, Any]]:
    """The neighbourhoods ``people`` live in, most people first: name (as Markdown that shows it as
    typed: data are text) and count. In a public edition every count is withheld when one of them is
    1 to k−1 people: the others and the group's n would give it away."""
    counts = people["neighbourhood"].astype(str).value_counts()
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    hide = scope.public and any(is_small(n, scope.min_cell) for _, n in ordered)
    return [{"name": markdown_literal(name), "count": Withheld() if hide else int(n)} for name, n in ordered]


def design_facts(dataset: Dataset, scope: Scope) -> dict[str, Any]:
    """Where the pilot's and the control group's people live, how many of the pilot's people fall
    outside its target group (no migration background, a short distance to the labour market), and
    whether and for how many the groups were decided by lot."""
    people = dataset.participants
    pilot = people[people["group"] == "pilot"]
    control = people[people["group"] == "control"]
    pilot_places, control_places = places(pilot, scope), places(control, scope)
    names = {str(p) for p in pilot["neighbourhood"].astype(str)}
    control_names = {str(p) for p in control["neighbourhood"].astype(str)}
    # the loader adds an optional column a dataset lacks as all missing: no value at all is no column
    has_column = "randomized" in people.columns and bool(people["randomized"].notna().any())
    by_lot = people["randomized"].fillna(False).astype(bool) if has_column else pd.Series(False, people.index)
    pilot_lot, control_lot = int(by_lot[pilot.index].sum()), int(by_lot[control.index].sum())
    return {
        "pilot_places": pilot_places,
        "control_places": control_places,
        # the control group lives exactly where the pilot's people live (the same neighbourhoods)
        "control_same_places": bool(control_names) and control_names == names,
        # ... or in none of them
        "control_other_places": bool(control_names) and not (control_names & names),
        "pilot_without_migration_background": int((pilot["generation"] == "none").sum()),
        "pilot_short_distance": int((pilot["distance"] == "short").sum()),
        "randomized_column": has_column,
        "n_pilot_by_lot": pilot_lot,
        "n_control_by_lot": control_lot,
        # the rule of the effects analysis (analysis/effects.py, design): both groups have people by lot
        "by_lot": bool(pilot_lot and control_lot),
    }
