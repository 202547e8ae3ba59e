"""Write the chapter notebooks in templates/notebooks/ from one description.

    .venv/bin/python scripts/make_notebooks.py          # (re)write them
    .venv/bin/python scripts/make_notebooks.py --check  # exit 1 if they differ

The notebooks are committed (researchers run them with papermill, analysts
open them in JupyterLab); this script keeps their parameters cell identical to
``via_reports.chapters.notebook.PARAMETERS`` and their calls thin. A test runs --check.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from via_reports.chapters.notebook import PARAMETERS  # noqa: E402
from via_reports.chapters.registry import NOTEBOOK_CHAPTERS, chapter_spec  # noqa: E402

PARAMETER_COMMENTS = {
    "data_dir": "dataset folder; empty: the embedded synthetic demo data",
    "wave": "last wave the report covers (T0, T1 or T2)",
    "output_dir": "figures/<id>.csv and manifest.json are written here",
    "language": "nl or en",
    "min_n": "instruments with fewer users get no satisfaction figure",
    "alpha": "significance threshold of the subgroup comparisons",
    "kind": "interim or final; empty: inferred from the wave",
    "theme": "chart colours and font: a theme under templates/pdf/themes",
}

CALLS = {
    "summary": ["chapter.show_summary()"],
    "effects": ["chapter.show_figures()", "chapter.show_effects_text()"],
}
DEFAULT_CALLS = ["chapter.show_figures()", "chapter.show_comparisons()"]


def parameters_source() -> str:
    assignments = {k: f"{k}: {type(v).__name__} = {v!r}" for k, v in PARAMETERS.items()}
    width = max(len(a) for a in assignments.values())
    lines = [f"{assignments[k]:<{width}}  # {PARAMETER_COMMENTS[k]}" for k in PARAMETERS]
    return "\n".join(lines)


def make_notebook(chapter: str) -> nbformat.NotebookNode:
    spec = chapter_spec(chapter)
    intro = (
        f"# {spec.title['nl']} / {spec.title['en']}\n\n"
        f"Chapter notebook of via-reports. Run it for one wave with papermill:\n\n"
        f"```\npapermill templates/notebooks/{chapter}.ipynb out/{chapter}.ipynb "
        f"-p data_dir DATA -p wave T1 -p output_dir out\n```\n\n"
        "or open it in JupyterLab and change the parameters below. The computing lives in "
        "`via_reports`; this notebook only shows it."
    )
    cells = [
        nbformat.v4.new_markdown_cell(intro, metadata={"tags": ["instructions"]}),
        nbformat.v4.new_code_cell(parameters_source(), metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "from via_reports.chapters.notebook import ChapterRun\n\n"
            f"chapter = ChapterRun.from_parameters({chapter!r}, globals())",
            metadata={"tags": ["setup"]}),
        *[nbformat.v4.new_code_cell(call) for call in CALLS.get(chapter, DEFAULT_CALLS)],
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"name": "via-reports", "display_name": "Python (via-reports)", "language": "python"},
        "language_info": {"name": "python"},
        "via_reports": {"chapter": chapter},
    }
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"{chapter}-{number}"
    return notebook


def main(argv: list[str]) -> int:
    check = "--check" in argv
    folder = ROOT / "templates" / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    differ = []
    for chapter in NOTEBOOK_CHAPTERS:
        text = nbformat.writes(make_notebook(chapter)) + "\n"
        path = folder / f"{chapter}.ipynb"
        if check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                differ.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if differ:
        print("out of date: " + ", ".join(differ) + " (run scripts/make_notebooks.py)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
