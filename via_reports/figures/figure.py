"""One figure = one object: id, caption with n, tidy data, chart, alt text.

The notebook displays it; the PDF, the HTML, the figure CSV, the appendix
table and the manifest are all made from this one object, so they cannot
disagree. Figures are built for one language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

#: Caption prefix per language: "Figuur 3.2. ..." / "Figure 3.2. ...".
FIGURE_WORD = {"nl": "Figuur", "en": "Figure"}


@dataclass
class Figure:
    #: Stable id from the figure catalogue, e.g. ``participants.age_sex``.
    id: str
    #: Caption text without number and n, in ``language``.
    title: str
    #: The population size stated in the caption.
    n: int
    #: Tidy data, columns exactly as declared (``scripts/figure_catalogue.py`` lists them).
    data: pd.DataFrame
    #: An Altair chart built from aggregated data only (never row-level records).
    chart: Any
    #: Text alternative generated from the data, for screen readers.
    alt_text: str
    language: str = "nl"
    #: Short generated sentences (Markdown) that describe what the figure shows.
    text: list[str] = field(default_factory=list)
    #: Cautions a reader needs (small cells, ...), shown as notes.
    notes: list[str] = field(default_factory=list)
    #: A labelled table for the appendix (defaults to ``data``).
    table: pd.DataFrame | None = None
    #: Overrides the "(n=...)" part of the caption, e.g. "n=60 en n=50".
    n_label: str | None = None
    #: The threshold k of a public edition (docs/disclosure.md); None in the internal edition.
    min_cell: int | None = None
    #: In a public edition: the population is 1 to k−1 people, so ``n`` is 0 and the caption says "n<k".
    n_withheld: bool = False

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]

    def caption(self, number: str | None = None) -> str:
        """'Figuur 3.2. Deelnemers naar leeftijdsgroep en geslacht (n=134)'."""
        n_part = self.n_label or f"n={self.n}"
        head = f"{FIGURE_WORD[self.language]} {number}. " if number else ""
        return f"{head}{self.title} ({n_part})"

    @property
    def display_table(self) -> pd.DataFrame:
        return self.table if self.table is not None else self.data

    def write_csv(self, folder: str | Path) -> Path:
        """Write ``figures/<id>.csv`` (codes, true/false, percent with one decimal)."""
        path = Path(folder) / f"{self.id}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = self.data.copy()
        for column in frame.columns:
            if frame[column].dtype == bool or str(frame[column].dtype) == "boolean":
                frame[column] = frame[column].map({True: "true", False: "false"})
        frame.to_csv(path, index=False, lineterminator="\n", float_format=None)
        return path

    def manifest_entry(self, number: str | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": number,
            "title": self.title,
            "caption": self.caption(number),
            "n": None if self.n_withheld else self.n,
            "files": [f"figures/{self.id}.csv"],
        }


class SpecChart:
    """A Vega-Lite spec as collected from an executed notebook (:mod:`via_reports.chapters.collect`), with Altair's to_dict/to_json."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec

    def to_dict(self) -> dict[str, Any]:
        return self.spec

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.spec, **({"indent": 2} | kwargs))
