"""Command-line options that ``build`` and ``batch`` share, declared once so that both say the same.

A batch runs ``build_report`` for every study x edition, so its cache and
rebuild options mean exactly what ``build``'s mean; one declaration keeps
their names, help and defaults from drifting apart. Options that only one
command has stay with that command (:mod:`via_reports.cli`,
:mod:`via_reports.programme.commands`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

ForceOption = Annotated[bool, typer.Option("--force", help="Rebuild even what is up to date.")]
CacheDirOption = Annotated[Optional[Path], typer.Option(
    "--cache-dir", metavar="FOLDER", help="Where finished chapters are kept (default: $XDG_CACHE_HOME/via-reports).",
    show_default=False)]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Use no cache: run every chapter.")]
