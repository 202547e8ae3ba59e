"""Rendered pieces kept by content hash: chart SVGs, subsetted fonts and the PDF's laid-out parts.

Rendering a chart with vl-convert and subsetting a font with fontTools take
most of a render that is not WeasyPrint's layout, and both give the same
result for the same input. So each result is kept in the cache folder
(``<cache>/render/<kind>/<sha256>``) under the SHA-256 of everything it is
made from: the chart's Vega-Lite spec, the language, the theme's font files
and the vl-convert version; or the font file, the characters and the date
stamped into it; or a part's HTML, the theme's files and the WeasyPrint
version (:mod:`via_reports.render.pdf`). What is kept is what the report itself
carries (a chart of counts, a font, pages of the PDF), never a row of the data.

An entry starts with the SHA-256 of its content; one that does not match is
made again. Entries are written to a temporary file and renamed, so a reader
never sees half of one. Without a cache folder the results are still kept in
memory for the process (the PDF and the HTML of one build share them).

A build also gives its kernels the cache folder (:data:`CACHE_FOLDER_VARIABLE`):
a chapter's notebook renders each chart to SVG anyway, for its own output, and
keeps it under the same key (:func:`chart_svg`), so the build's PDF and HTML
find every chart rendered already.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from via_reports.fingerprints import file_hash, tree_hash
from via_reports.options import CACHE_FOLDER_VARIABLE
from via_reports.theme.svg import render_svg
from via_reports.theme.themes import Theme


@lru_cache(maxsize=64)
def _file_hash_once(path: str, size: int, modified: int) -> str:
    return file_hash(Path(path))


def font_file_hash(path: Path) -> str:
    """A font file's SHA-256, read once per process while the file is unchanged."""
    stat = path.stat()
    return _file_hash_once(str(path), stat.st_size, stat.st_mtime_ns)


def theme_fonts_hash(theme: Theme) -> str:
    """The theme's font files by content (the charts are drawn in them)."""
    parts = []
    for family in theme.font_families:
        for face in family.faces:
            parts.append(f"{family.family}:{face.weight}:{face.style}:{font_file_hash(face.path)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def theme_files_hash(theme: Theme) -> str:
    """Every file a page in ``theme`` may fetch, by content: the theme folder's files and its fonts."""
    return hashlib.sha256(f"{tree_hash(theme.folder)}:{theme_fonts_hash(theme)}".encode()).hexdigest()


#: Results of this process by key (without a cache folder too), at most _MEMORY_ITEMS.
_MEMORY: dict[str, str] = {}
_MEMORY_ITEMS = 512


class RenderCache:
    """Results by content hash in ``folder`` (None: kept in this process's memory only)."""

    def __init__(self, folder: Path | None):
        self.folder = folder / "render" if folder is not None else None

    def get(self, kind: str, parts: list[str], make: Callable[[], str]) -> str:
        """The result for ``parts``: from the cache (:meth:`peek`), else ``make()`` (and kept)."""
        content = self.peek(kind, parts)
        if content is None:
            content = make()
            key = _key(kind, parts)
            _remember(key, content)
            if self.folder is not None:
                self._write(self.folder / kind / key, content)
        return content

    def peek(self, kind: str, parts: list[str]) -> str | None:
        """The result for ``parts`` if the cache has it (kept in memory from then on), else None."""
        key = _key(kind, parts)
        if key not in _MEMORY and self.folder is not None:
            content = self._read(self.folder / kind / key)
            if content is not None:
                _remember(key, content)
        return _MEMORY.get(key)

    @staticmethod
    def _read(path: Path) -> str | None:
        try:
            digest, content = path.read_text(encoding="utf-8").split("\n", 1)
            if hashlib.sha256(content.encode("utf-8")).hexdigest() == digest:
                return content
        except (OSError, ValueError, UnicodeDecodeError):
            pass
        return None

    @staticmethod
    def _write(path: Path, content: str) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(hashlib.sha256(content.encode("utf-8")).hexdigest() + "\n" + content)
            os.replace(temporary, path)
        except OSError:  # a full or read-only cache costs time, never a report
            pass


def _key(kind: str, parts: list[str]) -> str:
    return hashlib.sha256("\0".join([kind, *parts]).encode()).hexdigest()


def _remember(key: str, content: str) -> None:
    """Keep ``content`` in this process's memory (emptied when it holds :data:`_MEMORY_ITEMS`)."""
    if len(_MEMORY) >= _MEMORY_ITEMS:
        _MEMORY.clear()
    _MEMORY[key] = content


def kernel_cache() -> RenderCache:
    """In a build's kernel, the build's cache (:data:`CACHE_FOLDER_VARIABLE`); elsewhere this process's memory."""
    folder = os.environ.get(CACHE_FOLDER_VARIABLE)
    return RenderCache(Path(folder) if folder else None)


def chart_svg(spec: dict, theme: Theme, language: str, cache: RenderCache) -> str:
    """A chart's SVG (:func:`~via_reports.theme.svg.render_svg`), kept in ``cache`` by the SHA-256 of
    the language, the theme's fonts and page (the chart is drawn to fit it), the vl-convert version and
    the spec."""
    import vl_convert as vlc

    parts = [language, theme_fonts_hash(theme), f"fit-1:{theme.page_size}:{theme.page_margin}", vlc.__version__,
             json.dumps(spec, sort_keys=True, default=str)]
    return cache.get("svg", parts, lambda: render_svg(spec, theme, language=language))


def chart_png(svg: str, theme: Theme, cache: RenderCache, scale: float = 1.5) -> str:
    """A chart's SVG as PNG (base64), ``scale`` pixels per SVG unit, kept in ``cache`` by the SVG, the
    theme's fonts, the scale and the vl-convert version: the notebooks show it, the Word edition uses it."""
    import base64

    import vl_convert as vlc

    from via_reports.theme.svg import register_fonts, svg_to_png

    def make() -> str:
        register_fonts(theme)  # the SVG names the theme's fonts; vl-convert draws the text with them
        return base64.b64encode(svg_to_png(svg, scale=scale)).decode("ascii")

    parts = [hashlib.sha256(svg.encode("utf-8")).hexdigest(), theme_fonts_hash(theme), str(scale), vlc.__version__]
    return cache.get("png", parts, make)
