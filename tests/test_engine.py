"""Warm kernels and the validated snapshot: faster, and the same report as isolated kernels."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from via_reports.exceptions import ChapterError, ContractError

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- validate once

def test_a_chapter_takes_the_builds_snapshot_only_for_the_same_data(tmp_path, monkeypatch):
    from tiny import tiny_tables, write_dataset

    from via_reports.data.dataset import load_dataset
    from via_reports.data.snapshot import SNAPSHOT_VARIABLE, validated_dataset, write_snapshot

    data = write_dataset(tmp_path / "data", *tiny_tables())
    dataset = load_dataset(data)
    snapshot = tmp_path / "dataset.pickle"
    write_snapshot(dataset, str(data), "nl", snapshot)
    (data / "participants.csv").write_text("broken\n")  # a chapter that read the files would fail now
    monkeypatch.setenv(SNAPSHOT_VARIABLE, str(snapshot))
    assert validated_dataset(str(data), "nl").fingerprint == dataset.fingerprint
    with pytest.raises(ContractError):  # another language: not what the build validated, so read again
        validated_dataset(str(data), "en")
    monkeypatch.delenv(SNAPSHOT_VARIABLE)
    with pytest.raises(ContractError):  # a researcher's own run always validates
        validated_dataset(str(data), "nl")


# --------------------------------------------------------------------------- kernels

def test_a_kernel_that_cannot_start_is_tried_again_then_reported(monkeypatch):
    from via_reports.chapters import engine
    from via_reports.chapters.kernel import ChapterKernelManager

    attempts = []

    async def refuse(self, **kw):
        attempts.append(1)
        raise OSError("no port free")

    monkeypatch.setattr(ChapterKernelManager, "start_kernel", refuse)
    with pytest.raises(RuntimeError, match="no kernel could be started in 3 attempts: OSError: no port free"):
        engine._start_kernel(timeout=5, env={})
    assert len(attempts) == 3
    kernels = engine.WarmKernels(1)
    with pytest.raises(RuntimeError, match="no kernel could be started"):
        kernels.take()
    kernels.close()


def test_the_engine_is_registered_with_papermill():
    from papermill.engines import papermill_engines

    from via_reports.chapters.engine import engine_class

    assert papermill_engines.get_engine("via-reports") is engine_class()


@pytest.mark.slow
def test_papermill_runs_a_chapter_with_the_engine_and_validates(tmp_path):
    """`papermill --engine via-reports`: a fresh kernel, the data read and validated as always."""
    from tiny import tiny_tables, write_dataset

    data = write_dataset(tmp_path / "data", *tiny_tables())
    out = tmp_path / "out"
    subprocess.run([str(Path(sys.executable).parent / "papermill"), "--engine", "via-reports",
                    str(ROOT / "templates" / "notebooks" / "barriers.ipynb"), str(tmp_path / "barriers.ipynb"),
                    "-p", "data_dir", str(data), "-p", "wave", "T1", "-p", "output_dir", str(out)],
                   check=True, capture_output=True, timeout=600)
    assert (out / "figures" / "barriers.by_wave.csv").is_file()
    (data / "participants.csv").write_text("participant_id\n")
    broken = subprocess.run([str(Path(sys.executable).parent / "papermill"), "--engine", "via-reports",
                             str(ROOT / "templates" / "notebooks" / "barriers.ipynb"), str(tmp_path / "b2.ipynb"),
                             "-p", "data_dir", str(data), "-p", "wave", "T1", "-p", "output_dir", str(out)],
                            capture_output=True, text=True, timeout=600)
    assert broken.returncode != 0 and "ContractError" in broken.stderr + broken.stdout


@pytest.mark.slow
def test_a_warm_kernel_keeps_its_client_and_writes_each_notebook_once(tmp_path, monkeypatch):
    """Chapters on a warm kernel share the client that warmed it (a new one waits 0.2 s for the kernel's
    output channel), and papermill writes each executed notebook when it starts and ends, not at every cell."""
    import papermill.engines
    from tiny import tiny_tables, write_dataset

    from via_reports.chapters import engine
    from via_reports.chapters.execute import run_chapter
    from via_reports.chapters.kernel import ChapterKernelManager

    data = write_dataset(tmp_path / "data", *tiny_tables())
    clients, writes = [], []
    make_client, write = ChapterKernelManager.client, papermill.engines.write_ipynb
    monkeypatch.setattr(ChapterKernelManager, "client", lambda self, **kw: clients.append(1) or make_client(self, **kw))
    monkeypatch.setattr(papermill.engines, "write_ipynb", lambda nb, path: writes.append(path) or write(nb, path))
    parameters = {"data_dir": str(data), "wave": "T1", "output_dir": str(tmp_path / "out"), "min_n": 2}
    kernels = engine.WarmKernels(1)
    try:
        for chapter in ("barriers", "satisfaction", "barriers"):
            executed = tmp_path / f"{chapter}-{len(writes)}.ipynb"
            run_chapter(chapter, parameters, executed, kernels=kernels)
            cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
            assert all(c.execution_count for c in cells) and len(cells) > 3
    finally:
        kernels.close()
    assert len(clients) == 1, "every chapter made a kernel client of its own"  # this thread took the warm-up's
    # when each starts and when it ends (papermill's engine), not before and after every cell as well
    assert len(writes) == 6, f"papermill wrote the notebooks {len(writes)} times for 3 chapters"


@pytest.mark.slow
def test_a_kernel_client_is_only_ever_used_by_one_thread(tmp_path, monkeypatch):
    """pyzmq watches a socket in the event loop of every thread that used it, and a ZeroMQ socket must
    not be touched by two threads: chapters on two threads and two kernels never share a client."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from tiny import tiny_tables, write_dataset

    from via_reports.chapters import engine
    from via_reports.chapters.execute import run_chapter
    from via_reports.chapters.kernel import ChapterKernelManager

    data = write_dataset(tmp_path / "data", *tiny_tables())
    users: dict[int, set[int]] = {}
    made = []
    pick, make_client = engine.thread_client, ChapterKernelManager.client

    def recording(manager):
        client = pick(manager)
        if client is not None:
            users.setdefault(id(client), set()).add(threading.get_ident())
        return client

    monkeypatch.setattr(engine, "thread_client", recording)
    monkeypatch.setattr(ChapterKernelManager, "client", lambda self, **kw: made.append(1) or make_client(self, **kw))
    parameters = {"data_dir": str(data), "wave": "T1", "output_dir": str(tmp_path / "out"), "min_n": 2}
    kernels = engine.WarmKernels(2)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            done = [pool.submit(run_chapter, chapter, parameters, tmp_path / f"{n}-{chapter}.ipynb", kernels=kernels)
                    for n, chapter in enumerate(["barriers", "satisfaction"] * 4)]
            for future in done:
                future.result()
    finally:
        kernels.close()
    assert users and all(len(threads) == 1 for threads in users.values())
    assert len(made) <= 4  # the two that imported the libraries, and at most one more per thread and kernel


def test_the_second_process_yields_the_processor_in_a_session_of_its_own():
    """With Linux's autogroups a niceness counts only within a session: the kernels (each in a session of
    its own) took a third of the processor from a niced process in the build's session."""
    script = ("import os; from via_reports.render.process import lower_priority; lower_priority(); "
              "print(os.getsid(0), os.nice(0)); print(open('/proc/self/autogroup').read())")
    if not Path("/proc/self/autogroup").exists():
        pytest.skip("no scheduler autogroups on this system")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    session, niceness = lines[0].split()
    assert int(session) != os.getsid(0) and int(niceness) >= 10
    if len(lines) < 2 or not lines[1].strip():
        pytest.skip("the new session is in no autogroup (its /proc/self/autogroup is empty)")
    assert lines[1].endswith("nice 10")


@pytest.mark.parametrize("prepared", [True, False])
def test_the_second_process_renders_at_the_builds_priority(tmp_path, prepared):
    """Niced while the kernels run, not at the render: on a busy machine the HTML and the Word edition
    otherwise waited minutes behind other processes after the PDF was done. With ``prepared`` the process
    is niced and busy with the fonts when the render starts; without, it starts at the render."""
    import datetime

    from via_reports.render.process import Renderer
    from via_reports.theme.themes import load_theme

    if not Path("/proc/self/autogroup").exists():
        pytest.skip("no scheduler autogroups on this system")
    from via_reports.render.process import build_priority

    own = build_priority()[1]  # 0 where this process is in no autogroup (a container's cgroup: the file is empty)
    out = tmp_path / "autogroup"
    renderer = Renderer(parallel=True)
    try:
        if prepared:
            renderer.prepare(load_theme("default"), datetime.date(2020, 1, 1), tmp_path / "cache")
        renderer.render([("pdf", False, lambda: None),
                         ("html", True, functools.partial(subprocess.run, ["sh", "-c", f"cat /proc/self/autogroup > {out}"],
                                                          check=True))], {})
    finally:
        renderer.close()
    seen = out.read_text().split()
    if not seen:
        pytest.skip("the second process is in no autogroup (its /proc/self/autogroup is empty)")
    assert seen[-1] == str(max(own, 0))  # not 10, the niceness of the preparation


def test_the_renderer_process_ends_at_once_idle_or_busy(tmp_path):
    """Killed, not waited for: after the render (0.2 s of a Python process's exit) and on the way out of a
    failed or stopped build (a Ctrl-C in the terminal does not reach its session)."""
    import datetime
    import time

    from via_reports.render.process import Renderer
    from via_reports.theme.themes import load_theme

    def worker(renderer):
        while not renderer.pool._processes:
            time.sleep(0.01)
        return next(iter(renderer.pool._processes.values()))

    renderer = Renderer(parallel=True)
    renderer.render([("pdf", False, lambda: None), ("html", True, os.getpid)], {})
    process = worker(renderer)
    renderer.close()
    assert process.exitcode == -9  # killed: left to end by itself, it exits with 0

    renderer = Renderer(parallel=True)
    renderer.prepare(load_theme("default"), datetime.date(2020, 1, 1), tmp_path / "cache")  # seconds of fonts
    process = worker(renderer)
    time.sleep(0.5)
    renderer.close()
    assert process.exitcode == -9  # in the middle of its fonts

    def failing_pdf():
        raise KeyboardInterrupt

    renderer = Renderer(parallel=True)
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        renderer.render([("html", True, functools.partial(time.sleep, 30)), ("pdf", False, failing_pdf)], {})
    assert time.perf_counter() - started < 10 and renderer.pool is None  # not the HTML's 30 s


def test_a_warm_kernel_does_not_import_the_validation_library():
    """A kernel reads the build's validated snapshot: pandera (0.2 s of each kernel's start) is not needed."""
    script = "import sys; from via_reports.chapters.engine import WARM_UP; exec(WARM_UP); print('pandera' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_renderer_imports_the_pdf_libraries_while_the_build_goes_on():
    script = """
import sys, threading
from via_reports.render.process import Renderer
assert "weasyprint" not in sys.modules
Renderer(parallel=False)
importing = [t for t in threading.enumerate() if t.name == "via-reports-import"]
assert importing and threading.current_thread() not in importing
importing[0].join()
print("weasyprint" in sys.modules, "pikepdf" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "True"]


def _figures(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "figures").glob("*.csv"))}


def _pdf_text(out: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(out / "report.pdf")).pages)


@pytest.mark.slow
def test_warm_kernels_give_the_report_of_isolated_kernels(tmp_path):
    from tiny import tiny_tables, write_dataset

    from via_reports.report.build import BuildOptions, build_report

    data = write_dataset(tmp_path / "data", *tiny_tables())
    for name, isolated in (("warm", False), ("isolated", True)):
        build_report(BuildOptions(data_dir=data, out=tmp_path / name / "report", wave="T1", min_n=2, jobs=2,
                                  cache=False, isolated=isolated))
    warm, isolated = tmp_path / "warm" / "report", tmp_path / "isolated" / "report"
    assert _figures(warm) == _figures(isolated) and _figures(warm)
    assert _pdf_text(warm) == _pdf_text(isolated)
    assert (warm / "report.pdf").read_bytes() == (isolated / "report.pdf").read_bytes()
    for notebook in (warm / "notebooks").glob("*.ipynb"):  # each chapter counted its cells from 1
        cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
        assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1)), notebook.name


@pytest.mark.slow
def test_a_hung_chapter_times_out_with_a_clear_error(tmp_path, monkeypatch):
    from tiny import tiny_tables, write_dataset

    from via_reports.cli import main
    from via_reports.report.build import BuildOptions, build_report

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    notebook = templates / "notebooks" / "barriers.ipynb"
    content = nbformat.read(notebook, as_version=4)
    content.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))  # with a cell id
    nbformat.write(content, notebook)
    monkeypatch.setenv("VIA_REPORTS_TEMPLATES", str(templates))
    data = write_dataset(tmp_path / "data", *tiny_tables())
    with pytest.raises(ChapterError, match=r"chapter 'barriers' did not finish: a cell ran longer than 30 s") as error:
        build_report(BuildOptions(data_dir=data, out=tmp_path / "report", wave="T1", min_n=2, timeout=30,
                                  cache=False))
    assert not (tmp_path / "report").exists()
    kept = nbformat.read(error.value.notebook_path, as_version=4)  # how far it got: to the cell that hung
    cells = [c for c in kept.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in cells[:-1]) and "time.sleep(600)" in cells[-1].source
    assert any(c.outputs for c in cells[:-1])
    assert main(["build", str(data), "--out", str(tmp_path / "report"), "--wave", "T1", "--min-n", "2",
                 "--timeout", "30", "--no-cache", "--quiet"]) == 4
