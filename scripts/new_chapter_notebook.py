"""Start the notebook of a new computed chapter: templates/notebooks/<chapter>.ipynb.

    .venv/bin/python scripts/new_chapter_notebook.py CHAPTER

Register the chapter in ``via_reports/chapters/registry.py`` first (see
docs/architecture.md, "Add a chapter"). This writes a notebook that runs as
it is: the parameters cell, the set-up cell, and one cell per figure of the
registry under a heading with the figure's title (as the demo data give it),
then the comparisons. From then on the notebook is source: edit it by hand
(say what each figure shows, for a reader), and keep it passing
tests/test_notebook_source.py. An existing notebook is never overwritten.
"""

from __future__ import annotations

import sys

import nbformat

from via_reports.chapters.cell_ids import assign_cell_ids
from via_reports.chapters.registry import NOTEBOOK_PARAMETERS, ChapterSpec, chapter_spec
from via_reports.resources import templates_dir


def parameters_source() -> str:
    """The parameters cell: one typed assignment per parameter with its comment, aligned."""
    lines = [f"{p.name}: {p.type.__name__} = {p.default!r}" for p in NOTEBOOK_PARAMETERS]
    width = max(map(len, lines))
    return "\n".join(f"{line:<{width}}  # {p.comment}" for line, p in zip(lines, NOTEBOOK_PARAMETERS))


def figure_titles(spec: ChapterSpec) -> dict[str, str]:
    """The Dutch title of each figure as the demo data give it (the id where it has none)."""
    from via_reports.analysis.scope import Scope
    from via_reports.data.dataset import load_dataset

    demo = load_dataset()
    scope = Scope.for_wave(demo, kind=spec.reports[-1])
    titles = {}
    for figure in spec.figures:
        ids = figure.ids(demo, scope)
        built = figure.figure(ids[0], demo, scope) if ids and not figure.is_family else None
        titles[figure.id] = built.title if built is not None else figure.id
    return titles


def chapter_notebook(spec: ChapterSpec) -> nbformat.NotebookNode:
    titles = figure_titles(spec)
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {spec.title['nl']}\n\n"
            "Run all cells in JupyterLab (kernel *Python (via-reports)*) after setting the parameters; "
            "every cell can be run again. For one wave from a terminal:\n\n"
            f"```\npapermill templates/notebooks/{spec.id}.ipynb out/{spec.id}.ipynb "
            "-p data_dir DATA -p wave T1 -p output_dir out\n```"),
        nbformat.v4.new_code_cell(parameters_source(), metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("## Gegevens\n\nChecks the parameters and validates the data."),
        nbformat.v4.new_code_cell("from via_reports.chapters.notebook import ChapterRun\n\n"
                                  f'chapter = ChapterRun.from_parameters("{spec.id}", globals())'),
    ]
    for call, figure in zip(spec.notebook_calls(), spec.figures):
        cells += [nbformat.v4.new_markdown_cell(f"## {titles[figure.id]}\n\n`{figure.id}`"),
                  nbformat.v4.new_code_cell(call)]
    for call in spec.notebook_calls()[len(spec.figures):]:
        heading = "Verschillen tussen groepen" if call == "chapter.show_comparisons()" else f"`{call}`"
        cells += [nbformat.v4.new_markdown_cell(f"## {heading}"), nbformat.v4.new_code_cell(call)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"name": "via-reports", "display_name": "Python (via-reports)", "language": "python"},
        "language_info": {"name": "python"},
    }
    return assign_cell_ids(notebook)  # each id from what its cell shows: none picked by hand


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    spec = chapter_spec(argv[0])
    if not spec.is_computed:
        print(f"{spec.id} is a text chapter: its text is templates/text/<lang>/{spec.id}.md, not a notebook")
        return 2
    path = templates_dir() / "notebooks" / f"{spec.id}.ipynb"
    if path.exists():
        print(f"{path} exists; edit it by hand")
        return 1
    path.write_text(nbformat.writes(chapter_notebook(spec)) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
