"""Give back memory a large dataset no longer needs.

Reading and validating a million response rows takes well over a gigabyte at
its peak, most of it in temporary frames that are gone once validation ends.
Python frees them, but the C allocators keep the pages: glibc's ``malloc``
holds freed small blocks in its arenas, and Arrow's memory pool (which holds
pandas' text columns) keeps what it once allocated. The process then stays
at its peak while the kernels run their chapters beside it.

:func:`return_freed_memory` hands those pages back to the operating system.
The build calls it after validation and after writing the snapshot; a kernel
calls it after reading the snapshot (:mod:`via_reports.data.snapshot`).
It frees nothing that is still used, so calling it is always safe; it costs a
few milliseconds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library is not glibc (macOS, musl, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def return_freed_memory() -> None:
    """Collect garbage, then return the allocators' free pages to the operating system."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    pyarrow = sys.modules.get("pyarrow")  # only when already imported: importing it would cost memory
    if pyarrow is not None:
        pyarrow.default_memory_pool().release_unused()
