"""The computed chapters of one build: from the cache, else run on warm kernels.

:class:`ChapterRuns` is the build's part between the data and the document:

1. before the data are read, it looks up each chapter's key in the chapter
   cache (:mod:`via_reports.chapters.cache`) and starts as many warm kernels as
   the chapters the cache cannot give can use (:class:`~via_reports.chapters.engine.WarmKernels`),
   so they start and import while the build validates (for a cold build the
   command line started them already, before the build's imports: :mod:`.kernel_start`);
2. once the data are valid, the build hands them over (:meth:`ChapterRuns.hand_over`):
   they are written to the validated snapshot the kernels read instead of
   validating again (:mod:`via_reports.data.snapshot`), and the build lets go
   of its own copy while the kernels work (:meth:`ChapterRuns.take_back` reads
   it back for the texts);
3. it copies the cached chapters into the staging folder, runs the others,
   ``jobs`` at a time (each in a fresh kernel of its own with ``isolated``),
   the longest first (:func:`schedule`), caches what ran, and collects every
   chapter from its executed notebook.

Every kernel holds the whole dataset. For a dataset whose tables exceed
:data:`~via_reports.report.kernel_start.LARGE_DATA_BYTES` the chapters therefore
run one after the other on a single kernel, whatever ``jobs`` says: two copies
of a million response rows would not fit beside each other in 2 GB.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable

from via_reports.chapters.cache import ChapterCache
from via_reports.chapters.collect import CollectedChapter, collect_chapter
from via_reports.chapters.engine import WarmKernels
from via_reports.chapters.execute import run_chapter
from via_reports.chapters.registry import computed_chapters, typical_seconds
from via_reports.data.dataset import Dataset
from via_reports.data.snapshot import read_snapshot, write_snapshot
from via_reports.exceptions import ChapterError
from via_reports.report.freshness import BuildInputs
from via_reports.report.kernel_start import BuildKernels, chapter_keys

#: Progress callbacks: (chapter, event, seconds) with event "queued" | "start" | "done" | "failed" | "cached".
Progress = Callable[[str, str, float], None]

def schedule(chapters: list[str], seconds: dict[str, float]) -> list[str]:
    """``chapters`` in the order to run them: the longest first, by ``seconds`` (the cache's record of
    the last runs), else the registry's typical ``seconds`` of the chapter, else last; equals keep
    the report's order.

    With two kernels, the report's order ran the 1.5 s statistical tests last while the
    other kernel sat idle; longest first ("LPT" scheduling) packs the kernels so that
    the last chapters to finish are short ones.
    """
    def expected(chapter: str) -> float:
        return seconds.get(chapter, typical_seconds(chapter))

    return sorted(chapters, key=lambda chapter: -expected(chapter))


class ChapterRuns:
    """The chapters of one build; :meth:`close` stops its kernels and removes its private folder."""

    def __init__(self, inputs: BuildInputs, progress: Progress, timings: dict[str, float],
                 kernels: BuildKernels | None = None):
        self.options = inputs.options
        self.progress = progress
        self.timings = timings
        self.cache = ChapterCache(self.options.cache_folder)
        self.keys = chapter_keys(inputs, computed_chapters())  # as the command line's early start made them
        #: The private folder (the snapshot's) and the kernels: those the command line started for a cold
        #: build (:mod:`.kernel_start`), else new ones, started by :meth:`start_kernels`.
        self.build_kernels = kernels or BuildKernels.create(inputs)
        self.snapshot = self.build_kernels.snapshot
        #: The size of the data tables (0 for the demo).
        self.data_bytes = self.build_kernels.data_bytes
        #: How many chapters run at once: ``jobs``, or one for a large dataset.
        self.parallel_chapters = self.build_kernels.parallel_chapters

    @property
    def kernels(self) -> WarmKernels | None:
        return self.build_kernels.kernels

    def uncached(self, chapters: list[str]) -> list[str]:
        """Those of ``chapters`` the cache cannot give: they run (none: a text edit, say)."""
        return [chapter for chapter in chapters if not self.cache.has(self.keys[chapter])]

    def start_kernels(self, chapters: list[str]) -> None:
        """Start warm kernels for those of ``chapters`` the cache cannot give (none with ``isolated``)."""
        if not self.options.isolated:
            self.build_kernels.start(len(self.uncached(chapters)))

    def hand_over(self, dataset: Dataset, parameters: dict[str, Any]) -> None:
        """Write the validated ``dataset`` for the kernels; the caller may then let go of its copy."""
        write_snapshot(dataset, parameters["data_dir"], parameters["language"], self.snapshot)

    def take_back(self) -> Dataset:
        """The dataset given to :meth:`hand_over`, read back from the snapshot."""
        if not self.snapshot.is_file():
            raise RuntimeError("take_back before hand_over")
        return read_snapshot(self.snapshot)["dataset"]

    def run(self, chapters: list[str], parameters: dict[str, Any], staging: Path) -> dict[str, CollectedChapter]:
        """Every chapter of ``chapters`` into ``staging``, collected; ChapterError when one fails.

        The data are those given to :meth:`hand_over` before.
        """
        if not self.snapshot.is_file():
            raise RuntimeError("run before hand_over: the kernels have no data")
        collected: dict[str, CollectedChapter] = {}
        for chapter in chapters:
            if self.cache.restore(chapter, self.keys[chapter], staging):
                collected[chapter] = collect_chapter(chapter, staging / "notebooks" / f"{chapter}.ipynb")
                self.progress(chapter, "cached", 0.0)
        missing = [c for c in chapters if c not in collected]
        self.start_kernels(missing)  # a chapter the start did not foresee (the effects of a final report)
        executed = self._run_notebooks(missing, parameters, staging)
        for chapter in missing:
            collected[chapter] = collect_chapter(chapter, executed[chapter])
            self.cache.store(chapter, self.keys[chapter], staging,
                             [figure.id for figure in collected[chapter].figures])
        return {chapter: collected[chapter] for chapter in chapters}

    def _run_notebooks(self, chapters: list[str], parameters: dict[str, Any], staging: Path) -> dict[str, Path]:
        """Run the chapter notebooks, ``jobs`` at a time; keep a failed notebook for inspection."""
        executed: dict[str, Path] = {}
        measured: dict[str, float] = {}  # each chapter's own seconds, for the next build's schedule

        def one(chapter: str) -> Path:
            self.progress(chapter, "start", 0.0)
            # No cwd= here: papermill implements it with a process-wide chdir, which
            # threads running chapters in parallel would leave in a random folder.
            result = run_chapter(chapter, parameters, staging / "notebooks" / f"{chapter}.ipynb",
                                 kernels=self.kernels, timeout=self.options.timeout)
            self.progress(chapter, "done", result.seconds)
            self.timings[f"notebook:{chapter}"] = result.seconds
            measured[chapter] = result.seconds - result.waited
            return result.notebook

        for chapter in chapters:
            self.progress(chapter, "queued", 0.0)
        started = time.perf_counter()
        pool = ThreadPoolExecutor(max_workers=self.parallel_chapters)
        try:
            futures = {pool.submit(one, chapter): chapter for chapter in schedule(chapters, self.cache.seconds())}
            for future in as_completed(futures):
                chapter = futures[future]
                try:
                    executed[chapter] = future.result()
                except ChapterError as error:
                    self.progress(chapter, "failed", 0.0)
                    if error.notebook_path and Path(error.notebook_path).is_file():
                        keep = Path(tempfile.mkdtemp(prefix="via-reports-failed-")) / Path(error.notebook_path).name
                        shutil.copy2(error.notebook_path, keep)
                        error.notebook_path = str(keep)
                    raise
        finally:
            # On any way out (a failed chapter, Ctrl-C): start no queued chapter, and let the
            # running ones finish before the caller removes the staging folder under them.
            pool.shutdown(wait=True, cancel_futures=True)
        self.timings["notebooks"] = time.perf_counter() - started
        self.cache.record_seconds(measured)
        return executed

    def close(self, wait: bool = True) -> None:
        """Stop the kernels and remove the private folder; ``wait=False``: the kernels stop in the
        background, and a later ``close()`` waits for them (:meth:`WarmKernels.close`)."""
        self.build_kernels.close(wait=wait)
