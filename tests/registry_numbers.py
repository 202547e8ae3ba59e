"""A figure's number as the registry places it, for tests that assert a numbered caption.

A test that wrote "Figuur 4.1" would check another figure as soon as a chapter is
inserted before it; these helpers find the number from the figure's id instead.
"""

from __future__ import annotations

from via_reports.chapters.registry import chapter_spec, chapters_for


def numbered_chapters(kind: str) -> list[str]:
    """The ids of the numbered chapters of a report of ``kind`` (the summary and appendices are not)."""
    return [c.id for c in chapters_for(kind) if c.id != "summary" and not c.appendix]


def figure_number(figure_id: str, kind: str) -> str:
    """``"3.2"`` for ``participants.age_sex``: its chapter's number and its place among the chapter's figures.

    Only for a figure whose chapter shows every figure before it (no family, none left out for the data).
    """
    for number, chapter in enumerate(numbered_chapters(kind), 1):
        ids = chapter_spec(chapter).figure_ids()
        if figure_id in ids:
            return f"{number}.{ids.index(figure_id) + 1}"
    raise KeyError(f"{figure_id} is in no numbered chapter of a {kind} report")
