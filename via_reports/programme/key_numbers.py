"""The key numbers of a built report, as its own files publish them: n and the primary outcome's bottom line.

Read from the report folder only (``manifest.json`` and
``figures/effects.outcomes.csv``), never from the data: a public edition's
numbers are therefore what that edition shows, with a withheld number (an
empty cell in the CSV) shown as withheld. The primary outcome is study.yaml's
``primary_outcome`` (statistics v3), else ``paid_work``.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

#: The primary outcome when study.yaml names none (REPORTS.md, statistics v3).
DEFAULT_PRIMARY_OUTCOME = "paid_work"
#: Outcomes measured on a scale of their own; every other outcome is a share (its effect in percentage points).
SCALE_UNITS = {"self_rated_health": "points", "job_search_hours": "hours"}


def primary_outcome(data_dir: Path) -> str:
    """study.yaml's ``primary_outcome``, else :data:`DEFAULT_PRIMARY_OUTCOME` (read as a small YAML file)."""
    from via_reports.files import read_small_yaml

    try:
        study = read_small_yaml(data_dir / "study.yaml", what="study.yaml")
    except (OSError, ValueError):
        return DEFAULT_PRIMARY_OUTCOME
    named = study.get("primary_outcome") if isinstance(study, dict) else None
    return named if isinstance(named, str) and named else DEFAULT_PRIMARY_OUTCOME


def csv_number(text: str | None) -> float | None:
    """A number from a published CSV cell; None for an empty cell (a withheld or missing number), text
    that is no number, or an infinite or NaN value, so a reader never pools or shows one of those."""
    try:
        value = float(text) if text not in (None, "") else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def key_numbers(report: Path, data_dir: Path) -> dict[str, Any]:
    """``{"n", "design", "outcome", "unit", "effect", "ci_low", "ci_high"}`` of the report in ``report``.

    ``n``: the participants the report describes (the manifest's first figure);
    the effect and interval: the ``ancova`` row of the primary analysis for the
    primary outcome (None for an interim report, or where the edition withholds it).
    """
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    figures = manifest.get("figures") or []
    numbers: dict[str, Any] = {"n": figures[0].get("n") if figures else None,
                               "kind": manifest["report"].get("kind"),
                               "design": manifest["report"].get("design"),
                               "outcome": None, "unit": None, "effect": None, "ci_low": None, "ci_high": None}
    effects = report / "figures" / "effects.outcomes.csv"
    if not effects.is_file():
        return numbers
    outcome = primary_outcome(data_dir)
    with open(effects, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("analysis") == "primary" and row.get("estimator") == "ancova" and row.get("outcome") == outcome:
                numbers.update(outcome=outcome, unit=SCALE_UNITS.get(outcome, "proportion"),
                               effect=csv_number(row.get("effect")), ci_low=csv_number(row.get("ci_low")),
                               ci_high=csv_number(row.get("ci_high")))
                break
    return numbers
