"""Shared fixtures: the tiny dataset written to disk in any format, and results made once per test run."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from pathlib import Path

# One thread per test worker for numpy's BLAS and Arrow's pool (both read OMP_NUM_THREADS when
# first loaded, so this comes before any import of them): `pytest -n 2` already keeps both
# processors busy, and their extra threads only wait on each other (fast lane 95.6 s -> 86 s).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))

from tiny import tiny_tables, write_dataset  # noqa: E402


@pytest.fixture
def tiny():
    """Fresh (study, frames) of the tiny dataset, to modify in a test."""
    return tiny_tables()


@pytest.fixture
def tiny_dir(tmp_path):
    """The tiny dataset as a CSV folder."""
    return write_dataset(tmp_path / "tiny", *tiny_tables())


@pytest.fixture
def write(tmp_path):
    """write(study, frames, fmt='csv') -> folder: writes a dataset variant."""
    counter = iter(range(10_000))

    def _write(study, frames, fmt="csv"):
        return write_dataset(tmp_path / f"dataset{next(counter)}", study, frames, fmt)

    return _write


@pytest.fixture(scope="session", autouse=True)
def chapter_cache(tmp_path_factory, worker_id):
    """One cache folder for the builds of this test run, shared by the xdist workers.

    Builds of the same data and parameters (the demo at T1 is built by several
    test files) then run each chapter once; the user's own cache is never touched.
    """
    import os

    base = tmp_path_factory.getbasetemp()
    root = base.parent if worker_id != "master" else base
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(root / "cache")
    yield root / "cache"
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(scope="session")
def made_once(tmp_path_factory, worker_id):
    """``made_once(name, make)``: ``make(folder)`` runs once per test run, however many xdist workers.

    The first worker to ask makes it in a folder every worker sees; the others wait
    for it and reuse it. For results that take long (a full report build) and that
    several tests only read.
    """
    base = tmp_path_factory.getbasetemp()
    root = base.parent if worker_id != "master" else base

    def made(name: str, make) -> Path:
        folder = root / "made-once" / name
        with open(root / f"made-once-{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (root / "made-once" / f"{name}.done").exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                make(folder)
                (root / "made-once" / f"{name}.done").touch()
        return folder

    return made


# --------------------------------------------------------------------------- reports built once per run

@pytest.fixture(scope="session")
def demo_data(made_once):
    """The demo dataset written as CSV files, once."""
    from via_reports.demo.generator import write_demo

    return made_once("demo-data", lambda folder: write_demo(folder / "data")) / "data"


@pytest.fixture(scope="session")
def edition(made_once, demo_data):
    """``edition(dataset, wave, language)``: the report folder of one edition, built once per run.

    ``dataset`` is ``"demo"`` (the interim report built from the package's demo, the final one
    from the demo written to CSV) or ``"tiny"`` (tests/tiny.py at min_n 2). Tests that read the
    same edition share its build, whichever file they are in.
    """
    from via_reports.report.build import BuildOptions, build_report

    def make(dataset: str, wave: str, language: str):
        def build(folder: Path) -> None:
            if dataset == "tiny":
                data = write_dataset(folder / "data", *tiny_tables())
                options = BuildOptions(data_dir=data, out=folder / "report", wave=wave, language=language, min_n=2)
            else:  # every format: tests/test_docx.py reads the demo's Word editions
                data = demo_data if wave == "T2" else None
                options = BuildOptions(data_dir=data, out=folder / "report", wave=wave, language=language,
                                       formats=["pdf", "html", "docx"])
            build_report(options)
        return build

    def built(dataset: str, wave: str, language: str = "nl") -> Path:
        name = {("demo", "T1", "nl"): "demo-interim", ("demo", "T2", "nl"): "demo-final"}.get(
            (dataset, wave, language), f"{dataset}-{wave}-{language}")
        return made_once(name, make(dataset, wave, language)) / "report"

    return built


@pytest.fixture(scope="session")
def demo_report(edition):
    """The interim report of the demo data (T0-T1), built once."""
    return edition("demo", "T1")


@pytest.fixture(scope="session")
def final(edition):
    """The final report of the demo data (T0-T2), built once."""
    return edition("demo", "T2")


@pytest.fixture(scope="session")
def public_edition(made_once):
    """``public_edition(wave, language)``: the demo's public edition (k = 5) in every format, built once per run."""
    from via_reports.report.build import BuildOptions, build_report

    def built(wave: str, language: str) -> Path:
        return made_once(f"demo-public-{wave}-{language}", lambda folder: build_report(BuildOptions(
            out=folder / "report", wave=wave, language=language, public=True,
            formats=["pdf", "html", "docx"]))) / "report"

    return built


@pytest.fixture(scope="session")
def any_edition(edition, public_edition):
    """``any_edition("demo-T1-nl")`` or ``any_edition("public-T2-en")``: a demo edition in every format."""
    def built(name: str) -> Path:
        kind, wave, language = name.split("-")
        return edition("demo", wave, language) if kind == "demo" else public_edition(wave, language)

    return built
