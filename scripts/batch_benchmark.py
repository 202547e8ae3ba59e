"""`benchmark.py batch`: a programme's reports one after another, against one batch on the embedded cluster.

The demo programme's 6 studies x 2 editions (T1 and T2, Dutch) = 12 reports:

- (a) 12 cold ``via-reports build`` commands one after another;
- (b) one cold ``via-reports batch`` on the embedded LocalCluster (one worker per core).

"Cold": a fresh, empty chapter and render cache for (a) and another for (b),
so every chapter runs in both. The synthesis is left out of (b) (it has no
counterpart in (a)) and timed on its own after it. Peak memory per worker is
the largest resident peak a worker process and its kernel reported
(``batch.json``'s ``peak_mb``). Prints a Markdown table and writes it, with
the raw numbers, to ``batch-benchmark.json`` in the working folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
EDITIONS = ("{wave: T1}", "{wave: T2}")


def _run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def batch_benchmark(studies: int = 6) -> dict:
    from via_reports.programme.demo_programme import write_demo_programme
    from via_reports.programme.programme_file import load_programme

    work = Path(tempfile.mkdtemp(prefix="via-batch-bench-"))
    write_demo_programme(work / "p", studies, EDITIONS)
    programme = load_programme(work / "p" / "programme.yaml")
    via = str(BIN / "via-reports")
    load_before = os.getloadavg()

    sequential = []
    for study in programme.studies:
        for edition in programme.editions:
            sequential.append(_run([via, "build", str(study.data), "--wave", edition.wave, "--quiet",
                                    "--out", str(work / "a" / study.id / edition.wave),
                                    "--cache-dir", str(work / "cache-a")]))
            print(f"(a) {study.id} {edition.wave}: {sequential[-1]:.1f} s, load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"(b) starting, load {os.getloadavg()[0]:.1f}", flush=True)
    batch = _run([via, "batch", str(programme.path), "--out", str(work / "b"), "--no-synthesis", "--quiet",
                  "--cache-dir", str(work / "cache-b")])
    synthesis = _run([via, "synthesis", str(programme.path), "--out", str(work / "b" / "synthesis")])
    record = json.loads((work / "b" / "batch.json").read_text(encoding="utf-8"))
    workers = len({task["pid"] for task in record["tasks"]})
    peak = max(task["peak_mb"] for task in record["tasks"])
    reports = len(sequential)
    result = {
        "reports": reports, "workers": workers, "cores": os.cpu_count(),
        "a_sequential_s": round(sum(sequential), 1), "a_per_report_s": round(sum(sequential) / reports, 1),
        "b_batch_s": round(batch, 1), "b_per_report_s": round(batch / reports, 1),
        "b_worker_s_per_report": round(batch * workers / reports, 1),
        "ratio_b_over_a": round(batch / sum(sequential), 3), "peak_mb_per_worker": peak,
        "kernel_starts": sum(max(t["kernel_starts"] for t in record["tasks"] if t["pid"] == pid)
                             for pid in {t["pid"] for t in record["tasks"]}),
        "synthesis_s": round(synthesis, 1), "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"| {reports} reports ({studies} studies x 2 editions) | seconds | per report |")
    print("| --- | ---: | ---: |")
    print(f"| (a) {reports} cold builds one after another | {result['a_sequential_s']} | {result['a_per_report_s']} |")
    print(f"| (b) one cold batch, LocalCluster of {workers} workers | {result['b_batch_s']} | "
          f"{result['b_per_report_s']} |")
    print(f"\n(b)/(a) = {result['ratio_b_over_a']} (target <= 0.6); peak memory per worker {peak} MB "
          f"(target <= 1536); kernels started in (b): {result['kernel_starts']}; synthesis {result['synthesis_s']} s; "
          f"load average before {result['load_before']}, after {result['load_after']}")
    Path("batch-benchmark.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
