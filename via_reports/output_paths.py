"""Where via-reports may write: never inside a data folder, and a failed write is a clear error.

Input folders are only ever read. Writing into one would mix our files with
the researcher's data and change the data's fingerprint, so that no later
build is ever "up to date" (and the next build would read our files as
input). Every path a user gives us to write to (``--out``, ``--cache-dir``
and ``$XDG_CACHE_HOME``, ``validate --report``, a notebook's ``output_dir``,
the folder of ``via-reports notebooks``) is therefore checked with
:func:`refuse_in_data_folder`: inside the data folder of the command, or
inside any folder that holds a ``study.yaml`` (a data folder), is a
:class:`~via_reports.exceptions.ParameterError` (exit 2).

A write can also fail on a sound path: the disk fills up, a quota is
reached, the device errs. :func:`write_failure` turns such an ``OSError``
into a :class:`~via_reports.exceptions.RenderError` (exit 5, "the output could
not be written") with the file and the reason, never a traceback.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from via_reports.exceptions import ChapterError, ParameterError, RenderError, ViaReportsError

#: The file that makes a folder a data folder.
STUDY_FILE = "study.yaml"

#: Errors of the device rather than of the path the user chose: a full disk, a quota, a failing disk.
DEVICE_FAULTS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS})


def data_folder_around(path: Path) -> Path | None:
    """The data folder ``path`` lies in (or is): the nearest of it and its parents holding a study.yaml."""
    for folder in (path, *path.parents):
        try:
            if (folder / STUDY_FILE).is_file():
                return folder
        except OSError:  # a folder we may not look into is no data folder of ours
            continue
    return None


def refuse_in_data_folder(path: str | Path, data_dir: str | Path | None, *, what: str, option: str) -> Path:
    """``path`` resolved, or a ParameterError when it lies in ``data_dir`` or in any data folder.

    ``what`` names the path in the message ("the cache folder"), ``option``
    where the user gave it ("--cache-dir").
    """
    resolved = Path(path).expanduser().resolve()
    data = Path(data_dir).resolve() if data_dir not in (None, "") else None
    if data is not None and (resolved == data or data in resolved.parents):
        raise ParameterError(f"{what} {resolved} ({option}) lies in the data folder {data}; input folders "
                             "are never written: choose a path outside it")
    if data is not None and resolved in data.parents:
        raise ParameterError(f"{what} {resolved} ({option}) and the data folder {data} overlap (the data "
                             "folder lies in it); input folders are never written: choose a path outside it")
    around = data_folder_around(resolved)
    if around is not None:
        raise ParameterError(f"{what} {resolved} ({option}) lies in the data folder {around} (it holds a "
                             f"{STUDY_FILE}); input folders are never written: choose a path outside it")
    return resolved


def check_build_paths(out: Path, cache_folder: Path | None, data_dir: Path | None) -> None:
    """A build's output folder and cache folder: neither in its data folder nor in any other.

    Called by the command line before it starts a kernel, and by the build itself.
    """
    refuse_in_data_folder(out, data_dir, what="the output folder", option="--out")
    if cache_folder is not None:  # the cache holds executed notebooks and figure CSVs
        refuse_in_data_folder(cache_folder, data_dir, what="the cache folder",
                              option="--cache-dir or $XDG_CACHE_HOME")


def write_failure(error: OSError, what: str) -> ViaReportsError:
    """The error to raise for an ``OSError`` met while writing ``what``: exit 5, naming file and reason."""
    where = f" ({error.filename})" if error.filename else ""
    reason = error.strerror or str(error) or type(error).__name__
    return RenderError(f"{what} could not be written: {reason}{where}")


def is_device_fault(error: OSError) -> bool:
    """A fault of the disk (full, quota, failing), not of the path: exit 5 even where a bad path is exit 2."""
    return error.errno in DEVICE_FAULTS


#: How Python shows an OSError's number in its text: "[Errno 28] No space left on device: '...'".
_ERRNO = re.compile(r"\[Errno (\d+)\]")


def chapter_write_fault(error: ChapterError) -> int | None:
    """The errno of a device fault that made a chapter fail (its kernel could not write a figure), else None."""
    found = _ERRNO.search(error.evalue or "")
    if found and int(found.group(1)) in DEVICE_FAULTS:
        return int(found.group(1))
    return None


@contextmanager
def writing(what: str) -> Iterator[None]:
    """Turn an ``OSError`` raised inside into :func:`write_failure`'s error (exit 5).

    A chapter that failed because its kernel met a full disk is such a failure
    too, not a fault of the chapter (exit 4): it becomes the same error.
    """
    try:
        yield
    except OSError as error:
        raise write_failure(error, what) from None
    except ChapterError as error:
        code = chapter_write_fault(error)
        if code is None:
            raise
        raise write_failure(OSError(code, os.strerror(code)),
                            f"{what} (chapter {error.chapter!r}: {error.evalue})") from None
