"""The API of the synthesis notebook (``templates/notebooks/synthesis.ipynb``).

The notebook's set-up cell makes a :class:`SynthesisRun` from its parameters
(``programme``: the programme file; ``reports``: the batch's folder, default
the folder ``out`` next to the programme file; ``output_dir``; ``language``),
and its cells show the figures (:meth:`SynthesisRun.show`) and the text
(:meth:`SynthesisRun.show_text`). Each figure is displayed as the chapter
notebooks display theirs (the figure as tagged JSON, read back by
:func:`~via_reports.chapters.collect.collect_chapter`), and its CSV is written
to ``output_dir/figures``. An analyst runs it by hand or with papermill;
``via-reports synthesis`` runs it and builds the report from what it showed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from via_reports.chapters.notebook import METADATA_KEY, MIME_FIGURE, figure_payload
from via_reports.exceptions import ParameterError
from via_reports.figures.figure import Figure
from via_reports.programme.programme_file import Programme, load_programme
from via_reports.programme.synthesis_data import (
    STUDY_COLUMNS,
    StudyReport,
    outcomes_of,
    read_programme,
    study_rows,
)
from via_reports.programme.synthesis_figures import forest_figure, pooled_figure, pooled_rows, studies_figure
from via_reports.programme.synthesis_text import intro, outcome_text

#: The chapter id under which the notebook's outputs are collected.
CHAPTER = "synthesis"


@dataclass
class SynthesisRun:
    """One synthesis: the studies read, their rows, the pooled rows and the figures."""

    programme: Programme
    language: str
    output_dir: Path
    studies: list[StudyReport]
    missing: list[str]
    outcomes: list[str]
    table: pd.DataFrame
    pooled: pd.DataFrame
    _figures: dict[str, Figure | None] = field(default_factory=dict)

    @classmethod
    def from_parameters(cls, programme: str, reports: str = "", output_dir: str = "",
                        language: str = "") -> "SynthesisRun":
        if not programme:
            raise ParameterError("programme must name the programme file (programme.yaml)")
        loaded = load_programme(programme)
        if language not in ("", "nl", "en"):
            raise ParameterError(f"language must be nl or en, not {language!r}")
        folder = Path(reports) if reports else loaded.path.parent / "out"
        studies, missing = read_programme(loaded, folder)
        outcomes = outcomes_of(loaded, studies)
        table = pd.DataFrame(study_rows(studies, outcomes), columns=list(STUDY_COLUMNS))
        table["randomized"] = table["randomized"].astype(bool)
        out = Path(output_dir) if output_dir else Path.home() / "via-reports-output" / "synthesis"
        return cls(loaded, language or loaded.language, out, studies, missing, outcomes, table,
                   pooled_rows(table, outcomes))

    @cached_property
    def style(self):
        """The chart style (font, palette) of the house theme, which the synthesis report is set in."""
        from via_reports.report.themes import chart_style, load_theme

        return chart_style(load_theme("default"))

    def figure(self, figure_id: str) -> Figure | None:
        """``synthesis.studies``, ``synthesis.pooled`` or ``synthesis.forest.<outcome>``."""
        if figure_id not in self._figures:
            if figure_id == "synthesis.studies":
                made = studies_figure(self.table, self.language, self.style)
            elif figure_id == "synthesis.pooled":
                made = pooled_figure(self.pooled, self.table, self.language, self.style)
            elif figure_id.startswith("synthesis.forest.") and figure_id.split(".", 2)[2] in self.outcomes:
                made = forest_figure(figure_id.split(".", 2)[2], self.table, self.pooled, self.language, self.style)
            else:
                raise ParameterError(f"{figure_id!r} is not a figure of the synthesis")
            self._figures[figure_id] = made
        return self._figures[figure_id]

    def show(self, figure_id: str) -> None:
        """Display the figure (tagged, for the build) and write its CSV."""
        from IPython.display import Markdown, display

        figure = self.figure(figure_id)
        if figure is None:
            return
        spec = figure.chart.to_dict()
        display(Markdown(f"**{figure.caption()}**"))
        display({"application/vnd.vegalite.v5+json": spec, "text/plain": figure.caption(),
                 MIME_FIGURE: figure_payload(figure, spec)}, raw=True,
                metadata={METADATA_KEY: {"type": "figure", "figure": figure.id}})
        figure.write_csv(self.output_dir / "figures")

    def show_text(self, markdown: str) -> None:
        from IPython.display import Markdown, display

        display(Markdown(markdown), metadata={METADATA_KEY: {"type": "text", "chapter": CHAPTER,
                                                             "markdown": markdown}})

    def introduction(self) -> str:
        not_by_lot = [s.study for s in self.studies if not s.randomized]
        return intro(len(self.studies), not_by_lot, self.missing, len(self.studies) - len(not_by_lot),
                     self.language)

    def show_outcomes(self) -> None:
        """Per outcome: its sentences and its forest plot."""
        for outcome in self.outcomes:
            self.show_text(outcome_text(outcome, self.pooled, self.language))
            self.show(f"synthesis.forest.{outcome}")
