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


def test_without_a_cache_a_worker_draws_each_chart_once_in_its_kernel(tiny_dir, tmp_path, monkeypatch):
    """``--no-cache``: the kernels keep the charts they draw in the worker's private folder, and the build's
    render reads them there instead of drawing every chart again in the worker's process."""
    import via_reports.report.build as build_module
    import via_reports.theme.cache as render_cache
    from via_reports.programme.tasks import BuildTask, _inputs as task_inputs
    from via_reports.programme.warm_worker import CHARTS_FOLDER

    monkeypatch.setattr(render_cache, "_MEMORY", {})  # nothing drawn by an earlier test in this process
    drawn_here = []
    draw = render_cache.render_svg
    monkeypatch.setattr(render_cache, "render_svg", lambda *a, **k: drawn_here.append(a[0]) or draw(*a, **k))
    renderers = []

    class Recorded(build_module.Renderer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            renderers.append(self.pool)

    monkeypatch.setattr(build_module, "Renderer", Recorded)
    plugin = WarmWorker()
    task = BuildTask(study="tiny", data=str(tiny_dir), wave="T2", language=None, public=False,
                     out_root=str(tmp_path / "out"), cache=False)
    inputs = task_inputs(task, {})  # as a batch task makes them
    try:
        kernels = plugin.lend(inputs)
        assert kernels.cache_folder is None and kernels.charts_folder == kernels.private / CHARTS_FOLDER
        try:
            result = build_module.build_report(inputs=inputs, kernels=kernels)
        finally:
            kernels.close()
        charts = sorted((kernels.charts_folder / "render" / "svg").iterdir())
        assert len(charts) >= 3 and result.timings["charts"] >= 0
        # Every SVG of the PDF and the HTML came from the kernels' drawing (before: every chart drawn again
        # here), but two on the tiny data: the forest plot and barriers.by_wave (since its n per wave), whose
        # specs read back from the notebook are not the kernel's to the byte (a cached build draws them again
        # too). Found after the merge, not yet explained: see the closing note of issue 24.
        assert len(drawn_here) <= 2 < len(charts)
        assert all("vconcat" in spec or "layer" in spec for spec in drawn_here)
        assert not kernels.snapshot.exists()  # the rows go with the build, as before
        # A task's build (jobs=1) renders the HTML in the worker's process: a second process would cost
        # its start, imports and fonts per report while the other worker needs the other core.
        assert renderers == [None]
        again = plugin.lend(BuildInputs(BuildOptions(data_dir=tiny_dir, out=tmp_path / "b", cache=False,
                                                     jobs=1).resolved()))
        assert not again.charts_folder.exists()  # the next build starts with an empty folder: one build's at a time
    finally:
        plugin.teardown()
    assert not kernels.private.exists()
