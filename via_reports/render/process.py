"""The build's render: the PDF in the build's process, the HTML (and the Word edition) beside it in a second one.

The PDF may hand the second process one large part to lay out once the HTML is
written (:attr:`Renderer.helper`, :func:`~via_reports.render.pdf._lay_out_round`).

The second process is made ready while the chapters run, so the render does
not wait for its start-up (:class:`Renderer`): it is spawned once the data
are valid (:meth:`Renderer.prepare`, while the kernels start), at a lower priority (:data:`PREPARE_NICENESS`: the kernels come
first), imports the renderer and subsets the theme's fonts for the HTML
(:func:`~via_reports.render.html.prepare_html`). The build's own process
imports WeasyPrint in a thread meanwhile (:func:`_import_pdf_libraries`).

On Linux a lower priority takes more than ``os.nice``: with the scheduler's
autogroups (``/proc/sys/kernel/sched_autogroup_enabled``), processor time is
shared out between *sessions* first, and a niceness only counts within its
session. The kernels run in sessions of their own (jupyter_client starts
them so), so a niced process in the build's session still took a third of
the processor from them: measured, 0.65 CPU-seconds out of 2.5 s on two
busy cores, against 0.27 with the session's own niceness. The second process
therefore starts a session of its own and lowers that session's niceness
(:func:`lower_priority`). When the render starts, the kernels are done, and
the build sets that niceness back to its own (:func:`render_priority`): the
HTML and the Word edition are then as urgent as the PDF.

The second process starts with :func:`die_with_parent` and imports only the
renderer (this package), never the build. It is spawned, not forked: forking
a process that runs threads (the notebook pool, a test runner's) can
deadlock the child.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from concurrent.futures import Executor, Future
from typing import Any, Callable

from via_reports.formats import call
from via_reports.options import chosen_formats
from via_reports.theme.cache import RenderCache

#: Linux's prctl option: the signal this process gets when its parent dies.
_PR_SET_PDEATHSIG = 1
#: How much less than the build the second process asks of the processor (os.nice).
PREPARE_NICENESS = 10


def die_with_parent(parent: int) -> None:
    """Start of the renderer process: the kernel kills it when the build process dies (Linux prctl).

    Without it a renderer outlives a build killed with SIGKILL and keeps
    writing into a staging folder that the next build removes.
    """
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool ends its worker when the build's pipe closes
        return
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)


def lower_priority(niceness: int = PREPARE_NICENESS) -> None:
    """Ask less of the processor than the build and its kernels: a session of its own at ``niceness``
    (Linux's autogroup, see the module's text), and the process's own niceness for other systems."""
    try:
        os.setsid()
        with open("/proc/self/autogroup", "w", encoding="ascii") as autogroup:
            autogroup.write(str(niceness))
    except (OSError, AttributeError):  # no autogroups, or not POSIX: the process's niceness below
        pass
    try:
        os.nice(niceness)
    except (OSError, AttributeError):  # not permitted, or not POSIX: it runs at the build's priority
        pass


def build_priority() -> tuple[int, int]:
    """This process's niceness and its session's (Linux's autogroup; 0 where there is none)."""
    niceness = os.getpriority(os.PRIO_PROCESS, 0) if hasattr(os, "getpriority") else 0
    try:
        with open("/proc/self/autogroup", encoding="ascii") as autogroup:
            return niceness, int(autogroup.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return niceness, 0


def render_priority(pid: int | None, niceness: tuple[int, int]) -> None:
    """At the render the chapters' kernels are done: the second process ``pid`` gets the build's share of
    the processor again (itself and its session back to ``niceness``, the build's own, as
    :func:`build_priority` gives them); None: this process.

    Left at :data:`PREPARE_NICENESS`, the HTML and the Word edition waited behind every other
    process of a busy machine while the PDF was long done: measured on the shared 2-core machine
    at a load of 17, the PDF took 34 s and the second process 190 s (HTML) and 215 s (Word). The
    build sets it from outside, so that a task already running there (the fonts of
    :meth:`Renderer.prepare`) speeds up too. A session's niceness may be set back to 0 by its owner
    without privileges (Linux refuses only a negative one); the process's own niceness only where
    the system allows lowering it, which with autogroups does not matter (the process is alone in
    its session, and so are the pandoc it starts and their children).
    """
    try:
        with open(f"/proc/{pid or 'self'}/autogroup", "w", encoding="ascii") as autogroup:
            autogroup.write(str(max(niceness[1], 0)))
    except OSError:  # no autogroups, not Linux, or the process is gone
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, pid or 0, niceness[0])
    except (OSError, AttributeError):  # lowering a niceness needs a privilege; not POSIX
        pass


#: In the second process: set by the build once its render has begun (:meth:`Renderer.render`).
_RENDERING: Any = None


def _start_second_process(parent: int, modules: tuple[str, ...], rendering: Any = None) -> None:
    global _RENDERING
    _RENDERING = rendering
    die_with_parent(parent)
    lower_priority()
    for module in modules:  # the renderers' imports, while the chapters run
        importlib.import_module(module)


def _prepare(targets: tuple[tuple[str, bool], ...], theme: Any, date: Any, cache_folder: Any) -> None:
    """Each format's ``prepare`` (:class:`~via_reports.formats.OutputFormat`), in the second process.

    ``targets``: ``(target, only before the render)``. The work of the formats
    rendered here is needed either way; a warm-up for work the build's process
    may hand over (the PDF's) is left out once the render has begun: on a cold
    build, the fonts and the vega bundle (4-5 s of work the low priority left
    undone while the chapters ran) keep this process busy past the moment the
    PDF would hand a part over, so it lays that part out itself.
    """
    cache = RenderCache(cache_folder)
    for target, only_before_render in targets:
        if only_before_render and _RENDERING is not None and _RENDERING.is_set():
            continue
        call(target, theme, date, cache)


def _import_pdf_libraries() -> None:
    """Import WeasyPrint and pikepdf, in a thread of the build while it reads its data (:class:`Renderer`).

    Importing WeasyPrint takes 0.4 s, most of it ctypes looking for its C
    libraries under names that are not the ones Linux has: for each of 22
    names an ``ldconfig``, a ``gcc`` and an ``ld`` process, while the build's
    own thread could go on. When the build reaches the render, they are
    there. Started while the chapters ran instead, the import slowed the
    kernels by more than it gave. A failed import here is the render's to report.

    Two threads importing modules that import each other can deadlock (Python
    then raises ``_DeadlockError`` in one of them), so the build starts this
    one once it has its theme and its renderer: what the build's threads import
    after that (the data and the chapter keys; papermill, and Jupyter's client
    in the threads that start kernels) shares only ``brotli`` and
    ``mimetypes`` with WeasyPrint and pikepdf, and neither imports the other.
    """
    try:
        import pikepdf  # noqa: F401
        import weasyprint  # noqa: F401
    except Exception:  # noqa: BLE001 - the render imports them again and says what is wrong
        pass


class Renderer:
    """The render of one build; ``parallel``: the formats that may, in a second process (``jobs`` > 1).

    ``formats``: the names of the formats the build asks for (default: the default ones); the second
    process imports their renderers and runs their ``prepare``. :meth:`close` ends the second process;
    call it on every way out of the build.
    """

    def __init__(self, parallel: bool, formats: list[str] | None = None):
        self.pool = None
        self.formats = [f for f in chosen_formats(formats) if f.second_process]
        #: What the second process prepares: first for its own formats (the HTML's fonts), then WeasyPrint
        #: for a part of the PDF it may be handed.
        chosen = chosen_formats(formats)
        self.prepares = tuple((f.prepare, not f.second_process)
                              for f in [*self.formats, *[f for f in chosen if not f.second_process]] if f.prepare)
        self.given: list[Future] = []  # what the second process was given, done or not
        self.rendering: Any = None  # set when the render begins (:func:`_prepare`)
        threading.Thread(target=_import_pdf_libraries, name="via-reports-import").start()
        if parallel:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")
            self.rendering = context.Event()
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_start_second_process,
                                            initargs=(os.getpid(), tuple(f.module for f in self.formats),
                                                      self.rendering))

    def prepare(self, theme: Any, date: Any, cache_folder: Any) -> None:
        """Once the study is known (its date is stamped into the HTML's fonts): each format's ``prepare``,
        in the second process."""
        if self.pool is not None and self.prepares:
            try:
                self.given.append(self.pool.submit(_prepare, self.prepares, theme, date, cache_folder))  # its errors: the render's to report
            except Exception:  # noqa: BLE001 - only a head start: the render itself reports a broken process
                pass

    @property
    def helper(self) -> SecondProcess | None:
        """The second process, for a format that renders in the build's own (the PDF hands it a large
        part: :func:`~via_reports.render.pdf.render_pdf`); None without one."""
        return SecondProcess(self.pool, self.given) if self.pool is not None else None

    def in_one_process(self) -> None:
        """No second process: when no chapter runs first, starting one (about 1.3 s of start-up and
        imports) takes longer than the HTML itself once the PDF's parts come from the cache."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)  # it never started a process
            self.pool = None

    def render(self, tasks: list[tuple[str, bool, Callable[[], Any]]], timings: dict[str, float]) -> None:
        """Each output format's task ``(name, may run in the second process, task)``: those that may
        (picklable) go to the second process in order while the others run here, or all here in order."""
        if self.pool is None:
            for name, _, task in tasks:
                timings[name] = _timed(task)
            return
        started = time.perf_counter()
        self.rendering.set()
        niceness = build_priority()
        for process in list((getattr(self.pool, "_processes", None) or {}).values()):
            render_priority(process.pid, niceness)  # the kernels are done: the render's share back
        self.given.append(self.pool.submit(render_priority, None, niceness))  # and in a process only started now
        elsewhere = [(name, self.pool.submit(task)) for name, second, task in tasks if second]  # in order
        self.given += [done for _, done in elsewhere]
        try:
            for name, second, task in tasks:
                if not second:
                    timings[name] = _timed(task)
            for name, done in elsewhere:
                done.result()
                timings[f"{name} (second process)"] = time.perf_counter() - started
        except BaseException:
            # The files are written into the staging folder, which the build removes when the render
            # failed or Ctrl-C stopped it: the second process ends first, so nothing is written
            # there after, and the build does not wait for a file that nobody will read.
            self.close()
            raise

    def close(self) -> None:
        """End the second process at once, also in the middle of a task.

        On the way out of a build its work is either done (the render waited
        for the HTML) or no longer wanted (the build failed or was stopped). It
        is killed, not asked to exit: a Python process that imported the
        renderer takes 0.2 s to end, and in a session of its own
        (:func:`lower_priority`) it does not get the terminal's Ctrl-C.
        """
        if self.pool is None:
            return
        _kill_workers(self.pool)
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None


class SecondProcess(Executor):
    """The renderer's second process as a format in the build's own sees it: an executor that says whether
    it is ``idle()`` (done with all it was given: the formats' ``prepare``, the HTML, the Word edition)."""

    def __init__(self, pool: Executor, given: list[Future]):
        self.pool, self.given = pool, given

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self.pool.submit(fn, *args, **kwargs)

    def idle(self) -> bool:
        return all(done.done() for done in self.given)


def _kill_workers(pool: Any) -> None:
    """Kill a process pool's workers, busy or not (Python 3.14's ``ProcessPoolExecutor.kill_workers``)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, AttributeError):  # already gone
            pass


def _timed(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started
