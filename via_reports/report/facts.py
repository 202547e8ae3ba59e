"""Numbers for the authored text that are not in a figure: study design and response.

Everything here is computed from the validated dataset and exposed to text
templates as ``facts`` (see :mod:`via_reports.report.text`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from via_reports.analysis.disclosure import Withheld, is_small
from via_reports.analysis.formatting import join_words, long_date, markdown_literal, month_year
from via_reports.analysis.populations import panel, pilot, respondent_ids
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures.figure import Figure
from via_reports.report.design_facts import design_facts
from via_reports.report.text import TextContext


def response_by_wave(dataset: Dataset, scope: Scope) -> list[dict[str, Any]]:
    """Per wave of the scope: fieldwork window and respondents per group."""
    rows = []
    groups = dataset.participants.set_index("participant_id")["group"]
    for code in scope.waves:
        wave = dataset.study.wave(code)
        answered = dataset.responses.loc[dataset.responses["wave"] == code, "participant_id"]
        by_group = answered.map(groups).value_counts()
        rows.append({
            "wave": code,
            "fieldwork_start": long_date(wave.fieldwork_start, scope.language),
            "fieldwork_end": long_date(wave.fieldwork_end, scope.language),
            "pilot": int(by_group.get("pilot", 0)),
            "control": int(by_group.get("control", 0)),
        })
    return rows


def study_facts(dataset: Dataset, scope: Scope) -> dict[str, Any]:
    """Design and response numbers of the study for the text chapters."""
    people = dataset.participants
    pilot_people = pilot(dataset)
    last = dataset.study.wave(scope.last_wave)
    # left before the last wave: an exit by the end of its fieldwork and no answer to it
    left = pilot_people[pilot_people["exit_date"].notna()
                        & (pilot_people["exit_date"] <= pd.Timestamp(last.fieldwork_end))
                        & ~pilot_people.index.isin(respondent_ids(dataset, scope.last_wave))]
    return {
        "n_pilot": len(pilot_people),
        "n_control": int((people["group"] == "control").sum()),
        "has_control": bool((people["group"] == "control").any()),
        "n_panel": len(panel(dataset, scope.waves)),
        "left_before_last_wave": len(left),
        "left_moved": int((left["exit_reason"] == "moved").sum()),
        "waves": response_by_wave(dataset, scope),
        "wave_list": join_words(list(scope.waves), scope.language),
        "first_wave": scope.first_wave,
        "last_wave": scope.last_wave,
        "kind": scope.kind,
        "publication_month": month_year(dataset.study.publication_date, scope.language),
        "study_start": month_year(dataset.study.study_start, scope.language),
        "study_end": month_year(dataset.study.study_end, scope.language),
        "synthetic": dataset.study.synthetic,
        # where the groups live, who is outside the target group, the lottery (authored texts state
        # none of these as prose: the data could contradict it)
        **design_facts(dataset, scope),
    }


def _as_text(value: Any) -> Any:
    """A study.yaml text as Markdown that shows it as typed (see markdown_literal); other values as they are."""
    if isinstance(value, str):
        return markdown_literal(value)
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value


def public_facts(facts: Any, k: int) -> Any:
    """The facts as a public edition gives them: every number of 1 to k−1 people is withheld."""
    if isinstance(facts, dict):
        return {key: public_facts(value, k) for key, value in facts.items()}
    if isinstance(facts, list):
        return [public_facts(value, k) for value in facts]
    if isinstance(facts, int) and not isinstance(facts, bool) and is_small(facts, k):
        return Withheld()
    return facts


def text_context(dataset: Dataset, scope: Scope, figures: dict[str, Figure]) -> TextContext:
    """Everything a text template may use for this dataset and scope; study.yaml's texts stay text."""
    facts = study_facts(dataset, scope)
    return TextContext(
        figures=figures,
        language=scope.language,
        study={key: _as_text(value) for key, value in dataset.study.values().items()},
        scope={"waves": list(scope.waves), "last_wave": scope.last_wave, "first_wave": scope.first_wave,
               "kind": scope.kind, "language": scope.language, "min_n": scope.min_n, "alpha": scope.alpha},
        facts=public_facts(facts, scope.min_cell) if scope.public else facts,
        min_cell=scope.min_cell,
    )
