"""The figure catalogue, generated from the figures' declarations (``scripts/figure_catalogue.py`` prints it).

A figure's id, chapter, caption, CSV columns with their appendix headers and
disclosure rule are declared once, above its function
(:mod:`via_reports.figures.declaration`). A hand-written table of them in
docs/figures.md would be one more file to touch for every new figure, and one
that drifts; so the table is made here, from the declarations, in the order
the report shows the figures. docs/figures.md keeps the prose (who is
counted, the methods, what the coded values of some columns are) and points
here.

This module lives in the chapters layer because only the registry imports
every figure module (and so fills :data:`DECLARED`) and knows the chapters'
order.
"""

from __future__ import annotations

from via_reports.chapters.registry import CHAPTERS
from via_reports.figures.declaration import CountRule, FigureDeclaration, declared_in

HEADER = """# Figure catalogue (generated)

Generated from the figures' declarations (`@figure(...)`, `via_reports/figures/declaration.py`)
by `scripts/figure_catalogue.py`; do not edit it by hand. Definitions, populations and methods
are in docs/figures.md.
"""


def _cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell (a pipe or a line break would split it)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def caption_text(declared: FigureDeclaration) -> str:
    """Its caption in both languages, or where its words live when another file words them."""
    if isinstance(declared.caption, dict):
        return f"{declared.caption['nl']} / {declared.caption['en']}"
    return f"worded in {declared.caption}"


def disclosure_text(rule: CountRule | str | None) -> str:
    """The public edition's rule in a few words (docs/disclosure.md tells what each means)."""
    if rule is None:
        return "none declared"
    if isinstance(rule, str):
        return f"`{rule}`"
    parts = ["counts out of n (n − count known)" if rule.binary else "counts adding up to n"]
    if rule.by:
        parts.append("a table per " + ", ".join(f"`{c}`" for c in rule.by))
    if rule.dims:
        parts.append("totals per " + ", ".join(f"`{c}`" for c in rule.dims))
    if rule.derived:
        parts.append(", ".join(f"`{c}`" for c in rule.derived) + " withheld with their rows")
    return "; ".join(parts)


def column_lines(declared: FigureDeclaration) -> list[str]:
    """One line per CSV column: its name and its appendix header in nl and en."""
    lines = []
    for column, words in declared.columns.items():
        header = "its own appendix table" if words is None else f"{words['nl']} / {words['en']}"
        lines.append(f"`{column}` ({_cell(header)})")
    return lines


def figure_catalogue() -> str:
    """The catalogue as Markdown: per chapter, in report order, one row per declared figure."""
    out = [HEADER]
    for chapter in CHAPTERS:
        figures = declared_in(chapter.id)
        if not figures:
            continue
        out += [f"## {chapter.id}", "", "| id | caption (nl / en) | CSV columns (appendix header nl / en) "
                "| public edition |", "| --- | --- | --- | --- |"]
        for declared in figures:
            rule = _cell(disclosure_text(declared.disclosure))
            out.append(f"| `{declared.id}` | {_cell(caption_text(declared))} | "
                       f"{'<br>'.join(column_lines(declared))} | {rule} |")
        out.append("")
    return "\n".join(out)
