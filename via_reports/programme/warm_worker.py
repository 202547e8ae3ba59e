"""Warm kernels that outlive a build: a Dask worker keeps its kernels from one report to the next.

A cold build spends seconds starting a kernel and importing pandas, Altair,
scipy and statsmodels in it (:mod:`via_reports.chapters.engine`). A batch
builds many reports on each worker, so each worker starts its kernel once:
:class:`WarmWorker`, a Dask worker plugin, keeps one
:class:`~via_reports.report.kernel_start.BuildKernels` (a private folder and
its warm kernel) per worker thread and lends it to each build
(:class:`LentKernels`). The kernels read each build's data from the snapshot
in that private folder, which the build writes anew
(:mod:`via_reports.data.snapshot`; a kernel takes the snapshot only when it
was made for the data folder and language of its chapter). When a build
ends, the lent kernels are not stopped; only the snapshot, which holds the
dataset's rows, is removed. A kernel whose chapter failed is replaced by
:class:`~via_reports.chapters.engine.WarmKernels` itself. The kernels stop
when the worker closes (:meth:`WarmWorker.teardown`).

Each chart is drawn once per build, not twice. A chapter's notebook draws
its charts as SVG (vl-convert) for its own output, and the build's render
needs the same SVGs; with a cache folder the kernels keep them there and the
render reads them. Without one (``--no-cache``) each process kept its own in
memory, so the worker drew every chart again: measured, 2.3 to 3.0 CPU s for
an interim report of the demo programme, 5.1 to 5.2 for a final one. The worker's kernels therefore keep their charts in a folder of the
worker's private folder (:attr:`~via_reports.report.kernel_start.BuildKernels.charts_folder`),
which the build's render reads; it holds one build's charts and laid-out
PDF parts at a time (emptied when the next build is lent the kernels) and
goes with the worker. Nothing of the user's cache is read or written.

Outside a Dask worker (a batch run in one process, the tests) the same
machinery is used through :func:`worker_plugin`, which then gives one process-wide :class:`WarmWorker`.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from typing import Any

from distributed import WorkerPlugin

from via_reports.report.freshness import BuildInputs
from via_reports.report.kernel_start import BuildKernels, data_bytes

#: The name the plugin is registered under on every worker.
PLUGIN_NAME = "via-reports-warm-kernels"
#: The folder, in the worker's private folder, where its kernels keep their charts for the render (no cache).
CHARTS_FOLDER = "charts"


@dataclasses.dataclass
class LentKernels(BuildKernels):
    """A worker's kernels lent to one build: closing removes the build's snapshot, nothing else."""

    def close(self, wait: bool = True) -> None:
        self.snapshot.unlink(missing_ok=True)  # the rows never outlive their build
        self.snapshot.with_name(self.snapshot.name + ".part").unlink(missing_ok=True)


class WarmWorker(WorkerPlugin):
    """Keeps warm kernels per worker thread across builds; registered with ``Client.register_plugin``.

    The plugin is pickled on its way to the workers: it travels empty
    (:meth:`__getstate__`), and each worker's copy keeps its own kernels.
    """

    name = PLUGIN_NAME

    def __init__(self) -> None:
        self._kept: dict[int, BuildKernels] = {}
        self._lock = threading.Lock()
        #: How many kernels this worker started, and how many builds it lent them to (for the batch's record).
        self.starts = 0
        self.builds = 0

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()

    def setup(self, worker: Any = None) -> None:  # noqa: D102 - Dask's hook
        pass

    def teardown(self, worker: Any = None) -> None:
        """Stop every kept kernel and remove its private folder."""
        with self._lock:
            kept, self._kept = self._kept, {}
        for kernels in kept.values():
            kernels.close()

    def lend(self, inputs: BuildInputs) -> LentKernels | None:
        """This thread's kernels for a build of ``inputs`` (started now when it has none); None for
        ``--isolated`` builds, which start a kernel per chapter."""
        options = inputs.options
        if options.isolated:
            return None
        me = threading.get_ident()
        with self._lock:
            own = self._kept.get(me)
        if own is not None and own.cache_folder != options.cache_folder:  # the kernels were told another cache
            own.close()
            own = None
        if own is None:
            own = BuildKernels.create(inputs)
            own.parallel_chapters = 1  # a worker builds one report at a time, one chapter at a time
            if own.cache_folder is None:  # the charts the kernels draw, for the render to read (see the module)
                own.charts_folder = own.private / CHARTS_FOLDER
            own.start(1)
            self.starts += 1
            with self._lock:
                self._kept[me] = own
        elif own.kernels is not None:
            own.kernels.release_ended_threads()  # the last build's chapter thread has ended
        if own.charts_folder is not None:
            shutil.rmtree(own.charts_folder, ignore_errors=True)  # the last build's; the kernels make it anew
        self.builds += 1
        return LentKernels(private=own.private, data_bytes=data_bytes(inputs.data_dir), parallel_chapters=1,
                           cache_folder=own.cache_folder, kernels=own.kernels, charts_folder=own.charts_folder)


def worker_plugin() -> WarmWorker:
    """The plugin of the worker running this task, registered by the batch; a fresh one outside Dask."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):  # not inside a Dask worker
        return _local_plugin()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if plugin is None:  # a worker that joined after the batch registered it (plugins are sent to new ones too)
        plugin = worker.plugins[PLUGIN_NAME] = WarmWorker()
    return plugin


_LOCAL: list[WarmWorker] = []


def _local_plugin() -> WarmWorker:
    if not _LOCAL:
        _LOCAL.append(WarmWorker())
    return _LOCAL[0]
