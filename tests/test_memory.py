"""return_freed_memory gives the pages a large dataset's validation freed back to the system."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from via_reports import memory

# 100 MB of blocks too small for mmap, so glibc's heap keeps them when Python frees them; one block
# allocated after them stops the heap from simply shrinking at its top.
FREED_BUT_HELD = """
import os
from via_reports.memory import return_freed_memory

def rss():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

blocks = [bytes(2000) for _ in range(50_000)]
after = bytes(2000)
before = rss()
del blocks
freed = rss()
return_freed_memory()
print(before, freed, rss())
"""


@pytest.mark.skipif(memory._malloc_trim() is None, reason="glibc only")
def test_freed_blocks_go_back_to_the_system():
    result = subprocess.run([sys.executable, "-c", FREED_BUT_HELD], capture_output=True, text=True, check=True)
    before, freed, returned = map(int, result.stdout.split())
    assert before - freed < 20e6  # Python freed them, but the process still holds their pages
    assert freed - returned > 80e6  # and now it does not


def test_arrows_pool_is_emptied_only_when_arrow_is_in_use(monkeypatch):
    released = []
    pool = types.SimpleNamespace(release_unused=lambda: released.append(True))
    monkeypatch.setitem(sys.modules, "pyarrow", types.SimpleNamespace(default_memory_pool=lambda: pool))
    memory.return_freed_memory()
    assert released == [True]
    monkeypatch.delitem(sys.modules, "pyarrow")
    memory.return_freed_memory()  # and does not import it
    assert released == [True] and "pyarrow" not in sys.modules


def test_small_data_cost_no_garbage_collection(monkeypatch):
    """A full collection costs about 0.1 s in a kernel; for a few MB of data it returns next to nothing."""
    collections = []
    monkeypatch.setattr(memory.gc, "collect", lambda: collections.append(True))
    memory.return_freed_memory(memory.WORTH_RETURNING_BYTES - 1)
    assert collections == []
    memory.return_freed_memory(memory.WORTH_RETURNING_BYTES)
    memory.return_freed_memory()
    assert collections == [True, True]
