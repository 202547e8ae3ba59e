"""docs/methods.md: the methods page a reviewer reads, named in every report's colophon (issue 22).

It must exist where the colophon says (in the repository and in the installed
package), name every estimator and outcome the code computes, and give the
library call of every test the spec fixes.
"""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

import pytest

from test_legibility import demo_final_neutral_en  # noqa: F401 - the demo's final report, en, neutral theme
from test_public_tables import demo_public_k10  # noqa: F401 - the demo's public final report, nl, k = 10
from tiny import STUDY as TINY_STUDY
from via_reports.data.study import parse_study
from via_reports.render.assemble import METHODS_DOCUMENT, _colophon
from via_reports.document.model import ReportDocument
from via_reports.theme.themes import load_theme

ROOT = Path(__file__).resolve().parents[1]


def methods_page() -> str:
    return (ROOT / METHODS_DOCUMENT).read_text(encoding="utf-8")


def test_the_page_named_in_the_colophon_exists_and_ships_with_the_package():
    assert METHODS_DOCUMENT == "docs/methods.md" and (ROOT / METHODS_DOCUMENT).is_file()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included["docs"] == "via_reports/_data/docs"
    assert "via_reports/_data/docs/methods.md" in methods_page()


@pytest.mark.parametrize("language, words", [("nl", "Verantwoording van de statistische methoden"),
                                             ("en", "The statistical methods")])
def test_the_colophon_names_the_methods_page_in_both_languages(language, words):
    raw = copy.deepcopy(TINY_STUDY)
    raw["report_language"] = language
    study, problems = parse_study(raw)
    assert study is not None, problems
    doc = ReportDocument(kind="final", study=study, chapters=[], language=language,
                         provenance={"package_version": "9.8.7"})
    line = _colophon(doc, load_theme("default"))["methods"]
    assert line.startswith(words) and METHODS_DOCUMENT in line and "via-reports 9.8.7" in line
    # without a known version it still names the page, without a dangling space
    doc.provenance = {}
    assert _colophon(doc, load_theme("default"))["methods"].endswith("via-reports.")


def test_every_estimator_and_outcome_of_the_code_is_on_the_page():
    from via_reports.analysis import effects

    estimators = getattr(effects, "ALL_ESTIMATORS", effects.ESTIMATORS)  # v3: with ancova_ipw and the bounds
    page = methods_page()
    missing = [name for name in (*estimators, *effects.OUTCOMES) if f"`{name}`" not in page]
    assert not missing


@pytest.mark.parametrize("call", [
    'OLS(y2, add_constant(column_stack([pilot, y0]))).fit(cov_type="HC3")',
    "scipy.stats.ttest_ind(change_pilot, change_control, equal_var=False)",
    "Logit(r, add_constant(column_stack(",
    'WLS(y2, add_constant(column_stack([pilot, y0])), weights=w).fit(cov_type="HC3")',
    "(z(1 − alpha/2) + z(0.80)) × se", "scipy.stats.norm.ppf",
    "Logit(pilot, add_constant(X)).fit(disp=0)", "llr_pvalue",
    'multipletests(p, method="holm")',
    'confint_proportions_2indep(count_a, n_a, count_b, n_b, method="newcomb"',
    'fisher_exact([[a, n_a − a], [b, n_b − b]], alternative="two-sided")',
    "mcnemar(table, exact=True)", "scipy.stats.wilcoxon(before, after)",
    "sqrt((s²_a + s²_b) / 2)",
])
def test_the_page_gives_each_formula_and_library_call(call):
    assert call in " ".join(methods_page().split()).replace("( ", "(")


def test_the_page_states_the_mde_factor_at_alpha_005_as_scipy_computes_it():
    from scipy.stats import norm

    factor = norm.ppf(1 - 0.05 / 2) + norm.ppf(0.80)
    stated = re.search(r"the factor is (\d+\.\d+) \+ (\d+\.\d+) = (\d+\.\d+)", methods_page())
    assert stated is not None
    assert [float(v) for v in stated.groups()] == pytest.approx(
        [norm.ppf(0.975), norm.ppf(0.8), factor], abs=5e-6)


@pytest.mark.slow
@pytest.mark.parametrize("report, words", [("demo_public_k10", "Verantwoording van de statistische methoden"),
                                           ("demo_final_neutral_en", "The statistical methods")])
def test_the_built_pdf_names_the_methods_page_in_its_colophon(report, words, request):
    from pypdf import PdfReader

    folder = request.getfixturevalue(report)
    last = " ".join((PdfReader(str(folder / "report.pdf")).pages[-1].extract_text() or "").split())
    # a line may break after the path's slash (not inside a word: the line is not hyphenated)
    assert words in last and "docs/methods.md" in last.replace("/ ", "/")
