"""Researcher text with live numbers.

Text chapters are Markdown files with Jinja2 placeholders that read the
numbers from the same figure data the charts and CSVs are made from, so text
and figures cannot disagree::

    Van de {{ n("participants.age_sex") }} deelnemers zijn er
    {{ count("participants.born_nl_prior_work", born_nl=true) }} in Nederland geboren
    ({{ fig("participants.born_nl_prior_work") }}).

Functions available in a text:

- ``count(figure_id, **where)``: the ``count`` of the one row matching ``where``;
  ``sum_count(figure_id, **where)`` adds up every matching row;
- ``percent(figure_id, **where)``: that row's share of n as a whole percent ("44%");
- ``n(figure_id)``: the figure's n; ``value(figure_id, column, **where)``;
- ``fig(figure_id)``: a reference to the figure, numbered at build time;
- ``study``: the study.yaml values; ``scope``: waves, language; ``facts``:
  numbers the build adds (response per wave, ...).

An unknown name, an unknown figure or a ``where`` that matches no row (or
several, for ``count``) is an error that names the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .exceptions import ViaReportsError
from .figure import Figure
from .formatting import format_number, whole_percent
from .resources import templates_dir


class TextError(ViaReportsError):
    """A text template could not be filled: unknown placeholder, figure or row."""

    exit_code = 4


def _matches(frame, where: dict[str, Any]):
    mask = None
    for column, wanted in where.items():
        if column not in frame.columns:
            raise TextError(f"column {column!r} does not exist; columns are {', '.join(frame.columns)}")
        values = frame[column]
        if isinstance(wanted, bool):
            hit = values.map(lambda v: str(v).lower() == str(wanted).lower())
        else:
            hit = values.astype(str) == str(wanted)
        mask = hit if mask is None else mask & hit
    return frame if mask is None else frame[mask]


@dataclass
class TextContext:
    """What a text template may read: figures by id, the study, the scope, facts."""

    figures: dict[str, Figure]
    language: str
    study: dict[str, Any] = field(default_factory=dict)
    scope: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

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

    def count(self, figure_id: str, **where: Any) -> int:
        return int(self._row(figure_id, where)["count"])

    def sum_count(self, figure_id: str, **where: Any) -> int:
        rows = _matches(self._figure(figure_id).data, where)
        if rows.empty:
            raise TextError(f"{figure_id} has no rows matching {where}")
        return int(rows["count"].sum())

    def percent(self, figure_id: str, **where: Any) -> str:
        row = self._row(figure_id, where)
        return f"{whole_percent(int(row['count']), int(row['n']))}%"

    def n(self, figure_id: str) -> int:
        return int(self._figure(figure_id).n)

    def value(self, figure_id: str, column: str, **where: Any) -> str:
        value = self._row(figure_id, where)[column]
        return format_number(value, self.language) if isinstance(value, float) else str(value)

    def fig(self, figure_id: str) -> str:
        self._figure(figure_id)
        return "{fig:" + figure_id + "}"

    def namespace(self) -> dict[str, Any]:
        return {
            "count": self.count, "sum_count": self.sum_count, "percent": self.percent, "n": self.n,
            "value": self.value, "fig": self.fig, "study": self.study, "scope": self.scope,
            "facts": self.facts, "language": self.language,
        }


_ENVIRONMENT = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                                  keep_trailing_newline=True)


def render_text(source: str, context: TextContext, name: str = "<text>") -> str:
    """Fill the placeholders of one Markdown text; errors name the file and line."""
    try:
        template = _ENVIRONMENT.from_string(source)
        return template.render(**context.namespace())
    except jinja2.TemplateSyntaxError as exc:
        raise TextError(f"{name}, line {exc.lineno}: {exc.message}") from None
    except (jinja2.UndefinedError, TextError) as exc:
        raise TextError(f"{name}, line {_template_line(exc)}: {exc}") from None


def _template_line(exc: BaseException) -> str:
    import traceback

    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
    return str(lines[-1]) if lines else "?"


def text_path(chapter_id: str, language: str, data_dir: str | Path | None = None) -> Path:
    """The text of a chapter: the dataset's own ``text/<lang>/<id>.md`` if present, else ours."""
    if data_dir:
        own = Path(data_dir) / "text" / language / f"{chapter_id}.md"
        if own.is_file():
            return own
    return templates_dir() / "text" / language / f"{chapter_id}.md"


def split_title(markdown: str) -> tuple[str | None, str]:
    """A leading '# Title' line and the rest."""
    lines = markdown.lstrip("\n").splitlines()
    if lines and lines[0].startswith("# "):
        return lines[0][2:].strip(), "\n".join(lines[1:]).lstrip("\n")
    return None, markdown


def load_text(chapter_id: str, context: TextContext, data_dir: str | Path | None = None) -> tuple[str | None, str]:
    """(title, Markdown body) of a text chapter with its placeholders filled."""
    path = text_path(chapter_id, context.language, data_dir)
    if not path.is_file():
        raise TextError(f"no text for chapter {chapter_id!r} in language {context.language!r} ({path})")
    return split_title(render_text(path.read_text(encoding="utf-8"), context, name=str(path)))
