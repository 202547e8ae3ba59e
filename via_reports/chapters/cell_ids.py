"""Stable ids for a chapter notebook's cells, derived from what each cell shows.

nbformat 4.5 gives every cell an id (``[a-zA-Z0-9-_]{1,64}``, unique in the
notebook). Numbered ids (``barriers-5``) change when a cell is inserted and
random ones say nothing, so an id here is made from the cell's content:

* ``chapter.show("barriers.by_wave")`` -> ``barriers-by_wave`` (a family,
  ``satisfaction.<instrument>``, -> ``satisfaction-instrument``);
* ``chapter.show_comparisons()`` -> ``show_comparisons``, any other
  ``chapter.<call>()`` -> the call's name;
* the cell tagged ``parameters`` -> ``parameters``, the set-up cell
  (``ChapterRun.from_parameters``) -> ``setup``;
* a Markdown cell takes the id of the code cell below it with ``-about``
  (``barriers-by_wave-about``; a second one above the same cell ``-about-2``),
  the first Markdown cell of the notebook is ``title`` and one after the last
  code cell ``end``.

A new cell therefore needs no hand-picked id: ``scripts/new_chapter_notebook.py``
and ``scripts/notebook_cell_ids.py`` (which re-ids a notebook after an edit)
call :func:`assign_cell_ids`, and ``tests/test_notebook_source.py`` checks
that every committed notebook's ids are the derived ones.
"""

from __future__ import annotations

import re
from typing import Any

#: nbformat's rule for a cell id.
VALID_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")

_SHOW = re.compile(r'^chapter\.show\("([^"]+)"\)$')
_CALL = re.compile(r"^chapter\.(\w+)\(")


def code_cell_id(source: str, tags: list[str] = ()) -> str | None:
    """The id of a code cell from what it shows; None for a cell that shows nothing the registry knows."""
    source = source.strip()
    if "parameters" in tags:
        return "parameters"
    if "ChapterRun.from_parameters(" in source:
        return "setup"
    shown = _SHOW.match(source)
    if shown:
        return _slug(shown.group(1))
    call = _CALL.match(source)
    return _slug(call.group(1)) if call else None


def _slug(text: str) -> str:
    """``barriers.by_wave`` -> ``barriers-by_wave``; ``satisfaction.<instrument>`` -> ``satisfaction-instrument``."""
    slug = re.sub(r"[^a-zA-Z0-9_]+", "-", text).strip("-")
    return slug[:55] or "cell"


def derived_cell_ids(cells: list[Any]) -> list[str]:
    """The id each of ``cells`` (nbformat cells, in order) should have."""
    ids: list[str | None] = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            ids.append(code_cell_id(cell["source"], cell.get("metadata", {}).get("tags", [])) or f"code-{index}")
        else:
            ids.append(None)
    seen: dict[str, int] = {}
    result = []
    for index, cell in enumerate(cells):
        own = ids[index]
        if own is None:
            below = next((ids[i] for i in range(index + 1, len(cells)) if ids[i] is not None), None)
            if below is None:
                own = "end"
            elif index == 0:
                own = "title"
            else:
                own = f"{below}-about"
        seen[own] = seen.get(own, 0) + 1
        result.append(own if seen[own] == 1 else f"{own}-{seen[own]}")
    return result


def assign_cell_ids(notebook: Any) -> Any:
    """Give every cell of ``notebook`` its derived id, in place; returns the notebook."""
    for cell, cell_id in zip(notebook.cells, derived_cell_ids(notebook.cells)):
        cell["id"] = cell_id
    return notebook
