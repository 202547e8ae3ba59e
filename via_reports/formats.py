"""The report's output formats, each declared once, here: the rest of the build reads this table.

An output format takes the document model (a
:class:`~via_reports.document.model.ReportDocument`, the theme, the charts
as SVG and the render cache) and writes one file into the report folder. Its
declaration says:

* ``name``: what ``--formats`` and ``report.yaml``'s ``formats`` call it;
* ``filename``: the file it writes, which is also its entry in the manifest's
  ``files`` (:meth:`OutputFormat.manifest_entries`);
* ``renderer``: ``"module:function"``, imported only when the format renders
  (:meth:`OutputFormat.render`), so that asking for the PDF never imports
  pandoc's wrapper and the command line's up-to-date check imports no
  renderer at all. This module sits at the bottom of the layers and names
  the renderers as data: it has no import statement of them, and only the
  build (the layer above the renderers) asks it to render;
* ``second_process``: whether it may render in the renderer's second process
  (:class:`~via_reports.render.process.Renderer`) while the PDF is laid out
  in the build's own;
* ``packages``: the distributions whose versions change its bytes for the
  same inputs; with the name they are its part of the build key
  (:meth:`OutputFormat.key_part`, read by :mod:`via_reports.report.freshness`);
* ``prepare``: optionally ``"module:function"`` ``(theme, date, cache_folder)``, work the second
  process may do before the document exists, while the chapters run (the HTML's fonts and vega; for the
  PDF, which renders in the build's own process and may hand the second one a large part,
  WeasyPrint's import and the parsed stylesheet).

The renderer's second process imports the renderers of the formats a build asks
for and runs their ``prepare`` (:class:`~via_reports.render.process.Renderer`);
nothing there names a format.

Adding a format: its module under ``via_reports/render/``, one line in
:data:`FORMATS` and its test. The table lives beside the layers, not in
``via_reports/render/`` (whose package imports the renderers): the command
line's up-to-date check reads it before anything heavy is imported.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class OutputFormat:
    name: str
    filename: str
    renderer: str
    second_process: bool
    packages: tuple[str, ...] = ()
    prepare: str | None = None

    @property
    def module(self) -> str:
        """The module of its renderer (what the second process imports while the chapters run)."""
        return self.renderer.split(":")[0]

    def key_part(self) -> list[str]:
        """The format's name and the versions of the packages that write it."""
        from importlib.metadata import PackageNotFoundError, version

        def installed(package: str) -> str:
            try:
                return f"{package}=={version(package)}"
            except PackageNotFoundError:  # the render says what is missing
                return f"{package} missing"

        return [self.name, *map(installed, self.packages)]

    def render(self, document: Any, theme: Any, folder: Path, *, svgs: dict[str, str], cache: Any,
               helper: Any = None) -> Any:
        """Write this format of ``document`` into ``folder``; ``helper``: the renderer's second process, given
        to a format that renders in the build's own (it may hand work over: the PDF's large parts)."""
        module, function = self.renderer.split(":")
        render = getattr(importlib.import_module(module), function)
        extra = {"helper": helper} if helper is not None else {}
        return render(document, theme, Path(folder) / self.filename, svgs=svgs, cache=cache, **extra)

    def manifest_entries(self) -> list[str]:
        """The report folder's files this format writes, as ``manifest.json`` lists them under ``files``."""
        return [self.filename]


#: Every output format, in the order the manifest lists their files.
FORMATS: dict[str, OutputFormat] = {f.name: f for f in (
    OutputFormat("pdf", "report.pdf", "via_reports.render.pdf:render_pdf", False, ("weasyprint", "pikepdf"),
                 prepare="via_reports.render.pdf:prepare_elsewhere"),
    OutputFormat("html", "report.html", "via_reports.render.html:render_html", True, ("vl-convert-python",),
                 prepare="via_reports.render.html:prepare_html"),
    OutputFormat("docx", "report.docx", "via_reports.render.docx:render_docx", True,
                 ("pypandoc-binary", "python-docx", "vl-convert-python")),
)}


def unknown_formats(names: Any) -> str | None:
    """A message naming what in ``names`` is no format, or None when every name is one."""
    if not isinstance(names, (list, tuple)):
        return None  # the schema says what is wrong with it
    unknown = [str(name) for name in names if name not in FORMATS]
    if not unknown:
        return None
    return (f"formats: {', '.join(repr(u) for u in unknown)} is no output format; "
            f"choose from {', '.join(FORMATS)}")


def call(target: str, *args: Any) -> Any:
    """Import ``"module:function"`` and call it with ``args``."""
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)(*args)


def render_format(name: str, document: Any, theme: Any, folder: Path, svgs: dict[str, str], cache: Any,
                  helper: Any = None) -> Any:
    """:meth:`OutputFormat.render` of format ``name``: a picklable task for the renderer's second process."""
    return FORMATS[name].render(document, theme, folder, svgs=svgs, cache=cache, helper=helper)
