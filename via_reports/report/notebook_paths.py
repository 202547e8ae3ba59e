"""The executed notebooks of a report name no local folder: a path can tell who built it, and where.

A chapter runs with absolute paths (its kernel needs to find the data and
the staging folder), and papermill records them: the parameters in the
notebook's metadata and in its injected parameters cell, its own
``input_path`` and ``output_path``. A user name in ``/home/jan.jansen/...``
or a folder called ``clients/gemeente-x/...`` would then travel with every
report, the public edition too. Before the notebooks go into the report they
are rewritten (:func:`settle_notebook_paths`), in every edition:

* ``data_dir``: the dataset folder's name (``""``: the embedded demo data);
* ``output_dir``: the report folder's name; ``output_path``:
  ``<report folder>/notebooks/<chapter>.ipynb``; so both read relative to the
  folder that holds the report (where the dataset usually is too);
* ``input_path``: ``templates/notebooks/<chapter>.ipynb``, inside the package;
* ``theme``: a theme folder inside the dataset relative to the dataset
  (``theme``), any other by its name;
* any other text of the notebook (an output, a message) that names one of
  those folders names it the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from via_reports.resources import templates_dir


def recorded_paths(staging: Path, out: Path, data_dir: Path | None, theme: str,
                   extra: dict[str, str] | None = None) -> dict[str, str]:
    """Each absolute path a chapter ran with, and what the report records instead (longest first).

    ``extra``: more paths and what to record instead (the synthesis: its programme file and reports).
    """
    data_name = data_dir.name if data_dir is not None else ""
    replaced = {str(staging): out.name, str(out): out.name, str(templates_dir()): "templates", **(extra or {})}
    if data_dir is not None:
        replaced[str(data_dir)] = data_name
    theme_path = Path(theme)
    if theme_path.is_absolute():
        inside = data_dir is not None and data_dir in theme_path.parents
        replaced[str(theme_path)] = str(theme_path.relative_to(data_dir)) if inside else theme_path.name
    return dict(sorted(replaced.items(), key=lambda item: -len(item[0])))


def _replace_in(value: Any, pattern: re.Pattern[str], replaced: dict[str, str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(lambda m: replaced[m.group(0)], value)
    if isinstance(value, list):
        return [_replace_in(item, pattern, replaced) for item in value]
    if isinstance(value, dict):
        return {key: _replace_in(item, pattern, replaced) for key, item in value.items()}
    return value


def _parameters_cell(cell: dict[str, Any], parameters: dict[str, Any]) -> None:
    """The injected parameters cell, with the recorded values (written as papermill writes a string)."""
    lines = "".join(cell.get("source", [])).splitlines(keepends=True)
    for index, line in enumerate(lines):
        name = line.split("=", 1)[0].strip()
        if name in parameters and isinstance(parameters[name], str) and "=" in line:
            lines[index] = f"{name} = {json.dumps(parameters[name])}\n"
    cell["source"] = lines


def settle_notebook(path: Path, replaced: dict[str, str], out_name: str) -> None:
    """Rewrite one executed notebook of the staging folder (see the module's docstring)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    # a folder's path, not the start of a longer name (/x/report must leave /x/report-2 alone)
    pattern = re.compile("(?:" + "|".join(re.escape(old) for old in replaced) + ")(?![^/\\\\\\s\"'])")
    notebook = _replace_in(notebook, pattern, replaced)
    papermill = notebook.get("metadata", {}).get("papermill", {})
    if papermill:
        papermill["input_path"] = f"templates/notebooks/{path.name}"
        papermill["output_path"] = f"{out_name}/notebooks/{path.name}"
        parameters = papermill.get("parameters", {})
        for cell in notebook.get("cells", []):
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                _parameters_cell(cell, parameters)
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def settle_notebook_paths(staging: Path, out: Path, data_dir: Path | None, theme: str,
                          extra: dict[str, str] | None = None) -> None:
    """Every executed notebook in ``staging/notebooks`` names no local folder (the module's docstring).

    ``theme`` is the theme as the chapters were given it (a name, or a folder's absolute path);
    ``extra`` as in :func:`recorded_paths`.
    """
    replaced = recorded_paths(staging, out, data_dir, theme, extra)
    for path in sorted((staging / "notebooks").glob("*.ipynb")):
        settle_notebook(path, replaced, out.name)
