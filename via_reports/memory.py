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
It frees nothing that is still used, so calling it is always safe. It costs a
full garbage collection, about 0.1 s in a process that imported the analysis
stack, so for small data (under :data:`WORTH_RETURNING_BYTES`) it does nothing.
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


#: Data smaller than this leave too little behind to be worth a full garbage collection.
WORTH_RETURNING_BYTES = 16 * 1024 * 1024


def return_freed_memory(data_bytes: int | None = None) -> None:
    """Collect garbage, then return the allocators' free pages to the operating system.

    ``data_bytes``: the size of the data that were just handled (tables, a
    snapshot); under :data:`WORTH_RETURNING_BYTES` nothing is done. None: always.
    """
    if data_bytes is not None and data_bytes < WORTH_RETURNING_BYTES:
        return
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    pyarrow = sys.modules.get("pyarrow")  # only when already imported: importing it would cost memory
    if pyarrow is not None:
        pyarrow.default_memory_pool().release_unused()
