"""Checking the texts of a report before anything is computed.

Filling a text needs the figures, so it happens after the chapter notebooks
ran; a typo in a placeholder would then cost a whole build before it shows.
:func:`check_texts` reads every text the report will use first and reports,
all at once with file and line: a syntax error, a forbidden tag, a name that
a text cannot read (``{{ cuont(...) }}``) and a figure id that no chapter of
this report makes (``{{ n("participants.agesex") }}``). What depends on the
numbers (a ``where`` that matches no row) is still found when the text is
filled (:mod:`via_reports.document.text`).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2 import nodes

from via_reports.chapters.registry import ChapterSpec
from via_reports.exceptions import TextError
from via_reports.document.placeholders import TextContext
from via_reports.document.sandbox import _ENVIRONMENT, FORBIDDEN_TAGS
from via_reports.document.text_files import read_text_source, text_path

#: The functions of a text whose first argument is a figure id.
FIGURE_FUNCTIONS = frozenset({"count", "sum_count", "percent", "top", "n", "value", "fig"})
#: Names Jinja itself provides inside loops, macros and call blocks.
JINJA_NAMES = frozenset({"loop", "caller", "varargs", "kwargs", "range"})


def _problems(source: str, name: str, known_names: set[str], specs: list[ChapterSpec]) -> list[str]:
    try:
        tree = _ENVIRONMENT.parse(source)
    except jinja2.TemplateSyntaxError as error:
        return [f"{name}, line {error.lineno}: {error.message}"]
    problems = [f"{name}, line {node.lineno}: {{% {FORBIDDEN_TAGS[type(node)]} %}} is not allowed in a text"
                for node in tree.find_all(tuple(FORBIDDEN_TAGS))]
    defined = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    defined |= {node.name for node in tree.find_all(nodes.Macro)}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in known_names | defined | JINJA_NAMES:
            problems.append(f"{name}, line {node.lineno}: unknown name {node.name!r}; a text can use "
                            f"{', '.join(sorted(known_names))}")
    figures = [figure for spec in specs for figure in spec.figures]
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name in FIGURE_FUNCTIONS and call.args
                and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str)):
            continue
        figure_id = call.args[0].value
        if not any(figure.builds(figure_id) for figure in figures):
            problems.append(f"{name}, line {call.lineno}: unknown figure {figure_id!r} in "
                            f"{call.node.name}(); this report's figures are "
                            f"{', '.join(figure.id for figure in figures)}")
    return problems


def check_texts(specs: list[ChapterSpec], text_ids: list[str], language: str, data_dir: Path | None) -> None:
    """Raise one :class:`TextError` naming every problem in the texts ``text_ids`` of a report of ``specs``.

    A text chapter without its file is a problem; a computed chapter's
    introduction is optional.
    """
    known_names = set(TextContext(figures={}, language=language).namespace())
    computed = {spec.id for spec in specs if spec.is_computed}
    problems: list[str] = []
    for text_id in text_ids:
        try:
            path = text_path(text_id, language, data_dir)
            if not path.is_file():
                if text_id not in computed:
                    problems.append(f"no text for chapter {text_id!r} in language {language!r} ({path})")
                continue
            problems += _problems(read_text_source(path), str(path), known_names, specs)
        except TextError as error:
            problems.append(str(error))
    if problems:
        raise TextError("\n".join(problems))
