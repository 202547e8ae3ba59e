"""A batch worker's kernels outlive each build: lent to one build after another, stopped with the worker."""

from __future__ import annotations

import pytest

from via_reports.programme.warm_worker import LentKernels, WarmWorker
from via_reports.report.freshness import BuildInputs, BuildOptions

pytestmark = pytest.mark.slow  # starts a kernel


def test_kernels_are_lent_build_after_build_and_stopped_with_the_worker(tiny_dir, tmp_path):
    plugin = WarmWorker()
    inputs = BuildInputs(BuildOptions(data_dir=tiny_dir, out=tmp_path / "a", cache_dir=tmp_path / "cache").resolved())
    first = plugin.lend(inputs)
    assert isinstance(first, LentKernels) and first.parallel_chapters == 1
    first.snapshot.write_bytes(b"rows")  # what a build hands its kernels
    first.close()  # the build is done: its rows go, its kernel stays
    assert not first.snapshot.exists() and first.private.is_dir()
    manager = first.kernels.take()  # the kernel is up and usable
    first.kernels.give_back(manager, healthy=True)
    other = BuildInputs(BuildOptions(data_dir=tiny_dir, out=tmp_path / "b", wave="T1",
                                     cache_dir=tmp_path / "cache").resolved())
    second = plugin.lend(other)
    assert second.kernels is first.kernels and second.private == first.private
    assert (plugin.starts, plugin.builds) == (1, 2)
    private = second.private
    plugin.teardown()
    assert not private.exists()
    assert not manager.has_kernel  # the kernel was stopped


def test_the_plugin_travels_empty():
    import pickle

    plugin = WarmWorker()
    plugin.starts = 3
    copy = pickle.loads(pickle.dumps(plugin))
    assert copy.starts == 0 and copy._kept == {}
