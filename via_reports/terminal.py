"""Printing to the terminal: the console, and data shown as plain text.

Both the command line (:mod:`via_reports.cli`) and the programme level's
commands (:mod:`via_reports.programme.commands`) print what comes from the
data. They share these two functions from here, a module low in the layers,
so that the programme level never imports the command line that registers
its commands.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from via_reports.bsn import mask_bsn
from via_reports.controls import escape_controls


def shown(text: object) -> str:
    """Text from the data, safe to print with rich: markup escaped, control characters
    written as ``\\xNN``, BSN-like numbers masked."""
    plain = escape_controls(str(text))
    return escape(mask_bsn(plain))


def console(quiet: bool = False) -> Console:
    """The console a command prints to: standard output, 160 columns wide when it is no terminal."""
    return Console(stderr=False, quiet=quiet, width=160 if not Console().is_terminal else None)
