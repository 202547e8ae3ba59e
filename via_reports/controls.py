"""Control characters from the data, written out so that no terminal or viewer acts on them.

A cell may hold ESC, BEL or a C1 code (terminal escape sequences: a new window
title, a cleared screen, a hyperlink) or a bidirectional override (text shown
in another order than it is). Wherever such text is shown or written (the
terminal, the violation reports in CSV and JSON), each of them is written as
``\\xNN`` (``\\uNNNN`` above U+00FF) instead. Tab and newline are kept: a
terminal and a CSV reader show them as what they are.
"""

from __future__ import annotations

import re
from typing import Any

#: C0 controls but tab and newline, DEL, C1 controls, and the bidirectional marks and overrides.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _written_out(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(value: Any) -> Any:
    """Text with every control character written out; anything that is not text is returned as it is."""
    return CONTROL.sub(_written_out, value) if isinstance(value, str) else value
