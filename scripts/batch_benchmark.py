"""`benchmark.py batch`: a programme's reports one after another, against one batch on the embedded cluster.

By default the demo programme's 6 studies x 2 editions (T1 and T2, Dutch) = 12 reports
(``--studies N``, ``--editions 1`` for T2 only):

- (a) cold ``via-reports build`` commands one after another;
- (b) one cold ``via-reports batch`` on the embedded LocalCluster (one worker per core).

"Cold": a fresh, empty chapter and render cache for (a) and another for (b),
so every chapter runs in both. The synthesis is left out of (b) (it has no
counterpart in (a)) and timed on its own after it.

Two clocks: wall-clock seconds, and CPU seconds (user + system) of the whole
process tree (the builds, their kernels and renderers; the batch, its
workers and their kernels), read with ``resource.getrusage(RUSAGE_CHILDREN)``.
On a machine shared with other work the wall clock mostly measures the
others; CPU seconds measure the work itself, and on idle cores the batch's
wall time is about its CPU seconds divided by its workers. Peak memory per
worker is the largest resident peak a worker process and its kernel
reported (``batch.json``'s ``peak_mb``). Prints a Markdown table and writes
the raw numbers to ``batch-benchmark.json`` in the working folder.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command's whole process tree)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def batch_benchmark(studies: int = 6, editions: int = 2) -> dict:
    from via_reports.programme.demo_programme import write_demo_programme
    from via_reports.programme.programme_file import load_programme

    work = Path(tempfile.mkdtemp(prefix="via-batch-bench-"))
    write_demo_programme(work / "p", studies, ("{wave: T1}", "{wave: T2}")[2 - editions:])
    programme = load_programme(work / "p" / "programme.yaml")
    via = str(BIN / "via-reports")
    load_before = os.getloadavg()

    walls, cpus = [], []
    for study in programme.studies:
        for edition in programme.editions:
            wall, cpu = _run([via, "build", str(study.data), "--wave", edition.wave, "--quiet",
                              "--out", str(work / "a" / study.id / edition.wave), "--cache-dir", str(work / "cache-a")])
            walls.append(wall)
            cpus.append(cpu)
            print(f"(a) {study.id} {edition.wave}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"(b) starting, load {os.getloadavg()[0]:.1f}", flush=True)
    batch_wall, batch_cpu = _run([via, "batch", str(programme.path), "--out", str(work / "b"), "--no-synthesis",
                                  "--quiet", "--cache-dir", str(work / "cache-b")])
    print(f"(b) {batch_wall:.1f} s wall, {batch_cpu:.1f} s CPU", flush=True)
    synthesis_wall, synthesis_cpu = _run([via, "synthesis", str(programme.path), "--out",
                                          str(work / "b" / "synthesis")])
    record = json.loads((work / "b" / "batch.json").read_text(encoding="utf-8"))
    pids = {task["pid"] for task in record["tasks"]}
    workers = len(pids)
    reports = len(walls)
    result = {
        "reports": reports, "studies": studies, "editions": editions, "workers": workers, "cores": os.cpu_count(),
        "a_wall_s": round(sum(walls), 1), "a_cpu_s": round(sum(cpus), 1),
        "a_wall_per_report_s": round(sum(walls) / reports, 1), "a_cpu_per_report_s": round(sum(cpus) / reports, 1),
        "b_wall_s": round(batch_wall, 1), "b_cpu_s": round(batch_cpu, 1),
        "b_wall_per_report_s": round(batch_wall / reports, 1), "b_cpu_per_report_s": round(batch_cpu / reports, 1),
        "ratio_wall_b_over_a": round(batch_wall / sum(walls), 3),
        "ratio_cpu_b_over_a": round(batch_cpu / sum(cpus), 3),
        "ratio_idle_estimate": round(batch_cpu / workers / sum(cpus), 3),
        "peak_mb_per_worker": max(task["peak_mb"] for task in record["tasks"]),
        "kernel_starts": sum(max(t["kernel_starts"] for t in record["tasks"] if t["pid"] == pid) for pid in pids),
        "synthesis_wall_s": round(synthesis_wall, 1), "synthesis_cpu_s": round(synthesis_cpu, 1),
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"\n| {reports} reports ({studies} studies x {editions} editions) | wall s | CPU s | wall s/report "
          "| CPU s/report |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| (a) cold builds one after another | {result['a_wall_s']} | {result['a_cpu_s']} | "
          f"{result['a_wall_per_report_s']} | {result['a_cpu_per_report_s']} |")
    print(f"| (b) one cold batch, LocalCluster of {workers} workers | {result['b_wall_s']} | {result['b_cpu_s']} | "
          f"{result['b_wall_per_report_s']} | {result['b_cpu_per_report_s']} |")
    print(f"\n(b)/(a): wall {result['ratio_wall_b_over_a']}, CPU {result['ratio_cpu_b_over_a']}, on idle cores "
          f"about {result['ratio_idle_estimate']} (target <= 0.6); peak memory per worker "
          f"{result['peak_mb_per_worker']} MB (target <= 1536); kernels started in (b): {result['kernel_starts']}; "
          f"synthesis {result['synthesis_wall_s']} s; load average before {result['load_before']}, "
          f"after {result['load_after']}")
    Path("batch-benchmark.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
