"""Public editions at any threshold k, one person's extreme value, and --internal over public: true.

- Every shipped text (templates/text/<lang>/*.md) degrades to withheld wording for
  any k: rendered for the demo's interim and final editions at k from 2 to the
  largest group, and two public demo editions are built at large k (30, the
  issue's example, and the largest group).
- One participant with 45 years of paid work: the public edition's figure CSVs,
  HTML chart data, PDF text and generated sentences hold that value nowhere.
- ``internal=True`` over ``public: true`` in study.yaml builds the internal edition,
  and the manifest's provenance says so.
Rules: docs/disclosure.md.
"""

from __future__ import annotations

import csv
import json
import re

import pytest
from pypdf import PdfReader

from via_reports.report.build import BuildOptions, build_report

pytestmark = pytest.mark.slow

#: The demo's largest group: its 134 pilot participants.
LARGEST = 134
#: Thresholds spanning 2 .. the largest group, and beyond it.
THRESHOLDS = (2, 5, 10, 30, 60, 100, LARGEST, LARGEST + 1)


@pytest.fixture(scope="module")
def demo():
    from via_reports import load_dataset

    return load_dataset(None)


@pytest.fixture(scope="module")
def internal_figures(demo):
    """Every figure of the demo's interim (T1) and final (T2) report in both languages, internal edition, once each."""
    from via_reports.analysis.scope import Scope
    from via_reports.chapters.registry import chapter_figures, chapters_for

    figures = {}
    for wave in ("T1", "T2"):
        for language in ("nl", "en"):
            scope = Scope.for_wave(demo, wave, language=language)
            figures[wave, language] = [f for spec in chapters_for(scope.kind) if spec.is_computed
                                       for f in chapter_figures(spec.id, demo, scope)]
    return figures


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("wave", ["T1", "T2"])
@pytest.mark.parametrize("k", THRESHOLDS)
def test_every_shipped_text_renders_at_any_k(demo, internal_figures, wave, k, language):
    from via_reports.analysis.scope import Scope
    from via_reports.chapters.registry import TEXT_APPENDICES, chapters_for
    from via_reports.figures.public import public_figure
    from via_reports.report.facts import text_context
    from via_reports.report.text import load_text, text_path

    scope = Scope.for_wave(demo, wave, language=language, min_cell=k)
    figures = {f.id: public_figure(f, k) for f in internal_figures[wave, language]}
    context = text_context(demo, scope, figures)
    rendered = 0
    for spec in [*chapters_for(scope.kind), *TEXT_APPENDICES]:
        if text_path(spec.id, scope.language).is_file():
            load_text(spec.id, context)  # a TextError fails the test, naming the file and line
            rendered += 1
    assert rendered >= 5


def test_the_largest_group_is_the_demos_pilot(demo):
    assert int((demo.participants["group"] == "pilot").sum()) == LARGEST


@pytest.fixture(scope="session")
def large_k_editions(made_once):
    """The public demo editions at a large k: interim at k=30, final at the largest group."""
    def make(folder):
        build_report(BuildOptions(out=folder / "interim", wave="T1", min_cell=30))
        build_report(BuildOptions(out=folder / "final", wave="T2", min_cell=LARGEST))

    return made_once("demo-public-large-k", make)


@pytest.mark.parametrize(("edition", "k"), [("interim", 30), ("final", LARGEST)])
def test_the_public_demo_builds_at_a_large_k(large_k_editions, edition, k):
    manifest = json.loads((large_k_editions / edition / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["parameters"]["public"] is True and manifest["report"]["parameters"]["min_cell"] == k
    assert (large_k_editions / edition / "report.pdf").stat().st_size > 0
    text = pdf_text(large_k_editions / edition / "report.pdf")
    assert "×" in text and "Traceback" not in text


# --------------------------------------------------------------------------- one person's extreme value


def pdf_text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


@pytest.fixture(scope="session")
def extreme(made_once, demo_data):
    """The demo with one participant's years of paid work in the Netherlands set to 45, public interim (k=5)."""
    import shutil

    def make(folder):
        data = folder / "data"
        shutil.copytree(demo_data, data)
        path = data / "participants.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        longest = max((r for r in rows if r["group"] == "pilot" and r["years_paid_work_nl"]),
                      key=lambda r: float(r["years_paid_work_nl"]))
        longest["years_paid_work_nl"] = "45"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        build_report(BuildOptions(data_dir=data, out=folder / "report", wave="T1", public=True))

    return made_once("demo-extreme-45", make)


def test_the_internal_figure_of_that_data_shows_45(extreme):
    """The control: the same data's internal box plot has 45 as its maximum (so the searches below can fail)."""
    from via_reports import load_dataset
    from via_reports.analysis.scope import Scope
    from via_reports.chapters.registry import build_figure

    dataset = load_dataset(extreme / "data")
    figure = build_figure("participants.years_paid_work", dataset, Scope.for_wave(dataset, "T1"))
    assert dict(zip(figure.data["statistic"], figure.data["value"]))["max"] == 45.0
    assert "45,0" in figure.display_table.to_csv()


def test_45_years_is_in_no_figure_csv_of_the_public_edition(extreme):
    for path in sorted((extreme / "report" / "figures").glob("participants.years_*.csv")):
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert [r["statistic"] for r in rows] == ["p10", "q1", "median", "q3", "p90", "mean"], path.name
        assert all(r["value"] == "" or float(r["value"]) != 45.0 for r in rows), rows


def test_45_years_is_in_no_chart_data_of_the_public_html(extreme):
    html = (extreme / "report" / "report.html").read_text(encoding="utf-8")
    box_rows = []
    for match in re.finditer(r'"data-[0-9a-f]+":(\[[^\[\]]*\])', html):
        rows = json.loads(match.group(1))
        box_rows += [r for r in rows if isinstance(r, dict) and ("q1" in r or "median" in r or "marker" in r)]
    assert box_rows, "the box plots' chart data were not found"
    assert all(value != 45 for row in box_rows for value in row.values()), box_rows
    assert not any(key in row for row in box_rows for key in ("min", "max", "whisker_low", "whisker_high"))


def test_45_years_is_in_no_text_of_the_public_pdf(extreme):
    text = pdf_text(extreme / "report" / "report.pdf")
    title = "Aantal jaren betaald werk in Nederland"
    parts = [text[m.start():m.start() + 700] for m in re.finditer(re.escape(title), text)]
    assert len(parts) >= 2  # the chapter's figure and the appendix table
    for part in parts:
        assert not re.search(r"(?<![\d,.])45(?:,0)?(?![\d%])", part.split("Figuur", 1)[0]), part
    assert "45 jaar" not in text and "snorharen p10–p90" in text


def test_45_years_is_in_no_generated_sentence(extreme):
    manifest = json.loads((extreme / "report" / "manifest.json").read_text(encoding="utf-8"))
    notebook = json.loads((extreme / "report" / "notebooks" / "participants.ipynb").read_text(encoding="utf-8"))
    payloads = [output["data"]["application/vnd.via-reports.figure+json"]
                for cell in notebook["cells"] for output in cell.get("outputs", [])
                if "application/vnd.via-reports.figure+json" in output.get("data", {})]
    box = [p for p in payloads if p["id"].startswith("participants.years_")]
    assert len(box) == 2 and manifest["report"]["parameters"]["public"] is True
    for payload in box:
        words = " ".join([*payload["text"], *payload["notes"], payload["alt_text"]])
        assert not re.search(r"(?<![\d,.])45(?![\d])", words), words


# --------------------------------------------------------------------------- --internal over public: true


@pytest.fixture(scope="session")
def internal_over_public(made_once):
    """The tiny dataset, public by its study.yaml, built with internal=True."""
    from tiny import tiny_tables, write_dataset

    def make(folder):
        study, frames = tiny_tables()
        study["public"] = True
        data = write_dataset(folder / "data", study, frames)
        build_report(BuildOptions(data_dir=data, out=folder / "report", wave="T1", min_n=2, internal=True))

    return made_once("tiny-internal-over-public", make) / "report"


def test_internal_over_public_true_builds_the_internal_edition_and_says_so(internal_over_public):
    manifest = json.loads((internal_over_public / "manifest.json").read_text(encoding="utf-8"))
    parameters = manifest["report"]["parameters"]
    assert parameters.get("internal") is True and "public" not in parameters and "min_cell" not in parameters
    education = (internal_over_public / "figures" / "participants.education.csv").read_text(encoding="utf-8")
    assert education.splitlines()[0] == "education_nl,count,percent,n"  # no suppressed column: internal
    assert "primary,1," in education  # a count of 1, shown
    text = pdf_text(internal_over_public / "report.pdf")
    assert "Openbare editie" not in text and "Interne editie op verzoek (--internal) ja" in text
