"""`benchmark.py batch`: a programme's reports one after another, against one batch on the embedded cluster.

By default the demo programme's 6 studies x 2 editions (T1 and T2, Dutch) = 12 reports
(``--studies N``, ``--editions 1`` for T2 only):

- (a) cold ``via-reports build`` commands one after another, each with its defaults (``--jobs 2``);
- (b) one cold ``via-reports batch`` on the embedded LocalCluster (one worker per core).

"Cold" in both: no chapter cache (``--no-cache``: every chapter runs, nothing
is read from or written to ``$XDG_CACHE_HOME``), fresh kernels (each build
in (a) starts its own; the batch's workers start theirs at their first
report), and a new, empty output folder for each run. The same reports in
both: after the runs, each report's data fingerprint and build parameters in
(a)'s manifest are checked against (b)'s. The synthesis is left out of (b)
(it has no counterpart in (a)) and timed on its own after it.

Two clocks: wall-clock seconds, and CPU seconds (user + system) of the whole
process tree (the builds, their kernels and renderers; the batch, its
workers and their kernels), read with ``resource.getrusage(RUSAGE_CHILDREN)``.
The target, (b) <= 0.6 x (a), is a wall-clock target on a quiet machine: on a
machine shared with other work the wall clock mostly measures the others, so
the 1-minute load average is sampled every 5 s during each run and printed
with the result, and a run taken above one load per core is said to be
inconclusive. Peak memory per worker is the largest resident peak (VmHWM)
of a worker process plus its kernel that the tasks reported (``batch.json``'s
``peak_mb``). Per worker it also prints the first report's seconds (its
kernel start included) against the median of the warm ones. Prints a
Markdown table and writes the raw numbers to ``batch-benchmark.json`` in the
working folder.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
#: Seconds between two samples of the load average.
LOAD_SAMPLE_SECONDS = 5.0


def _run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command's whole process tree)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@contextmanager
def _load_samples():
    """Samples of the 1-minute load average while the block runs (a list, filled in place)."""
    samples: list[float] = [os.getloadavg()[0]]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(LOAD_SAMPLE_SECONDS):
            samples.append(os.getloadavg()[0])

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()


def _same_reports(a_folders: list[Path], b_root: Path) -> None:
    """(a) and (b) built the same reports: each (a) report's data fingerprint and parameters are (b)'s."""
    def identity(folder: Path) -> tuple:
        report = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["report"]
        return report["data_fingerprint"], json.dumps(report["parameters"], sort_keys=True)

    a = sorted(identity(folder) for folder in a_folders)
    b = sorted(identity(manifest.parent) for manifest in b_root.glob("*/*/manifest.json"))
    if a != b:
        raise SystemExit(f"(a) and (b) did not build the same reports: {len(a)} against {len(b)}, or other "
                         "parameters; the comparison would mean nothing")


def _first_and_warm(tasks: list[dict]) -> tuple[float, float | None]:
    """Median seconds of each worker's first report (its kernel start included) and of its warm ones."""
    by_worker: dict[int, list[dict]] = {}
    for task in tasks:
        by_worker.setdefault(task["pid"], []).append(task)
    first, warm = [], []
    for reports in by_worker.values():
        reports.sort(key=lambda task: task["worker_builds"])
        first.append(reports[0]["seconds"])
        warm.extend(task["seconds"] for task in reports[1:])
    return statistics.median(first), (statistics.median(warm) if warm else None)


def batch_benchmark(studies: int = 6, editions: int = 2) -> dict:
    from via_reports.programme.demo_programme import write_demo_programme
    from via_reports.programme.programme_file import load_programme

    work = Path(tempfile.mkdtemp(prefix="via-batch-bench-"))
    write_demo_programme(work / "p", studies, ("{wave: T1}", "{wave: T2}")[2 - editions:])
    programme = load_programme(work / "p" / "programme.yaml")
    via = str(BIN / "via-reports")
    cores = os.cpu_count() or 1

    walls, cpus, a_folders = [], [], []
    with _load_samples() as load_a:
        for study in programme.studies:
            for edition in programme.editions:
                folder = work / "a" / study.id / edition.wave
                wall, cpu = _run([via, "build", str(study.data), "--wave", edition.wave, "--quiet", "--no-cache",
                                  "--out", str(folder)])
                walls.append(wall)
                cpus.append(cpu)
                a_folders.append(folder)
                print(f"(a) {study.id} {edition.wave}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"(b) starting, load {os.getloadavg()[0]:.1f}", flush=True)
    with _load_samples() as load_b:
        batch_wall, batch_cpu = _run([via, "batch", str(programme.path), "--out", str(work / "b"),
                                      "--no-synthesis", "--quiet", "--no-cache"])
    print(f"(b) {batch_wall:.1f} s wall, {batch_cpu:.1f} s CPU", flush=True)
    _same_reports(a_folders, work / "b")
    synthesis_wall, synthesis_cpu = _run([via, "synthesis", str(programme.path), "--out",
                                          str(work / "b" / "synthesis")])
    record = json.loads((work / "b" / "batch.json").read_text(encoding="utf-8"))
    tasks = record["tasks"]
    pids = {task["pid"] for task in tasks}
    workers, reports = len(pids), len(walls)
    first, warm = _first_and_warm(tasks)
    first, warm = round(first, 1), (round(warm, 1) if warm is not None else None)
    mean_load = round(statistics.mean(load_a + load_b), 2)
    result = {
        "reports": reports, "studies": studies, "editions": editions, "workers": workers, "cores": cores,
        "a_wall_s": round(sum(walls), 1), "a_cpu_s": round(sum(cpus), 1),
        "a_wall_per_report_s": round(sum(walls) / reports, 1), "a_cpu_per_report_s": round(sum(cpus) / reports, 1),
        "b_wall_s": round(batch_wall, 1), "b_cpu_s": round(batch_cpu, 1),
        "b_wall_per_report_s": round(batch_wall / reports, 1), "b_cpu_per_report_s": round(batch_cpu / reports, 1),
        "ratio_wall_b_over_a": round(batch_wall / sum(walls), 3),
        "ratio_cpu_b_over_a": round(batch_cpu / sum(cpus), 3),
        "peak_mb_per_worker": max(task["peak_mb"] for task in tasks),
        "kernel_starts": sum(max(t["kernel_starts"] for t in tasks if t["pid"] == pid) for pid in pids),
        "worker_first_report_s": first, "worker_warm_report_s": warm,
        "synthesis_wall_s": round(synthesis_wall, 1), "synthesis_cpu_s": round(synthesis_cpu, 1),
        "load_a": {"mean": round(statistics.mean(load_a), 2), "max": round(max(load_a), 2)},
        "load_b": {"mean": round(statistics.mean(load_b), 2), "max": round(max(load_b), 2)},
        "quiet_machine": max(load_a + load_b) <= cores,
    }
    print(f"\n| {reports} reports ({studies} studies x {editions} editions) | wall s | CPU s | wall s/report "
          "| CPU s/report | load avg (mean, max) |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    print(f"| (a) cold builds one after another | {result['a_wall_s']} | {result['a_cpu_s']} | "
          f"{result['a_wall_per_report_s']} | {result['a_cpu_per_report_s']} | "
          f"{result['load_a']['mean']}, {result['load_a']['max']} |")
    print(f"| (b) one cold batch, LocalCluster of {workers} workers | {result['b_wall_s']} | {result['b_cpu_s']} | "
          f"{result['b_wall_per_report_s']} | {result['b_cpu_per_report_s']} | "
          f"{result['load_b']['mean']}, {result['load_b']['max']} |")
    verdict = "met" if result["ratio_wall_b_over_a"] <= 0.6 else "NOT met"
    print(f"\n(b)/(a) wall clock: {result['ratio_wall_b_over_a']} (target <= 0.6: {verdict}"
          + ("" if result["quiet_machine"] else f"; inconclusive: the load average reached "
             f"{max(load_a + load_b):.1f} on {cores} cores, so the wall clock measured other work too")
          + f"); CPU seconds (b)/(a): {result['ratio_cpu_b_over_a']}")
    print(f"peak memory per worker (worker process and its kernel): {result['peak_mb_per_worker']} MB "
          f"(target <= 1536: {'met' if result['peak_mb_per_worker'] <= 1536 else 'NOT met'})")
    print(f"kernels started in (b): {result['kernel_starts']} for {reports} reports; a worker's first report "
          f"{first} s (kernel start included), its warm ones {warm} s (medians)")
    print(f"synthesis: {result['synthesis_wall_s']} s wall, {result['synthesis_cpu_s']} s CPU; mean load average "
          f"{mean_load} on {cores} cores")
    Path("batch-benchmark.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
