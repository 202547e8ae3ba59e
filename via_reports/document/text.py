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
  with intervals, disagreements and caveats; :mod:`via_reports.document.bottom_line`);
- ``study``: the study.yaml values; ``scope``: waves, language; ``facts``:
  numbers the build adds (response per wave, ...).

Write claims with numbers, not adjectives: "{{ share(a, b) }} heeft ..." is
true for every dataset; "de meerderheid heeft ..." is true only for some.
Templates run in Jinja2's sandbox (a text in a dataset folder can read
nothing but these values), with limits on loops, sizes and time (see
:mod:`via_reports.document.sandbox`). An unknown name, an unknown figure, a ``where``
that matches no row (or several, for ``count``) or a text over a limit is a
:class:`~via_reports.exceptions.TextError` that names the file and the line.

The text's parts: the placeholder functions (:mod:`.placeholders`), the
sandbox and its limits (:mod:`.sandbox`), filling a text (here), and finding
and reading a chapter's file (:mod:`.text_files`); checking every text's
placeholders before any chapter runs is the build's
(:mod:`via_reports.report.text_check`).
"""

from __future__ import annotations

import jinja2

from via_reports.document.placeholders import TextContext
from via_reports.document.sandbox import (
    _ENVIRONMENT,
    _OUTPUT,
    FORBIDDEN_TAGS,
    MAX_OUTPUT,
    MAX_SECONDS,
    WALL_FACTOR,
    _count_output,
    _time_limit,
    _TimeLimit,
)
from via_reports.exceptions import TextError


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
