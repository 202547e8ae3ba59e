"""The chapter notebooks are source, written for people: what they must hold, and their parameters.

No kernel runs here (tests/test_notebooks.py runs them). Each committed
notebook has kernel metadata, no outputs, a ``parameters`` cell declaring
exactly the registry's parameters with type and comment, the set-up cell, and
one cell per registry figure (then the comparisons) under a Markdown heading.
The parameter check itself: unknown, missing or badly typed parameters are
errors, whether they come from the build, papermill or an analyst's edit.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill
import pytest

from via_reports.chapters.cell_ids import VALID_ID, derived_cell_ids
from via_reports.chapters.execute import run_chapter
from via_reports.chapters.notebook import injected_parameters, notebook_parameters
from via_reports.chapters.registry import NOTEBOOK_PARAMETERS, chapter_spec, check_parameters, computed_chapters
from via_reports.exceptions import ParameterError
from via_reports.resources import PROGRAMME_NOTEBOOKS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "templates" / "notebooks"
DEFAULTS = {p.name: p.default for p in NOTEBOOK_PARAMETERS}


def lint(path: Path) -> list[str]:
    """What is wrong with the chapter notebook at ``path`` (empty: nothing)."""
    chapter = path.stem
    notebook = nbformat.read(str(path), as_version=4)
    nbformat.validate(notebook)
    problems = []
    kernel = notebook.metadata.get("kernelspec", {})
    if kernel.get("name") != "via-reports" or kernel.get("language") != "python":
        problems.append(f"kernelspec is {kernel}, not the via-reports Python kernel")
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            problems.append(f"cell {index} has outputs or an execution count: commit notebooks cleared")
        if "injected-parameters" in cell.metadata.get("tags", []):
            problems.append(f"cell {index} is papermill's injected-parameters cell: commit the template")
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        problems.append(f"{len(tagged)} cells tagged 'parameters', not one")
    declared = papermill.inspect_notebook(str(path))
    if list(declared) != list(DEFAULTS):
        problems.append(f"parameters {list(declared)}, the registry's are {list(DEFAULTS)}")
    for parameter in NOTEBOOK_PARAMETERS:
        info = declared.get(parameter.name)
        if info is None:
            continue
        if info["inferred_type_name"] != parameter.type.__name__:
            problems.append(f"{parameter.name} is declared as {info['inferred_type_name']}, "
                            f"not {parameter.type.__name__}")
        if info["default"] != repr(parameter.default):
            problems.append(f"{parameter.name} defaults to {info['default']}, not {parameter.default!r}")
        if not info["help"].strip():
            problems.append(f"{parameter.name} has no comment saying what it is")
    code = [(i, c.source.strip()) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    setup = f'chapter = ChapterRun.from_parameters("{chapter}", globals())'
    if not any(setup in source for _, source in code):
        problems.append(f"no set-up cell with {setup}")
    calls = chapter_spec(chapter).notebook_calls()
    shown = [(i, source) for i, source in code if source.startswith("chapter.show")]
    if [source for _, source in shown] != calls:
        problems.append(f"the cells call {[s for _, s in shown]}; the registry says {calls}, one per cell")
    for index, _ in shown:
        before = notebook.cells[index - 1]
        if before.cell_type != "markdown" or not before.source.startswith("## "):
            problems.append(f"cell {index} has no '## ' Markdown heading above it")
    derived = derived_cell_ids(notebook.cells)
    for index, (cell, cell_id) in enumerate(zip(notebook.cells, derived)):
        if cell.get("id") != cell_id:
            problems.append(f"cell {index} has the id {cell.get('id')!r}, not {cell_id!r} (what it shows): "
                            "run scripts/notebook_cell_ids.py on the notebook")
    return problems


def test_every_computed_chapter_has_a_notebook_and_every_notebook_a_chapter():
    # the programme's synthesis notebook (issue 24) sits beside them and is no chapter
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb") if p.stem not in PROGRAMME_NOTEBOOKS) \
        == sorted(computed_chapters())


@pytest.mark.parametrize("chapter", computed_chapters())
def test_notebook_is_clean_source(chapter):
    assert lint(NOTEBOOKS / f"{chapter}.ipynb") == []


def test_lint_finds_what_it_should(tmp_path):
    notebook = nbformat.read(str(NOTEBOOKS / "barriers.ipynb"), as_version=4)
    parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    parameters.source = parameters.source.replace("min_n: int = 10", "min_n = 10").replace(
        "  # significance threshold of the statistical tests", "")
    show = next(c for c in notebook.cells if c.source == 'chapter.show("barriers.by_wave")')
    show.outputs = [nbformat.v4.new_output("stream", text="hello")]
    heading = notebook.cells[notebook.cells.index(show) - 1]
    heading.source = "Some text"
    path = tmp_path / "barriers.ipynb"
    nbformat.write(notebook, str(path))
    problems = "\n".join(lint(path))
    assert "min_n is declared as None, not int" in problems
    assert "alpha has no comment" in problems
    assert "outputs" in problems
    assert "no '## ' Markdown heading" in problems
    assert "has the id" not in problems  # the cells' contents changed, not what they show


def test_a_cell_id_is_derived_from_what_the_cell_shows(tmp_path):
    notebook = nbformat.read(str(NOTEBOOKS / "barriers.ipynb"), as_version=4)
    ids = [cell.id for cell in notebook.cells]
    assert len(set(ids)) == len(ids) and all(VALID_ID.match(i) for i in ids)
    show = next(i for i, c in enumerate(notebook.cells) if c.source == 'chapter.show("barriers.by_wave")')
    assert ids[show] == "barriers-by_wave" and ids[show - 1] == "barriers-by_wave-about"
    assert ids[:4] == ["title", "parameters", "setup-about", "setup"]
    # a new figure cell (and its heading) inserted before it: the other cells keep their ids
    notebook.cells[show - 1:show - 1] = [nbformat.v4.new_markdown_cell("## Nieuw"),
                                         nbformat.v4.new_code_cell('chapter.show("barriers.count_per_person")')]
    derived = derived_cell_ids(notebook.cells)
    assert derived[show - 1:show + 1] == ["barriers-count_per_person-about", "barriers-count_per_person"]
    assert [d for d in derived if "count_per_person" not in d] == ids
    # a hand-picked id is named by the lint
    notebook.cells[show - 1:show + 1] = []
    notebook.cells[show].id = "my-cell"
    path = tmp_path / "barriers.ipynb"
    nbformat.write(notebook, str(path))
    assert any("has the id 'my-cell', not 'barriers-by_wave'" in p for p in lint(path))
    # two headings above one cell, and a family
    two = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_markdown_cell("a"), nbformat.v4.new_markdown_cell("b"),
           nbformat.v4.new_code_cell('chapter.show("satisfaction.<instrument>")'), nbformat.v4.new_markdown_cell("z")]
    assert derived_cell_ids(two) == ["title", "satisfaction-instrument-about", "satisfaction-instrument-about-2",
                                     "satisfaction-instrument", "end"]


# --------------------------------------------------------------------------- the parameter check


def test_defaults_pass_and_are_filled_in():
    assert check_parameters({"wave": "T2"}) == {**DEFAULTS, "wave": "T2"}


def test_an_unknown_parameter_is_an_error():
    with pytest.raises(ParameterError, match="unknown parameter.*wvae"):
        check_parameters({"wvae": "T1"})


@pytest.mark.parametrize("name, value", [("wave", None), ("min_n", "ten"), ("min_n", True), ("language", 3)])
def test_badly_typed_parameter_is_an_error(name, value):
    with pytest.raises(ParameterError, match=name):
        check_parameters({name: value})


def test_bad_kind_is_an_error():
    with pytest.raises(ParameterError, match="kind"):
        check_parameters({"kind": "weekly"})


def test_runner_rejects_unknown_parameter_before_starting_a_kernel(tmp_path):
    with pytest.raises(ParameterError, match="unknown parameter.*colour"):
        run_chapter("barriers", {"colour": "red"}, tmp_path / "barriers.ipynb")
    assert not (tmp_path / "barriers.ipynb").exists()


def namespace(history=(), **values):
    """A notebook's globals as IPython holds them: the parameters, its own names, the input history."""
    return {**DEFAULTS, "In": ["", *history], "Out": {}, "get_ipython": lambda: None, "json": json, **values}


def test_variables_an_analyst_defines_are_not_parameters():
    """Running the set-up cell again (``chapter`` now exists) or any variable of one's own is fine."""
    values = notebook_parameters(namespace(chapter=object(), my_selection=[1, 2], wave="T1"))
    assert values == {**DEFAULTS, "wave": "T1"}


def test_a_parameter_papermill_injected_but_nobody_declared_is_an_error():
    injected = "# Parameters\nwvae = \"T1\"\noutput_dir = \"out\"\n"
    with pytest.raises(ParameterError, match="unknown parameter.*wvae"):
        notebook_parameters(namespace([injected], wvae="T1", output_dir="out"))
    assert notebook_parameters(namespace(["# Parameters\nwave = 'T1'\n"], wave="T1"))["wave"] == "T1"


def test_injected_names_are_read_from_papermills_cell_only():
    black_formatted = '# Parameters\ndata_dir = (\n    "/a/very/long/path"\n)\nwave = "T1"\n'
    assert injected_parameters([black_formatted]) == ["data_dir", "wave"]
    assert injected_parameters(["x = 1", "# Parameters\nchapter.show('x')\n", "# Parameters\n"]) == []


def test_a_parameter_deleted_from_the_parameters_cell_is_an_error():
    values = namespace()
    del values["output_dir"]
    with pytest.raises(ParameterError, match="missing parameter.*output_dir"):
        notebook_parameters(values)


def test_a_badly_edited_parameter_is_an_error():
    with pytest.raises(ParameterError, match="min_n must be of type int"):
        notebook_parameters(namespace(min_n="10"))
