"""Give the cells of chapter notebooks their derived ids (via_reports/chapters/cell_ids.py).

    .venv/bin/python scripts/notebook_cell_ids.py templates/notebooks/barriers.ipynb [...]

Run it after adding or moving a cell by hand: each id is made from what its cell
shows (``chapter.show("barriers.by_wave")`` -> ``barriers-by_wave``), so no id
is ever picked by hand; tests/test_notebook_source.py fails until it has run.
Nothing else in the notebook changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from via_reports.chapters.cell_ids import assign_cell_ids


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    for name in argv:
        path = Path(name)
        notebook = nbformat.read(str(path), as_version=4)
        before = [cell.get("id") for cell in notebook.cells]
        assign_cell_ids(notebook)
        if [cell["id"] for cell in notebook.cells] != before:
            path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
