"""``via-reports build``: from a dataset folder to the municipality's report.

    up to date? (:mod:`.freshness`, before any heavy import) -> validate, and
    check the texts' placeholders -> run the computed chapters' notebooks, or
    take them from the chapter cache (:mod:`.chapter_runs`) -> collect figures
    and text from the executed notebooks (by output metadata) -> fill the
    authored text (the summary too) with live numbers from those figures ->
    render report.pdf and report.html

Which chapters a report holds, in which order, and which are computed is
read from the chapter registry (:mod:`via_reports.chapters.registry`).

Everything is written into a staging folder next to the output folder and
moved into place only when every step succeeded, so a failed build leaves no
half-written report behind. Input files are only ever read.

The output folder is the build's own: a rebuild replaces it only when every
file in it is one the previous build wrote (listed with its SHA-256 in
manifest.json); a file the user put there makes the build stop with a
:class:`~via_reports.exceptions.ParameterError` instead of deleting it. The
staging folder of a build that was killed (``.OUT.building-PID-*``) is removed
by the next build once that process is gone, and the HTML renderer process
dies with the build that started it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from via_reports.analysis.design import recorded_design
from via_reports.analysis.scope import Scope
from via_reports.chapters.collect import CollectedChapter
from via_reports.chapters.registry import TEXT_APPENDICES, chapters_for, computed_chapters
from via_reports.data.dataset import Dataset, load_dataset
from via_reports.data.validation import Violation
from via_reports.edition import is_public
from via_reports.figures.declaration import chart_field_names
from via_reports.exceptions import ContractError, ParameterError, RenderError
from via_reports.files import current_umask, process_is_alive
from via_reports.fingerprints import file_hash
from via_reports.formats import render_format
from via_reports.memory import return_freed_memory
from via_reports.options import chosen_formats
from via_reports.output_paths import check_build_paths, is_device_fault, write_failure, writing
from via_reports.report.chapter_runs import ChapterRuns, Progress
from via_reports.report.kernel_start import BuildKernels, theme_parameter
from via_reports.document.facts import text_context
from via_reports.document.model import (Chapter, FigureBlock, MarkdownBlock, QuoteBlock, ReportDocument,
                                        number_document)
from via_reports.report.notebook_paths import settle_notebook_paths
from via_reports.report.freshness import (BuildInputs, BuildOptions, foreign_files, is_up_to_date,
                                          previous_manifest)
from via_reports.document.text_files import load_text, text_path
from via_reports.render.assemble import figure_svgs
from via_reports.render.process import Renderer
from via_reports.report.text_check import check_texts
from via_reports.theme.cache import RenderCache
from via_reports.theme.themes import load_theme
from via_reports.version import __version__

#: A quotation in authored Markdown: a blockquote whose first line is the bold speaker line.
_QUOTE = re.compile(r"^> \*\*(?P<speaker>[^*]+)\*\*\s*\n(?P<body>(?:>.*\n?)+)", re.MULTILINE)


@dataclass
class BuildResult:
    out: Path
    #: None when the folder was up to date (nothing was read, not even the data).
    scope: Scope | None
    timings: dict[str, float] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    #: True when the output folder was already up to date and nothing was done.
    up_to_date: bool = False


def _check_paths(options: BuildOptions) -> tuple[Path, Path | None]:
    """Refuse every output folder whose replacement could destroy something of the user's."""
    out = options.out.resolve()
    data = options.data_dir.resolve() if options.data_dir else None
    if data is not None and not data.is_dir():  # a data problem (exit 3), as in `validate`
        raise ContractError([Violation("dataset", str(data), None, None, None, "file",
                                       f"no dataset folder at {data}")])
    if data is not None and (out == data or data in out.parents or out in data.parents):
        raise ParameterError(f"the output folder {out} and the data folder {data} overlap; "
                             "input folders are never written: choose another --out")
    check_build_paths(out, options.cache_folder, data)  # nor in any other data folder; nor the cache
    if out.exists() and not out.is_dir():
        raise ParameterError(f"{out} exists and is not a folder")
    if out in (Path.cwd().resolve(), *Path.cwd().resolve().parents, Path.home().resolve()):
        raise ParameterError(f"{out} is the working folder, one of its parents or the home folder; "
                             "choose a new folder for the report")
    if out.is_dir() and any(out.iterdir()):
        manifest = previous_manifest(out)
        if manifest is None:
            raise ParameterError(f"{out} is not empty and is not a report built by via-reports; "
                                 "a build replaces its output folder, so choose a new or empty folder")
        foreign = foreign_files(out, manifest)
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise ParameterError(f"{out} holds file(s) that an earlier build did not write: {shown}. "
                                 "A build replaces its output folder and never deletes what is not its own: "
                                 "move them elsewhere, or choose another --out")
    return out, data


def _split_quotes(markdown: str) -> list[Any]:
    """Authored Markdown into Markdown and quotation blocks."""

    blocks: list[Any] = []
    position = 0
    for match in _QUOTE.finditer(markdown):
        if markdown[position:match.start()].strip():
            blocks.append(MarkdownBlock(markdown[position:match.start()]))
        body = "\n".join(line[1:].strip() for line in match.group("body").splitlines())
        blocks.append(QuoteBlock(text=body.strip(), speaker=match.group("speaker").strip()))
        position = match.end()
    if markdown[position:].strip():
        blocks.append(MarkdownBlock(markdown[position:]))
    return blocks


def _computed_chapter_blocks(collected: CollectedChapter, scope: Scope, context, data_dir) -> list[Any]:
    """Figures with their generated sentences, then the subgroup comparisons."""

    blocks: list[Any] = []
    intro = text_path(collected.chapter, scope.language, data_dir)
    if intro.is_file():
        blocks.extend(_split_quotes(load_text(collected.chapter, context, data_dir)[1]))
    for figure in collected.figures:
        blocks.append(FigureBlock(figure, lead="\n\n".join(figure.text)))
    for role, markdown in collected.texts:
        blocks.append(MarkdownBlock(markdown))
    if collected.comparisons and collected.comparisons.get("sentences"):
        lines = "\n".join(f"- {s}" for s in collected.comparisons["sentences"])
        intro = collected.comparisons.get("intro", "")
        blocks.append(MarkdownBlock(f"## {collected.comparisons['heading']}\n\n{intro}\n\n{lines}\n"))
    return blocks


def _study_for_report(study, scope: Scope):
    """The study as this report shows it: a final report carries the final report's date."""

    final_date = study.get("final_publication_date")
    if scope.kind == "final" and final_date:
        return dataclasses.replace(study, publication_date=dt.date.fromisoformat(str(final_date)))
    return study


def _provenance(dataset: Dataset, scope: Scope, options: BuildOptions) -> dict[str, Any]:
    """What the colophon states so a reader can reproduce the report; no clock time."""
    return {
        "data_fingerprint": dataset.fingerprint,
        "contract_version": dataset.contract_version,
        "package_version": __version__,
        "data": None if dataset.is_demo else Path(dataset.folder).name,  # None: the built-in demo data
        "parameters": {"wave": scope.last_wave, "kind": scope.kind, "language": scope.language,
                       "min_n": scope.min_n, "alpha": scope.alpha, "theme": Path(options.theme).name,
                       **({"public": True, "min_cell": scope.min_cell} if scope.public else {}),
                       **({"internal": True} if options.internal else {})},
        "publication_date": _study_for_report(dataset.study, scope).publication_date.isoformat(),
    }


def build_report(options: BuildOptions | None = None, progress: Progress | None = None, *,
                 inputs: BuildInputs | None = None, kernels: BuildKernels | None = None,
                 **settings: Any) -> BuildResult:
    """Build a report: validate the data, run the chapter notebooks, write PDF, HTML, CSVs and manifest.

    Give the options as keywords or as a :class:`BuildOptions`::

        build_report(data_dir="my-study", out="report-T1", wave="T1")
        build_report(BuildOptions(data_dir=Path("my-study"), out=Path("report-T1"), wave="T1"))

    ``data_dir`` None builds the embedded synthetic demo. An option not given
    comes from the dataset's ``report.yaml``, else from its default
    (``data_contracts/report.schema.yaml``, the same as the command line's).
    ``progress(chapter, event, seconds)`` is told when each chapter is queued,
    starts, is done or failed. ``inputs``: the build's inputs as hashes when
    the caller has them already (the command line's up-to-date check), in
    place of ``options``; ``kernels``: the kernels the command line started
    for a cold build before it imported the build
    (:func:`~via_reports.report.kernel_start.start_for_cold_build`); the
    build uses them and stops them once it has begun, and the caller closes
    them in any case (closing twice is harmless).

    The output folder is written only when everything succeeded, and only ever
    replaces a folder an earlier build made. Returns a :class:`BuildResult`
    (``up_to_date`` when the folder was already built from the same inputs).
    Raises :class:`~via_reports.exceptions.ParameterError` (a wrong option or
    output folder), :class:`~via_reports.exceptions.ContractError` (the data),
    :class:`~via_reports.exceptions.ChapterError` or
    :class:`~via_reports.exceptions.TextError` (a chapter) and
    :class:`~via_reports.exceptions.RenderError` (PDF or HTML).
    """
    if sum((options is not None, inputs is not None, bool(settings))) > 1:
        raise TypeError("give the options as a BuildOptions, as BuildInputs or as keywords, not several")
    inputs = inputs or BuildInputs((options or BuildOptions(**settings)).resolved())
    options = inputs.options
    progress = progress or (lambda chapter, event, seconds: None)
    timings: dict[str, float] = {}
    out, data_dir = _check_paths(options)
    key = inputs.key
    if not options.force and is_up_to_date(out, key):  # before the data are even read
        files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
        return BuildResult(out=out, scope=None, timings=timings, files=files, up_to_date=True)
    theme = load_theme(options.theme)  # a bad theme fails before any work

    renderer = Renderer(parallel=options.jobs >= 2, formats=options.formats)  # its second process starts once the data are valid
    try:
        with writing(f"the report {out}"):  # a full disk mid-build: exit 5 with its reason, never a traceback
            return _build(inputs, out, data_dir, theme, renderer, progress, timings, kernels)
    finally:
        renderer.close()


def _build(inputs: BuildInputs, out: Path, data_dir: Path | None, theme, renderer, progress: Progress,
           timings: dict[str, float], kernels: BuildKernels | None) -> BuildResult:
    """The build once it is known to be needed: validate, run the chapters, write the report."""
    options, key = inputs.options, inputs.key
    runs = ChapterRuns(inputs, progress, timings, kernels)
    try:
        runs.start_kernels(computed_chapters(options.kind or "interim"))  # they start while the data are read
        started = time.perf_counter()
        dataset = load_dataset(data_dir, options.language)  # ContractError: nothing written yet
        return_freed_memory(runs.data_bytes)  # validation's temporary frames: gone, their pages still held
        public = is_public(options.public, options.internal, dataset.study)
        scope = Scope.for_wave(dataset, options.wave, language=options.language, min_n=options.min_n,
                               alpha=options.alpha, kind=options.kind, min_cell=options.min_cell if public else None)
        timings["validation"] = time.perf_counter() - started
        specs = chapters_for(scope.kind)
        check_texts(specs, [s.id for s in specs] + [s.id for s in TEXT_APPENDICES], scope.language, data_dir)
        staging = _staging_folder(out)
    except BaseException:
        runs.close()
        raise
    notes: list[str] = []
    if options.kind is None and scope.kind == "interim" and scope.last_wave == dataset.study.wave_codes[-1] \
            and not (dataset.participants["group"] == "control").any():
        notes.append({"nl": "Deze dataset heeft geen controlegroep; daarom is dit rapport opgebouwd als "
                            "tussenrapport, zonder hoofdstuk over effecten.",
                      "en": "This dataset has no control group; the report is therefore built as an "
                            "interim report, without a chapter on effects."}[scope.language])

    try:
        if not runs.uncached([s.id for s in specs if s.is_computed]):
            # the render comes next: a second process would take longer to start than the HTML takes
            renderer.in_one_process()
        else:  # the HTML's fonts, made in the renderer's second process while the chapters run
            renderer.prepare(theme, _study_for_report(dataset.study, scope).publication_date, options.cache_folder)
        parameters = {"data_dir": str(data_dir) if data_dir else "", "wave": scope.last_wave,
                      "output_dir": str(staging), "language": scope.language, "min_n": scope.min_n,
                      "alpha": scope.alpha, "kind": scope.kind, "theme": theme_parameter(options.theme),
                      "public": scope.public,
                      # a threshold asks a notebook for a public edition: given only to a public one
                      **({"min_cell": options.min_cell} if scope.public else {}),
                      **({"internal": True} if options.internal else {})}
        try:
            # While the kernels work, their snapshot is the only copy of the rows: a large
            # dataset is not held twice (here and in a kernel). The texts need it back after.
            runs.hand_over(dataset, parameters)
            del dataset
            return_freed_memory(runs.data_bytes)
            collected = runs.run([s.id for s in specs if s.is_computed], parameters, staging)
            dataset = runs.take_back()
        finally:
            runs.close(wait=False)  # the kernels' work is done: they stop while the render starts

        started = time.perf_counter()
        figures = {f.id: f for c in collected.values() for f in c.figures}
        context = text_context(dataset, scope, figures)
        chapters, summary, computed_appendices = [], [], []
        for spec in specs:
            if spec.id == "summary":  # before chapter 1, unnumbered; its numbers come from every chapter
                summary = [MarkdownBlock(load_text(spec.id, context, data_dir)[1])]
                summary += [MarkdownBlock(f"*{note}*") for note in notes]
                continue
            if not spec.is_computed:
                title, body = load_text(spec.id, context, data_dir)
                chapters.append(Chapter(spec.id, title or spec.title[scope.language], _split_quotes(body)))
            else:
                blocks = _computed_chapter_blocks(collected[spec.id], scope, context, data_dir)
                part = Chapter(spec.id, spec.title[scope.language], blocks)
                (computed_appendices if spec.appendix else chapters).append(part)
        appendices = []
        for spec in TEXT_APPENDICES:
            title, body = load_text(spec.id, context, data_dir)
            appendices.append(Chapter(spec.id, title or spec.title[scope.language], _split_quotes(body)))
        appendices += computed_appendices  # after the authored ones, before the generated ones
        study = _study_for_report(dataset.study, scope)
        document = ReportDocument(kind=scope.kind, study=study, chapters=chapters, summary=summary,
                                  appendices=appendices, provenance=_provenance(dataset, scope, options),
                                  language=scope.language, chart_fields=chart_field_names(scope.language))
        numbering = number_document(document)
        timings["collection"] = time.perf_counter() - started

        started = time.perf_counter()
        progress("PDF and HTML", "start", 0.0)
        try:
            _render(document, theme, staging, options, renderer, timings, runs.build_kernels.render_folder)
        except RenderError:
            raise
        except Exception as error:
            raise RenderError(f"the report could not be rendered: {type(error).__name__}: {error}") from error
        timings["render"] = time.perf_counter() - started
        progress("PDF and HTML", "done", timings["render"])

        (staging / ".manifest.lock").unlink(missing_ok=True)
        settle_notebook_paths(staging, out, data_dir, theme_parameter(options.theme))  # no local folder named
        _write_manifest(staging, document, numbering, key, options.formats, recorded_design(dataset.participants))
        _move_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        runs.close()  # no kernel outlives the build
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    return BuildResult(out=out, scope=scope, timings=timings, files=files)


def _render(document, theme, staging: Path, options: BuildOptions, renderer, timings: dict[str, float],
            render_folder: Path | None = None) -> None:
    """The charts once (SVGs, cached by content), then each format the build asks for from them
    (report.pdf, report.html, report.docx: :data:`via_reports.formats.FORMATS`).

    With ``jobs`` > 1 the HTML renders in the renderer's second process meanwhile
    (:class:`~via_reports.render.process.Renderer`). That process dies with the build
    (:func:`~via_reports.render.process.die_with_parent`), also when the build is killed.
    """
    # The kernels' folder of charts (the cache; a batch worker's private one without): drawn there already.
    cache = RenderCache(render_folder or options.cache_folder)
    started = time.perf_counter()
    svgs = figure_svgs(document, theme, cache)
    timings["charts"] = time.perf_counter() - started
    tasks = [(chosen.name, chosen.second_process, partial(render_format, chosen.name, document, theme, staging,
                                                          svgs, cache,
                                                          None if chosen.second_process else renderer.helper))
             for chosen in chosen_formats(options.formats)]
    # WeasyPrint makes objects by the million, and Python's collector then walks every object of the
    # process again and again: the libraries, the data, the chapters' notebooks. Frozen, they are left
    # out; the PDF of the demo takes 3.5 s instead of 4.1 s. (Unfrozen after: a preview builds again.)
    frozen_already = gc.get_freeze_count() > 0  # by a program that builds reports: its objects stay frozen
    gc.freeze()
    try:
        renderer.render(tasks, timings)
    finally:
        if not frozen_already:
            gc.unfreeze()


def _write_manifest(staging: Path, document, numbering, key: str, formats: list[str] | None, design: str) -> None:
    """manifest.json: the report, its figures, and every file the build wrote with its SHA-256.

    ``design``: how the groups were formed (:mod:`via_reports.analysis.design`), for a synthesis across studies.
    """
    outputs = {str(p.relative_to(staging)): file_hash(p) for p in sorted(staging.rglob("*"))
               if p.is_file() and p != staging / "manifest.json"}  # the chapters' own entries are replaced here
    manifest = {
        "report": {"kind": document.kind, "language": document.language, "title": document.title,
                   "subtitle": document.subtitle, "synthetic": document.synthetic, **document.provenance,
                   "design": design, "build_key": key},
        "files": [name for chosen in chosen_formats(formats) for name in chosen.manifest_entries()],
        "figures": numbering.manifest(document),
        "outputs": outputs,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")


#: A staging folder: ``.OUT.building-PID-random`` (the PID of the build that writes it).
_STAGING = re.compile(r"^\.(?P<out>.+)\.(?:building|old)-(?P<pid>[0-9]+)(?:-.*)?$")


def _remove_stale_staging(out: Path) -> None:
    """Remove what killed builds of ``out`` left next to it; a live build's folder is left alone.

    A killed build may also have been between its two renames: then the
    previous report (``.OUT.old-PID``) is put back where it was.
    """
    for path in out.parent.iterdir():
        match = _STAGING.match(path.name)
        if not match or match.group("out") != out.name or not path.is_dir() or path.is_symlink():
            continue
        if process_is_alive(int(match.group("pid"))):
            continue
        if ".old-" in path.name and not out.exists():
            path.rename(out)
        else:
            shutil.rmtree(path, ignore_errors=True)


def _staging_folder(out: Path) -> Path:
    """A new staging folder next to ``out``; a folder that cannot be written is a parameter error."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(out)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
    except OSError as error:
        if is_device_fault(error):
            raise write_failure(error, f"the report {out}") from None
        raise ParameterError(f"cannot write the report to {out}: {error.strerror or error}") from None


def _move_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with renames only (no half-copied folder ever visible).

    If the second rename fails, the previous report is put back.
    """
    mode = 0o777 & ~current_umask()
    for path in [staging, *staging.rglob("*")]:
        if path.is_dir():
            path.chmod(mode)  # mkdtemp made it 0700; colleagues should be able to read the report
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


