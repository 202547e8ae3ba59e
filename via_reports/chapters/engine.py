"""Chapters on warm kernels: the papermill engine ``via-reports`` and the kernels it runs on.

Starting a kernel and importing pandas, Altair, scipy, statsmodels and
via_reports takes seconds, the same seconds for every chapter. A build
therefore starts its kernels while it validates the data (:class:`WarmKernels`),
imports the libraries once in each (:data:`WARM_UP`), and runs its chapters on
them one after the other. Before each chapter the kernel's namespace, input
history and execution counter are reset (:data:`FRESH_NAMESPACE`,
IPython's ``reset(new_session=True)``), so a chapter sees what it would see in
a kernel of its own; only the imported modules stay. ``--isolated`` runs each
chapter in a fresh kernel instead, and the tests check that both give the same
figures and report.

A warm kernel keeps its kernel clients for the chapters after
(:attr:`~via_reports.chapters.kernel.ChapterKernelManager.thread_clients`):
a new client waits until the kernel's output channel reaches it, 0.2 s
before each chapter. A client belongs to one thread: pyzmq watches a
socket in the event loop of every thread that used it, and a ZeroMQ socket
must not be touched by two threads. A chapter thread therefore gets its own
client of a kernel (the first takes over the one that imported the
libraries, whose thread has ended), and :meth:`WarmKernels.take` gives a
thread the kernel it had before when that one is free, so that with
``--jobs 2`` each thread stays with one kernel and one client. Messages left
over from a chapter before are not mistaken for the next one's: nbclient and
jupyter_client only take replies and outputs to their own requests.

The engine is registered with papermill under the name ``via-reports``
(``[project.entry-points."papermill.engine"]`` in pyproject.toml), as
papermill's documentation describes for custom engines, so a researcher may
also run ``papermill --engine via-reports in.ipynb out.ipynb -p ...``: given no
kernel (``km``), it starts a fresh one, as papermill's own engine does.

On a warm kernel the engine does not let papermill write the executed
notebook before and after every cell (papermill's progress saves, for
watching a long run): the kernel waited for those writes, 0.4 s of a
participants chapter of 1 s. Papermill still writes it when the chapter
starts and when it ends, also when it failed or hung (with the cells run so far).
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from typing import Any


LOG = logging.getLogger(__name__)

#: What every chapter imports: run once in each warm kernel, before any chapter. The subgroup
#: comparisons (most chapters) need scipy's Fisher test and statsmodels' intervals and Holm; the
#: regression models (statsmodels.api, formulas) only the effects chapter, which imports them itself.
WARM_UP = """\
import pandas, altair, vl_convert, scipy.stats
import statsmodels.stats.proportion, statsmodels.stats.multitest, statsmodels.stats.contingency_tables
import via_reports.chapters.notebook, via_reports.figures, via_reports.render.svg, via_reports.report.themes
import via_reports.analysis.subgroups, via_reports.analysis.effects
"""
#: Run (silently, outside the history) before each chapter on a warm kernel: an empty
#: namespace, a new input history, the execution counter back at 1.
FRESH_NAMESPACE = "get_ipython().reset(new_session=True)"
#: The key of a warm kernel's first client in ``thread_clients``: the one that imported the libraries.
WARM_UP_CLIENT = "warm-up"
#: Attempts to start a kernel before the build gives up on it.
START_ATTEMPTS = 3


def __getattr__(name: str) -> Any:
    """``WarmKernelEngine``, the class papermill's entry point names, made when first asked for.

    Papermill loads its engines' entry points while it is itself being
    imported, so this module cannot subclass papermill's engine when it is
    imported: whichever of the two is imported first, the class is made after.
    """
    if name == "WarmKernelEngine":
        return engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def engine_class() -> type:
    """The papermill engine: papermill's nbclient engine, on a warm kernel when one is given as ``km``."""
    from jupyter_core.utils import run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine

    class WarmClient(PapermillNotebookClient):
        """Papermill's notebook client on a kernel that ran other chapters: reset first."""

        def papermill_execute_cells(self) -> None:
            reply = run_sync(self.kc.execute_interactive)(FRESH_NAMESPACE, silent=True, store_history=False,
                                                          timeout=self.startup_timeout,
                                                          output_hook=lambda message: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"the kernel's namespace could not be reset: {reply['content'].get('evalue')}")
            super().papermill_execute_cells()

    class WarmKernelEngine(NBClientEngine):
        """papermill's nbclient engine, on a warm kernel when one is given as ``km``."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     start_timeout: int = 60, execution_timeout: float | None = None,
                                     km: Any = None, **kwargs: Any) -> Any:
            if km is None:  # a direct papermill run: a fresh kernel, as papermill's own engine
                return super().execute_managed_notebook(nb_man, kernel_name, log_output=log_output,
                                                        start_timeout=start_timeout,
                                                        execution_timeout=execution_timeout, **kwargs)
            client = WarmClient(nb_man, km=km, kernel_name=kernel_name, timeout=execution_timeout,
                                startup_timeout=start_timeout, log=LOG, log_output=log_output)
            own = thread_client(km)
            if own is not None:  # this thread's client of the kernel: connected and ready (see the module)
                own.allow_stdin = False
                client.kc = own
            # Papermill writes the whole notebook when each cell starts and again when it ends,
            # while the kernel waits for its next cell: 45 writes of up to 1 MB for a chapter of
            # 10 code cells. Its engine writes it when the chapter starts and ends (see the module).
            output_path, nb_man.output_path = nb_man.output_path, None
            try:
                return client.execute()
            finally:
                nb_man.output_path = output_path  # papermill's last write, also of a failed chapter
                kept = getattr(km, "thread_clients", None)
                if client.kc is not None and kept is not None:
                    kept[threading.get_ident()] = client.kc  # for this thread's next chapter on the kernel
                elif client.kc is not None:  # a kernel manager of someone else's: its client goes
                    client.kc.stop_channels()

    WarmKernelEngine.__module__ = __name__
    return WarmKernelEngine


def thread_client(manager: Any) -> Any:
    """This thread's client of a warm kernel: the one it used before, else the one that imported the
    libraries (its thread has ended), else None (the engine makes one and keeps it)."""
    clients = getattr(manager, "thread_clients", None)
    if clients is None:
        return None
    me = threading.get_ident()
    if me not in clients and WARM_UP_CLIENT in clients:
        clients[me] = clients.pop(WARM_UP_CLIENT)
    return clients.get(me)


def _start_kernel(timeout: float, env: dict[str, str]) -> Any:
    """A started kernel that imported :data:`WARM_UP`; three attempts (a port race, a slow start)."""
    from jupyter_core.utils import run_sync

    from via_reports.chapters.kernel import KERNEL_NAME, ChapterKernelManager

    problem: Exception | None = None
    for attempt in range(1, START_ATTEMPTS + 1):
        manager = ChapterKernelManager(kernel_name=KERNEL_NAME)  # this interpreter's kernel, started quietly
        try:
            run_sync(manager.start_kernel)(env={**os.environ, **env})
            client = manager.thread_clients[WARM_UP_CLIENT] = manager.client()
            client.start_channels()
            run_sync(client.wait_for_ready)(timeout=timeout)
            reply = run_sync(client.execute_interactive)(WARM_UP, store_history=False, timeout=timeout,
                                                         output_hook=lambda message: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
            return manager
        except Exception as error:  # noqa: BLE001 - any failure to start is retried, then reported
            problem = error
            LOG.warning("kernel start %d of %d failed: %s: %s", attempt, START_ATTEMPTS, type(error).__name__, error)
            stop_kernel(manager)
    raise RuntimeError(f"no kernel could be started in {START_ATTEMPTS} attempts: "
                       f"{type(problem).__name__}: {problem}")


def stop_kernel(manager: Any) -> None:
    """End a kernel at once (its chapter is done, failed or hung)."""
    from jupyter_core.utils import run_sync

    clients, manager.thread_clients = manager.thread_clients, {}
    for client in clients.values():
        try:
            client.stop_channels()
        except Exception as error:  # noqa: BLE001 - the kernel is stopped all the same
            LOG.debug("closing a kernel client: %s", error)
    try:
        if manager.has_kernel:
            run_sync(manager.shutdown_kernel)(now=True)
    except Exception as error:  # noqa: BLE001 - already gone
        LOG.debug("stopping a kernel: %s", error)


class WarmKernels:
    """``size`` kernels, started in the background at once; a chapter takes one and gives it back.

    A kernel whose chapter failed, hung or whose process died is not given
    back but stopped, and a fresh one is started in its place.
    """

    def __init__(self, size: int, env: dict[str, str] | None = None, start_timeout: float = 60):
        self.env = env or {}
        self.start_timeout = start_timeout
        self._ready: list[Any] = []  # warm kernels nobody runs a chapter on, and errors of starts that failed
        self._ready_changed = threading.Condition()
        self._last: dict[int, Any] = {}  # the kernel each thread had last
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._closed = False
        self._threads: list[threading.Thread] = []  # the starts and stops, for close() to wait for
        for _ in range(size):
            self._start_one()

    def _start_one(self) -> None:
        if self._closed:
            return

        def start() -> None:
            try:
                manager = _start_kernel(self.start_timeout, self.env)
            except Exception as error:  # noqa: BLE001 - handed to the chapter that waits for it
                self._put(error)
                return
            with self._lock:
                if self._closed:
                    stop_kernel(manager)
                    return
                self._all.append(manager)
            self._put(manager)

        starting = threading.Thread(target=start, name="via-reports-kernel-start", daemon=True)
        starting.start()
        self._threads.append(starting)

    def _put(self, item: Any) -> None:
        with self._ready_changed:
            self._ready.append(item)
            self._ready_changed.notify()

    def take(self) -> Any:
        """A warm kernel (waits for one): the one this thread had before when it is free (its client is
        this thread's, see the module); the start's error when none could be started."""
        me = threading.get_ident()
        with self._ready_changed:
            self._ready_changed.wait_for(lambda: self._ready)
            before = self._last.get(me)
            item = next((ready for ready in self._ready if ready is before), self._ready[0])
            self._ready.remove(item)
        if isinstance(item, Exception):
            self._start_one()  # the next chapter tries again
            raise item
        self._last[me] = item
        return item

    def give_back(self, manager: Any, healthy: bool) -> None:
        """A chapter is done with ``manager``; an unhealthy kernel is replaced by a fresh one."""
        from jupyter_core.utils import run_sync

        if healthy and run_sync(manager.is_alive)():
            self._put(manager)
            return
        with self._lock:
            if manager in self._all:
                self._all.remove(manager)
        stop_kernel(manager)
        self._start_one()

    def release_ended_threads(self) -> None:
        """Let go of the clients of threads that have ended; one per kernel stays for the next thread.

        For a program that runs build after build on the same kernels (a batch
        worker, :mod:`via_reports.programme.warm_worker`): each build's chapter
        threads end with it. The client of an ended thread is handed on like
        the warm-up client (:func:`thread_client`); the others are closed, so
        clients do not pile up build after build.
        """
        alive = {thread.ident for thread in threading.enumerate()}
        with self._ready_changed:
            idle = [item for item in self._ready if not isinstance(item, Exception)]
            self._last = {ident: kernel for ident, kernel in self._last.items() if ident in alive}
        for manager in idle:
            clients = manager.thread_clients
            for ident in [ident for ident in clients if ident != WARM_UP_CLIENT and ident not in alive]:
                client = clients.pop(ident)
                if WARM_UP_CLIENT not in clients:
                    clients[WARM_UP_CLIENT] = client
                else:
                    client.stop_channels()

    def close(self, wait: bool = True) -> None:
        """Stop every kernel (also those still starting, as soon as they are up), all at once.

        ``wait=False``: return at once, while they stop (0.13 s each); a later
        ``close()`` waits for them, and for kernels still starting (their start
        stops them once they are up): no kernel outlives a build that failed early.
        A build lets its kernels stop beside the render.
        """
        with self._lock:
            self._closed = True
            managers, self._all = self._all, []
        for manager in managers:
            stopping = threading.Thread(target=stop_kernel, args=(manager,), name="via-reports-kernel-stop")
            stopping.start()
            self._threads.append(stopping)
        if wait:
            for thread in list(self._threads):
                thread.join()
