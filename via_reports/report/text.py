"""Researcher text with live numbers.

Text chapters are Markdown files with Jinja2 placeholders that read the
numbers from the same figure data the charts and CSVs are made from, so text
and figures cannot disagree::

    Van de {{ n("participants.age_sex") }} deelnemers zijn er
    {{ count("participants.born_nl_prior_work", born_nl=true) }} in Nederland geboren
    ({{ fig("participants.born_nl_prior_work") }}).

Functions available in a text:

- ``count(figure_id, **where)``: the ``count`` of the one row matching ``where``;
  ``sum_count(figure_id, **where)`` adds up every matching row; a ``where``
  value may be a list (``answer=["4", "5"]``);
- ``percent(figure_id, **where)``: that row's share of n as a whole percent
  ("44%"); ``share(count, total)`` does the same for two numbers ("–" for 0);
- ``top(figure_id, column, exclude=[...], **where)``: the row with the highest
  count, as ``.code``, ``.label`` (from the codebook, in the report language),
  ``.count`` and ``.percent``; so "the most named barrier" is computed, never
  assumed;
- ``n(figure_id)``: the figure's n; ``value(figure_id, column, **where)``;
- ``fig(figure_id)``: a reference to the figure, numbered at build time;
- ``study``: the study.yaml values; ``scope``: waves, language; ``facts``:
  numbers the build adds (response per wave, ...).

Write claims with numbers, not adjectives: "{{ share(a, b) }} heeft ..." is
true for every dataset; "de meerderheid heeft ..." is true only for some.
Templates run in Jinja2's sandbox (a text in a dataset folder can read
nothing but these values). An unknown name, an unknown figure or a ``where``
that matches no row (or several, for ``count``) is an error that names the
file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from via_reports.analysis.formatting import format_number, whole_percent
from via_reports.data.codebook import load_codebook
from via_reports.exceptions import ViaReportsError
from via_reports.figures.figure import Figure
from via_reports.resources import templates_dir

#: Figure columns whose codes have display labels in the codebook.
CODE_LISTS = {"reason": "non_use_reason", "barrier": "barrier", "type": "participation_type",
              "education_nl": "education_nl", "sex": "sex", "age_group": "age_group"}


@dataclass(frozen=True)
class TopRow:
    code: str
    label: str
    count: int
    percent: str


class TextError(ViaReportsError):
    """A text template could not be filled: unknown placeholder, figure or row."""

    exit_code = 4


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
        return self.share(int(row["count"]), int(row["n"]))

    @staticmethod
    def share(count: int, total: int) -> str:
        """count of total as a whole percent, rounded half away from zero; "–" when total is 0."""
        return f"{whole_percent(int(count), int(total))}%" if int(total) else "–"

    def top(self, figure_id: str, column: str, exclude: list[str] | None = None, **where: Any) -> "TopRow":
        """The row with the highest count (first in the figure's order on a tie)."""
        rows = _matches(self._figure(figure_id).data, where)
        if exclude:
            rows = rows[~rows[column].astype(str).isin([str(e) for e in exclude])]
        if rows.empty:
            raise TextError(f"{figure_id} has no rows matching {where} to pick the highest from")
        row = rows.loc[rows["count"].astype(int).idxmax()]
        code = str(row[column])
        code_list = CODE_LISTS.get(column)
        label = load_codebook().label(code_list, code, self.language) if code_list else code
        return TopRow(code=code, label=label, count=int(row["count"]), percent=self.share(row["count"], row["n"]))

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
            "share": self.share, "top": self.top,
            "value": self.value, "fig": self.fig, "study": self.study, "scope": self.scope,
            "facts": self.facts, "language": self.language,
        }


# The sandbox matters: a dataset may bring its own texts, and an ordinary
# environment would let a template reach Python objects (and the files behind them).
_ENVIRONMENT = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                    keep_trailing_newline=True)


def render_text(source: str, context: TextContext, name: str = "<text>") -> str:
    """Fill the placeholders of one Markdown text; errors name the file and line."""
    try:
        template = _ENVIRONMENT.from_string(source)
        return template.render(**context.namespace())
    except jinja2.TemplateSyntaxError as exc:
        raise TextError(f"{name}, line {exc.lineno}: {exc.message}") from None
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError, TextError) as exc:
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
