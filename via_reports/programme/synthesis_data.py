"""What a synthesis reads: each study's published effects, never its rows.

For every study of the programme, one of its built reports under the
batch's folder (``DIR/<study>/<edition>/``) is taken: a final report (one
with ``figures/effects.outcomes.csv``), the internal edition in the
programme's language first, then the other language, then a public edition.
From it the synthesis reads only ``manifest.json`` (the design, the build
key, whether the data are synthetic), ``figures/effects.outcomes.csv`` and,
where the build wrote it, ``figures/effects.flow.csv``. So an institute can
pool studies whose microdata it may not combine.

Each study contributes, per outcome, the ``ancova`` effect of its primary
analysis with its standard error: the ``se`` column (statistics v3), or, in a
report built before that column existed, the standard error behind its
normal 95 % interval, (ci_high − ci_low) / (2 · z₀.₉₇₅), which is the same
number (the ANCOVA's interval is normal-based, HC3).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from via_reports.exceptions import ParameterError
from via_reports.programme.key_numbers import csv_number
from via_reports.programme.programme_file import ALL_OUTCOMES, Programme

#: Columns of the figure ``synthesis.studies``.
STUDY_COLUMNS = ("study", "outcome", "randomized", "n_pilot", "n_control", "effect", "ci_low", "ci_high", "se")
#: z of a normal 95 % interval.
Z_95 = 1.959963984540054


@dataclass
class StudyReport:
    """One study's report the synthesis reads."""

    study: str
    folder: Path
    design: str
    build_key: str
    synthetic: bool
    public: bool
    #: The report's publication date as its manifest gives it (ISO), or None.
    publication_date: str | None = None
    #: Per outcome: the primary analysis' ancova row as published (values as text).
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    #: effects.flow.csv's rows, when the build wrote it.
    flow: list[dict[str, str]] = field(default_factory=list)

    @property
    def randomized(self) -> bool:
        return self.design == "by_lot"


def _candidates(study_folder: Path, language: str) -> list[Path]:
    """The study's final reports, best first (see the module)."""
    found = [path.parent.parent for path in sorted(study_folder.glob("*/figures/effects.outcomes.csv"))
             if (path.parent.parent / "manifest.json").is_file() and not path.parent.parent.name.startswith(".")]

    def rank(folder: Path) -> tuple:
        parts = folder.name.split("-")
        return ("public" in parts, parts[1:2] != [language], [-ord(c) for c in parts[0]])

    return sorted(found, key=rank)


def read_study(study_id: str, reports: Path, language: str, analysis: str = "primary") -> StudyReport | None:
    """The report of ``study_id`` the synthesis reads (None: the study has no built final report)."""
    candidates = _candidates(reports / study_id, language)
    if not candidates:
        return None
    folder = candidates[0]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["report"]
    report = StudyReport(study=study_id, folder=folder, design=manifest.get("design") or "not_recorded",
                         build_key=manifest.get("build_key", ""), synthetic=bool(manifest.get("synthetic")),
                         public=bool(manifest.get("parameters", {}).get("public")),
                         publication_date=manifest.get("publication_date"))
    with open(folder / "figures" / "effects.outcomes.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("analysis") == analysis and row.get("estimator") == "ancova":
                report.rows.setdefault(row["outcome"], row)
    flow = folder / "figures" / "effects.flow.csv"
    if flow.is_file():
        with open(flow, encoding="utf-8", newline="") as handle:
            report.flow = list(csv.DictReader(handle))
    return report


def standard_error(row: dict[str, str]) -> float | None:
    """The row's ``se``, else the one behind its normal 95 % interval (see the module)."""
    se = csv_number(row.get("se"))
    if se is not None:
        return se
    low, high = csv_number(row.get("ci_low")), csv_number(row.get("ci_high"))
    return None if low is None or high is None else (high - low) / (2 * Z_95)


def read_programme(programme: Programme, reports: Path) -> tuple[list[StudyReport], list[str]]:
    """Every study's report, and the ids of the studies that have none to read."""
    read, missing = [], []
    for study in programme.studies:
        report = read_study(study.id, reports, programme.language, programme.analysis)
        (read.append(report) if report is not None else missing.append(study.id))
    if not read:
        raise ParameterError(f"no study of {programme.path.name} has a final report under {reports} "
                             "(figures/effects.outcomes.csv): build them first (via-reports batch)")
    return read, missing


def outcomes_of(programme: Programme, studies: list[StudyReport]) -> list[str]:
    """The outcomes to pool: programme.yaml's list, or every outcome the studies publish, in their order."""
    if programme.outcomes != ALL_OUTCOMES:
        return list(programme.outcomes)
    seen: list[str] = []
    for study in studies:
        seen += [outcome for outcome in study.rows if outcome not in seen]
    return seen


def study_rows(studies: list[StudyReport], outcomes: list[str]) -> list[dict[str, Any]]:
    """The rows of ``synthesis.studies``: per study and outcome its effect, interval and se (None: not published)."""
    rows = []
    for outcome in outcomes:
        for study in studies:
            row = study.rows.get(outcome)
            if row is None:
                continue
            n_pilot, n_control = csv_number(row.get("n_pilot")), csv_number(row.get("n_control"))
            rows.append({"study": study.study, "outcome": outcome, "randomized": study.randomized,
                         "n_pilot": None if n_pilot is None else int(n_pilot),
                         "n_control": None if n_control is None else int(n_control),
                         "effect": csv_number(row.get("effect")), "ci_low": csv_number(row.get("ci_low")),
                         "ci_high": csv_number(row.get("ci_high")), "se": standard_error(row)})
    return rows
