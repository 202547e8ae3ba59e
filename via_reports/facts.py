"""Numbers for the authored text that are not in a figure: study design and response.

Everything here is computed from the validated dataset and exposed to text
templates as ``facts`` (see :mod:`via_reports.text`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from babel.dates import format_date

from .dataset import Dataset
from .figure import Figure
from .scope import Scope
from .text import TextContext

_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def long_date(value, language: str) -> str:
    """'15 december 2019' / '15 December 2019'."""
    return format_date(value, "d MMMM y", locale=_LOCALES[language])


def month_year(value, language: str) -> str:
    """'april 2021' / 'April 2021'."""
    return format_date(value, "MMMM y", locale=_LOCALES[language])


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
    pilot = people[people["group"] == "pilot"]
    last = dataset.study.wave(scope.last_wave)
    left = pilot[pilot["exit_date"].notna() & (pilot["exit_date"] <= pd.Timestamp(last.fieldwork_end))]
    waves = response_by_wave(dataset, scope)
    answered_all = dataset.responses[dataset.responses["wave"].isin(scope.waves)]
    counts = answered_all[answered_all["participant_id"].isin(pilot["participant_id"])].groupby("participant_id").size()
    return {
        "n_pilot": len(pilot),
        "n_control": int((people["group"] == "control").sum()),
        "has_control": bool((people["group"] == "control").any()),
        "n_panel": int((counts == len(scope.waves)).sum()),
        "left_before_last_wave": len(left),
        "left_moved": int((left["exit_reason"] == "moved").sum()),
        "left_paid_work": int((left["exit_reason"] == "paid_work").sum()),
        "waves": waves,
        "wave_list": ", ".join(scope.waves[:-1]) + (" en " if scope.language == "nl" else " and ") + scope.last_wave
        if len(scope.waves) > 1 else scope.last_wave,
        "first_wave": scope.first_wave,
        "last_wave": scope.last_wave,
        "kind": scope.kind,
        "publication_month": month_year(dataset.study.publication_date, scope.language),
        "study_start": month_year(dataset.study.study_start, scope.language),
        "study_end": month_year(dataset.study.study_end, scope.language),
        "synthetic": dataset.study.synthetic,
    }


def text_context(dataset: Dataset, scope: Scope, figures: dict[str, Figure]) -> TextContext:
    """Everything a text template may use for this dataset and scope."""
    return TextContext(
        figures=figures,
        language=scope.language,
        study=dict(dataset.study.raw),
        scope={"waves": list(scope.waves), "last_wave": scope.last_wave, "first_wave": scope.first_wave,
               "kind": scope.kind, "language": scope.language, "min_n": scope.min_n},
        facts=study_facts(dataset, scope),
    )
