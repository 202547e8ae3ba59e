"""Collecting a chapter from its executed notebook, by output metadata.

Every output that the build needs carries ``metadata["via_reports"]`` (see
:mod:`via_reports.chapters.notebook`); cell positions never matter, so an analyst may
add cells to a notebook without breaking the build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from via_reports.chapters.notebook import METADATA_KEY, MIME_FIGURE
from via_reports.figures.figure import Figure, SpecChart


@dataclass
class CollectedChapter:
    chapter: str
    figures: list[Figure] = field(default_factory=list)
    #: Generated text blocks (Markdown) in output order, by role: effects_text, text
    texts: list[tuple[str, str]] = field(default_factory=list)
    comparisons: dict[str, Any] | None = None


def _frame(split: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(split["data"], columns=split["columns"])


def figure_from_payload(payload: dict[str, Any]) -> Figure:
    return Figure(
        id=payload["id"], title=payload["title"], n=payload["n"], data=_frame(payload["data"]),
        chart=SpecChart(payload["vega_lite"]), alt_text=payload["alt_text"], language=payload["language"],
        text=payload["text"], notes=payload["notes"], table=_frame(payload["table"]), n_label=payload["n_label"],
        min_cell=payload.get("min_cell"), n_withheld=payload.get("n_withheld", False),
    )


def collect_chapter(chapter: str, notebook_path: Path) -> CollectedChapter:
    notebook = nbformat.read(str(notebook_path), as_version=4)
    collected = CollectedChapter(chapter)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get(METADATA_KEY)
            if not meta:
                continue
            kind = meta["type"]
            if kind == "figure":
                collected.figures.append(figure_from_payload(output["data"][MIME_FIGURE]))
            elif kind == "comparisons":
                collected.comparisons = meta
            elif kind in ("effects_text", "text"):
                collected.texts.append((kind, meta["markdown"]))
    return collected
