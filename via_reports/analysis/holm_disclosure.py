"""Which Holm-adjusted p-values would give away a withheld test.

Holm's step-down adjustment makes each adjusted p the running maximum of
``(m − j + 1) · p_(j)`` over the tests ranked at or below it
(``statsmodels.stats.multitest.multipletests(method="holm")``). A shown test's
adjusted p can therefore be *another* test's term: when that other test is
withheld in a public edition, the shown number is the withheld test's p times a
known factor, and its counts can be worked back from it (docs/disclosure.md,
"withheld means all its statistics"). This module finds those shown values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

#: Two adjusted p-values closer than this are the same number.
_TOLERANCE = 1e-12


def holm_borrowed(p_values: pd.Series, p_holm: pd.Series, withheld: pd.Series) -> pd.Series:
    """True for a shown row whose ``p_holm`` is not its own but a withheld row's term.

    ``p_values``, ``p_holm`` and ``withheld`` are the rows of one Holm family.
    Rows without a p-value are not part of the family. When the recomputed
    adjustment does not reproduce ``p_holm`` (the family was formed otherwise),
    every shown adjusted p of a family with a withheld row counts as borrowed:
    nothing is left to chance.
    """
    borrowed = pd.Series(False, index=p_values.index)
    tested = p_values.notna() & p_holm.notna()
    if not (withheld & tested).any():
        return borrowed
    p = p_values[tested].to_numpy(dtype="float64")
    adjusted = multipletests(p, method="holm")[1]
    if not np.allclose(adjusted, p_holm[tested].to_numpy(dtype="float64"), rtol=0, atol=1e-9):
        return tested & ~withheld
    order = np.argsort(p, kind="stable")
    m = len(p)
    terms = np.minimum(1.0, p[order] * np.arange(m, 0, -1))
    hidden = withheld[tested].to_numpy(dtype=bool)[order]
    source = 0  # the rank whose term is the running maximum (a shown one where a shown one reaches it too)
    flags = np.zeros(m, dtype=bool)
    for rank in range(m):
        tie = abs(terms[rank] - terms[source]) <= _TOLERANCE
        if terms[rank] > terms[source] + _TOLERANCE or (tie and hidden[source] and not hidden[rank]):
            source = rank
        own = terms[rank] >= terms[source] - _TOLERANCE
        flags[rank] = not hidden[rank] and not own and hidden[source]
    positions = np.empty(m, dtype=int)
    positions[order] = np.arange(m)
    borrowed[tested] = flags[positions]
    return borrowed
