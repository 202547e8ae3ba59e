"""Debian's headless ``chromium`` as a reader's browser (installed by scripts/setup.sh)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

#: Skips a test on a machine without the browser.
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                                    reason="Debian's chromium is not installed (scripts/setup.sh)")


def browse(path: Path, width: int = 1280, height: int = 900) -> tuple[str, str]:
    """(the DOM after scripts ran, the console's messages) of ``path`` in a window ``width`` px wide.

    Timers run on virtual time (15 s), so charts drawn after the page loaded are in the DOM.
    """
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--window-size={width},{height}", "--virtual-time-budget=15000",
         "--enable-logging=stderr", "--v=0", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=180)
    return result.stdout, "\n".join(line for line in result.stderr.splitlines() if "CONSOLE" in line)
