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
