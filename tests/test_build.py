"""`via-reports build` end to end: structure, privacy, reproducibility, failures.

Builds run real kernels (tens of seconds each on two cores), so each report is
built once per test run (``made_once``, shared by the xdist workers) and read by
every test that asks something of it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from registry_numbers import figure_number

from via_reports.chapters.registry import chapters_for, computed_chapters
from via_reports.cli import main
from via_reports.exceptions import ChapterError, ContractError, ParameterError
from via_reports.report.build import BuildOptions, build_report

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


#: Recognisable ids and free texts in the tiny dataset, to be sure none reaches any output.
SECRET_IDS = [f"GEHEIM{k:02d}X" for k in range(1, 12)]
SECRET_TEXTS = ["SECRET TEXT rugklachten", "SECRET TEXT wil eerst de taal leren"]


@pytest.fixture(scope="session")
def tiny_neutral_report(made_once):
    """The tiny dataset with recognisable ids and free texts, built at T1 in the neutral theme, once."""
    from tiny import tiny_tables, write_dataset

    def make(folder):
        study, frames = tiny_tables()
        mapping = dict(zip([f"P{k}" for k in range(1, 9)] + ["C1", "C2", "C3"], SECRET_IDS))
        for frame in frames.values():
            if "participant_id" in frame:
                frame["participant_id"] = frame["participant_id"].map(mapping)
        frames["barriers"].loc[frames["barriers"].barrier == "other", "other_text"] = SECRET_TEXTS[0]
        frames["non_use_reasons"].loc[frames["non_use_reasons"].reason == "other", "other_text"] = SECRET_TEXTS[1]
        data = write_dataset(folder / "data", study, frames)
        build_report(BuildOptions(data_dir=data, out=folder / "report", wave="T1", min_n=2, theme="neutral"))

    return made_once("tiny-neutral", make) / "report"


def test_output_folder_contents(demo_report):
    out = demo_report
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["report"]["kind"], manifest["report"]["parameters"]["wave"]) == ("interim", "T1")
    for name in ("report.pdf", "report.html", "manifest.json"):
        assert (out / name).is_file()
    notebooks = sorted(p.stem for p in (out / "notebooks").glob("*.ipynb"))
    assert notebooks == sorted(computed_chapters("interim")) and "effects" not in notebooks
    assert not list(out.glob(".*")), "no lock or temporary files are left behind"
    assert not list(out.parent.glob(".report.*")), "no staging folder is left behind"


@pytest.mark.parametrize("chapter", ["participation", "barriers"])
def test_a_chapter_alone_through_papermill_gives_the_build_its_comparison_rows(demo_report, tmp_path, chapter):
    """A chapter's family of comparisons (and so its Holm-adjusted p) does not depend on how it is run."""
    import pandas as pd

    from via_reports.chapters.execute import run_chapter

    out = demo_report
    alone = run_chapter(chapter, {"wave": "T1", "output_dir": str(tmp_path)}, tmp_path / f"{chapter}.ipynb")
    [rows] = [output["metadata"]["via_reports"]["rows"] for cell in nbformat.read(alone.notebook, 4).cells
              for output in cell.get("outputs", [])
              if output.get("metadata", {}).get("via_reports", {}).get("type") == "comparisons"]
    codes = {column: str for column in ("chapter", "outcome", "split", "group_a", "group_b")}
    built = pd.read_csv(out / "figures" / "subgroups.comparisons.csv", dtype=codes, keep_default_na=False)
    built = built[built["chapter"] == chapter].reset_index(drop=True)
    assert len(built) == len(rows) > 0
    pd.testing.assert_frame_equal(pd.DataFrame(rows)[list(built.columns)], built, check_dtype=False, check_exact=True)


def test_manifest_numbers_every_figure_and_lists_its_csv(demo_report):
    out = demo_report
    manifest = json.loads((out / "manifest.json").read_text())
    figures = manifest["figures"]
    assert len(figures) == len(list((out / "figures").glob("*.csv")))
    by_id = {f["id"]: f for f in figures}
    number = figure_number("participants.age_sex", "interim")
    assert by_id["participants.age_sex"]["number"] == number
    assert by_id["participants.age_sex"]["caption"] == f"Figuur {number}. Deelnemers naar leeftijdsgroep en geslacht (n=134)"
    for entry in figures:
        for file in entry["files"]:
            assert (out / file).is_file()
    assert manifest["report"]["data_fingerprint"]
    assert manifest["report"]["synthetic"] is True


def test_pdf_structure(demo_report):
    out = demo_report
    text = pdf_text(out / "report.pdf")
    flat = re.sub(r"\s+", " ", text)
    assert "Synthetische demonstratiedata" in flat  # on the cover of a demo build
    assert "Utrecht, april 2021" in flat
    # the contents: the summary, then every chapter of an interim report numbered in the registry's order
    toc = flat[flat.index("Inhoud"):]
    assert re.match(r"Inhoud Samenvatting[ .]+\d+ 1 Inleiding", toc)
    numbered = [c for c in chapters_for("interim") if c.id != "summary" and not c.appendix]
    pages = []
    for number, chapter in enumerate(numbered, 1):
        entry = re.search(rf"{number} {re.escape(chapter.title['nl'])}[ .]+?(\d+) ", toc)
        assert entry, f"no contents line '{number} {chapter.title['nl']} ... page'"
        pages.append(int(entry.group(1)))
    assert pages == sorted(pages) and len(pages) == len(numbered) > 0
    age_sex = figure_number("participants.age_sex", "interim")
    assert f"Figuur {age_sex}. Deelnemers naar leeftijdsgroep en geslacht (n=134)" in flat
    by_wave = json.loads((out / "manifest.json").read_text())["figures"]
    by_wave = next(f for f in by_wave if f["id"] == "participation.by_wave")  # the panel of T0 and T1: 124
    assert by_wave["number"] == figure_number("participation.by_wave", "interim")
    assert by_wave["caption"].startswith(f"Figuur {by_wave['number']}. ") and by_wave["caption"].endswith("(n=124)")
    assert by_wave["caption"] in flat
    assert "Bijlage" in flat and "Colofon" in flat
    assert "via-reports demo" in flat and "ISBN" not in flat  # synthetic: a made-up publisher, no ISBN
    # the summary quotes the numbers of the figures it refers to (the published 54, 53 and 46 of 124)
    import pandas as pd

    participation = pd.read_csv(out / "figures" / "participation.by_wave.csv").set_index(["wave", "type"])
    use = pd.read_csv(out / "figures" / "instruments.use.csv").set_index("instrument")
    t0, t1 = participation.loc[("T0", "any"), "count"], participation.loc[("T1", "any"), "count"]
    assert (t0, t1, use.loc["any", "count"]) == (54, 53, 46)
    assert f"Op T0 hadden {t0} van de {participation['n'].iloc[0]} deelnemers betaald of onbetaald werk" in flat
    assert f"op T1 waren dat er {t1}." in flat
    assert f"Op T1 maakten {use.loc['any', 'count']} van de {use['n'].iloc[0]} deelnemers gebruik" in flat


def test_pdf_is_tagged_with_language_title_and_embedded_fonts(demo_report):
    out = demo_report
    reader = PdfReader(str(out / "report.pdf"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]).lower().startswith("nl")
    assert reader.metadata.title == "Wijkgericht en intensief ondersteunen bij integratie op de arbeidsmarkt"
    assert reader.outline, "bookmarks from headings"
    fonts = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or (
                font["/DescendantFonts"][0].get_object().get("/FontDescriptor") if "/DescendantFonts" in font else None)
            if descriptor is not None:
                descriptor = descriptor.get_object()
                fonts[str(font.get("/BaseFont"))] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert not any("DejaVu" in name for name in fonts)


def test_html_is_interactive_and_self_contained(demo_report):
    out = demo_report
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "vega" in html.lower() and f"Figuur {figure_number('participants.age_sex', 'interim')}." in html
    assert not re.search(r"<script[^>]+src=\"https?://", html)


def test_executed_notebooks_have_no_errors(demo_report):
    out = demo_report
    for path in (out / "notebooks").glob("*.ipynb"):
        notebook = nbformat.read(str(path), as_version=4)
        errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors == [], path.name


def test_rebuild_is_byte_identical(demo_report, tmp_path):
    out = demo_report
    import os

    again = tmp_path / "again"
    cwd = os.getcwd()
    build_report(BuildOptions(out=again, wave="T1", jobs=2))
    assert os.getcwd() == cwd  # chapters run in threads must not move the process's working directory
    first, second = (out / "report.pdf").read_bytes(), (again / "report.pdf").read_bytes()
    if first != second:  # say where, to make a failure debuggable
        index = next((i for i, (a, b) in enumerate(zip(first, second)) if a != b), min(len(first), len(second)))
        pytest.fail(f"PDFs differ at byte {index} of {len(first)}/{len(second)}: "
                    f"{first[max(0, index - 120):index + 40]!r} vs {second[max(0, index - 120):index + 40]!r}")
    for csv in (out / "figures").glob("*.csv"):
        assert (again / "figures" / csv.name).read_bytes() == csv.read_bytes()


# --------------------------------------------------------------------------- privacy


def test_no_participant_id_or_free_text_anywhere_in_the_output(tiny_neutral_report):
    out = tiny_neutral_report
    haystacks = {}
    for path in out.rglob("*"):
        if path.is_file():
            haystacks[str(path)] = pdf_text(path) if path.suffix == ".pdf" else path.read_bytes().decode("utf-8", "replace")
    assert any(p.endswith(".ipynb") for p in haystacks) and any(p.endswith(".csv") for p in haystacks)
    for secret in SECRET_IDS + SECRET_TEXTS + ["GEHEIM", "SECRET"]:
        leaks = [p for p, text in haystacks.items() if secret in text]
        assert leaks == [], f"{secret!r} leaked into {leaks}"


# --------------------------------------------------------------------------- failures

def test_a_failed_pdf_leaves_no_staging_folder_while_the_html_was_being_written(tmp_path, monkeypatch):
    """The HTML renders in a second process beside the PDF; when the PDF fails, the build waits for it
    before it removes its staging folder (the HTML would otherwise write into a folder made again)."""
    import time

    from tiny import tiny_tables, write_dataset

    from via_reports.exceptions import RenderError
    from via_reports.render import pdf

    def failing_pdf(*args, **kwargs):
        time.sleep(0.05)  # the HTML process has its task
        raise RenderError("the PDF failed")

    monkeypatch.setattr(pdf, "render_pdf", failing_pdf)  # formats.py looks the renderer up when it renders
    data = write_dataset(tmp_path / "data", *tiny_tables())
    out = tmp_path / "out" / "report"
    with pytest.raises(RenderError, match="the PDF failed"):
        build_report(BuildOptions(data_dir=data, out=out, wave="T1", min_n=2, jobs=2))
    time.sleep(3)  # long enough for an HTML left running to finish its file
    assert list((tmp_path / "out").iterdir()) == [], "no report and no staging folder"


def test_invalid_data_builds_nothing(tmp_path, capsys):
    from tiny import tiny_tables, write_dataset

    study, frames = tiny_tables()
    frames["participants"].loc[0, "sex"] = "vrouw"
    data = write_dataset(tmp_path / "data", study, frames)
    before = {p: p.read_bytes() for p in data.iterdir()}
    out = tmp_path / "out"
    assert main(["build", str(data), "--out", str(out), "--quiet"]) == 3
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [data]  # no staging folder either
    assert {p: p.read_bytes() for p in data.iterdir()} == before
    with pytest.raises(ContractError):
        build_report(BuildOptions(data_dir=data, out=out))


def break_notebook(tmp_path, monkeypatch, chapter: str, index: int, source: str) -> None:
    """A copy of the templates whose ``chapter`` notebook has the cell ``source`` at ``index``."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    broken = templates / "notebooks" / f"{chapter}.ipynb"
    notebook = nbformat.read(str(broken), as_version=4)
    notebook.cells.insert(index, nbformat.v4.new_code_cell(source))
    nbformat.write(notebook, str(broken))
    monkeypatch.setenv("VIA_REPORTS_TEMPLATES", str(templates))


def test_a_failing_chapter_names_chapter_cell_and_notebook(tmp_path, monkeypatch):
    # the first chapter fails after its set-up cell while the second runs beside it (two jobs)
    break_notebook(tmp_path, monkeypatch, "participants", 4, "raise RuntimeError('the participants chapter broke')")
    out = tmp_path / "out"
    with pytest.raises(ChapterError) as info:
        build_report(BuildOptions(out=out, wave="T1", jobs=2))
    error = info.value
    assert error.chapter == "participants"
    executed = nbformat.read(error.notebook_path, as_version=4)
    assert "the participants chapter broke" in executed.cells[error.cell_index].source
    assert error.ename == "RuntimeError" and "participants chapter broke" in error.evalue
    assert Path(error.notebook_path).is_file() and not str(error.notebook_path).startswith(str(out))
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["templates"]


def test_cli_chapter_failure_exit_code(tmp_path, monkeypatch, capsys):
    break_notebook(tmp_path, monkeypatch, "participants", 0, "1 / 0")
    assert main(["build", "--out", str(tmp_path / "out"), "--wave", "T1", "--jobs", "1", "--quiet"]) == 4
    assert not (tmp_path / "out").exists()


def test_wave_not_in_the_study_is_rejected_clearly(tmp_path):
    from tiny import tiny_tables, write_dataset

    study, frames = tiny_tables()
    del study["waves"]["T2"]
    frames["responses"] = frames["responses"][frames["responses"].wave != "T2"]
    data = write_dataset(tmp_path / "data", study, frames)
    with pytest.raises(ParameterError, match="wave 'T2' is not in this study; study.yaml declares T0, T1"):
        build_report(BuildOptions(data_dir=data, out=tmp_path / "out", wave="T2"))
    assert main(["build", str(data), "--out", str(tmp_path / "out"), "--wave", "T2", "--quiet"]) == 2
    assert not (tmp_path / "out").exists()


def test_output_inside_the_data_folder_is_refused(tiny_dir):
    with pytest.raises(ParameterError, match="overlap"):
        build_report(BuildOptions(data_dir=tiny_dir, out=tiny_dir / "report"))


def test_neutral_theme_builds_with_its_own_font_and_colours(tiny_neutral_report):
    from via_reports.theme.themes import load_theme

    out = tiny_neutral_report
    reader = PdfReader(str(out / "report.pdf"))
    fonts = {str(f.get_object().get("/BaseFont")) for page in reader.pages
             for f in ((page.get("/Resources") or {}).get("/Font") or {}).values()}
    assert any("Inter" in name for name in fonts) and not any("Lato" in name for name in fonts), fonts
    neutral_palette = load_theme("neutral").palette
    notebook = (out / "notebooks" / "instruments.ipynb").read_text()
    assert neutral_palette[0].lower() in notebook.lower()


def test_rebuild_with_nothing_changed_does_nothing(demo_report):
    out = demo_report
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = build_report(BuildOptions(out=out, wave="T1", formats=["pdf", "html", "docx"]))  # as it was built
    assert again.up_to_date
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_build_key_changes_with_every_input(tmp_path, monkeypatch):
    from tiny import tiny_tables, write_dataset

    from via_reports.report.freshness import build_key

    base = build_key(BuildOptions())
    assert build_key(BuildOptions()) == base
    assert build_key(BuildOptions(jobs=1, cache=False, isolated=True, out=tmp_path / "x")) == base  # how, not what
    assert build_key(BuildOptions(min_n=5)) != base
    assert build_key(BuildOptions(language="en")) != base
    assert build_key(BuildOptions(theme="neutral")) != base
    assert build_key(BuildOptions(wave="T1")) != base
    data = write_dataset(tmp_path / "data", *tiny_tables())
    with_data = build_key(BuildOptions(data_dir=data))
    assert with_data != base
    (data / "text" / "nl").mkdir(parents=True)
    (data / "text" / "nl" / "conclusions.md").write_text("# Conclusie\n\nEigen tekst.\n")
    assert build_key(BuildOptions(data_dir=data)) != with_data
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    monkeypatch.setenv("VIA_REPORTS_TEMPLATES", str(templates))
    assert build_key(BuildOptions()) == base
    (templates / "text" / "nl" / "conclusions.md").write_text("# Conclusie\n\nAnders.\n")
    assert build_key(BuildOptions()) != base


def test_a_damaged_output_folder_is_rebuilt(demo_report, tmp_path):
    from via_reports.report.freshness import is_up_to_date

    out = demo_report
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    key = json.loads((copy / "manifest.json").read_text())["report"]["build_key"]
    assert is_up_to_date(copy, key)
    (copy / "figures" / "participants.age_sex.csv").unlink()
    assert not is_up_to_date(copy, key)



# --------------------------------------------------------------------------- the output folder is never a user's folder

def test_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path):
    own = tmp_path / "thesis"
    own.mkdir()
    (own / "thesis.docx").write_text("years of work")
    with pytest.raises(ParameterError, match="not a report built by via-reports"):
        build_report(BuildOptions(out=own, wave="T1"))
    assert (own / "thesis.docx").read_text() == "years of work"


def test_refuses_an_output_folder_that_contains_the_data(tmp_path):
    from tiny import tiny_tables, write_dataset

    data = write_dataset(tmp_path / "project" / "data", *tiny_tables())
    with pytest.raises(ParameterError, match="overlap"):
        build_report(BuildOptions(data_dir=data, out=tmp_path / "project"))
    assert (data / "participants.csv").is_file()


def test_refuses_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match="working folder"):
        build_report(BuildOptions(out=Path(".")))


def test_missing_data_folder_is_a_data_error_said_also_when_quiet(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope"), "--out", str(tmp_path / "out"), "--quiet"]) == 3
    said = " ".join(capsys.readouterr().out.split())  # --quiet hides the progress, not why nothing was built
    assert "no dataset folder at" in said and "No report was built" in said


def test_a_failed_swap_puts_the_previous_report_back(tmp_path):
    from via_reports.report.build import _move_into_place

    out = tmp_path / "report"
    out.mkdir()
    (out / "report.pdf").write_text("previous")
    with pytest.raises(FileNotFoundError):
        _move_into_place(tmp_path / "vanished-staging", out)
    assert (out / "report.pdf").read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_output_is_readable_and_notebooks_name_the_final_folder(demo_report):
    out = demo_report
    assert out.stat().st_mode & 0o055 == 0o055  # group and others may read and enter (umask 022)
    notebook = (out / "notebooks" / "barriers.ipynb").read_text()
    # the final folder by its name, never an absolute local path (issue 26)
    assert ".building-" not in notebook and f'"{out.name}/notebooks/' in notebook and str(out) not in notebook
