"""``via-reports batch``: every study x edition of a programme as a Dask task, then index.html and the synthesis.

**Where it runs.** By default on an embedded
``dask.distributed.LocalCluster`` sized to the machine: one worker process per
core, one thread each (a build is one process's work; two builds in one
process would share its interpreter lock). With ``scheduler`` (``--scheduler
tcp://HOST:PORT`` or ``DASK_SCHEDULER_ADDRESS``) it runs on an existing cluster
instead (dask-jobqueue, Kubernetes, or ``dask scheduler`` and ``dask worker`` by
hand); the workers then read the dataset folders and write the output folder
on a file system they share with this process.

**What travels.** A task is given paths and options (:class:`~.tasks.BuildTask`)
and returns a small dict: status, seconds, build key, error message, key
numbers. Row data never go through the scheduler.

**Warm workers.** Each worker keeps its kernel from one build to the next
(:mod:`.warm_worker`), so a batch starts a kernel once per worker, not once
per report.

**Up to date, and order.** A report whose build key is unchanged is settled
in the calling process before any cluster is started or contacted
(:func:`run_batch`), so an unchanged programme's rerun takes seconds. The
others are handed to the workers costliest first (:func:`longest_first`), one
per free worker thread (:func:`run_tasks`), so the batch does not end on one
large report while the other workers idle.

**Failures.** A build that fails (invalid data, a chapter, the render) fails
its own task, with its message; the other tasks go on. A task whose worker
died is run again elsewhere by the scheduler (up to its ``allowed-failures``),
and an exception that is not the build's own is retried once (Dask's
``retries``). A failed or killed build leaves no report folder behind
(``build_report``'s staging folder, see :mod:`.tasks`).
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from via_reports.programme.programme_file import Programme
from via_reports.programme.tasks import BuildTask

#: Retries of a task whose function raised something other than a build's own error.
TASK_RETRIES = 1


def batch_tasks(programme: Programme, out: Path, *, cache_dir: Path | None = None, cache: bool = True,
                force: bool = False, timeout: float = 600.0) -> list[BuildTask]:
    """Every study x edition, in the programme's order."""
    return [BuildTask(study=study.id, data=str(study.data), wave=edition.wave, language=edition.language,
                      public=edition.public, out_root=str(out.resolve()),
                      cache_dir=str(cache_dir.resolve()) if cache_dir else None, cache=cache, force=force,
                      timeout=timeout)
            for study in programme.studies for edition in programme.editions]


@contextmanager
def dask_client(scheduler: str | None, workers: int | None = None) -> Iterator[Any]:
    """A client of ``scheduler``, else of an embedded LocalCluster (``workers`` processes, default one per
    core, one thread each); closed on the way out."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="30s") as client:
            yield client
        return
    count = workers or os.cpu_count() or 1
    # On the loopback interface only: an embedded cluster serves this batch, not the network. Its
    # scheduler's small HTTP server (health, metrics) takes a free port when 8787 is taken.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        yield client


def run_batch(tasks: list[BuildTask], scheduler: str | None, workers: int | None = None,
              done: Callable[[dict[str, Any]], None] = lambda result: None) -> list[dict[str, Any]]:
    """Every task's result, in the order of ``tasks``: the up-to-date ones settled here, the others on Dask.

    A report that is up to date is answered in this process (:func:`~.tasks.up_to_date_result`), so a
    rerun of an unchanged programme starts no cluster (on a laptop that start is most of its time) and
    sends nothing to an existing one.
    """
    from via_reports.programme.tasks import up_to_date_result

    results: dict[int, dict[str, Any]] = {}
    for index, task in enumerate(tasks):
        settled = up_to_date_result(task)
        if settled is not None:
            results[index] = settled
            done(settled)
    stale = [index for index in range(len(tasks)) if index not in results]
    if stale:
        with dask_client(scheduler, workers) as client:
            results.update(zip(stale, run_tasks(client, [tasks[index] for index in stale], done)))
    return [results[index] for index in range(len(tasks))]


def _lost(task: BuildTask, error: BaseException) -> dict[str, Any]:
    """The result of a task that never returned one (its worker died too often, a bug)."""
    from via_reports.programme.tasks import failure_message

    return {**task.__dict__, "folder": None, "status": "failed", "seconds": 0.0, "build_key": None,
            "error": failure_message(error), "key_numbers": None}


def run_tasks(client: Any, tasks: list[BuildTask],
              done: Callable[[dict[str, Any]], None] = lambda result: None) -> list[dict[str, Any]]:
    """Run ``tasks`` on ``client``'s cluster with warm workers; ``done(result)`` as each one ends.

    The tasks are handed out costliest first (:func:`longest_first`), one per worker thread at a time:
    a task is submitted when a thread is free for it (:func:`free_threads`), so each free worker takes
    the costliest task left. Submitted all at once, with Dask priorities alone, the order was not kept:
    the first tasks submitted (the programme's first study, its T1 before any priority was known) went
    to the workers at once, each worker held a second task in its own queue, and the last costly report
    could start last. Measured in the quiet 12-report benchmark: one worker ran 8 reports (247.6 s of
    builds), the other 4 (191.0 s), and the batch lasted as long as the busier one.

    Results come back in the order of ``tasks``.
    """
    from dataclasses import asdict

    from distributed import as_completed

    from via_reports.programme.tasks import build_one
    from via_reports.programme.warm_worker import WarmWorker

    client.register_plugin(WarmWorker())
    priorities = longest_first(tasks)
    waiting = sorted(range(len(tasks)), key=lambda index: -priorities[index])  # the costliest first
    submitted: dict[Any, int] = {}
    running = as_completed()

    def hand_out() -> None:
        while waiting and len(submitted) < free_threads(client):
            index = waiting.pop(0)
            future = client.submit(build_one, asdict(tasks[index]), key=f"via-reports-{tasks[index].study}-{index}",
                                   retries=TASK_RETRIES, pure=False, priority=priorities[index])
            submitted[future] = index
            running.add(future)

    results: dict[int, dict[str, Any]] = {}
    hand_out()
    for future in running:
        index = submitted.pop(future)
        try:
            results[index] = future.result()
        except Exception as error:  # noqa: BLE001 - a lost task is one failed report, not a failed batch
            results[index] = _lost(tasks[index], error)
        hand_out()  # before the result is shown: the free worker starts its next report at once
        done(results[index])
    return [results[index] for index in range(len(tasks))]


def free_threads(client: Any) -> int:
    """How many tasks may run at once on ``client``'s cluster: its workers' threads (asked anew each time:
    workers join and leave), at least one (a cluster whose workers are still starting)."""
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # noqa: BLE001 - the scheduler did not answer: one at a time until it does
        return 1


def longest_first(tasks: list[BuildTask]) -> list[int]:
    """Dask priorities (higher runs first) that start the costliest reports first.

    With a few reports per worker, the batch ends when its last report does:
    a large final report started last keeps one worker busy while the others
    idle. Longest first (the classic LPT order) leaves only short reports for
    the end. The cost is estimated without reading a row: a later wave first
    (a final report adds the effects chapter), then the larger dataset (its
    tables' bytes on disk), then the programme's order.
    """
    from via_reports.report.kernel_start import data_bytes

    sizes = {task.data: data_bytes(Path(task.data)) for task in tasks}
    order = sorted(range(len(tasks)), key=lambda i: (tasks[i].wave, sizes[tasks[i].data], -i), reverse=True)
    priorities = [0] * len(tasks)
    for rank, index in enumerate(order):
        priorities[index] = len(tasks) - rank
    return priorities


def write_batch_record(out: Path, programme: Programme, results: list[dict[str, Any]]) -> None:
    """DIR/batch.json (every task's study, edition, status, seconds, build key, error) and DIR/index.html."""
    from via_reports.programme.index_page import counts, index_html

    record = {"programme": programme.title, "counts": counts(results),
              "tasks": [{key: result.get(key) for key in ("study", "wave", "language", "public", "folder", "status",
                                                          "seconds", "build_key", "error", "key_numbers",
                                                          "peak_mb", "pid", "kernel_starts", "worker_builds")}
                        for result in results]}
    _write_atomically(out / "batch.json", json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    synthesis = (out / "synthesis" / "report.html").is_file()
    _write_atomically(out / "index.html", index_html(programme.title, results, programme.language, synthesis))


def check_output_folder(out: Path) -> None:
    """``out`` may take a batch: new, or without index.html and batch.json, or an earlier batch's (its
    batch.json says so). A file of the user's is never overwritten: a ParameterError (exit 2) names it."""
    from via_reports.exceptions import ParameterError

    if out.exists() and not out.is_dir():
        raise ParameterError(f"{out} is not a folder: choose another --out")
    record = out / "batch.json"
    try:
        ours = "programme" in json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        ours = False
    for name in ("batch.json", "index.html"):
        if (out / name).exists() and not ours:
            raise ParameterError(f"{out / name} exists and was not written by via-reports batch: move it "
                                 "elsewhere, or choose another --out")


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
