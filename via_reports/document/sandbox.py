"""The sandbox a text is filled in: Jinja2's, with limits on loops, sizes, output and time.

A dataset may bring its own texts, so a text is hostile until proven otherwise.
Jinja2's sandbox keeps it away from Python objects (and the files behind them);
the limits here keep it from taking the machine: every way to make a value
larger than its parts is checked *before* the value is made, loops are bounded
by range() and by the clock, and the output by its length. A number a text
writes out is formatted as its language writes it (:func:`_finalize`).
:func:`via_reports.document.text.render_text` fills a text in it.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
import string
import threading
import time
from collections.abc import Iterator
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment

from via_reports.analysis.formatting import format_count, format_number
from via_reports.exceptions import TextError

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
