"""Shared pieces of the figure modules: tidy count tables, labels, display tables, alt text.

A figure's ``data`` is a tidy frame with the codes of the contract and the
columns of its declaration; everything a reader sees (chart labels, appendix table,
alt text, sentences) is derived from it with labels from the codebook.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import pandas as pd

from via_reports.analysis.formatting import format_number, join_words, percent_value, whole_percent
from via_reports.data.codebook import load_codebook
from via_reports.data.dataset import Dataset
from via_reports.figures.declaration import HEADERS as DECLARED_HEADERS

#: Answers of a 1–5 scale as written in the ``answer`` column, then ``missing``.
ANSWERS = ("1", "2", "3", "4", "5", "missing")

#: Column headers of the appendix tables: what the figures declare with their columns.
HEADERS = DECLARED_HEADERS

#: Value axis titles.
COUNT_TITLE = {"nl": "Aantal deelnemers", "en": "Number of participants"}
PERCENT_TITLE = {"nl": "Percentage", "en": "Percentage"}

#: The opening words of alt texts.
CHART_KINDS = {
    "bar": {"nl": "Staafdiagram", "en": "Bar chart"},
    "stacked": {"nl": "Gestapeld staafdiagram", "en": "Stacked bar chart"},
    "stacked_percent": {"nl": "Gestapeld staafdiagram in procenten", "en": "Stacked bar chart in percent"},
    "box": {"nl": "Boxplot", "en": "Box plot"},
}

EMPTY_POPULATION = {
    "nl": "Er zijn geen deelnemers in deze groep; de figuur is leeg.",
    "en": "There are no participants in this group; the figure is empty.",
}


def label(code_list: str, code, language: str, *, form: str | None = None) -> str:
    """Display label of a code from the codebook."""
    return load_codebook().label(code_list, code, language, form=form)


def boolean_label(value: bool, language: str) -> str:
    """'ja'/'nee' or 'yes'/'no'."""
    return label("boolean", "true" if value else "false", language)


def answer_label(scale: str, answer: str, language: str) -> str:
    """Label of an answer ``1``..``5`` or ``missing`` of the ``ease`` or ``satisfaction`` scale."""
    if answer == "missing":
        return load_codebook()[scale].missing_label[language]
    return label(scale, int(answer), language)


def instrument_labels(dataset: Dataset, language: str) -> dict[str, str]:
    """Instrument code → its label in ``language`` (Dutch when there is no English label)."""
    labels = {}
    for row in dataset.instruments.itertuples(index=False):
        english = row.label_en if isinstance(row.label_en, str) and row.label_en else row.label_nl
        labels[row.instrument] = english if language == "en" else row.label_nl
    return labels


def count_rows(keys: Sequence[dict], counts: Iterable[int], n: int) -> pd.DataFrame:
    """A tidy frame: one row per key (a dict of category columns) with count, percent of n, and n."""
    rows = []
    for key, count in zip(keys, counts):
        count = int(count)
        rows.append({**key, "count": count, "percent": percent_value(count, n), "n": int(n)})
    frame = pd.DataFrame(rows)
    frame["count"] = frame["count"].astype("int64")
    frame["n"] = frame["n"].astype("int64")
    frame["percent"] = frame["percent"].astype("float64")
    return frame


def category_counts(
    values: pd.Series, categories: Sequence, column: str, n: int | None = None
) -> pd.DataFrame:
    """How often each of ``categories`` occurs in ``values`` (zero rows too); n defaults to len(values)."""
    n = len(values) if n is None else n
    counts = [int((values == category).fillna(False).sum()) for category in categories]
    return count_rows([{column: category} for category in categories], counts, n)


def answer_codes(answers: pd.Series) -> pd.Series:
    """Integer answers 1–5 (nullable) as the ``answer`` codes ``'1'``..``'5'`` and ``'missing'``."""
    return answers.map(lambda v: "missing" if pd.isna(v) else str(int(v))).astype(object)


def sum_counts(data: pd.DataFrame, column: str, codes: Iterable) -> int:
    """The total count of the rows whose ``column`` is one of ``codes``."""
    return int(data.loc[data[column].isin(list(codes)), "count"].sum())


def count_of(data: pd.DataFrame, **key) -> int:
    """The count of the one row matching ``key`` (column=value pairs)."""
    mask = pd.Series(True, index=data.index)
    for column, value in key.items():
        mask &= data[column] == value
    return int(data.loc[mask, "count"].sum())


def table_percent(value: float, language: str) -> str:
    """A percentage cell for the appendix: '12,5' (or '–' when undefined)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_number(value, language, 1)


def display_table(
    data: pd.DataFrame, language: str, labellers: dict[str, Callable] | None = None
) -> pd.DataFrame:
    """The appendix version of ``data``: labelled categories, formatted percents, headers in ``language``."""
    labellers = labellers or {}
    table = data.copy()
    for column, labeller in labellers.items():
        table[column] = [labeller(value) for value in table[column]]
    if "percent" in table:
        table["percent"] = [table_percent(value, language) for value in table["percent"]]
    if "value" in table:
        table["value"] = [table_percent(value, language) for value in table["value"]]
    return table.rename(columns={column: HEADERS[column][language] for column in table.columns})


def describe(kind: str, language: str, parts: Sequence[str]) -> str:
    """Alt text: 'Staafdiagram. part; part; part.'"""
    return f"{CHART_KINDS[kind][language]}. " + "; ".join(parts) + "."


def count_with_percent(count: int, n: int) -> str:
    """'30 (22%)' for alt texts."""
    if n == 0:
        return str(count)
    return f"{count} ({whole_percent(count, n)}%)"


def counted(count: int, n: int, noun: str) -> str:
    """'83 vrouwen (62%)': a count with its noun and whole percent of n."""
    if n == 0:
        return f"{count} {noun}"
    return f"{count} {noun} ({whole_percent(count, n)}%)"


def code_labeller(code_list: str, language: str, form: str | None = None) -> Callable[[Any], str]:
    """A function code → label from the codebook list ``code_list``."""
    return partial(label, code_list, language=language, form=form)


def dict_labeller(labels: dict[Any, dict[str, str]], language: str) -> Callable[[Any], str]:
    """A function code → label from a {code: {language: label}} dict."""

    def labeller(code: Any) -> str:
        return labels[code][language]

    return labeller


#: "deelnemers" / "participants", for sentences.
PARTICIPANTS = {"nl": "deelnemers", "en": "participants"}


def panel_note(scope) -> str:
    """The note under every panel figure: who is counted."""
    waves = join_words(list(scope.waves), scope.language)
    return {
        "nl": f"Alleen deelnemers die op alle meetmomenten ({waves}) de vragenlijst invulden.",
        "en": f"Only participants who answered the questionnaire at every wave ({waves}).",
    }[scope.language]
