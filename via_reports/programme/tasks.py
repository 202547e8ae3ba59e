"""One report of a batch, as a Dask task: what travels is paths and a small result, never rows.

:func:`build_one` runs on a worker. It is given a :class:`BuildTask` as a
dict (the study's id and dataset folder, the edition, the batch's output
folder and cache settings) and calls the same
:func:`~via_reports.report.build.build_report` that ``via-reports build``
calls, on the worker's warm kernels (:mod:`.warm_worker`). It returns a dict
with the status, the seconds, the build key, the error message and the key
numbers of the report as its own files show them (:mod:`.key_numbers`), so
a public edition's numbers are those the public edition publishes.

The report folder is written the way ``build`` writes it: into a staging
folder beside it, moved into place only when the build succeeded. A worker
killed mid-build leaves only that staging folder, which the retried build
(or any later build of the folder) removes once the dead process is gone.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Violations of the data contract quoted in a failed task's message (the rest are counted).
QUOTED_VIOLATIONS = 3
#: Control characters (terminal escapes among them): never carried into batch.json or index.html.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class BuildTask:
    """One study x edition: everything a worker needs, as plain values."""

    study: str
    data: str
    wave: str
    language: str | None
    public: bool
    out_root: str
    cache_dir: str | None = None
    cache: bool = True
    force: bool = False
    timeout: float = 600.0

    def label(self) -> str:
        """The edition as a person reads it: ``T2 en public``."""
        return " ".join(part for part in (self.wave, self.language or "", "public" if self.public else "") if part)


def _plain(text: object) -> str:
    """A message for batch.json and index.html: no control characters, BSN-like numbers masked."""
    from via_reports.bsn import mask_bsn

    return mask_bsn(_CONTROL.sub(" ", str(text)))


def failure_message(error: BaseException) -> str:
    """What a failed task says: the error's message; for invalid data the first violations, counted."""
    from via_reports.exceptions import ContractError

    if isinstance(error, ContractError) and error.violations:
        quoted = [f"{v.table}" + (f" row {v.row}" if v.row is not None else "") + (f" {v.column}" if v.column else "")
                  + f": {v.message}" for v in error.violations[:QUOTED_VIOLATIONS]]
        more = len(error.violations) - len(quoted)
        return _plain(f"{len(error.violations)} violation(s) of the data contract: " + "; ".join(quoted)
                      + (f"; and {more} more" if more else ""))
    return _plain(f"{type(error).__name__}: {error}")


def peak_memory_mb() -> float:
    """Peak resident memory (MB) of this process plus the peaks of its live child processes (its kernels)."""
    def high_water(pid: int | str) -> int:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as handle:
                return next((int(line.split()[1]) for line in handle if line.startswith("VmHWM:")), 0)
        except OSError:
            return 0

    me, total = os.getpid(), high_water("self")
    try:
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/stat", encoding="ascii") as handle:
                        parent = int(handle.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                if parent == me:
                    total += high_water(entry.name)
    except OSError:
        pass
    return round(total / 1024, 1)


def build_one(task: dict[str, Any]) -> dict[str, Any]:
    """Build one report on this worker (see the module); the result travels back as a small dict."""
    from via_reports.exceptions import ViaReportsError
    from via_reports.programme.key_numbers import key_numbers
    from via_reports.programme.warm_worker import worker_plugin
    from via_reports.report.freshness import is_built

    task_ = BuildTask(**task)
    started = time.perf_counter()
    result = _empty_result(task_)
    try:
        inputs = _inputs(task_, result)
        if is_built(inputs):
            result["status"] = "up_to_date"
        else:
            _build(inputs)
            result["status"] = "built"
        result["key_numbers"] = key_numbers(inputs.options.out, Path(task_.data))
    except ViaReportsError as error:
        result["error"] = failure_message(error)
        result["exit_code"] = error.exit_code
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_mb"] = peak_memory_mb()
    plugin = worker_plugin()
    result["kernel_starts"], result["worker_builds"] = plugin.starts, plugin.builds
    return result


def up_to_date_result(task: BuildTask) -> dict[str, Any] | None:
    """The result of ``task`` when its report is up to date, checked in the calling process; else None.

    The batch asks this before it starts or contacts a cluster, so a rerun
    of an unchanged programme answers in seconds, as ``build`` does, instead of
    starting workers to find nothing to do. The check is the worker's own
    (the same build key, every file as its manifest recorded it). Anything it
    cannot settle (a folder this process cannot read, invalid options, a stale
    report) is None: the task then goes to the cluster, which builds it or
    reports its error.
    """
    from via_reports.programme.key_numbers import key_numbers
    from via_reports.report.freshness import is_built

    started = time.perf_counter()
    result = _empty_result(task)
    try:
        inputs = _inputs(task, result)
        if not is_built(inputs):
            return None
        result["key_numbers"] = key_numbers(inputs.options.out, Path(task.data))
    except Exception:  # noqa: BLE001 - not settled here: the worker builds it and names any error
        return None
    result.update(status="up_to_date", seconds=round(time.perf_counter() - started, 2), peak_mb=None,
                  kernel_starts=0, worker_builds=0)
    return result


def _empty_result(task: BuildTask) -> dict[str, Any]:
    return {**dataclasses.asdict(task), "folder": None, "status": "failed", "seconds": 0.0, "build_key": None,
            "error": None, "key_numbers": None, "pid": os.getpid()}


def _inputs(task: BuildTask, result: dict[str, Any]) -> Any:
    """The task's BuildInputs (options resolved as ``build`` resolves them); ``result`` gains the report's
    folder, language and build key on the way (a ParameterError or ContractError past this point)."""
    from via_reports.report.freshness import BuildInputs, BuildOptions, report_language

    options = BuildOptions(data_dir=Path(task.data), wave=task.wave, language=task.language,
                           public=task.public or None, jobs=1, force=task.force, timeout=task.timeout,
                           cache_dir=Path(task.cache_dir) if task.cache_dir else None, cache=task.cache)
    language = report_language(options) or task.language or "nl"
    folder = f"{task.study}/{task.wave}-{language}" + ("-public" if task.public else "")
    result["folder"], result["language"] = folder, language
    inputs = BuildInputs(dataclasses.replace(options, out=Path(task.out_root) / folder).resolved())
    result["build_key"] = inputs.key
    return inputs


def _build(inputs: Any) -> None:
    """``build_report`` on the worker's warm kernels."""
    from via_reports.programme.warm_worker import worker_plugin
    from via_reports.report.build import build_report

    kernels = worker_plugin().lend(inputs)
    try:
        build_report(inputs=inputs, kernels=kernels)
    finally:
        if kernels is not None:
            kernels.close()  # the snapshot goes; the kernels stay for the worker's next build
