"""The functions a text's placeholders call: ``count``, ``percent``, ``top``, ``change``, ...

:class:`TextContext` is everything a text template may read (the list is in
:mod:`via_reports.document.text`): each function reads the numbers from the
figures themselves, so a text and its figures cannot disagree, and in a
public edition a withheld number comes back as the marker
(:class:`~via_reports.analysis.disclosure.Withheld`), never as a count.
Filling a template with it is :func:`via_reports.document.text.render_text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from via_reports.analysis.disclosure import MARKER, Withheld, is_small
from via_reports.analysis.formatting import format_number, whole_percent
from via_reports.data.codebook import load_codebook
from via_reports.exceptions import TextError
from via_reports.figures.figure import Figure
from via_reports.figures.public import any_suppressed
from via_reports.figures.withheld import WITHHELD_CHANGE

#: Figure columns whose codes have display labels in the codebook.
CODE_LISTS = {"reason": "non_use_reason", "barrier": "barrier", "type": "participation_type",
              "education_nl": "education_nl", "sex": "sex", "age_group": "age_group"}


@dataclass(frozen=True)
class TopRow:
    code: str
    label: str
    count: int
    percent: str


def _matches(frame, where: dict[str, Any]):
    mask = None
    for column, wanted in where.items():
        if column not in frame.columns:
            raise TextError(f"column {column!r} does not exist; columns are {', '.join(frame.columns)}")
        values = frame[column].map(lambda v: str(v).lower())
        wanted_list = wanted if isinstance(wanted, (list, tuple)) else [wanted]
        hit = values.isin([str(w).lower() for w in wanted_list])
        mask = hit if mask is None else mask & hit
    return frame if mask is None else frame[mask]


@dataclass(frozen=True)
class Change:
    """A paired test as a text sees it: ``up``, ``down`` or ``same``, and its sentence."""

    direction: str
    sentence: str


@dataclass
class TextContext:
    """What a text template may read: figures by id, the study, the scope, facts."""

    figures: dict[str, Figure]
    language: str
    study: dict[str, Any] = field(default_factory=dict)
    scope: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    #: A public edition's threshold k (docs/disclosure.md): a withheld number prints as the marker.
    min_cell: int | None = None

    def _withheld(self, count: Any) -> bool:
        return self.min_cell is not None and (isinstance(count, Withheld) or is_small(count, self.min_cell))

    def _figure(self, figure_id: str) -> Figure:
        try:
            return self.figures[figure_id]
        except KeyError:
            raise TextError(f"unknown figure {figure_id!r}; known: {', '.join(sorted(self.figures))}") from None

    def _row(self, figure_id: str, where: dict[str, Any]):
        rows = _matches(self._figure(figure_id).data, where)
        if len(rows) != 1:
            raise TextError(f"{figure_id} has {len(rows)} rows matching {where}; exactly one is needed")
        return rows.iloc[0]

    def count(self, figure_id: str, **where: Any) -> int | Withheld:
        row = self._row(figure_id, where)
        return Withheld() if any_suppressed(row) else int(row["count"])

    def sum_count(self, figure_id: str, **where: Any) -> int | Withheld:
        rows = _matches(self._figure(figure_id).data, where)
        if rows.empty:
            raise TextError(f"{figure_id} has no rows matching {where}")
        if any_suppressed(rows):
            return Withheld()
        total = int(rows["count"].sum())
        return Withheld() if self._withheld(total) else total

    def percent(self, figure_id: str, **where: Any) -> str:
        row = self._row(figure_id, where)
        if any_suppressed(row) or pd.isna(row["n"]):
            return Withheld()
        return self.share(int(row["count"]), int(row["n"]))

    def share(self, count: int, total: int) -> str:
        """count of total as a whole percent, rounded half away from zero; "–" when total is 0.

        In a public edition the share of 1 to k−1 people (or of all but 1 to k−1) is the marker.
        """
        if self._withheld(count) or self._withheld(total):
            return Withheld()
        if self.min_cell is not None and self._withheld(int(total) - int(count)):
            return Withheld()
        return f"{whole_percent(int(count), int(total))}%" if int(total) else "–"

    def top(self, figure_id: str, column: str, exclude: list[str] | None = None, **where: Any) -> "TopRow":
        """The row with the highest count (first in the figure's order on a tie)."""
        rows = _matches(self._figure(figure_id).data, where)
        if exclude:
            rows = rows[~rows[column].astype(str).isin([str(e) for e in exclude])]
        if rows.empty:
            raise TextError(f"{figure_id} has no rows matching {where} to pick the highest from")
        if any_suppressed(rows):  # a withheld row may be the highest: no row can be named (docs/disclosure.md)
            return TopRow(code=Withheld(), label=Withheld(), count=Withheld(), percent=Withheld())
        row = rows.loc[rows["count"].astype(float).idxmax()]
        code = str(row[column])
        code_list = CODE_LISTS.get(column)
        label = load_codebook().label(code_list, code, self.language) if code_list else code
        percent = Withheld() if pd.isna(row["n"]) else self.share(int(row["count"]), int(row["n"]))
        return TopRow(code=code, label=label, count=int(row["count"]), percent=percent)

    def n(self, figure_id: str) -> int | Withheld:
        figure = self._figure(figure_id)
        return Withheld() if figure.n_withheld else int(figure.n)

    def value(self, figure_id: str, column: str, **where: Any) -> str:
        row = self._row(figure_id, where)
        value = row[column]
        if any_suppressed(row) and (value is None or pd.isna(value) or column in ("count", "percent")):
            return Withheld()
        return format_number(value, self.language) if isinstance(value, float) else str(value)

    def fig(self, figure_id: str) -> str:
        self._figure(figure_id)
        return "{fig:" + figure_id + "}"

    def change(self, measure: str, wave_from: str | None = None, wave_to: str | None = None) -> Change:
        from via_reports.analysis.change import change_row, direction
        from via_reports.figures.change import change_sentence

        wave_from, wave_to = wave_from or self.scope["first_wave"], wave_to or self.scope["last_wave"]
        withheld = self.min_cell is not None and MARKER in str(measure)  # named by a withheld top() row
        try:
            row = None if withheld else change_row(self._figure("change.by_wave").data, measure, wave_from, wave_to)
        except KeyError as error:
            raise TextError(str(error.args[0])) from None
        # a shown test whose Holm p a withheld test set has lost that p (figures/public.py): its verdict goes too
        holm_withheld = self.min_cell is not None and row is not None and "p_holm" in row \
            and pd.isna(row["p_holm"]) and pd.notna(row["p_value"])
        if withheld or any_suppressed(row) or holm_withheld:
            return Change("same", WITHHELD_CHANGE[self.language].format(k=self.min_cell))
        alpha = self.scope["alpha"]
        return Change(direction(row, alpha), change_sentence(row, self.language, alpha))

    def _effects(self):
        from via_reports.figures.effects_text import EffectsResults

        return EffectsResults.from_figures(self.figures, self.language, self.scope["first_wave"],
                                           self.scope["last_wave"], self.scope["alpha"], self.scope["min_n"],
                                           self.study.get("caseworkers"), self.study.get("primary_outcome"),
                                           self.min_cell)

    def effects_bottom_line(self) -> str:
        """Per outcome also in a public edition: withheld outcomes are named (statistics v3)."""
        from via_reports.document import bottom_line

        return bottom_line.summary(self._effects(), self.language)

    def effects_conclusions(self) -> str:
        from via_reports.document import bottom_line

        return bottom_line.conclusions(self._effects(), self.language)

    def namespace(self) -> dict[str, Any]:
        return {
            "count": self.count, "sum_count": self.sum_count, "percent": self.percent, "n": self.n,
            "share": self.share, "top": self.top,
            "value": self.value, "fig": self.fig, "change": self.change,
            "effects_bottom_line": self.effects_bottom_line, "effects_conclusions": self.effects_conclusions,
            "study": self.study, "scope": self.scope,
            "facts": self.facts, "language": self.language,
        }
