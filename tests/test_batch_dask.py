"""`via-reports batch` on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on 127.0.0.1.

The scheduler and the workers are separate processes of the project's own
environment, and the batch reaches them through ``--scheduler``, as it would
reach a cluster started by dask-jobqueue. One test kills a worker in the
middle of a build: every report must still be built, by the other worker,
and no half-written folder may stay behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
#: A build under the load of a shared 2-core machine can take minutes.
BATCH_TIMEOUT = 1500


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Cluster:
    """A scheduler and ``workers`` workers (one thread each, no nanny: a killed worker stays dead)."""

    def __init__(self, folder: Path, workers: int = 2):
        self.folder = folder
        self.file = folder / "scheduler.json"
        self.scheduler = subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(self.file)], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.address = _wait_for(lambda: self.file.is_file() and self.file.stat().st_size
                                 and json.loads(self.file.read_text()).get("address"), 60, "the scheduler")
        self.workers = [subprocess.Popen(
            [str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
             "--host", "127.0.0.1", "--local-directory", str(folder / f"worker{i}")],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(workers)]
        from distributed import Client

        with Client(self.address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path)
    yield cluster
    cluster.close()


@pytest.fixture(scope="module")
def programme_folder(tmp_path_factory):
    """Three synthetic pilots of the demo programme, written once."""
    from via_reports.programme.demo_programme import write_demo_programme

    folder = tmp_path_factory.mktemp("programme")
    write_demo_programme(folder, 3)
    return folder


def _programme(folder: Path, studies: list[tuple[str, Path]], editions: str) -> Path:
    path = folder / f"programme-{len(list(folder.glob('programme-*.yaml')))}.yaml"
    lines = ["title: test programme", "studies:"] + [f"  - {{id: {i}, data: {d}}}" for i, d in studies]
    path.write_text("\n".join(lines + ["editions:", editions, ""]), encoding="utf-8")
    return path


def _batch(programme: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "via-reports"), "batch", str(programme), "--out", str(out), "--no-synthesis",
                           "--quiet", *options], capture_output=True, text=True, timeout=BATCH_TIMEOUT,
                          env={**os.environ, "COLUMNS": "200"})


def _half_written(out: Path) -> list[Path]:
    return [p for p in out.rglob(".*") if ".building-" in p.name or ".old-" in p.name]


def test_batch_on_a_running_cluster_with_one_invalid_study(cluster, programme_folder, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(programme_folder / "westerbroek", broken)
    participants = (broken / "participants.csv").read_text(encoding="utf-8").splitlines()
    participants[1] = participants[1].replace(",female,", ",unknown,").replace(",male,", ",unknown,")
    (broken / "participants.csv").write_text("\n".join(participants) + "\n", encoding="utf-8")
    programme = _programme(tmp_path, [("westerbroek", programme_folder / "westerbroek"), ("broken", broken),
                                      ("oostvoorde", programme_folder / "oostvoorde")], "  - {wave: T1}")
    out = tmp_path / "out"

    run = _batch(programme, out, "--scheduler", cluster.address, "--cache-dir", str(tmp_path / "cache"))

    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.strip().splitlines()[-1].startswith("2 built, 0 up to date, 1 failed of 3 reports")
    record = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    by_study = {task["study"]: task for task in record["tasks"]}
    assert by_study["broken"]["status"] == "failed"
    assert "violation(s) of the data contract" in by_study["broken"]["error"]
    assert "sex" in by_study["broken"]["error"]
    assert not (out / "broken").exists()  # nothing of a failed build
    for study in ("westerbroek", "oostvoorde"):
        task = by_study[study]
        assert task["status"] == "built" and task["error"] is None and len(task["build_key"]) == 64
        assert (out / study / "T1-nl" / "report.pdf").is_file()
        manifest = json.loads((out / study / "T1-nl" / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["report"]["build_key"] == task["build_key"]
        assert manifest["report"]["design"] == "by_lot"
    pids = {task["pid"] for task in record["tasks"]}
    assert len(pids) <= 2 and all(task["kernel_starts"] <= 2 for task in record["tasks"])
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="westerbroek/T1-nl/report.pdf"' in page and "violation(s) of the data contract" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page  # offline, no script
    assert not _half_written(out)

    again = _batch(programme, out, "--scheduler", cluster.address, "--cache-dir", str(tmp_path / "cache"))
    assert again.stdout.strip().splitlines()[-1].startswith("0 built, 2 up to date, 1 failed of 3 reports")


def test_a_worker_killed_mid_build_loses_no_report(cluster, programme_folder, tmp_path):
    studies = [(s, programme_folder / s) for s in ("westerbroek", "oostvoorde", "zuidhaven")]
    programme = _programme(tmp_path, studies, "  - {wave: T1}")
    out = tmp_path / "out"
    batch = subprocess.Popen([str(BIN / "via-reports"), "batch", str(programme), "--out", str(out), "--no-synthesis",
                              "--quiet", "--no-cache", "--scheduler", cluster.address],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # A build's staging folder is named with the PID of the process that builds: a worker.
        staging = _wait_for(lambda: next((p for p in out.rglob(".T1-nl.building-*")), None), 600,
                            "a build to begin")
        victim = int(staging.name.split(".building-")[1].split("-")[0])
        assert victim in {worker.pid for worker in cluster.workers}
        time.sleep(3)  # well into the build: its kernel runs chapters
        os.kill(victim, signal.SIGKILL)
        # reaped, as a nanny or a batch system reaps its worker: a zombie still counts as a live process,
        # whose staging folder the next build of that report must leave alone
        next(worker for worker in cluster.workers if worker.pid == victim).wait(timeout=60)
        stdout, stderr = batch.communicate(timeout=BATCH_TIMEOUT)
    finally:
        if batch.poll() is None:
            batch.kill()
    assert batch.returncode == 0, stdout + stderr
    assert stdout.strip().splitlines()[-1].startswith("3 built, 0 up to date, 0 failed of 3 reports")
    for study, _ in studies:
        report = out / study / "T1-nl"
        assert (report / "report.pdf").is_file() and (report / "report.html").is_file()
        manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
        assert set(manifest["outputs"]) == {str(p.relative_to(report)) for p in report.rglob("*")
                                            if p.is_file() and p.name != "manifest.json"}
    record = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert victim not in {task["pid"] for task in record["tasks"]}  # its task was built again elsewhere
    assert not _half_written(out)


def test_the_embedded_cluster_builds_reports_index_and_synthesis(programme_folder, tmp_path):
    """No --scheduler: a LocalCluster of two workers; the batch ends with the synthesis and index.html."""
    studies = [(s, programme_folder / s) for s in ("westerbroek", "zuidhaven")]
    programme = _programme(tmp_path, studies, "  - {wave: T2}")
    out = tmp_path / "out"
    run = subprocess.run([str(BIN / "via-reports"), "batch", str(programme), "--out", str(out), "--workers", "2",
                          "--cache-dir", str(tmp_path / "cache")], capture_output=True, text=True,
                         timeout=BATCH_TIMEOUT, env={**os.environ, "COLUMNS": "200"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().splitlines()[-1].startswith("2 built, 0 up to date, 0 failed of 2 reports")
    for name in ("report.pdf", "report.html", "figures/synthesis.pooled.csv", "notebooks/synthesis.ipynb"):
        assert (out / "synthesis" / name).is_file(), name
    manifest = json.loads((out / "synthesis" / "manifest.json").read_text(encoding="utf-8"))
    record = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    keys = {task["study"]: task["build_key"] for task in record["tasks"]}
    assert {s["study"]: s["build_key"] for s in manifest["report"]["studies"]} == keys
    assert {s["study"]: s["design"] for s in manifest["report"]["studies"]} == {"westerbroek": "by_lot",
                                                                                "zuidhaven": "not_by_lot"}
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="synthesis/report.html"' in page and 'href="zuidhaven/T2-nl/report.html"' in page
    assert not _half_written(out) and not [p for p in out.iterdir() if ".building-" in p.name]

    # a rerun of the unchanged programme: settled in the batch's own process, no cluster started, no synthesis built
    again = subprocess.run([str(BIN / "via-reports"), "batch", str(programme), "--out", str(out), "--workers", "2",
                            "--cache-dir", str(tmp_path / "cache"), "--quiet"], capture_output=True, text=True,
                           timeout=BATCH_TIMEOUT, env={**os.environ, "COLUMNS": "200"})
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.strip().splitlines()[-1].startswith("0 built, 2 up to date, 0 failed of 2 reports")
    assert "Synthesis of 2 studies up to date" in again.stdout
    rerun = json.loads((out / "batch.json").read_text(encoding="utf-8"))["tasks"]
    assert len({task["pid"] for task in rerun}) == 1 and all(task["kernel_starts"] == 0 for task in rerun)
    assert [task["build_key"] for task in rerun] == [task["build_key"] for task in record["tasks"]]
