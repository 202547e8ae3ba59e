"""A build's kernels and their private folder, started before the build imports its libraries.

A build starts its warm kernels as soon as it knows that its cache lacks
chapters (:meth:`~via_reports.report.chapter_runs.ChapterRuns.start_kernels`),
and the chapter registry it asks imports pandas, Altair and every figure:
0.6 s of a cold build before a kernel starts. The command line therefore
asks first, before those imports (:func:`start_for_cold_build`): the computed
chapters are the notebooks of the templates (``tests/test_notebook_source``
checks that they agree with the registry), and a chapter's key is made of
hashes (:func:`chapter_keys`, which the build uses too). When the cache holds none of the build's chapters (a first build, new
data, other options), the kernels start at once and the build takes them
over; when it holds one (a text edit, one chapter changed), the build starts
what it needs after the registry said which, as before.

This module imports no pandas: the command line imports it before the build.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from via_reports.chapters.cache import ChapterCache, chapter_key, shared_key_parts
from via_reports.chapters.engine import WarmKernels
from via_reports.data.snapshot import SNAPSHOT_VARIABLE
from via_reports.files import process_is_alive
from via_reports.options import CACHE_FOLDER_VARIABLE
from via_reports.report.freshness import BuildInputs
from via_reports.resources import chapter_notebooks, notebook_template

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
            "theme": theme_parameter(options.theme), **({"internal": True} if options.internal else {})}


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


#: A build's private folder in the temporary folder: ``via-reports-build-PID-random``, holding a
#: ``.lock`` file its build keeps locked (flock) while it runs.
PRIVATE_PREFIX = "via-reports-build-"
_PRIVATE = re.compile(rf"^{PRIVATE_PREFIX}(?P<pid>[0-9]{{1,10}})-")
#: A private folder whose build died before it locked it is removed after this many seconds.
UNLOCKED_GRACE_SECONDS = 3600


def _remove_stale_private_folders() -> None:
    """Remove the private folders of builds that were killed (SIGKILL leaves no chance to clean up):
    the snapshot in one holds the rows of a dataset. Only this user's folders are looked at, and a
    folder is stale only when its PID is gone *and* nobody holds its lock: a build in another PID
    namespace (a container) sharing the temporary folder keeps its folder."""
    try:
        with os.scandir(tempfile.gettempdir()) as entries:
            stale = [Path(entry.path) for entry in entries
                     if (match := _PRIVATE.match(entry.name)) and entry.is_dir(follow_symlinks=False)
                     and _is_stale(entry, int(match.group("pid")))]
    except OSError:
        return
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)


def _is_stale(entry: os.DirEntry, pid: int) -> bool:
    status = entry.stat(follow_symlinks=False)
    if status.st_uid != os.getuid() or process_is_alive(pid):
        return False
    try:
        lock = os.open(os.path.join(entry.path, ".lock"), os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:  # killed between making the folder and locking it, or still there
        return time.time() - status.st_mtime > UNLOCKED_GRACE_SECONDS
    except OSError:
        return False
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:  # held: a live build
        return False
    finally:
        os.close(lock)


def chapter_keys(inputs: BuildInputs, chapters: list[str]) -> dict[str, str]:
    """Each chapter's key in the chapter cache (:func:`~via_reports.chapters.cache.chapter_key`): its
    notebook in the templates, the build's data and options, the theme and the code."""
    given, shared = chapter_inputs(inputs), shared_key_parts(inputs.theme)  # once for every chapter
    return {chapter: chapter_key(chapter, notebook_template(chapter), given, shared) for chapter in chapters}


@dataclass
class BuildKernels:
    """A build's private folder (mode 0700: the validated snapshot goes there) and its warm kernels."""

    private: Path
    #: The size of the data tables (0 for the demo).
    data_bytes: int
    #: How many chapters run at once: ``jobs``, or one for a large dataset.
    parallel_chapters: int
    #: The build's cache folder, where the kernels keep the charts they render (None: no cache).
    cache_folder: Path | None
    kernels: WarmKernels | None = None
    #: The open, locked ``.lock`` file of the private folder (None once closed).
    lock: int | None = None
    #: Without a cache folder, where the kernels keep the charts they render so that the build's render
    #: reads them instead of drawing each again (a batch worker's private folder,
    #: :mod:`via_reports.programme.warm_worker`); None: each process keeps its own in memory.
    charts_folder: Path | None = None

    @property
    def render_folder(self) -> Path | None:
        """The folder the kernels and the build's render share their charts in: the cache, else :attr:`charts_folder`."""
        return self.cache_folder if self.cache_folder is not None else self.charts_folder

    @classmethod
    def create(cls, inputs: BuildInputs) -> BuildKernels:
        """A new private folder; no kernel yet (:meth:`start`)."""
        options = inputs.options
        _remove_stale_private_folders()
        private = Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))
        lock = os.open(private / ".lock", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        fcntl.flock(lock, fcntl.LOCK_EX)  # not inherited by the kernels (Python opens files close-on-exec)
        size = data_bytes(inputs.data_dir)
        return cls(private, size, 1 if size > LARGE_DATA_BYTES else max(1, options.jobs), options.cache_folder,
                   lock=lock)

    @property
    def snapshot(self) -> Path:
        return self.private / "dataset.pickle"

    @property
    def env(self) -> dict[str, str]:
        """What the kernels are told: the snapshot, and the cache folder for the charts they render."""
        env = {SNAPSHOT_VARIABLE: str(self.snapshot)}
        if self.render_folder is not None:
            env[CACHE_FOLDER_VARIABLE] = str(self.render_folder)
        return env

    def start(self, chapters: int) -> None:
        """Start kernels for ``chapters`` chapters (at most :attr:`parallel_chapters`), unless started."""
        if self.kernels is None and chapters:
            self.kernels = WarmKernels(min(self.parallel_chapters, chapters), env=self.env)

    def close(self, wait: bool = True) -> None:
        """Stop the kernels (``wait=False``: in the background, see :meth:`WarmKernels.close`); remove the folder."""
        if self.kernels is not None:
            self.kernels.close(wait=wait)
        shutil.rmtree(self.private, ignore_errors=True)
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None


def start_for_cold_build(inputs: BuildInputs) -> BuildKernels | None:
    """The kernels of a build whose chapters the cache holds none of, started now; else None.

    ``--isolated`` (a fresh kernel per chapter) starts none here.
    """
    options = inputs.options
    if options.isolated:
        return None
    chapters = [path.stem for path in chapter_notebooks()]
    cache = ChapterCache(options.cache_folder)
    if not chapters or any(cache.has(key) for key in chapter_keys(inputs, chapters).values()):
        return None
    kernels = BuildKernels.create(inputs)
    try:
        kernels.start(len(chapters))
    except BaseException:
        kernels.close()
        raise
    return kernels
