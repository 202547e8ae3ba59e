"""A build's kernels and their private folder, started before the build imports its libraries.

A build starts its warm kernels as soon as it knows that its cache lacks
chapters (:meth:`~via_reports.report.chapter_runs.ChapterRuns.start_kernels`),
and the chapter registry it asks imports pandas, Altair and every figure:
0.6 s of a cold build before a kernel starts. The command line therefore
asks first, before those imports (:func:`start_for_cold_build`): the computed
chapters are the notebooks of the templates, and a chapter's key is made of
hashes. When the cache holds none of the build's chapters (a first build, new
data, other options), the kernels start at once and the build takes them
over; when it holds one (a text edit, one chapter changed), the build starts
what it needs after the registry said which, as before.

This module imports no pandas: the command line imports it before the build.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from via_reports.chapters.cache import ChapterCache, chapter_key, shared_key_parts
from via_reports.chapters.engine import WarmKernels
from via_reports.data.snapshot import SNAPSHOT_VARIABLE
from via_reports.files import process_is_alive
from via_reports.options import CACHE_FOLDER_VARIABLE
from via_reports.report.freshness import BuildInputs
from via_reports.resources import templates_dir

#: Above this many bytes of data tables (the files at the top of the data folder, the
#: texts not counted), a build runs its chapters on one kernel: each kernel holds the data.
LARGE_DATA_BYTES = 64 * 1024 * 1024


def theme_parameter(theme: str) -> str:
    """A theme folder is passed to the notebooks as an absolute path (they run elsewhere)."""
    return str(Path(theme).resolve()) if Path(theme).is_dir() else theme


def chapter_inputs(inputs: BuildInputs) -> dict[str, Any]:
    """What every chapter of a build depends on besides its notebook and the code: data and options as given
    (the language as the study decides it)."""
    options = inputs.options
    return {"data_dir": str(inputs.data_dir) if inputs.data_dir else "", "data": inputs.data.without_texts,
            "wave": options.wave, "kind": options.kind, "language": inputs.language, "min_n": options.min_n,
            "alpha": options.alpha, "public": options.public, "min_cell": options.min_cell,
            "theme": theme_parameter(options.theme)}


def data_bytes(data_dir: Path | None) -> int:
    """The size of the data tables in ``data_dir`` (None: the demo, 0): the files at its top, links not followed."""
    if data_dir is None:
        return 0
    total = 0
    try:
        with os.scandir(data_dir) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    except OSError:  # not a readable folder: loading the data says so, with the file named
        return 0
    return total


#: A build's private folder in the temporary folder: ``via-reports-build-PID-random``.
PRIVATE_PREFIX = "via-reports-build-"
_PRIVATE = re.compile(rf"^{PRIVATE_PREFIX}(?P<pid>[0-9]+)-")


def _remove_stale_private_folders() -> None:
    """Remove the private folders of builds that were killed (SIGKILL leaves no chance to clean up):
    the snapshot in one holds the rows of a dataset. A live build's folder is left alone."""
    try:
        with os.scandir(tempfile.gettempdir()) as entries:
            stale = [Path(entry.path) for entry in entries
                     if (match := _PRIVATE.match(entry.name)) and entry.is_dir(follow_symlinks=False)
                     and not process_is_alive(int(match.group("pid")))]
    except OSError:
        return
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class BuildKernels:
    """A build's private folder (mode 0700: the validated snapshot goes there) and its warm kernels."""

    private: Path
    #: The size of the data tables (0 for the demo).
    data_bytes: int
    #: How many chapters run at once: ``jobs``, or one for a large dataset.
    parallel_chapters: int
    env: dict[str, str]
    kernels: WarmKernels | None = None

    @classmethod
    def create(cls, inputs: BuildInputs) -> BuildKernels:
        """A new private folder; no kernel yet (:meth:`start`)."""
        options = inputs.options
        _remove_stale_private_folders()
        private = Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))
        env = {SNAPSHOT_VARIABLE: str(private / "dataset.pickle")}
        if options.cache_folder is not None:  # the charts the notebooks render, kept for the render
            env[CACHE_FOLDER_VARIABLE] = str(options.cache_folder)
        size = data_bytes(inputs.data_dir)
        return cls(private, size, 1 if size > LARGE_DATA_BYTES else max(1, options.jobs), env)

    @property
    def snapshot(self) -> Path:
        return self.private / "dataset.pickle"

    def start(self, chapters: int) -> None:
        """Start kernels for ``chapters`` chapters (at most :attr:`parallel_chapters`), unless started."""
        if self.kernels is None and chapters:
            self.kernels = WarmKernels(min(self.parallel_chapters, chapters), env=self.env)

    def close(self, wait: bool = True) -> None:
        """Stop the kernels (``wait=False``: in the background, see :meth:`WarmKernels.close`); remove the folder."""
        if self.kernels is not None:
            self.kernels.close(wait=wait)
        shutil.rmtree(self.private, ignore_errors=True)


def start_for_cold_build(inputs: BuildInputs) -> BuildKernels | None:
    """The kernels of a build whose chapters the cache holds none of, started now; else None.

    ``--isolated`` (a fresh kernel per chapter) starts none here.
    """
    options = inputs.options
    if options.isolated:
        return None
    notebooks = sorted((templates_dir() / "notebooks").glob("*.ipynb"))
    cache = ChapterCache(options.cache_folder)
    given, shared = chapter_inputs(inputs), shared_key_parts(inputs.theme)
    if not notebooks or any(cache.has(chapter_key(path.stem, path, given, shared)) for path in notebooks):
        return None
    kernels = BuildKernels.create(inputs)
    kernels.start(len(notebooks))
    return kernels
