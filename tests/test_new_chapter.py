"""The three recipes of docs/architecture.md, "How to add", kept honest: a toy figure, chapter and format.

The test copies the package and its templates, then adds, through the
documented files only (and checks that no other file changed):

* a **figure** in an existing chapter, ``barriers.panel_by_sex`` (3 files): its function
  and declaration in ``via_reports/figures/barriers.py``, a cell in
  ``templates/notebooks/barriers.ipynb`` (its id given by
  ``scripts/notebook_cell_ids.py``) and its test in ``tests/test_figures_barriers.py``;
* a **chapter**, ``toy`` (4 files): ``via_reports/figures/toy.py``, one entry in
  ``via_reports/chapters/registry.py``, ``templates/notebooks/toy.ipynb``
  (started with ``scripts/new_chapter_notebook.py``) and ``tests/test_figures_toy.py``;
* a **format**, a plain-text list of the figures (3 files): ``via_reports/render/toy_text.py``,
  one line in ``via_reports/formats.py`` and ``tests/test_toy_text.py``.

docs/ is copied too, so a recipe that needed a line there (the figure catalogue is generated from
the declarations, ``scripts/figure_catalogue.py``) would fail here; the toy tests run in the copy.

Then it builds the tiny study's interim report with the copy, and its public
edition: both succeed, and the toy figures and file are where they belong, with
the counts of tests/tiny.py (pilot P1..P8 answered T0, P1..P6 also T1; the
panel P1..P6 is 3 women, 2 men, 1 other). Slow (two builds), so one wave, one build per edition.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

TOY_FIGURES = '''"""Chapter "Respons per meetmoment": pilot participants who answered each wave of the report."""

from __future__ import annotations

from via_reports.analysis.populations import pilot, respondent_ids
from via_reports.analysis.scope import Scope
from via_reports.data.dataset import Dataset
from via_reports.figures import charts
from via_reports.figures.charts import ChartStyle
from via_reports.figures.common import count_rows, display_table
from via_reports.figures.declaration import COUNTS, WAVE, CountRule, figure
from via_reports.figures.figure import Figure

TITLE = {"nl": "Respondenten per meetmoment", "en": "Respondents per wave"}


@figure("toy.respondents", chapter="toy", order=1, caption=TITLE, columns={"wave": WAVE, **COUNTS},
        disclosure=CountRule(binary=True))
def respondents(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    people = set(pilot(dataset).index)
    counts = [len(respondent_ids(dataset, wave) & people) for wave in scope.waves]
    data = count_rows([{"wave": wave} for wave in scope.waves], counts, len(people))
    chart = charts.bar_chart(data, category="wave", value="count", category_order=list(scope.waves),
                             value_title=TITLE[scope.language], style=style)
    described = "; ".join(f"{wave}: {count}" for wave, count in zip(scope.waves, counts))
    return Figure(id="toy.respondents", title=TITLE[scope.language], n=len(people), data=data, chart=chart,
                  alt_text=f"{TITLE[scope.language]}: {described}.", language=scope.language,
                  text=[f"{TITLE[scope.language]}: {described}."], table=display_table(data, scope.language))
'''

TOY_ENTRY = '''    ChapterSpec(
        "toy", COMPUTED, {"nl": "Respons per meetmoment", "en": "Response per wave"},
        figures=declared_figures("toy"), seconds=0.5,
    ),
'''

#: Appended to via_reports/figures/barriers.py: a figure of an existing chapter.
PANEL_FIGURE = '''

PANEL_TITLE = {"nl": "Panel naar geslacht", "en": "Panel by sex"}
SEX_GROUP = {"nl": "Geslacht in de proef", "en": "Sex in the trial"}


@figure("barriers.panel_by_sex", chapter="barriers", order=4, caption=PANEL_TITLE,
        columns={"sex": {"nl": "Geslacht", "en": "Sex"}, **COUNTS}, chart_fields={"sex_group": SEX_GROUP},
        disclosure=CountRule(dims=("sex",)))
def panel_by_sex(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    people = panel(dataset, scope.waves)
    sexes = ("female", "male", "other")
    data = count_rows([{"sex": s} for s in sexes], [int((people["sex"] == s).sum()) for s in sexes], len(people))
    plot = data.assign(sex_group=[label("sex", s, scope.language) for s in sexes])
    chart = charts.bar_chart(plot, category="sex_group", value="count", category_order=list(plot["sex_group"]),
                             value_title=COUNT_TITLE[scope.language], style=style)
    parts = [f"{row.sex_group} {row.count}" for row in plot.itertuples()]
    return Figure(id="barriers.panel_by_sex", title=PANEL_TITLE[scope.language], n=len(people), data=data,
                  chart=chart, alt_text=describe("bar", scope.language, parts), language=scope.language,
                  text=[], table=display_table(data, scope.language, {"sex": code_labeller("sex", scope.language)}))
'''

TOY_FORMAT = '''"""A plain-text list of a report's figures: each one's id, caption and n (the toy format of tests/test_new_chapter.py)."""

from __future__ import annotations

from pathlib import Path


def render_text(document, theme, out_path, *, svgs, cache) -> Path:
    lines = [document.title, ""] + [f"{f.id}: {f.title} (n={f.n})" for f in document.figures()]
    Path(out_path).write_text("\\n".join(lines) + "\\n", encoding="utf-8")
    return Path(out_path)
'''

TOY_FORMAT_LINE = '''    OutputFormat("txt", "report.txt", "via_reports.render.toy_text:render_text", True),
'''

#: The toy figure's test, appended to tests/test_figures_barriers.py: the tiny panel P1..P6 by sex.
PANEL_TEST = """


def test_toy_panel_by_sex_counts_the_tiny_panel(tmp_path):
    from tiny import load_tiny

    from via_reports.analysis.scope import Scope
    from via_reports.figures.barriers import panel_by_sex

    figure = panel_by_sex(load_tiny(tmp_path), Scope(waves=("T0", "T1"), min_n=3))
    assert figure.data["count"].tolist() == [3, 2, 1] and figure.n == 6
"""

#: The toy chapter's test: P1..P8 answered T0, P1..P6 T1.
TOY_TEST = """from tiny import load_tiny

from via_reports.analysis.scope import Scope
from via_reports.figures.toy import respondents


def test_toy_respondents_counts_each_wave(tmp_path):
    figure = respondents(load_tiny(tmp_path), Scope(waves=("T0", "T1"), min_n=3))
    assert figure.data["count"].tolist() == [8, 6] and figure.n == 8
"""

#: The toy format's test: registered under its name, and the lines it writes.
TOY_FORMAT_TEST = """from types import SimpleNamespace

from via_reports.formats import FORMATS
from via_reports.render.toy_text import render_text


def test_toy_text_is_registered_and_lists_each_figure(tmp_path):
    assert FORMATS["txt"].manifest_entries() == ["report.txt"]
    document = SimpleNamespace(title="Rapport", figures=lambda: [SimpleNamespace(id="a.b", title="Iets", n=3)])
    render_text(document, None, tmp_path / "report.txt", svgs={}, cache=None)
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == "Rapport\\n\\na.b: Iets (n=3)\\n"
"""

#: The documented files of each recipe (docs/architecture.md, "How to add"), and nothing else.
FIGURE_FILES = ["templates/notebooks/barriers.ipynb", "tests/test_figures_barriers.py", "via_reports/figures/barriers.py"]
CHAPTER_FILES = ["templates/notebooks/toy.ipynb", "tests/test_figures_toy.py", "via_reports/chapters/registry.py",
                 "via_reports/figures/toy.py"]
FORMAT_FILES = ["tests/test_toy_text.py", "via_reports/formats.py", "via_reports/render/toy_text.py"]


def _replace(path: Path, anchor: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, anchor
    path.write_text(text.replace(anchor, new), encoding="utf-8")


def add_toy_figure(repo: Path, run) -> None:
    """The figure recipe: the function with its declaration, and its cell in the chapter's notebook."""
    with (repo / "via_reports" / "figures" / "barriers.py").open("a", encoding="utf-8") as module:
        module.write(PANEL_FIGURE)
    import nbformat

    path = repo / "templates" / "notebooks" / "barriers.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    last = max(i for i, c in enumerate(notebook.cells) if c.source.startswith('chapter.show("barriers.'))
    notebook.cells[last + 1:last + 1] = [nbformat.v4.new_markdown_cell("## Panel naar geslacht\n\n`barriers.panel_by_sex`"),
                                         nbformat.v4.new_code_cell('chapter.show("barriers.panel_by_sex")')]
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
    run(str(repo / "scripts" / "notebook_cell_ids.py"), str(path))
    with (repo / "tests" / "test_figures_barriers.py").open("a", encoding="utf-8") as tests:
        tests.write(PANEL_TEST)


def add_toy_chapter(repo: Path, run) -> None:
    """The chapter recipe: its figures module, its registry entry, its notebook."""
    (repo / "via_reports" / "figures" / "toy.py").write_text(TOY_FIGURES, encoding="utf-8")
    registry = repo / "via_reports" / "chapters" / "registry.py"
    _replace(registry, "    balance,\n    barriers,\n", "    balance,\n    barriers,\n    toy,\n")
    _replace(registry, '    ChapterSpec("conclusions", TEXT', TOY_ENTRY + '    ChapterSpec("conclusions", TEXT')
    run(str(repo / "scripts" / "new_chapter_notebook.py"), "toy")
    (repo / "tests" / "test_figures_toy.py").write_text(TOY_TEST, encoding="utf-8")


def add_toy_format(repo: Path) -> None:
    """The format recipe: its module, its line in the formats table and its test."""
    (repo / "via_reports" / "render" / "toy_text.py").write_text(TOY_FORMAT, encoding="utf-8")
    (repo / "tests" / "test_toy_text.py").write_text(TOY_FORMAT_TEST, encoding="utf-8")
    _replace(repo / "via_reports" / "formats.py", "    OutputFormat(\"docx\",", TOY_FORMAT_LINE + "    OutputFormat(\"docx\",")


def changed_files(copy: Path, original: Path) -> list[str]:
    changed = []

    def walk(comparison: filecmp.dircmp, prefix: str) -> None:
        changed.extend(prefix + name for name in comparison.left_only + comparison.diff_files)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(copy, original, ignore=["__pycache__", ".ipynb_checkpoints"]), "")
    return sorted(changed)


def test_a_toy_figure_chapter_and_format_are_built_into_the_report(tmp_path):
    from tiny import tiny_tables, write_dataset

    repo = tmp_path / "checkout"
    for folder in ("via_reports", "templates", "data_contracts", "scripts", "tests", "docs"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    env = {**os.environ, "PYTHONPATH": f"{repo}{os.pathsep}{repo / 'tests'}"}  # the copy's package and templates
    env.pop("VIA_REPORTS_TEMPLATES", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, *args], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    add_toy_figure(repo, run)
    assert changed_files(repo, ROOT) == FIGURE_FILES
    add_toy_chapter(repo, run)
    assert changed_files(repo, ROOT) == sorted(FIGURE_FILES + CHAPTER_FILES)
    add_toy_format(repo)
    assert changed_files(repo, ROOT) == sorted(FIGURE_FILES + CHAPTER_FILES + FORMAT_FILES)
    assert (len(FIGURE_FILES), len(CHAPTER_FILES), len(FORMAT_FILES)) == (3, 4, 3)  # the limits
    run("-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", str(repo / "tests" / "test_toy_text.py"),
        str(repo / "tests" / "test_figures_toy.py"), f"{repo / 'tests' / 'test_figures_barriers.py'}::"
        "test_toy_panel_by_sex_counts_the_tiny_panel")
    catalogue = run(str(repo / "scripts" / "figure_catalogue.py")).stdout
    assert "| `barriers.panel_by_sex` |" in catalogue and "| `toy.respondents` |" in catalogue
    checks = run("-c", "from pathlib import Path; from test_notebook_source import lint; "
                       "from test_figure_declarations import problems, DECLARED; "
                       "import via_reports.chapters.registry; from registry_numbers import figure_number; "
                       "print([lint(Path(f'checkout/templates/notebooks/{c}.ipynb')) for c in ('toy', 'barriers')]); "
                       "print([problems(DECLARED[i]) for i in ('toy.respondents', 'barriers.panel_by_sex')]); "
                       "print(figure_number('toy.respondents', 'interim'), figure_number('barriers.panel_by_sex', 'interim'))")
    lints, declared, numbers = checks.stdout.strip().splitlines()
    assert lints == "[[], []]" and declared == "[[], []]"
    toy_number, panel_number = numbers.split()

    data = write_dataset(tmp_path / "data", *tiny_tables())
    report = tmp_path / "report"
    run("-m", "via_reports", "build", str(data), "--wave", "T1", "--out", str(report), "--formats", "pdf,html,txt",
        "--quiet")
    manifest = json.loads((report / "manifest.json").read_text())
    assert "report.txt" in manifest["files"]
    by_id = {entry["id"]: entry for entry in manifest["figures"]}
    assert by_id["toy.respondents"]["number"] == toy_number
    assert by_id["toy.respondents"]["caption"] == f"Figuur {toy_number}. Respondenten per meetmoment (n=8)"
    assert by_id["barriers.panel_by_sex"]["caption"] == f"Figuur {panel_number}. Panel naar geslacht (n=6)"
    assert (report / "figures" / "toy.respondents.csv").read_text().splitlines() == [
        "wave,count,percent,n", "T0,8,100.0,8", "T1,6,75.0,8"]
    assert (report / "figures" / "barriers.panel_by_sex.csv").read_text().splitlines() == [
        "sex,count,percent,n", "female,3,50.0,6", "male,2,33.3,6", "other,1,16.7,6"]
    text = (report / "report.txt").read_text(encoding="utf-8").splitlines()
    assert "toy.respondents: Respondenten per meetmoment (n=8)" in text
    assert "barriers.panel_by_sex: Panel naar geslacht (n=6)" in text
    assert "Geslacht in de proef: " in (report / "report.html").read_text(encoding="utf-8")  # its declared field name
    pdf_text = " ".join(subprocess.run(["pdftotext", str(report / "report.pdf"), "-"], capture_output=True,
                                       text=True).stdout.split())
    chapter = toy_number.split(".")[0]
    assert re.search(rf"\b{chapter} Respons per meetmoment[ .]+\d+ {int(chapter) + 1} Conclusie", pdf_text)
    assert f"Figuur {toy_number}. Respondenten per meetmoment (n=8)" in pdf_text
    assert (report / "notebooks" / "toy.ipynb").is_file()

    public = tmp_path / "public"  # the declared disclosure rules: the public edition builds too
    run("-m", "via_reports", "build", str(data), "--wave", "T1", "--out", str(public), "--public", "--min-cell", "3",
        "--formats", "html,txt", "--quiet")
    rows = (public / "figures" / "barriers.panel_by_sex.csv").read_text().splitlines()
    assert rows[0] == "sex,count,percent,n,suppressed"
    assert rows[1] == "female,3,50.0,6,false" and rows[3].startswith("other,,,6,true")  # 1 < 3: withheld
    assert "barriers.panel_by_sex" in (public / "report.txt").read_text(encoding="utf-8")
