"""Running chapter notebooks with papermill, strictly.

Papermill only warns about a parameter the notebook does not declare; here
that is an error, checked against the registry's notebook parameters
(:func:`via_reports.chapters.registry.check_parameters`) before any kernel
starts. The kernel is the build's own interpreter, started quietly
(:mod:`via_reports.chapters.kernel`). A failing cell becomes a
:class:`ChapterError` that names the chapter, the cell, the exception and the
executed notebook to inspect; so does a cell that runs longer than the
timeout (a hung chapter). Chapters run with papermill's engine
``via-reports`` (:mod:`via_reports.chapters.engine`): on a warm kernel of the
build when one is given, else on a fresh kernel.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from via_reports.chapters.engine import WarmKernels, engine_class
from via_reports.chapters.registry import check_parameters
from via_reports.exceptions import ChapterError
from via_reports.resources import notebook_template

LOG = logging.getLogger(__name__)

#: The papermill engine the chapters run with (registered in pyproject.toml too).
ENGINE = "via-reports"


def failed_cell(executed: Path) -> tuple[int | None, str | None]:
    """Index (in the executed notebook) and first source line of the cell that raised."""
    import nbformat

    try:
        notebook = nbformat.read(str(executed), as_version=4)
    except Exception:  # the notebook could not even be written
        return None, None
    for index, cell in enumerate(notebook.cells):
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            lines = [line for line in cell.source.splitlines() if line.strip()]
            return index, (lines[-1].strip() if lines else None)
    return None, None


@dataclass(frozen=True)
class ChapterResult:
    chapter: str
    notebook: Path
    #: Wall-clock seconds from the call to the executed notebook.
    seconds: float
    #: Of those, the seconds spent waiting for a warm kernel (its start and imports, or another chapter).
    waited: float = 0.0


def run_chapter(chapter: str, parameters: dict[str, Any], executed: Path, *, kernels: WarmKernels | None = None,
                timeout: float | None = None) -> ChapterResult:
    """Execute one chapter notebook into ``executed``; raise ChapterError when a cell fails.

    ``kernels``: the build's warm kernels (None: a fresh kernel for this
    chapter alone); ``timeout``: the seconds one cell may run. Safe to call
    from several threads at once: the working directory is left alone
    (papermill's ``cwd`` option changes it for the whole process).
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillExecutionError

    from via_reports.chapters.kernel import KERNEL_NAME, ChapterKernelManager

    papermill_engines.register(ENGINE, engine_class())  # also without the package's entry points installed
    check_parameters(parameters)
    template = notebook_template(chapter)
    executed.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    waited = 0.0
    for attempt in (1, 2):
        manager, healthy = None, False
        try:
            if kernels is not None:
                asked = time.perf_counter()
                manager = kernels.take()
                waited += time.perf_counter() - asked
            papermill.execute_notebook(
                str(template), str(executed), parameters=parameters, kernel_name=KERNEL_NAME,
                kernel_manager_class=ChapterKernelManager, progress_bar=False, log_output=False,
                engine_name=ENGINE, km=manager,
                execution_timeout=math.ceil(timeout) if timeout else None,  # nbclient counts whole seconds
            )
            healthy = True
            break
        except PapermillExecutionError as error:  # a cell raised: deterministic, never retried
            index, source = failed_cell(executed)
            where = f"cell {index}" + (f" ({source})" if source else "")
            raise ChapterError(
                chapter,
                f"chapter {chapter!r} failed in {where}: {error.ename}: {error.evalue}",
                cell_index=index, ename=error.ename, evalue=error.evalue, notebook_path=str(executed),
            ) from None
        except CellTimeoutError:  # a hung chapter: its kernel is stopped, nothing retried
            raise ChapterError(chapter, f"chapter {chapter!r} did not finish: a cell ran longer than {timeout:g} s "
                               "(a hung chapter?); the executed notebook shows how far it got",
                               ename="CellTimeoutError", evalue=f"{timeout:g} s",
                               notebook_path=str(executed)) from None
        except Exception as error:  # the kernel could not start or died: may be passing (a port race)
            if attempt == 2 or not executed.parent.is_dir():  # no retry once the build is being removed
                raise ChapterError(chapter, f"chapter {chapter!r} could not run: {type(error).__name__}: {error}",
                                   ename=type(error).__name__, evalue=str(error),
                                   notebook_path=str(executed)) from None
            LOG.warning("chapter %s: the kernel failed (%s: %s); trying once more", chapter,
                        type(error).__name__, error)
        finally:
            if manager is not None:
                kernels.give_back(manager, healthy)
    return ChapterResult(chapter, executed, time.perf_counter() - started, waited)
