"""Is a report folder up to date? Answered before any heavy import.

A rebuild with nothing changed should cost what starting Python costs, so
this module imports no pandas, no Jupyter and no renderer: the *build key* is
a SHA-256 over the inputs as files (the dataset folder's files, the
parameters, the package's code and templates, the theme folder, the package
version), not over the validated data. The same files give the same report,
so a folder whose ``manifest.json`` carries the key and whose every file still
has the SHA-256 listed there needs no work at all.

The per-chapter cache (:mod:`via_reports.chapters.cache`) answers the finer
question of which chapters must run again once something did change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

import via_reports
from via_reports.files import read_small_yaml
from via_reports.formats import chosen_formats
from via_reports.fingerprints import DataHashes, code_hash, data_hashes, file_hash, theme_hash
from via_reports.options import DEFAULT_OPTIONS, LANGUAGES, default_cache_dir, resolve_options

#: Seconds one notebook cell may run before its chapter counts as hung (``--timeout``).
CELL_TIMEOUT = 600


@dataclass
class BuildOptions:
    """What to build from which data, and where.

    The report's options (``wave`` to ``min_cell``) left at None are taken from the
    dataset's ``report.yaml``, else from their defaults
    (:data:`via_reports.options.DEFAULT_OPTIONS`); :func:`build_report` fills
    them in and checks them.
    """

    #: The dataset folder; None: the embedded synthetic demo data.
    data_dir: Path | None = None
    #: The output folder, replaced only when the build succeeds.
    out: Path = Path("report")
    wave: str | None = None
    kind: str | None = None
    language: str | None = None
    theme: str | None = None
    jobs: int | None = None
    min_n: int | None = None
    alpha: float | None = None
    #: A public edition (statistical disclosure control, docs/disclosure.md); also when study.yaml says ``public: true``.
    public: bool | None = None
    #: The threshold k of a public edition: no count from 1 to k−1 is shown; given alone, it asks for one.
    min_cell: int | None = None
    #: The internal edition even when report.yaml or study.yaml asks for a public one (``--internal``).
    internal: bool = False
    #: The files to write, by format name (via_reports/formats.py): pdf, html, docx.
    formats: list[str] | None = None
    #: Rebuild even when the output folder is up to date.
    force: bool = False
    #: Seconds one notebook cell may run before its chapter counts as hung.
    timeout: float = CELL_TIMEOUT
    #: Where finished chapters and chart SVGs are kept; None: :func:`~via_reports.options.default_cache_dir`.
    cache_dir: Path | None = None
    #: False: use no cache, run every chapter (``--no-cache``).
    cache: bool = True
    #: Run each chapter in a fresh kernel of its own instead of on the build's warm kernels.
    isolated: bool = False

    @property
    def cache_folder(self) -> Path | None:
        """The cache folder of this build, or None without a cache."""
        return (self.cache_dir or default_cache_dir()) if self.cache else None

    def resolved(self) -> "BuildOptions":
        """These options with every report option decided: given, else report.yaml's, else the default."""
        from via_reports.report.themes import theme_folder

        data_dir = Path(self.data_dir) if self.data_dir is not None else None
        given = {name: getattr(self, name) for name in DEFAULT_OPTIONS}
        options = resolve_options(data_dir, given, internal=bool(self.internal))
        theme_folder(options["theme"])  # a theme that does not exist: refused before anything runs
        return dataclasses.replace(self, data_dir=data_dir, out=Path(self.out), **options)


def report_language(options: BuildOptions) -> str | None:
    """The report's language: given, else study.yaml's ``report_language`` (default nl; the demo's: nl).

    So ``--language nl`` and no ``--language`` on a Dutch study give the same
    keys. Read from study.yaml as a file, before any validation: None when it
    cannot tell (a missing, linked or broken study.yaml, which the build refuses).
    """
    if options.language is not None:
        return options.language
    if options.data_dir is None:
        from via_reports.demo.numbers import STUDY

        return STUDY["report_language"]
    path = Path(options.data_dir) / "study.yaml"
    try:
        study = None if path.is_symlink() else read_small_yaml(path, what="study.yaml")
    except (OSError, ValueError, yaml.YAMLError):  # ValueError: too large (InputRefused), not UTF-8
        return None
    language = study.get("report_language", "nl") if isinstance(study, dict) else None
    return language if language in LANGUAGES else None


class BuildInputs:
    """The inputs of one build as hashes, each computed once: the build key and every chapter's key use them.

    ``options`` are resolved (:meth:`BuildOptions.resolved`). Computing them
    imports nothing heavy and reads the data folder's files once.
    """

    def __init__(self, options: BuildOptions):
        self.options = options
        self.data_dir = Path(options.data_dir).resolve() if options.data_dir is not None else None

    @cached_property
    def language(self) -> str | None:
        """The report's language as the study decides it (:func:`report_language`)."""
        return report_language(self.options)

    @cached_property
    def data(self) -> DataHashes:
        return data_hashes(self.data_dir)

    @cached_property
    def theme(self) -> str:
        return theme_hash(str(self.options.theme))

    @cached_property
    def key(self) -> str:
        """Everything a report depends on, as files: data, parameters, code, templates, theme, version.

        The options count as resolved (given, else report.yaml's, else the
        default), so a theme folder named only in report.yaml is hashed by its
        content; ``wave=None`` stays "the last answered", which the same files
        always resolve the same way. How the build runs (jobs, cache, isolated
        kernels) does not count, since it never changes a byte. The data
        folder's and the theme folder's paths are part of it because the
        executed notebooks name them.
        """
        options, theme = self.options, Path(self.options.theme)
        parts = {
            "data": self.data.files,
            "paths": [str(self.data_dir), str(theme.resolve()) if theme.is_dir() else None],
            "parameters": [options.wave, options.kind, self.language, options.min_n, options.alpha,
                           options.public, options.min_cell, *(["internal"] if options.internal else [])],
            "theme": self.theme,
            "formats": [chosen.key_part() for chosen in chosen_formats(options.formats)],
            "code": code_hash(),
            "version": via_reports.__version__,
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def build_key(options: BuildOptions) -> str:
    """The build key (:attr:`BuildInputs.key`) of options not resolved yet (resolving reads only report.yaml)."""
    return BuildInputs(options.resolved()).key


def previous_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a folder that a build made (it carries a build key), else None."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(manifest, dict) and isinstance(manifest.get("report"), dict) and manifest["report"].get("build_key"):
        return manifest
    return None


def written_files(folder: Path, manifest: dict[str, Any]) -> set[str]:
    """The files (relative paths) that the build which wrote ``manifest`` put in ``folder``.

    Manifests before the SHA-256 list named the report files, the figure CSVs
    and (implicitly) the executed notebooks.
    """
    if isinstance(manifest.get("outputs"), dict):
        return {*manifest["outputs"], "manifest.json"}
    listed = set(manifest.get("files", [])) | {f for entry in manifest.get("figures", []) for f in entry["files"]}
    return listed | {"manifest.json"} | {f"notebooks/{p.name}" for p in (folder / "notebooks").glob("*.ipynb")}


def foreign_files(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """What in a report folder the build that wrote ``manifest`` did not write (the user's own files)."""
    written = written_files(folder, manifest)
    needed = {str(Path(name).parent) for name in written} | {"."}
    found = []
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink() or (path.is_dir() and name not in needed) or (not path.is_dir() and name not in written):
            found.append(name)
    return found


def is_up_to_date(out: Path, key: str) -> bool:
    """The output folder was made from exactly these inputs, holds only what that build wrote, all as written."""
    manifest = previous_manifest(out)
    if manifest is None or manifest["report"]["build_key"] != key or not isinstance(manifest.get("outputs"), dict):
        return False
    if foreign_files(out, manifest):  # a file of the user's: the build refuses it
        return False
    try:
        return all(file_hash(out / name) == digest for name, digest in manifest["outputs"].items())
    except OSError:  # a file is missing or unreadable
        return False


def is_built(inputs: BuildInputs) -> bool:
    """``options.out`` holds the report these inputs make, untouched (``--force``: never)."""
    return not inputs.options.force and is_up_to_date(Path(inputs.options.out).resolve(), inputs.key)
