"""Holm's correction for a family of tests, shared by the effects and the change-over-time tables.

``statsmodels.stats.multitest.multipletests(method="holm")`` does the
adjustment; this module only decides which p-values form the family (the
non-missing ones) and keeps the cost of statsmodels' Holm branch down: it ends
with ``gc.collect()``, a full collection that takes a noticeable fraction of a
second in a kernel holding a dataset, and a build calls it a dozen times.
Objects frozen with :func:`gc.freeze` are left out of that collection;
``gc.unfreeze`` hands them back to the collector afterwards, so nothing is
kept alive (the same measure as in :mod:`via_reports.analysis.subgroups`).
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

import numpy as np


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm-adjusted p-values over the non-missing ones of ``p_values``; NaN stays NaN (not in the family)."""
    values = np.asarray(p_values, dtype=float)
    adjusted = np.full(values.shape, np.nan)
    known = ~np.isnan(values)
    if not known.any():
        return adjusted
    from statsmodels.stats.multitest import multipletests

    gc.freeze()
    try:
        adjusted[known] = multipletests(values[known], method="holm")[1]
    finally:
        gc.unfreeze()
    return adjusted
