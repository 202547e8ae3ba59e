"""Fingerprints of inputs: files, folders, the package's own code, a theme.

SHA-256 throughout, computed without any heavy import, so that the build can
decide whether anything changed before it loads pandas or starts a kernel
(:mod:`via_reports.report.freshness`, :mod:`via_reports.chapters.cache`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from via_reports import version


def file_hash(path: Path) -> str:
    """SHA-256 of one file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree_entries(folder: Path, pattern: str = "*", skip: tuple[str, ...] = ()):
    """(relative path, what the folder's hash takes of it) for each file under ``folder``, in name order."""
    for path in sorted(folder.rglob(pattern)):
        relative = path.relative_to(folder)
        if "__pycache__" in relative.parts or relative.parts[0] in skip:
            continue
        name = str(relative).encode()
        if path.is_symlink():
            yield relative, b"link:" + name + b"->" + str(path.readlink()).encode() + b"\0"
        elif path.is_file():
            yield relative, b"file:" + name + b"\0" + file_hash(path).encode()


def tree_hash(folder: Path, pattern: str = "*", skip: tuple[str, ...] = ()) -> str:
    """SHA-256 over the names and contents of the files under ``folder`` matching ``pattern``.

    ``skip``: sub-folders of ``folder`` left out. A symbolic link is hashed as
    a link (its target's name), never followed: it may point at anything, and
    the build refuses it anyway.
    """
    digest = hashlib.sha256()
    for _, entry in _tree_entries(folder, pattern, skip):
        digest.update(entry)
    return digest.hexdigest()


def code_hash(skip_templates: tuple[str, ...] = ()) -> str:
    """The package version, its code, data contracts and templates (but the folders ``skip_templates``).

    Part of every key (the build's and each chapter's), so that a developer's
    edit never meets a result computed by the code before it. A chapter's
    key leaves out the authored texts and the notebooks (it hashes its own),
    so editing a text or one notebook re-runs no other chapter.
    """
    from via_reports.resources import contracts_dir, templates_dir

    package = Path(__file__).resolve().parent
    return hashlib.sha256(":".join([version.__version__, tree_hash(package, "*.py"), tree_hash(contracts_dir()),
                                    tree_hash(templates_dir(), skip=skip_templates)]).encode()).hexdigest()


def theme_hash(theme: str) -> str:
    """A theme by name is part of the templates; a theme folder is hashed by content."""
    return tree_hash(Path(theme)) if Path(theme).is_dir() else f"name:{theme}"


@dataclass(frozen=True)
class DataHashes:
    """A dataset folder by its files: all of them (the build key), and its texts (``text/``) aside (the chapters')."""

    files: str
    without_texts: str


def data_hashes(data_dir: Path | None) -> DataHashes:
    """Both hashes of a dataset folder, each file read once; the embedded demo is part of the code.

    The same as ``tree_hash(data_dir)`` and ``tree_hash(data_dir, skip=("text",))``.
    """
    if data_dir is None:
        return DataHashes("demo", "demo")
    files, without_texts = hashlib.sha256(), hashlib.sha256()
    for relative, entry in _tree_entries(data_dir):
        files.update(entry)
        if relative.parts[0] != "text":
            without_texts.update(entry)
    return DataHashes(files.hexdigest(), without_texts.hexdigest())
