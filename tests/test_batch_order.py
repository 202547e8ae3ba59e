"""The batch starts its costliest reports first (longest-processing-time order), so no large report runs alone at
the end while the other workers idle."""

from pathlib import Path

from via_reports.programme.batch import longest_first
from via_reports.programme.tasks import BuildTask


def _study(folder: Path, name: str, size: int) -> str:
    data = folder / name
    data.mkdir()
    (data / "participants.csv").write_bytes(b"x" * size)
    (data / "text").mkdir()  # a sub-folder does not count: only the tables at the top
    (data / "text" / "big.md").write_bytes(b"y" * 10 * size)
    return str(data)


def test_later_waves_and_larger_studies_go_first(tmp_path):
    small, large = _study(tmp_path, "small", 1_000), _study(tmp_path, "large", 5_000)
    tasks = [BuildTask(study=name, data=data, wave=wave, language=language, public=public, out_root=str(tmp_path))
             for name, data in (("small", small), ("large", large))
             for wave, language, public in (("T1", None, False), ("T2", None, False), ("T2", "en", False),
                                            ("T2", None, True))]
    priorities = longest_first(tasks)
    assert sorted(priorities) == list(range(1, len(tasks) + 1))  # one distinct Dask priority each
    order = [f"{tasks[i].study} {tasks[i].wave}" for i in sorted(range(len(tasks)), key=lambda i: -priorities[i])]
    assert order == ["large T2"] * 3 + ["small T2"] * 3 + ["large T1", "small T1"]
    # equal estimates keep the programme's order
    firsts = [i for i in sorted(range(len(tasks)), key=lambda i: -priorities[i])][:3]
    assert firsts == [5, 6, 7]


def test_a_missing_data_folder_still_gets_a_priority(tmp_path):
    """An unreadable folder counts as empty; its build then fails with the loader's own message."""
    tasks = [BuildTask(study="gone", data=str(tmp_path / "gone"), wave="T2", language=None, public=False,
                       out_root=str(tmp_path)),
             BuildTask(study="here", data=_study(tmp_path, "here", 10), wave="T2", language=None, public=False,
                       out_root=str(tmp_path))]
    assert longest_first(tasks) == [1, 2]


_STARTED: list[str] = []


def _fake_build(task: dict) -> dict:
    """A build that takes longer for a final report: records when it started, on which worker thread."""
    import threading
    import time

    _STARTED.append(f"{task['study']} {task['wave']}")
    time.sleep(0.3 if task["wave"] == "T2" else 0.1)
    return {**task, "status": "built", "worker": threading.current_thread().name}


def test_the_workers_take_the_costliest_report_left_when_they_are_free(tmp_path, monkeypatch):
    """The order reaches the workers: each free worker starts the costliest task left, and no task waits in a
    busy worker's queue. Submitted all at once in the programme's order, the first study's T1 started first
    and one worker of the quiet benchmark built 8 reports while the other built 4."""
    from distributed import Client, LocalCluster

    import via_reports.programme.tasks as tasks_module
    from via_reports.programme.batch import run_tasks

    monkeypatch.setattr(tasks_module, "build_one", _fake_build)
    _STARTED.clear()
    studies = [(name, _study(tmp_path, name, size)) for name, size in (("a", 1_000), ("b", 3_000), ("c", 2_000))]
    tasks = [BuildTask(study=name, data=data, wave=wave, language=None, public=False, out_root=str(tmp_path))
             for name, data in studies for wave in ("T1", "T2")]
    seen = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results = run_tasks(client, tasks, seen.append)
    assert [r["study"] + r["wave"] for r in results] == [t.study + t.wave for t in tasks]  # in the tasks' order
    assert len(seen) == len(tasks)
    assert _STARTED == ["b T2", "c T2", "a T2", "b T1", "c T1", "a T1"]  # costliest first, as handed out
    by_worker = {}
    for result in results:
        by_worker.setdefault(result["worker"], []).append(result["wave"])
    # list scheduling, longest first: the two free at 0.3 s, one takes the last T2 and the other the three T1s
    seconds = sorted(round(sum(0.3 if wave == "T2" else 0.1 for wave in waves), 1) for waves in by_worker.values())
    assert seconds == [0.6, 0.6]
