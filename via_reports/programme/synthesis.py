"""``via-reports synthesis``: the synthesis report across a programme's studies, in the house style.

The synthesis is the notebook ``templates/notebooks/synthesis.ipynb``
(:mod:`.synthesis_notebook`). :func:`build_synthesis` runs it with papermill
on this interpreter's kernel, collects what it showed (figures and text, as
the build collects a chapter), and renders a report like a study's: PDF and
HTML in the theme, numbered figures, contents, the figures' data tables and
the provenance in appendices, a CSV per figure, the executed notebook, and
``manifest.json``. An appendix and the manifest list every study that went
in, with the folder and the build key of the report it was read from.

Like ``build``, it writes into a staging folder next to the output and moves
it into place only when everything succeeded; it only ever replaces a folder
that an earlier synthesis wrote.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from via_reports.exceptions import ChapterError, ParameterError, RenderError
from via_reports.figures.wording import wording
from via_reports.programme.programme_file import Programme
from via_reports.programme.synthesis_notebook import CHAPTER
from via_reports.version import __version__

#: study.yaml's place while a programme gives none; replaced by "" (the cover and colophon then show no place).
NO_PLACE = "-"


@dataclass(frozen=True)
class SynthesisResult:
    out: Path
    studies: int
    files: list[str]
    #: True when ``out`` already held this synthesis (same key, files as written) and nothing was built.
    up_to_date: bool = False


def _run_notebook(programme: Programme, reports: Path, staging: Path, language: str) -> Path:
    """Execute the synthesis notebook into ``staging/notebooks``; a failing cell is a ChapterError."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from via_reports.chapters.kernel import KERNEL_NAME, ChapterKernelManager
    from via_reports.resources import notebooks_dir

    executed = staging / "notebooks" / f"{CHAPTER}.ipynb"
    executed.parent.mkdir(parents=True)
    try:
        papermill.execute_notebook(
            str(notebooks_dir() / f"{CHAPTER}.ipynb"), str(executed),
            parameters={"programme": str(programme.path), "reports": str(reports.resolve()),
                        "output_dir": str(staging), "language": language},
            kernel_name=KERNEL_NAME, kernel_manager_class=ChapterKernelManager, progress_bar=False,
            log_output=False)
    except PapermillExecutionError as error:
        if error.ename == "ParameterError":
            raise ParameterError(error.evalue) from None
        raise ChapterError(CHAPTER, f"the synthesis notebook failed: {error.ename}: {error.evalue}",
                           ename=error.ename, evalue=error.evalue, notebook_path=str(executed)) from None
    return executed


def _document(programme: Programme, collected, studies, language: str):
    """The synthesis as a ReportDocument: one chapter, the studies appendix, data tables and provenance."""
    from via_reports.data.study import parse_study
    from via_reports.programme.synthesis_data import outcomes_of
    from via_reports.document.model import Chapter, FigureBlock, MarkdownBlock, ReportDocument

    words = _words(language)
    figures = {figure.id: figure for figure in collected.figures}
    texts = [markdown for _, markdown in collected.texts]
    synthetic = any(study.synthetic for study in studies)
    # no clock in a report (the same inputs give the same PDF): the date of the latest study report
    dates = sorted(s.publication_date for s in studies if s.publication_date)
    today = dt.date.fromisoformat(dates[-1]) if dates else dt.date(2000, 1, 1)
    # the colophon is made as a study report's: the copyright is the theme's publisher's, else the authors'
    # (programme.yaml's, else via-reports); the place only where programme.yaml gives one
    raw = {"contract_version": 1, "report_language": language, "title": programme.title,
           "pilot_name": programme.title, "client": programme.title,
           "authors": list(programme.authors) or ["via-reports"], "place": programme.place or NO_PLACE,
           "publication_date": today.isoformat(), "study_period": {"start": today.isoformat(), "end": today.isoformat()},
           "reference_date": today.isoformat(), "waves": {"T0": {"fieldwork": [today.isoformat()] * 2}},
           "synthetic": synthetic}
    if synthetic:
        raw["synthetic_note"] = {"nl": "Gepoold uit synthetische studies.",
                                 "en": "Pooled from synthetic studies."}[language]
    study, problems = parse_study(raw)
    if study is None:
        raise ParameterError("; ".join(problem.message for problem in problems))
    if not programme.place:  # study.yaml requires a place; the synthesis shows none rather than a made-up one
        study = dataclasses.replace(study, place="")
    blocks = [MarkdownBlock(texts[0]), FigureBlock(figures["synthesis.studies"]),
              FigureBlock(figures["synthesis.pooled"]), MarkdownBlock(f"## {words['outcomes']}")]
    for text, outcome in zip(texts[1:], outcomes_of(programme, studies)):  # the notebook's order: text, forest
        blocks.append(MarkdownBlock(text))
        if f"synthesis.forest.{outcome}" in figures:  # none where no study published the outcome
            blocks.append(FigureBlock(figures[f"synthesis.forest.{outcome}"]))
    header = "| " + " | ".join(words["columns"]) + " |\n|" + "---|" * 5 + "\n"
    rows = "".join(f"| {s.study} | {words['designs'].get(s.design, s.design)} | {_assigned(s)} | "
                   f"{s.study}/{s.folder.name} | "
                   f"{s.build_key[:16]}… |\n" for s in studies)
    appendix = Chapter("studies", words["appendix"], [MarkdownBlock(f"{words['appendix_intro']}\n\n{header}{rows}")])
    # the pooled analysis in the reader's words (labels.yaml provenance_keys.analysis), never its key
    analysis = wording("programme", language)["synthesis_figures"]["analyses"][programme.analysis]
    provenance = {"package_version": __version__, "parameters": {"language": language, "analysis": analysis}}
    return ReportDocument(kind="final", study=study, chapters=[Chapter(CHAPTER, words["chapter"], blocks)],
                          appendices=[appendix], generated_appendices=("data_tables", "provenance"),
                          provenance=provenance, language=language, title=programme.title,
                          subtitle=words["subtitle"].format(k=len(studies)), synthetic=synthetic)


def _assigned(study) -> str:
    """Pilot / control participants assigned in the study's primary analysis, from its published
    ``effects.flow`` (statistics v3); a dash for a report built before that figure existed."""
    counts = {row.get("group"): row.get("count") for row in study.flow
              if row.get("analysis") == "primary" and row.get("stage") == "assigned"}
    if not counts.get("pilot") or not counts.get("control"):
        return "–"
    return f"{counts['pilot']} / {counts['control']}"


def _replaceable(out: Path) -> None:
    """``out`` may be written: new, empty, or an earlier synthesis (its manifest says so)."""
    if not out.exists():
        return
    manifest = out / "manifest.json"
    if out.is_dir() and not any(out.iterdir()):
        return
    try:
        if json.loads(manifest.read_text(encoding="utf-8"))["report"]["kind"] == "synthesis":
            return
    except (OSError, ValueError, KeyError, TypeError):
        pass
    raise ParameterError(f"{out} exists and is not a synthesis that via-reports wrote: choose another folder")


def build_synthesis(programme: Programme, reports: Path, out: Path, theme: str = "default") -> SynthesisResult:
    """Build the synthesis of ``programme`` from the reports under ``reports`` into ``out`` (see the module)."""
    from via_reports.chapters.collect import collect_chapter
    from via_reports.fingerprints import file_hash
    from via_reports.programme.synthesis_data import read_programme
    from via_reports.render import render_html, render_pdf
    from via_reports.render.assemble import figure_svgs
    from via_reports.theme.cache import RenderCache
    from via_reports.document.model import number_document
    from via_reports.report.notebook_paths import settle_notebook_paths
    from via_reports.theme.themes import load_theme

    out = Path(out).resolve()
    _replaceable(out)
    studies, _ = read_programme(programme, reports)  # no study to pool: a ParameterError before any work
    language = programme.language
    inputs = [{"study": s.study, "report": f"{s.study}/{s.folder.name}", "design": s.design,
               "build_key": s.build_key} for s in studies]
    key = synthesis_key(programme, language, theme, inputs)
    if _is_current(out, key):
        return SynthesisResult(out, len(studies), _files(out), up_to_date=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
    try:
        executed = _run_notebook(programme, reports, staging, language)
        collected = collect_chapter(CHAPTER, executed)
        document = _document(programme, collected, studies, language)
        numbering = number_document(document)
        resolved_theme = load_theme(theme)
        try:
            svgs = figure_svgs(document, resolved_theme, RenderCache(None))
            render_pdf(document, resolved_theme, staging / "report.pdf", svgs=svgs)
            render_html(document, resolved_theme, staging / "report.html", svgs=svgs)
        except RenderError:
            raise
        except Exception as error:
            raise RenderError(f"the synthesis could not be rendered: {type(error).__name__}: {error}") from error
        (staging / "manifest.json").unlink(missing_ok=True)
        # the executed notebook names no local folder (issue 26): the programme file and reports by name
        settle_notebook_paths(staging, out, None, theme, {str(programme.path): Path(programme.path).name,
                                                          str(reports.resolve()): reports.resolve().name})
        outputs = {str(p.relative_to(staging)): file_hash(p) for p in sorted(staging.rglob("*")) if p.is_file()}
        manifest = {"report": {"kind": "synthesis", "language": language, "title": programme.title,
                               "synthetic": document.synthetic, "studies": inputs, "build_key": key},
                    "files": ["report.pdf", "report.html"], "figures": numbering.manifest(document),
                    "outputs": outputs}
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
        staging.chmod(0o755)
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return SynthesisResult(out, len(studies), _files(out))


def synthesis_key(programme: Programme, language: str, theme: str, inputs: list[dict]) -> str:
    """Everything a synthesis depends on: the programme file as written (title, studies, outcomes,
    analysis), the language and theme, each study report it reads (by that report's build key, which
    changes with the report's data and options) and the package's code and templates."""
    from via_reports.fingerprints import code_hash, file_hash

    parts = [file_hash(Path(programme.path)), language, theme, inputs, code_hash()]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _is_current(out: Path, key: str) -> bool:
    """``out`` holds the synthesis of ``key`` with every file as its manifest recorded it (SHA-256)."""
    from via_reports.fingerprints import file_hash

    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if manifest["report"].get("build_key") != key or not manifest["outputs"]:
            return False
        return all(file_hash(out / name) == digest for name, digest in manifest["outputs"].items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def _words(language: str) -> dict:
    """This module's fixed words in ``language``, from templates/pdf/wording/programme.yaml."""
    return wording("programme", language)["synthesis"]
