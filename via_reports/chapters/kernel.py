"""The Jupyter kernel the chapter notebooks run in.

Two ways in:

* **The build** runs every chapter in a kernel of the interpreter that runs
  the build (:class:`ChapterKernelManager`): the same environment, hence the
  same via-reports code as the build itself, whether or not a kernel was ever
  registered, and whatever a kernel named ``via-reports`` elsewhere points to.
* **JupyterLab and papermill** find a kernel by the name in the notebooks'
  metadata, ``via-reports``: ``via-reports kernel install`` registers it
  (:func:`install_kernel`) for the interpreter it is run with.

Both start the kernel quietly: ipykernel logs "Kernel is running over TCP
without encryption" at every start and "KeyboardInterrupt caught" at
shutdown, noise on a researcher's terminal. A failing cell still lands in
the executed notebook and in the :class:`~via_reports.exceptions.ChapterError`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

#: The kernel's name in the notebooks' metadata, and the name it is registered under.
KERNEL_NAME = "via-reports"
DISPLAY_NAME = "Python (via-reports)"
#: Arguments of the kernel process: only critical messages of its own log.
QUIET = ["--IPKernelApp.log_level=CRITICAL"]
#: Arguments of the Python interpreter (what ``ipykernel install`` gives CPython: debugger without warnings).
PYTHON_ARGUMENTS = ["-Xfrozen_modules=off"]


def kernel_dict() -> dict[str, Any]:
    """kernel.json of the via-reports kernel for the running interpreter."""
    from ipykernel.kernelspec import get_kernel_dict

    return {**get_kernel_dict(extra_arguments=QUIET, python_arguments=PYTHON_ARGUMENTS),
            "display_name": DISPLAY_NAME}


class ChapterKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is always this interpreter's, started quietly.

    Hand it to nbclient or papermill as ``kernel_manager_class``; it needs no
    registered kernel.
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        #: A warm kernel's clients, connected and ready, by the thread that uses each
        #: (:mod:`via_reports.chapters.engine`); they serve its chapters one after the other.
        self.thread_clients: dict[int | str, Any] = {}

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            from ipykernel.kernelspec import RESOURCES

            spec = kernel_dict()
            self._kernel_spec = KernelSpec(resource_dir=RESOURCES, name=KERNEL_NAME, argv=spec["argv"],
                                           display_name=spec["display_name"], language=spec["language"],
                                           metadata=spec["metadata"])
        return self._kernel_spec


def install_kernel(*, user: bool = True, prefix: str | None = None) -> Path:
    """Register the kernel ``via-reports`` for the running interpreter; return its folder.

    ``user=True``: for this user (Jupyter's user data folder); ``prefix``: under
    that prefix instead, e.g. ``sys.prefix`` to keep it inside a virtual
    environment. An earlier registration of the same name is replaced.
    """
    from ipykernel.kernelspec import RESOURCES

    with tempfile.TemporaryDirectory() as staging:
        folder = Path(staging) / KERNEL_NAME
        shutil.copytree(RESOURCES, folder)
        (folder / "kernel.json").write_text(json.dumps(kernel_dict(), indent=1) + "\n", encoding="utf-8")
        destination = KernelSpecManager().install_kernel_spec(str(folder), kernel_name=KERNEL_NAME,
                                                              user=user and prefix is None, prefix=prefix)
    return Path(destination)
