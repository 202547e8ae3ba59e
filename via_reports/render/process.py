"""The renderer's second process: it dies with the build that started it.

A build renders the HTML in a spawned process while it lays out the PDF
(:func:`via_reports.report.build._render`); the process starts with
:func:`die_with_parent`, and imports only the renderer (this package), never
the build.
"""

from __future__ import annotations

import os

#: Linux's prctl option: the signal this process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


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
