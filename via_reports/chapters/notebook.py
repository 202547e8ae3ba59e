"""What a chapter notebook calls: thin, readable, and strict about parameters.

A chapter notebook is a ``parameters`` cell and a few calls::

    chapter = ChapterRun.from_parameters("barriers", globals())
    chapter.show_figures()
    chapter.show_comparisons()

``from_parameters`` checks the parameters (an unknown one, e.g. a typo passed
with ``papermill -p wvae T1``, is an error, not papermill's warning), validates
the data and fixes the report's scope. ``show_figures`` displays each figure
with its caption, chart and short text, writes ``<output_dir>/figures/<id>.csv``
and the chapter's part of ``<output_dir>/manifest.json``. Every displayed
output carries ``via_reports`` metadata, by which the build collects the chapter
from the executed notebook (never by cell position).
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from via_reports.analysis.scope import Scope
from via_reports.chapters.registry import FIGURE_CHAPTERS, chapter_spec
from via_reports.data.dataset import Dataset, load_dataset
from via_reports.exceptions import ContractError, ParameterError
from via_reports.figures.figure import Figure

#: The parameters every chapter notebook declares, with their defaults.
PARAMETERS: dict[str, Any] = {
    "data_dir": "",       # dataset folder; "" = the embedded synthetic demo data
    "wave": "T1",         # the last wave the report covers
    "output_dir": "output",  # where figures/<id>.csv and manifest.json go
    "language": "nl",     # nl or en
    "min_n": 10,          # minimum users for a satisfaction figure per instrument
    "alpha": 0.05,        # threshold for "relatively more often" in comparisons
    "kind": "",           # interim or final; "" = inferred from the wave
    "theme": "default",   # chart colours and font from templates/pdf/themes/<theme>
}

#: Names IPython itself puts in a notebook's namespace.
_IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})

#: Metadata key of every output the build collects.
METADATA_KEY = "via_reports"
MIME_FIGURE = "application/vnd.via-reports.figure+json"


def check_parameters(namespace: dict[str, Any]) -> dict[str, Any]:
    """The declared parameters from a notebook's namespace; unknown or bad ones are errors.

    Papermill injects every ``-p name value`` as a variable. After the
    parameters cell, any other public, non-module, non-callable variable can
    only have come from such an injection: it is reported as unknown.
    """
    import types

    unknown = sorted(
        name for name, value in namespace.items()
        if not name.startswith("_") and name not in PARAMETERS and name not in _IPYTHON_NAMES
        and not isinstance(value, types.ModuleType) and not callable(value)
    )
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(unknown)}; this notebook takes {', '.join(PARAMETERS)}")
    missing = [name for name in PARAMETERS if name not in namespace]
    if missing:
        raise ParameterError(f"missing parameter(s) {', '.join(missing)}: the parameters cell must declare them")
    values = {name: namespace[name] for name in PARAMETERS}
    for name, default in PARAMETERS.items():
        expected = (int, float) if isinstance(default, float) else type(default)
        if values[name] is None or not isinstance(values[name], expected) or isinstance(values[name], bool):
            raise ParameterError(f"parameter {name} must be a {type(default).__name__}, not {values[name]!r}")
    if values["kind"] not in ("", "interim", "final"):
        raise ParameterError(f"parameter kind must be interim, final or empty, not {values['kind']!r}")
    return values


def figure_payload(figure: Figure, chart_spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """A figure as JSON: everything the build needs, nothing row-level."""
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
        "vega_lite": chart_spec if chart_spec is not None else figure.chart.to_dict(),
    }


def _merge_manifest(output_dir: Path, chapter: str, entries: list[dict[str, Any]]) -> None:
    """Put this chapter's figures into manifest.json; safe when chapters run in parallel."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / "manifest.json"
    with open(output_dir / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = json.loads(path.read_text()) if path.exists() else {"chapters": {}}
        manifest["chapters"][chapter] = entries
        manifest["figures"] = [e for part in manifest["chapters"].values() for e in part]
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)


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
        """Check the notebook's parameters, validate the data, fix the scope."""
        values = check_parameters(namespace)
        chapter_spec(chapter)
        try:
            dataset = load_dataset(values["data_dir"] or None, values["language"])
        except ContractError as error:
            _display_violations(error)
            raise
        scope = Scope.for_wave(dataset, values["wave"], language=values["language"], min_n=int(values["min_n"]),
                               alpha=float(values["alpha"]), kind=values["kind"] or None)
        run = cls(chapter, dataset, scope, Path(values["output_dir"]), values)
        run._show_header()
        return run

    # ------------------------------------------------------------------ computing

    @cached_property
    def style(self):
        """Chart style (palette, font) of the report's theme."""
        from via_reports.report.themes import chart_style, load_theme

        return chart_style(load_theme(self.parameters.get("theme") or "default"))

    @cached_property
    def figures(self) -> list[Figure]:
        """This chapter's figures, in report order."""
        if self.chapter in FIGURE_CHAPTERS:
            from via_reports.figures import chapter_figures

            return chapter_figures(self.chapter, self.dataset, self.scope, style=self.style)
        if self.chapter == "effects":
            return self._effects_figures()
        return []

    def _effects_figures(self) -> list[Figure]:
        from via_reports.analysis.effects import effects_extra_figures, effects_figure

        main = effects_figure(self.dataset, self.scope, style=self.style)  # None without a control group
        extra = effects_extra_figures(self.dataset, self.scope, style=self.style)
        return ([main] if main is not None else []) + extra

    @cached_property
    def comparisons(self) -> list[Any]:
        if self.chapter not in FIGURE_CHAPTERS:
            return []
        from via_reports.analysis.subgroups import chapter_comparisons

        return chapter_comparisons(self.chapter, self.dataset, self.scope)

    # ------------------------------------------------------------------ showing

    def _show_header(self) -> None:
        from IPython.display import Markdown, display

        spec = chapter_spec(self.chapter)
        language = self.scope.language
        waves = "–".join([self.scope.first_wave, self.scope.last_wave]) if len(self.scope.waves) > 1 else self.scope.last_wave
        source = {"nl": "synthetische demonstratiedata", "en": "synthetic demo data"}[language] \
            if self.dataset.study.synthetic else self.dataset.study.pilot_name
        label = {"nl": "Meetmomenten", "en": "Waves"}[language]
        display(Markdown(f"# {spec.title[language]}\n\n*{label} {waves} · {source}*"),
                metadata={METADATA_KEY: {"type": "header", "chapter": self.chapter}})

    def show_figures(self) -> None:
        """Display every figure, write its CSV, and add the chapter to manifest.json."""
        entries = []
        for figure in self.figures:
            self.show_figure(figure)
            figure.write_csv(self.output_dir / "figures")
            entries.append(figure.manifest_entry())
        _merge_manifest(self.output_dir, self.chapter, entries)

    def show_figure(self, figure: Figure) -> None:
        from IPython.display import Markdown, display

        spec = figure.chart.to_dict()
        bundle = {
            "application/vnd.vegalite.v5+json": spec,
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
        """Display the subgroup comparisons: the sentences, and a table of the numbers."""
        from IPython.display import Markdown, display

        if not self.comparisons:
            return
        language = self.scope.language
        heading = {"nl": "Verschillen tussen groepen", "en": "Differences between groups"}[language]
        sentences = [c.sentence for c in self.comparisons]
        rows = [c.as_dict() for c in self.comparisons]
        display(Markdown(f"## {heading}\n\n" + "\n".join(f"- {s}" for s in sentences)),
                metadata={METADATA_KEY: {"type": "comparisons", "chapter": self.chapter,
                                         "heading": heading, "sentences": sentences, "rows": rows}})

    # ------------------------------------------------------------------ summary and effects

    def all_figures(self) -> dict[str, Figure]:
        """Every figure of the report (the summary quotes them all)."""
        from via_reports.figures import chapter_figures

        figures = {f.id: f for chapter in FIGURE_CHAPTERS
                   for f in chapter_figures(chapter, self.dataset, self.scope, style=self.style)}
        if self.scope.kind == "final":
            figures.update({f.id: f for f in self._effects_figures()})
        return figures

    def show_summary(self) -> None:
        """The summary text with live numbers from every chapter's figures."""
        from via_reports.report.facts import text_context
        from via_reports.report.text import load_text

        context = text_context(self.dataset, self.scope, self.all_figures())
        _, body = load_text("summary", context, self.parameters.get("data_dir") or None)
        self.show_text(body, role="summary")

    def show_effects_text(self) -> None:
        """The wording of the effects analysis, when no effects figure carries it.

        The ``effects.outcomes`` figure holds the full text already; without a
        control group there is no figure, and this says why.
        """
        from via_reports.analysis.effects import effects_text

        if not any(f.id == "effects.outcomes" for f in self.figures):
            self.show_text("\n\n".join(effects_text(self.dataset, self.scope)), role="effects_text")

    def show_text(self, markdown: str, role: str = "text") -> None:
        from IPython.display import Markdown, display

        display(Markdown(markdown), metadata={METADATA_KEY: {"type": role, "chapter": self.chapter,
                                                             "markdown": markdown}})


def _display_violations(error: ContractError) -> None:
    """Show the contract violations as a table in the notebook (no traceback needed to read them)."""
    import pandas as pd
    from IPython.display import display

    frame = pd.DataFrame([v.as_dict() for v in error.violations])
    display(frame)
