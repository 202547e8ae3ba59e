"""One output format rendered: the task the build hands to its renderer (either process).

:data:`via_reports.formats.FORMATS` names each format's renderer as
``"module:function"``; it is imported here, when the format renders, so that
a build asking for the PDF never imports pandoc's wrapper. This module sits
in the build's layer, above the renderers it names, and imports nothing at
start: the renderer's second process unpickles the task by this module's
name without loading any other renderer.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any


def render_format(name: str, document: Any, theme: Any, folder: Path, svgs: dict[str, str], cache: Any) -> Any:
    """Write format ``name`` of ``document`` into ``folder``: a picklable task for the renderer."""
    from via_reports.formats import FORMATS

    chosen = FORMATS[name]
    module, function = chosen.renderer.split(":")
    render = getattr(importlib.import_module(module), function)
    return render(document, theme, Path(folder) / chosen.filename, svgs=svgs, cache=cache)
