"""How a study's groups were formed, as its build publishes it (the manifest's ``report.design``).

``by_lot`` when participants carry ``randomized`` and both the pilot and the
control group have people assigned by lot (the effects chapter then has a
primary analysis by lot, :func:`via_reports.analysis.effects.design`);
``not_by_lot`` when the column is there but that is not so; ``not_recorded``
when participants carry no ``randomized`` column. A synthesis across studies
reads it from the manifest to keep studies not by lot out of its primary pooling.
"""

from __future__ import annotations

import pandas as pd

DESIGNS = ("by_lot", "not_by_lot", "not_recorded")


def recorded_design(participants: pd.DataFrame) -> str:
    """``by_lot``, ``not_by_lot`` or ``not_recorded`` (see the module)."""
    if "randomized" not in participants.columns:
        return "not_recorded"
    by_lot = participants["randomized"].fillna(False).astype(bool)
    groups = participants["group"]
    return "by_lot" if (by_lot & (groups == "pilot")).any() and (by_lot & (groups == "control")).any() \
        else "not_by_lot"
