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
- ``change(measure, wave_from, wave_to)``: the paired test of figure
  ``change.by_wave`` (waves default to the report's first and last), as
  ``.direction`` (``up``, ``down`` or ``same``: only a test with p < alpha
  rises or falls) and ``.sentence``, which names the test and p. A text says
  something rose or fell through this, never by comparing two counts itself;
- ``effects_bottom_line()`` / ``effects_conclusions()``: the bottom line of the
  effects analysis for the summary and the conclusions (outcome by outcome,
  with intervals, disagreements and caveats; :mod:`via_reports.report.bottom_line`);
- ``study``: the study.yaml values; ``scope``: waves, language; ``facts``:
  numbers the build adds (response per wave, ...).

Write claims with numbers, not adjectives: "{{ share(a, b) }} heeft ..." is
true for every dataset; "de meerderheid heeft ..." is true only for some.
Templates run in Jinja2's sandbox (a text in a dataset folder can read
nothing but these values), with limits on loops, sizes and time (see
"the sandbox" below). An unknown name, an unknown figure, a ``where``
that matches no row (or several, for ``count``) or a text over a limit is a
:class:`~via_reports.exceptions.TextError` that names the file and the line.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
import string
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment

import pandas as pd

from via_reports.analysis.disclosure import MARKER, Withheld, is_small
from via_reports.analysis.formatting import format_count, format_number, whole_percent
from via_reports.data.codebook import load_codebook
from via_reports.data.loading import MAX_TEXT_BYTES
from via_reports.exceptions import TextError
from via_reports.figures.figure import Figure
from via_reports.figures.public import WITHHELD_CHANGE, any_suppressed
from via_reports.files import InputRefused, check_size, file_in_folder
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
        from via_reports.report import bottom_line

        return bottom_line.summary(self._effects(), self.language)

    def effects_conclusions(self) -> str:
        from via_reports.report import bottom_line

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


# --------------------------------------------------------------------------- the sandbox

# A dataset may bring its own texts, so a text is hostile until proven otherwise.
# Jinja2's sandbox keeps it away from Python objects (and the files behind them);
# the limits below keep it from taking the machine: every way to make a value
# larger than its parts is checked *before* the value is made, loops are bounded
# by range() and by the clock, and the output by its length.

#: The most items range() gives in a text.
MAX_RANGE = 1_000
#: The longest string (or list) a text may build in one step.
MAX_VALUE = 100_000
#: The most characters one text may produce (our longest text has about 6,000).
MAX_OUTPUT = 500_000
#: Width or precision in a format specification ("{:>8}", "%5.1f").
MAX_WIDTH = 100
#: The largest exponent of ``**``.
MAX_EXPONENT = 100
#: CPU seconds to fill one text (ours take milliseconds; a final report's bottom line a fraction of a second).
MAX_SECONDS = 2.0
#: Wall-clock limit, as a multiple of MAX_SECONDS, for a text that waits instead of computing.
WALL_FACTOR = 15
#: How often the watchdog looks at the text's CPU clock.
_WATCH_INTERVAL = 0.05

#: Filters a text may use: none of them makes a value much larger than its input
#: (join, replace and format are checked first). No random (a report is reproducible).
ALLOWED_FILTERS = ("abs", "capitalize", "count", "d", "default", "dictsort", "first", "float", "format",
                   "groupby", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min",
                   "reject", "rejectattr", "replace", "reverse", "round", "select", "selectattr", "sort",
                   "string", "sum", "title", "trim", "truncate", "unique", "upper", "wordcount")
#: Methods of a string a text may call (the others, such as center or zfill, only pad or repeat).
ALLOWED_STRING_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "format", "format_map", "isdigit", "join",
    "lower", "lstrip", "replace", "rstrip", "split", "startswith", "strip", "title", "upper"})
#: Tags that would read another template (a text may read nothing but its own values).
FORBIDDEN_TAGS = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from ... import",
                  nodes.Extends: "extends"}

#: Numbers in a {}-format specification; a %-format conversion with its width and precision.
_FORMAT_NUMBER = re.compile(r"[0-9]+")
_PERCENT_SPEC = re.compile(r"%[-+ #0]*(\*|[0-9]*)(?:\.(\*|[0-9]*))?")
#: The largest whole number a text may make with * or ** (in bits; about 3,000 digits).
MAX_INTEGER_BITS = 10_000


class _TimeLimit(Exception):
    """Raised inside a text's thread when it has run for MAX_SECONDS."""


#: Characters the text being filled (in this thread) may still produce.
_OUTPUT = threading.local()


def _count_output(characters: int) -> None:
    _OUTPUT.left -= characters
    if _OUTPUT.left < 0:
        raise TextError(f"the text produces more than {MAX_OUTPUT:,} characters")


def _finalize(value: Any) -> str:
    """Every ``{{ ... }}`` output, also inside a macro or a loop, counts against MAX_OUTPUT.

    A number is written as the text's language writes it (babel): '6,5' and '12.345' in Dutch.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        text = format_count(value, _OUTPUT.language)
    elif isinstance(value, float):
        text = format_number(value, _OUTPUT.language)
    else:
        text = str(value)
    _count_output(len(text))
    _OUTPUT.last = text
    return text


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _check_size(size: int, what: str, limit: int = MAX_VALUE) -> None:
    if size > limit:
        raise TextError(f"{what} would make a value of {size:,} characters or items; a text may make "
                        f"at most {limit:,} at a time")


def _check_format_spec(pattern: str) -> None:
    """A width or precision above MAX_WIDTH, or one taken from an argument, is refused."""
    widths: list[str] = []
    if "{" in pattern:
        try:
            fields = list(string.Formatter().parse(pattern))
        except ValueError:
            fields = []  # a malformed pattern fails when it is used
        for _, _, spec, _ in fields:
            if spec and "{" in spec:
                raise TextError("a format width may not come from an argument")
            widths += _FORMAT_NUMBER.findall(spec or "")
    for match in _PERCENT_SPEC.finditer(pattern):
        if "*" in match.groups():
            raise TextError("a format width may not come from an argument ('*')")
        widths += [n for n in match.groups() if n]
    if any(int(n) > MAX_WIDTH for n in widths):
        raise TextError(f"a format width or precision above {MAX_WIDTH} is not allowed")


def _check_integer_bits(bits: int) -> None:
    if bits > MAX_INTEGER_BITS:
        raise TextError(f"a number of about {bits:,} bits; a text may make at most {MAX_INTEGER_BITS:,}")


def _bounded_range(*arguments: int) -> range:
    numbers = range(*arguments)
    if len(numbers) > MAX_RANGE:
        raise TextError(f"range() with {len(numbers):,} items; a text may loop over at most {MAX_RANGE:,}")
    return numbers


def _bounded_join(values: Any, separator: Any = "", attribute: Any = None) -> str:
    if attribute is not None:
        values = map(jinja2.filters.make_attrgetter(_ENVIRONMENT, attribute), values)
    items = [str(v) for v in values]
    _check_size(sum(map(len, items)) + len(str(separator)) * len(items), "join")
    return str(separator).join(items)


def _bounded_replace(value: Any, old: Any, new: Any, count: Any = None) -> str:
    text, old, new = str(value), str(old), str(new)
    hits = text.count(old) if count is None else min(int(count), text.count(old))
    _check_size(len(text) + hits * max(0, len(new) - len(old)), "replace")
    return text.replace(old, new, -1 if count is None else int(count))


def _bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_format_spec(str(value))
    return jinja2.filters.do_format(value, *args, **kwargs)


def _number_sum(values: Any, attribute: Any = None, start: Any = 0) -> Any:
    """The sum filter for numbers only (adding lists could build a very long one)."""
    if attribute is not None:
        values = map(jinja2.filters.make_attrgetter(_ENVIRONMENT, attribute), values)
    values = list(values)
    if not all(isinstance(v, (int, float)) for v in [start, *values]):
        raise TextError("sum adds numbers only")
    return sum(values, start)


class _LimitedGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to a call that checks the length first (Jinja joins the parts itself)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802 - Jinja's visitor name
        self.write("environment.bounded_concat((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class _TextEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with the limits above."""

    code_generator_class = _LimitedGenerator
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
                         finalize=_finalize)
        self.globals.clear()  # no lipsum(), cycler(), namespace(), dict()
        self.globals["range"] = _bounded_range
        self.filters = {name: self.filters[name] for name in ALLOWED_FILTERS}
        self.filters.update({"join": _bounded_join, "replace": _bounded_replace, "format": _bounded_format,
                             "sum": _number_sum})

    @staticmethod
    def concat(pieces: Any) -> str:
        """Joins the output of a macro, a block or a filter section (Jinja's hook)."""
        pieces = list(pieces)
        _check_size(sum(map(len, pieces)), "a block of the text", MAX_OUTPUT)
        return "".join(pieces)

    @staticmethod
    def bounded_concat(parts: tuple[Any, ...]) -> str:
        pieces = [str(p) for p in parts]
        _check_size(sum(map(len, pieces)), "'~'")
        return "".join(pieces)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        numbers = isinstance(left, int) and isinstance(right, int)
        if operator == "+":
            _check_size(_size(left) + _size(right), "'+'")
        elif operator == "*" and numbers:
            _check_integer_bits(abs(left).bit_length() + abs(right).bit_length())
        elif operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if _size(sequence) and isinstance(times, int):
                    _check_size(_size(sequence) * times, "'*'")
        elif operator == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
                raise TextError(f"an exponent above {MAX_EXPONENT} is not allowed")
            if numbers:
                _check_integer_bits(abs(left).bit_length() * abs(right))
        elif operator == "%" and isinstance(left, str):
            _check_format_spec(left)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        method = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str):
            name = getattr(method, "__name__", "")
            if name not in ALLOWED_STRING_METHODS:
                raise TextError(f"the string method {name}() is not available in a text")
            if name in ("format", "format_map"):
                _check_format_spec(owner)
            elif name == "replace" and len(args) >= 2:
                return _bounded_replace(owner, *args)
            elif name == "join" and args:
                return _bounded_join(args[0], owner)
        return super().call(__context, __obj, *args, **kwargs)


_ENVIRONMENT = _TextEnvironment()


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the code in this block once it has used ``seconds`` of CPU time, wherever it loops.

    A watchdog thread reads this thread's CPU clock (``pthread_getcpuclockid``)
    and raises :class:`_TimeLimit` in it (CPython's ``PyThreadState_SetAsyncExc``,
    which takes effect between two bytecodes: a template is Python code, so any
    loop of a text is stopped). CPU time, not wall-clock time, so a busy machine
    does not fail a text that is merely waiting for a processor; a wall-clock
    limit of ``WALL_FACTOR`` times as long still stops anything that waits.
    """
    target = threading.get_ident()
    clock = time.pthread_getcpuclockid(target)
    started_cpu, started_wall = time.clock_gettime(clock), time.monotonic()
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(_WATCH_INTERVAL):
            used = time.clock_gettime(clock) - started_cpu
            if used > seconds or time.monotonic() - started_wall > WALL_FACTOR * seconds:
                # the check and the raise under one lock with the end of the block: never raised after it
                with guard:
                    if not finished.is_set():
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target),
                                                                   ctypes.py_object(_TimeLimit))
                return

    guard = threading.Lock()
    watchdog = threading.Thread(target=watch, daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        with guard:
            finished.set()
        watchdog.join()


def _forbidden_tags(source: str, name: str) -> None:
    for node in _ENVIRONMENT.parse(source).find_all(tuple(FORBIDDEN_TAGS)):
        raise TextError(f"{name}, line {node.lineno}: {{% {FORBIDDEN_TAGS[type(node)]} %}} is not allowed "
                        "in a text; a text reads only its own values")


def render_text(source: str, context: TextContext, name: str = "<text>") -> str:
    """Fill the placeholders of one Markdown text; errors name the file and line.

    Runs in the limited sandbox above: a text over a limit is a :class:`TextError`.
    """
    try:
        _forbidden_tags(source, name)
        # set before compiling: Jinja finalizes constant output ({{ 6.5 }}) when it compiles
        _OUTPUT.left, _OUTPUT.last, _OUTPUT.language = MAX_OUTPUT, None, context.language
        template = _ENVIRONMENT.from_string(source)
        pieces: list[str] = []
        with _time_limit(MAX_SECONDS):
            for piece in template.generate(**context.namespace()):
                if piece is not _OUTPUT.last:  # a {{ }} output was counted where it was made
                    _count_output(len(piece))
                pieces.append(piece)
        return "".join(pieces)
    except jinja2.TemplateSyntaxError as exc:
        raise TextError(f"{name}, line {exc.lineno}: {exc.message}") from None
    except TextError as exc:
        if str(exc).startswith(f"{name}, line "):
            raise
        raise TextError(f"{_where(name, exc)}: {exc}") from None
    except _TimeLimit as exc:
        raise TextError(f"{_where(name, exc)}: the text ran longer than {MAX_SECONDS:g} s of "
                        f"processor time or {WALL_FACTOR * MAX_SECONDS:g} s in all (a loop too large?)") from None
    except RecursionError as exc:
        raise TextError(f"{_where(name, exc)}: the text calls itself without end "
                        "(a macro that calls itself?)") from None
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as exc:
        raise TextError(f"{_where(name, exc)}: {exc}") from None
    except Exception as exc:  # TypeError, ZeroDivisionError, ...: still the text's fault, still located
        raise TextError(f"{_where(name, exc)}: {type(exc).__name__}: {exc}") from None


def _where(name: str, exc: BaseException) -> str:
    """'intro.md, line 3': the last line of the template in the error's traceback."""
    import traceback

    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
    return f"{name}, line {lines[-1]}" if lines else name


def text_path(chapter_id: str, language: str, data_dir: str | Path | None = None) -> Path:
    """The text of a chapter: the dataset's own ``text/<lang>/<id>.md`` if present, else ours.

    The dataset's file is taken only from inside its folder: a symbolic link
    there is a :class:`TextError` (validation reports it first).
    """
    if data_dir:
        try:
            own = file_in_folder(data_dir, Path("text") / language / f"{chapter_id}.md", what="text")
        except InputRefused as refused:
            raise TextError(str(refused)) from None
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
    return split_title(render_text(read_text_source(path), context, name=str(path)))


def read_text_source(path: Path) -> str:
    """A text file's Markdown source: at most MAX_TEXT_BYTES, UTF-8; else a TextError naming it."""
    try:
        check_size(path, MAX_TEXT_BYTES, what="text")
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    except (InputRefused, OSError) as exc:  # too large or not a file (refused), unreadable
        message = str(exc) if isinstance(exc, InputRefused) else f"{path} cannot be read: {exc.strerror or exc}"
        raise TextError(message) from None
