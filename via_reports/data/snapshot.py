"""Validate once: the build hands its validated dataset to the kernels of its chapters.

Reading and validating the data takes a noticeable part of a chapter's run,
the same work in every chapter. A build therefore validates once, writes the
validated :class:`~via_reports.data.dataset.Dataset` to a snapshot file in a
private temporary folder (mode 0700, removed when the build ends; never in
the cache, since it holds the rows), and starts its kernels with
:data:`SNAPSHOT_VARIABLE` naming that file. A chapter asks
:func:`validated_dataset`, which takes the snapshot when it was made for the
same data folder and language, and otherwise reads and validates, as a
researcher's own papermill run always does.

The snapshot is a pickle: it is written and read only by this package, in a
folder nobody else may read, and it keeps every column's exact type (so a
chapter computes exactly what it would compute from the files).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from via_reports.memory import return_freed_memory

if TYPE_CHECKING:  # the command line names the snapshot to its kernels before it imports pandas
    from via_reports.data.dataset import Dataset

#: The environment variable a build sets in its kernels: the path of its snapshot.
SNAPSHOT_VARIABLE = "VIA_REPORTS_VALIDATED_DATASET"


def write_snapshot(dataset: Dataset, data_dir: str, language: str, path: Path) -> None:
    """Write ``dataset``, validated for ``data_dir`` (``""``: the demo) and ``language``, to ``path``."""
    temporary = path.with_name(path.name + ".part")
    with open(temporary, "wb") as handle:
        pickle.dump({"data_dir": data_dir, "language": language, "dataset": dataset}, handle,
                    protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)
    return_freed_memory(path.stat().st_size)  # pickling a large dataset leaves a copy's worth of freed buffers


def read_snapshot(path: Path) -> dict:
    """What :func:`write_snapshot` wrote: ``data_dir``, ``language`` and ``dataset``."""
    with open(path, "rb") as handle:
        saved = pickle.load(handle)
    return_freed_memory(path.stat().st_size)
    return saved


def validated_dataset(data_dir: str, language: str) -> Dataset:
    """The dataset of ``data_dir`` (``""``: the demo) with messages in ``language`` (``""``: the study's).

    From the build's snapshot when this process belongs to a build of these
    data; else read and validated (raises ContractError).
    """
    snapshot = os.environ.get(SNAPSHOT_VARIABLE)
    if snapshot and Path(snapshot).is_file():
        saved = read_snapshot(Path(snapshot))
        if saved["data_dir"] == data_dir and saved["language"] == language:
            return saved["dataset"]
    from via_reports.data.dataset import load_dataset

    return load_dataset(data_dir or None, language or None)
