"""Adding a computed chapter: one registry entry, one figures module, one notebook (docs/architecture.md).

The test makes a copy of the package and its templates, adds a toy chapter
the way a developer would (a figures module, its entry in the registry, a
notebook started with scripts/new_chapter_notebook.py) and builds a report
with the copy: the toy figure is in the PDF, the manifest and figures/, with
the counts of tests/tiny.py (pilot P1..P8 all answered T0; P1..P6 answered T1).
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
from via_reports.figures.common import count_rows
from via_reports.figures.figure import Figure

TITLE = {"nl": "Respondenten per meetmoment", "en": "Respondents per wave"}


def respondents(dataset: Dataset, scope: Scope, style: ChartStyle | None = None) -> Figure:
    people = set(pilot(dataset).index)
    counts = [len(respondent_ids(dataset, wave) & people) for wave in scope.waves]
    data = count_rows([{"wave": wave} for wave in scope.waves], counts, len(people))
    chart = charts.bar_chart(data, category="wave", value="count", category_order=list(scope.waves),
                             value_title=TITLE[scope.language], style=style)
    described = "; ".join(f"{wave}: {count}" for wave, count in zip(scope.waves, counts))
    return Figure(id="toy.respondents", title=TITLE[scope.language], n=len(people), data=data, chart=chart,
                  alt_text=f"{TITLE[scope.language]}: {described}.", language=scope.language,
                  text=[f"{TITLE[scope.language]}: {described}."])
'''

TOY_ENTRY = '''    ChapterSpec(
        "toy", COMPUTED, {"nl": "Respons per meetmoment", "en": "Response per wave"},
        figures=(FigureSpec("toy.respondents", toy.respondents),),
    ),
'''


def add_toy_chapter(repo: Path) -> None:
    (repo / "via_reports" / "figures" / "toy.py").write_text(TOY_FIGURES, encoding="utf-8")
    registry = repo / "via_reports" / "chapters" / "registry.py"
    text = registry.read_text(encoding="utf-8")
    anchor = '    ChapterSpec("conclusions", TEXT'
    imports = "from via_reports.figures.charts import ChartStyle"
    assert anchor in text and imports in text
    text = text.replace(imports, "from via_reports.figures import toy\n" + imports).replace(anchor, TOY_ENTRY + anchor)
    registry.write_text(text, encoding="utf-8")


def changed_files(copy: Path, original: Path) -> list[str]:
    changed = []

    def walk(comparison: filecmp.dircmp, prefix: str) -> None:
        changed.extend(prefix + name for name in comparison.left_only + comparison.diff_files)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(copy, original, ignore=["__pycache__", ".ipynb_checkpoints"]), "")
    return sorted(changed)


def test_a_toy_chapter_is_built_into_the_report(tmp_path):
    from tiny import tiny_tables, write_dataset

    repo = tmp_path / "checkout"
    for folder in ("via_reports", "templates", "data_contracts", "scripts", "tests"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    env = {**os.environ, "PYTHONPATH": str(repo)}  # the copy's package, templates and kernel code
    env.pop("VIA_REPORTS_TEMPLATES", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, *args], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    add_toy_chapter(repo)
    run(str(repo / "scripts" / "new_chapter_notebook.py"), "toy")
    assert changed_files(repo, ROOT) == ["templates/notebooks/toy.ipynb", "via_reports/chapters/registry.py",
                                         "via_reports/figures/toy.py"]
    lint = run("-c", "import sys; from pathlib import Path; sys.path.insert(0, 'checkout/tests'); "
                     "from test_notebook_source import lint; "
                     "print(lint(Path('checkout/templates/notebooks/toy.ipynb')))")
    assert lint.stdout.strip() == "[]"

    data = write_dataset(tmp_path / "data", *tiny_tables())
    run("-m", "via_reports", "build", str(data), "--wave", "T1", "--out", str(tmp_path / "report"), "--quiet")
    report = tmp_path / "report"
    manifest = json.loads((report / "manifest.json").read_text())
    toy = next(entry for entry in manifest["figures"] if entry["id"] == "toy.respondents")
    # interim chapters: introduction 1, approach 2, participants 3 ... satisfaction 7, toy 8, conclusions 9
    assert toy["number"] == "8.1" and toy["caption"] == "Figuur 8.1. Respondenten per meetmoment (n=8)"
    assert (report / "figures" / "toy.respondents.csv").read_text().splitlines() == [
        "wave,count,percent,n", "T0,8,100.0,8", "T1,6,75.0,8"]
    pdf_text = " ".join(subprocess.run(["pdftotext", str(report / "report.pdf"), "-"], capture_output=True,
                                       text=True).stdout.split())
    assert re.search(r"\b8 Respons per meetmoment[ .]+\d+ 9 Conclusie", pdf_text)  # in the contents
    assert "Figuur 8.1. Respondenten per meetmoment (n=8)" in pdf_text
    assert (report / "notebooks" / "toy.ipynb").is_file()
