"""What a chapter notebook calls: thin, readable, and strict about parameters.

A chapter notebook (``templates/notebooks/<chapter>.ipynb``) is a parameters
cell, a setup cell and one cell per figure::

    chapter = ChapterRun.from_parameters("barriers", globals())
    chapter.show("barriers.by_wave")
    chapter.show_comparisons()

``from_parameters`` checks the parameters (an unknown one, e.g. a typo passed
with ``papermill -p wvae T1``, is an error, not papermill's warning), validates
the data (or takes the dataset a build validated, :mod:`via_reports.data.snapshot`)
and fixes the report's scope. ``show`` displays one figure with its
caption, chart and short text, writes ``<output_dir>/figures/<id>.csv`` and
its line in ``<output_dir>/manifest.json``. Every cell can be run again, in any
order and as often as wanted; change a parameter and run the setup cell again
to start over. ``chapter.figure(id)`` hands out the
:class:`~via_reports.figures.figure.Figure` itself, to look at its data or
chart it differently.

Every displayed output the build needs carries ``via_reports`` metadata, by
which :mod:`via_reports.chapters.collect` collects the chapter from the
executed notebook (never by cell position). A chart is displayed as Vega-Lite
(interactive in JupyterLab) with a static SVG and PNG beside it, so the
executed notebook shows it in ``jupyter nbconvert --to html`` and on GitHub.
"""

from __future__ import annotations

import ast
import fcntl
import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import (
    NOTEBOOK_PARAMETERS,
    ChapterSpec,
    chapter_comparisons,
    chapter_figure_ids,
    chapter_spec,
    check_parameters,
    figure_spec,
)
from via_reports.data.dataset import Dataset
from via_reports.edition import is_public
from via_reports.options import DEFAULT_OPTIONS
from via_reports.data.snapshot import validated_dataset
from via_reports.exceptions import ContractError, ParameterError
from via_reports.output_paths import refuse_in_data_folder
from via_reports.figures.figure import Figure

#: Where figures and manifest go when the notebook's ``output_dir`` is empty:
#: outside the repository, so that running a notebook changes nothing in it.
DEFAULT_OUTPUT_DIR = Path.home() / "via-reports-output"

#: Metadata key of every output the build collects.
METADATA_KEY = "via_reports"
MIME_FIGURE = "application/vnd.via-reports.figure+json"
MIME_VEGA_LITE = "application/vnd.vegalite.v5+json"

#: The first line of the cell papermill injects with the given parameters.
_PAPERMILL_HEADER = "# Parameters\n"


def injected_parameters(history: list[str]) -> list[str]:
    """The names papermill injected, read from the kernel's input history (``In``).

    Papermill runs the values given with ``-p`` as a cell of its own, headed
    ``# Parameters``, after the notebook's parameters cell. Only names set
    there can be parameters nobody declared; variables an analyst defines in
    other cells never are.
    """
    names: list[str] = []
    for source in history:
        if not source.startswith(_PAPERMILL_HEADER):
            continue
        try:
            statements = ast.parse(source).body
        except SyntaxError:
            continue
        if statements and all(isinstance(s, ast.Assign) and len(s.targets) == 1
                              and isinstance(s.targets[0], ast.Name) for s in statements):
            names += [s.targets[0].id for s in statements if s.targets[0].id not in names]
    return names


def notebook_parameters(namespace: dict[str, Any]) -> dict[str, Any]:
    """The parameters as the notebook's namespace holds them, checked.

    Every declared parameter must be there (the parameters cell declares
    them); a name papermill injected that is not declared is an error.
    """
    missing = [p.name for p in NOTEBOOK_PARAMETERS if p.name not in namespace]
    if missing:
        raise ParameterError(f"missing parameter(s) {', '.join(missing)}: the parameters cell must declare them")
    names = [p.name for p in NOTEBOOK_PARAMETERS] + injected_parameters(namespace.get("In") or [])
    return check_parameters({name: namespace.get(name) for name in names})


def figure_payload(figure: Figure, spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """A figure as JSON: everything the build needs, nothing row-level.

    ``spec`` is the chart's Vega-Lite spec when the caller has it already
    (Altair validates the chart against the Vega-Lite schema each time it makes one).
    """
    table = figure.display_table
    return {
        "id": figure.id,
        "title": figure.title,
        "n": int(figure.n),
        "n_label": figure.n_label,
        "language": figure.language,
        "alt_text": figure.alt_text,
        "text": list(figure.text),
        "notes": list(figure.notes),
        "data": json.loads(figure.data.to_json(orient="split", index=False)),
        "table": json.loads(table.to_json(orient="split", index=False)),
        "vega_lite": spec if spec is not None else figure.chart.to_dict(),
        # a public edition's figure only: the internal edition's notebooks stay as they were
        **({"min_cell": figure.min_cell, "n_withheld": figure.n_withheld} if figure.min_cell else {}),
    }


class _Manifest:
    """``<output_dir>/manifest.json``: the figures each chapter wrote; safe when chapters run in parallel."""

    def __init__(self, output_dir: Path):
        self.output_dir = output_dir
        self.path = output_dir / "manifest.json"

    def _update(self, change) -> None:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        with open(self.output_dir / ".manifest.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            manifest = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
            chapters = manifest.setdefault("chapters", {})
            change(chapters)
            manifest["figures"] = [entry for part in chapters.values() for entry in part]
            temporary = self.path.with_suffix(".json.tmp")
            temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            os.replace(temporary, self.path)

    def start(self, chapter: str) -> None:
        """Forget what an earlier run of ``chapter`` wrote here, its CSVs included."""
        def change(chapters: dict[str, list[dict[str, Any]]]) -> None:
            for entry in chapters.pop(chapter, []):
                for name in entry.get("files", []):
                    (self.output_dir / name).unlink(missing_ok=True)
            chapters[chapter] = []
        self._update(change)

    def record(self, chapter: str, entry: dict[str, Any]) -> None:
        """Add (or replace) one figure of ``chapter``."""
        def change(chapters: dict[str, list[dict[str, Any]]]) -> None:
            entries = chapters.setdefault(chapter, [])
            ids = [e["id"] for e in entries]
            if entry["id"] in ids:
                entries[ids.index(entry["id"])] = entry
            else:
                entries.append(entry)
        self._update(change)


@dataclass
class ChapterRun:
    """One chapter computed for one scope, as run inside its notebook."""

    chapter: str
    dataset: Dataset
    scope: Scope
    output_dir: Path
    parameters: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_parameters(cls, chapter: str, namespace: dict[str, Any]) -> "ChapterRun":
        """Check the notebook's parameters, validate the data, fix the scope, show the header."""
        values = notebook_parameters(namespace)
        chapter_spec(chapter)
        output_dir = Path(values["output_dir"]) if values["output_dir"] else DEFAULT_OUTPUT_DIR
        refuse_in_data_folder(output_dir, values["data_dir"], what="the output folder", option="output_dir")
        # a threshold given (papermill -p min_cell K, or changed by hand) asks for a public edition
        threshold = "min_cell" in injected_parameters(namespace.get("In") or []) \
            or values["min_cell"] != DEFAULT_OPTIONS["min_cell"]
        if values["internal"] and (threshold or values["public"]):
            given = "public" if values["public"] else "min_cell"
            raise ParameterError(f"internal and {given} contradict each other: internal is the internal edition, "
                                 f"{given} asks for a public one; give one of them")
        try:
            dataset = validated_dataset(values["data_dir"] or "", values["language"] or "")
        except ContractError as error:
            _display_violations(error)
            raise
        public = is_public(values["public"] or threshold, values["internal"], dataset.study)
        scope = Scope.for_wave(dataset, values["wave"] or None, language=values["language"] or None,
                               min_n=int(values["min_n"]), alpha=float(values["alpha"]),
                               kind=values["kind"] or None, min_cell=values["min_cell"] if public else None)
        run = cls(chapter, dataset, scope, output_dir, values)
        _Manifest(output_dir).start(chapter)
        run._show_header()
        return run

    # ------------------------------------------------------------------ computing

    @property
    def spec(self) -> ChapterSpec:
        return chapter_spec(self.chapter)

    @cached_property
    def theme(self):
        """The report's theme: the charts' palette and font."""
        from via_reports.theme.themes import load_theme

        return load_theme(self.parameters["theme"])

    @cached_property
    def style(self):
        """Chart style (palette, font) of the report's theme."""
        from via_reports.theme.themes import chart_style

        return chart_style(self.theme)

    @cached_property
    def _figures(self) -> dict[str, Figure | None]:
        return {}

    def figure(self, figure_id: str) -> Figure | None:
        """The figure ``figure_id`` for this scope (None when it does not apply to these data)."""
        if figure_id not in self._figures:
            self._figures[figure_id] = figure_spec(figure_id).figure(figure_id, self.dataset, self.scope,
                                                                     self.style)
        return self._figures[figure_id]

    @property
    def figures(self) -> list[Figure]:
        """This chapter's figures, in report order."""
        figures = (self.figure(i) for i in chapter_figure_ids(self.chapter, self.dataset, self.scope))
        return [f for f in figures if f is not None]

    @cached_property
    def comparisons(self) -> list[Any]:
        return chapter_comparisons(self.chapter, self.dataset, self.scope)

    # ------------------------------------------------------------------ showing

    def _show_header(self) -> None:
        from IPython.display import Markdown, display

        language = self.scope.language
        waves = "–".join([self.scope.first_wave, self.scope.last_wave]) if len(self.scope.waves) > 1 \
            else self.scope.last_wave
        source = {"nl": "synthetische demonstratiedata", "en": "synthetic demo data"}[language] \
            if self.dataset.study.synthetic else self.dataset.study.pilot_name
        label = {"nl": "Meetmomenten", "en": "Waves"}[language]
        display(Markdown(f"# {self.spec.title[language]}\n\n*{label} {waves} · {source}*"),
                metadata={METADATA_KEY: {"type": "header", "chapter": self.chapter}})

    def show(self, figure_id: str) -> None:
        """Display one figure of this chapter, write its CSV and its line in manifest.json.

        A family id such as ``satisfaction.<instrument>`` shows each of its
        figures in this report (each instrument with at least ``min_n`` users).
        """
        spec = figure_spec(figure_id)
        if spec not in self.spec.figures:
            owner = next(c.id for c in _chapters_with(spec))
            raise ParameterError(f"{figure_id} is a figure of chapter {owner}, not of {self.chapter}")
        ids = spec.ids(self.dataset, self.scope) if figure_id == spec.id else [figure_id]
        figures = [f for f in (self.figure(i) for i in ids) if f is not None]
        for figure in figures:
            self._display_figure(figure)
            figure.write_csv(self.output_dir / "figures")
            _Manifest(self.output_dir).record(self.chapter, figure.manifest_entry())
        if not figures:
            from IPython.display import Markdown, display

            display(Markdown({"nl": f"*Geen figuur {figure_id} bij deze gegevens.*",
                              "en": f"*No figure {figure_id} for these data.*"}[self.scope.language]))

    def _display_figure(self, figure: Figure) -> None:
        from IPython.display import Markdown, display

        from via_reports.theme.cache import chart_png, chart_svg, kernel_cache
        from via_reports.theme.svg import with_fallback_fonts

        spec = figure.chart.to_dict()
        theme = self.theme
        svg = chart_svg(spec, theme, self.scope.language, kernel_cache())  # in a build: the PDF's SVG too
        family = theme.body_font.family
        bundle = {
            MIME_VEGA_LITE: with_fallback_fonts(spec, family),
            "image/svg+xml": with_fallback_fonts(svg, family),
            "image/png": chart_png(svg, theme, kernel_cache()),  # the Word edition's picture too
            "text/plain": figure.caption(),
            MIME_FIGURE: figure_payload(figure, spec),
        }
        display(Markdown(f"**{figure.caption()}**"), metadata={METADATA_KEY: {"type": "caption", "figure": figure.id}})
        display(bundle, raw=True, metadata={METADATA_KEY: {"type": "figure", "figure": figure.id}})
        if figure.text or figure.notes:
            notes = [f"*{note}*" for note in figure.notes]
            display(Markdown("\n\n".join([*figure.text, *notes])),
                    metadata={METADATA_KEY: {"type": "figure_text", "figure": figure.id}})

    def show_comparisons(self) -> None:
        """Display the subgroup comparisons: why they are exploratory, one sentence each, their numbers."""
        from IPython.display import Markdown, display

        from via_reports.analysis.subgroups import public_comparisons
        from via_reports.figures.subgroups import chapter_intro, comparison_sentence, heading, not_reported

        if not self.comparisons:
            return
        language, alpha, k = self.scope.language, self.scope.alpha, self.scope.min_cell
        title, intro = heading(language), chapter_intro(self.comparisons, language, alpha)
        shown = public_comparisons(self.comparisons, k)
        if len(shown) < len(self.comparisons):
            intro += " " + not_reported(len(self.comparisons) - len(shown), k, language)
        sentences = [comparison_sentence(c, language, alpha) for c in shown]
        rows = [c.row() for c in shown]
        display(Markdown(f"## {title}\n\n{intro}\n\n" + "\n".join(f"- {s}" for s in sentences)),
                metadata={METADATA_KEY: {"type": "comparisons", "chapter": self.chapter, "heading": title,
                                         "intro": intro, "sentences": sentences, "rows": rows}})

    def show_effects_text(self) -> None:
        """The wording of the effects analysis, when no effects figure carries it.

        The ``effects.outcomes`` figure holds the full text already; without a
        control group there is no figure, and this says why.
        """
        from via_reports.figures.effects import effects_text

        if self.figure("effects.outcomes") is None:
            self.show_text("\n\n".join(effects_text(self.dataset, self.scope)), role="effects_text")

    def show_text(self, markdown: str, role: str = "text") -> None:
        from IPython.display import Markdown, display

        display(Markdown(markdown), metadata={METADATA_KEY: {"type": role, "chapter": self.chapter,
                                                             "markdown": markdown}})


def _chapters_with(spec) -> list[ChapterSpec]:
    from via_reports.chapters.registry import CHAPTERS

    return [c for c in CHAPTERS if spec in c.figures]


def _display_violations(error: ContractError) -> None:
    """Show the contract violations as a table in the notebook (no traceback needed to read them)."""
    import pandas as pd
    from IPython.display import display

    frame = pd.DataFrame([v.as_dict() for v in error.violations])
    display(frame)
