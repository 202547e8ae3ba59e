"""Cold builds of two checkouts taken in turns (A, B, A, B, ...), so that a shared machine's load falls on both alike.

    .venv/bin/python scripts/cold_turns.py BASE_CHECKOUT NEW_CHECKOUT [--runs 3] [--wave T1] [--jobs 2]

Each checkout runs with its own ``.venv``. Two measures per turn, each with an
empty cache folder (``XDG_CACHE_HOME``):

- **cli**: ``via-reports build DATA --wave W --jobs J --quiet``, the cold build
  row of ``scripts/benchmark.py table`` (the demo written once per checkout
  with ``via-reports demo-data``, outside the timing); wall clock from start to
  exit, and the CPU seconds of the build's whole process tree;
- **build**: ``scripts/benchmark.py build`` (the real ``build_report`` in one
  process), its "cold build" line.

It prints every run, then the medians and the load average before and after.
Issue 22: the cold build may not be more than 10 % slower than before statistics v3.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def _cli(checkout: Path, data: Path, out: Path, cache: Path, wave: str, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds (the process tree's) of one cold command-line build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(checkout / ".venv" / "bin" / "via-reports"), "build", str(data), "--wave", wave,
                    "--jobs", str(jobs), "--quiet", "--force", "--out", str(out)],
                   env={**os.environ, "XDG_CACHE_HOME": str(cache)}, check=True,
                   cwd=out.parent)  # not a checkout: a kernel puts its working folder first on sys.path
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _in_process(checkout: Path, cache: Path, wave: str, jobs: int) -> float:
    """The "cold build" seconds that ``scripts/benchmark.py build`` prints."""
    done = subprocess.run([str(checkout / ".venv" / "bin" / "python"), "scripts/benchmark.py", "build",
                           "--wave", wave, "--jobs", str(jobs)], cwd=checkout, capture_output=True, text=True,
                          env={**os.environ, "XDG_CACHE_HOME": str(cache)}, check=True)
    return float(re.search(r"^cold build: ([\d.]+) s", done.stdout, re.M).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkouts", nargs=2, type=Path, help="the base checkout, then the new one")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wave", default="T1")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    names = [str(c) for c in args.checkouts]
    results: dict[str, dict[str, list[float]]] = {n: {"cli": [], "cli_cpu": [], "build": []} for n in names}
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="via-turns-") as tmp:
        tmp = Path(tmp)
        data = {}
        for number, checkout in enumerate(args.checkouts):
            data[str(checkout)] = tmp / f"demo-{number}"
            subprocess.run([str(checkout / ".venv" / "bin" / "via-reports"), "demo-data",
                            str(data[str(checkout)])], check=True, capture_output=True)
        for run in range(args.runs):
            for number, checkout in enumerate(args.checkouts):
                name = str(checkout)
                wall, cpu = _cli(checkout, data[name], tmp / f"out-{number}", tmp / f"cache-cli-{run}-{number}",
                                 args.wave, args.jobs)
                built = _in_process(checkout, tmp / f"cache-build-{run}-{number}", args.wave, args.jobs)
                for key, value in (("cli", wall), ("cli_cpu", cpu), ("build", built)):
                    results[name][key].append(value)
                print(f"run {run + 1} {name}: cli cold {wall:.1f} s (CPU {cpu:.1f} s), benchmark.py build "
                      f"cold {built:.1f} s; load {os.getloadavg()[0]:.2f}", flush=True)
    print(f"load average before {', '.join(f'{x:.2f}' for x in load)}, after "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    medians = {n: {k: statistics.median(v) for k, v in r.items()} for n, r in results.items()}
    for name in names:
        m = medians[name]
        print(f"median {name}: cli cold {m['cli']:.1f} s (CPU {m['cli_cpu']:.1f} s), "
              f"benchmark.py build cold {m['build']:.1f} s")
    base, new = medians[names[0]], medians[names[1]]
    for key, label in (("cli", "cli cold"), ("cli_cpu", "cli CPU"), ("build", "benchmark.py build cold")):
        print(f"{label}: new / base = {new[key] / base[key]:.3f} ({(new[key] / base[key] - 1) * 100:+.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
