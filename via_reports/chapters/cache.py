"""The per-chapter cache: a chapter whose inputs did not change is not run again.

Each computed chapter gets a key: the SHA-256 of its notebook, the report's
options, the data folder's files (their fingerprint as files, the dataset's
texts aside), the theme, the package version and its code, data contracts and
templates other than the authored texts and the other notebooks
(:func:`chapter_key`). The key is known before the data are validated, so the
build starts kernels only for the chapters the cache cannot give. An entry under that key holds exactly what the build
keeps of a run: the executed notebook and the chapter's figure CSVs. Both are
files of the report folder itself, which already obey the privacy rules (no
participant id, free text or row-level record: figures are counts), so the
cache holds nothing the report does not.

The cache lives in ``$XDG_CACHE_HOME/via-reports`` (``~/.cache/via-reports``),
readable only by its owner. An entry is written into a temporary folder and
renamed into place, so a reader sees a whole entry or none; every file's
SHA-256 is listed in the entry's ``entry.json`` and checked when it is used,
so a damaged entry is thrown away and the chapter simply runs again. The
oldest entries are removed beyond :data:`MAX_ENTRIES`.

Beside the entries the cache keeps how long each chapter's last run took
(:meth:`ChapterCache.seconds`), so that a build starts the longest chapters
first (:func:`via_reports.report.chapter_runs.schedule`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from via_reports.fingerprints import code_hash, file_hash
from via_reports import version

#: Stands for the build's staging folder inside a cached notebook (the executed notebook names it).
OUTPUT_DIR_MARK = "@@via-reports-output-dir@@"
#: Entries kept; a report has seven chapters, so this is many reports' worth.
MAX_ENTRIES = 400


def shared_key_parts(theme_digest: str) -> dict[str, str]:
    """What every chapter's key holds besides its own inputs, hashed once per build.

    The theme (``theme_digest``: :func:`~via_reports.fingerprints.theme_hash`),
    the package's code, data contracts and templates (the authored texts and
    the notebooks aside) and the package version.
    """
    return {"theme": theme_digest, "code": code_hash(skip_templates=("text", "notebooks")),
            "version": version.__version__}


def chapter_key(chapter: str, notebook: Path, inputs: dict[str, Any], shared: dict[str, str]) -> str:
    """Everything a chapter's executed notebook and figure CSVs depend on.

    ``inputs``: the data folder and the hash of its files (its texts aside),
    and the report's options as given (see
    :func:`via_reports.report.kernel_start.chapter_inputs`); the same files and options
    always resolve to the same waves, kind and language, so they stand for the
    resolved parameters, and are known before the data are validated.
    ``shared``: :func:`shared_key_parts`.
    """
    parts = {"chapter": chapter, "notebook": file_hash(notebook), "inputs": inputs, **shared}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class ChapterCache:
    """Executed chapters by key, in ``folder`` (None: no cache, every chapter runs)."""

    def __init__(self, folder: Path | None):
        self.folder = folder / "chapters" if folder is not None else None
        #: The chapters' last run times (outside the entries' folder, which holds only entries).
        self.seconds_file = folder / "chapter-seconds.json" if folder is not None else None

    def seconds(self) -> dict[str, float]:
        """Each chapter's last run in seconds, its own work without waiting for a kernel ({} when unknown)."""
        if self.seconds_file is None:
            return {}
        try:
            recorded = json.loads(self.seconds_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(recorded, dict):
            return {}
        return {str(chapter): float(value) for chapter, value in recorded.items()
                if isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value) and value >= 0}

    def record_seconds(self, measured: dict[str, float]) -> None:
        """Add ``measured`` run times to :meth:`seconds` (replaced whole: a reader never sees half a file)."""
        if self.seconds_file is None or not measured:
            return
        recorded = {**self.seconds(), **{chapter: round(value, 3) for chapter, value in measured.items()}}
        temporary = None
        try:
            self.seconds_file.parent.mkdir(parents=True, exist_ok=True)
            self.seconds_file.parent.chmod(0o700)
            handle, temporary = tempfile.mkstemp(prefix=".chapter-seconds-", dir=self.seconds_file.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(recorded, out, indent=1, sort_keys=True)
            os.replace(temporary, self.seconds_file)
        except OSError:  # a full or read-only cache costs speed, never a report
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)

    def _entry(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key

    def has(self, key: str) -> bool:
        """An entry for ``key`` is there (whether it is whole is checked when it is restored)."""
        return self.folder is not None and (self._entry(key) / "entry.json").is_file()

    def restore(self, chapter: str, key: str, staging: Path) -> bool:
        """Copy the cached run of ``chapter`` into ``staging``; False when there is none (or it is damaged)."""
        if self.folder is None:
            return False
        entry = self._entry(key)
        try:
            listing = json.loads((entry / "entry.json").read_text(encoding="utf-8"))
            files: dict[str, str] = listing["files"]
            if listing.get("chapter") != chapter or f"notebooks/{chapter}.ipynb" not in files:
                raise ValueError("not this chapter's entry")
            contents = {}
            for name, digest in files.items():
                if Path(name).is_absolute() or ".." in Path(name).parts:
                    raise ValueError(f"a path out of the entry: {name}")
                data = (entry / name).read_bytes()
                if hashlib.sha256(data).hexdigest() != digest:
                    raise ValueError(f"{name} is damaged")
                contents[name] = data
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            shutil.rmtree(entry, ignore_errors=True)  # missing or damaged: run the chapter again
            return False
        for name, data in contents.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if name.endswith(".ipynb"):
                data = data.replace(OUTPUT_DIR_MARK.encode(), str(staging).encode())
            target.write_bytes(data)
        os.utime(entry)  # recently used: kept longest
        return True

    def store(self, chapter: str, key: str, staging: Path, figure_ids: list[str]) -> None:
        """Keep the executed notebook and the figure CSVs of a chapter that just ran into ``staging``."""
        if self.folder is None:
            return
        names = [f"notebooks/{chapter}.ipynb"] + [f"figures/{figure_id}.csv" for figure_id in figure_ids]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.folder.parent.chmod(0o700)  # the user's own: other users of the machine read nothing
            temporary = Path(tempfile.mkdtemp(prefix=".entry-", dir=self.folder))
            files = {}
            for name in names:
                data = (staging / name).read_bytes()
                if name.endswith(".ipynb"):
                    data = data.replace(str(staging).encode(), OUTPUT_DIR_MARK.encode())
                (temporary / name).parent.mkdir(parents=True, exist_ok=True)
                (temporary / name).write_bytes(data)
                files[name] = hashlib.sha256(data).hexdigest()
            (temporary / "entry.json").write_text(json.dumps({"chapter": chapter, "files": files}, indent=1),
                                                  encoding="utf-8")
            try:
                temporary.rename(self._entry(key))
            except OSError:  # another build stored the same entry meanwhile
                shutil.rmtree(temporary, ignore_errors=True)
            self._prune()
        except OSError:  # a full or read-only cache costs speed, never a report
            return

    def _prune(self) -> None:
        """Remove the least recently used entries beyond MAX_ENTRIES, and what killed builds half wrote."""
        assert self.folder is not None
        entries, stale = [], time.time() - 3600
        for path in self.folder.iterdir():
            if not path.name.startswith("."):
                entries.append(path)
            elif path.stat().st_mtime < stale:  # a temporary entry of a build that was killed an hour ago
                shutil.rmtree(path, ignore_errors=True)
        entries.sort(key=lambda p: p.stat().st_mtime)
        for old in entries[:max(0, len(entries) - MAX_ENTRIES)]:
            shutil.rmtree(old, ignore_errors=True)
