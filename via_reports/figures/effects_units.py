"""How an outcome's numbers are written: its unit, the scale it is shown in and its decimals.

Read by the effects chapter's words (:mod:`via_reports.figures.effects_text`)
and by the checks statistics v3 adds to them (:mod:`via_reports.figures.effects_checks`),
which the words import: a module of their own keeps the imports one-way.
"""

from __future__ import annotations

from via_reports.analysis.effects import OUTCOME_UNITS, is_binary


def unit(outcome: str) -> str:
    """``proportion``, ``points`` or ``hours``."""
    return OUTCOME_UNITS.get(outcome, "proportion")


def scale(outcome: str) -> float:
    """Proportions are shown as percentage points, the rest as they are."""
    return 100.0 if is_binary(outcome) else 1.0


def decimals(outcome: str) -> int:
    return 2 if unit(outcome) == "points" else 1
