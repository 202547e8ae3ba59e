"""`via-reports preview`: served on the loopback interface, rebuilt on a change, errors shown, last good kept."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


#: The token the preview printed at start-up (every request needs it).
TOKEN = {"value": ""}


def _get(port: int, path: str) -> str:
    separator = "&" if "?" in path else "?"
    url = f"http://127.0.0.1:{port}{path}{separator}token={TOKEN['value']}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def _state(port: int) -> dict:
    return json.loads(_get(port, "/state"))


def _wait_for(port: int, ready, seconds: float = 600) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = _state(port)
        if ready(state):
            return state
        time.sleep(0.5)
    raise AssertionError(f"the preview did not get there: {_state(port)}")


def _save(path: Path, text: str) -> None:
    """Save as an editor does: the new text appears at once (the watcher never sees half a file)."""
    part = path.parents[3] / "edit.part"  # beside the data folder, not watched
    part.write_text(text)
    os.replace(part, path)


def _drain(stream, lines: list[str]) -> threading.Thread:
    """Read the server's output as it comes (a full pipe would block the server's next print)."""
    reader = threading.Thread(target=lambda: lines.extend(stream), daemon=True)
    reader.start()
    return reader


def test_preview_rebuilds_on_a_text_edit_and_shows_a_broken_text(tmp_path):
    from tiny import tiny_tables, write_dataset

    data = write_dataset(tmp_path / "data", *tiny_tables())
    own = data / "text" / "nl"
    own.mkdir(parents=True)
    ours = (ROOT / "templates" / "text" / "nl" / "conclusions.md").read_text()
    (own / "conclusions.md").write_text(ours + "\nDe eerste versie van deze zin.\n")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    server = subprocess.Popen([sys.executable, "-m", "via_reports", "preview", str(data), "--out",
                               str(tmp_path / "preview"), "--port", "0", "--wave", "T1"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        line = server.stdout.readline()
        match = re.search(r"serving http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{32,})", line)
        assert match, line
        TOKEN["value"] = match.group(2)
        lines: list[str] = []
        reader = _drain(server.stdout, lines)
        port = int(match.group(1))
        page = _get(port, "/")
        assert "Content-Security-Policy" in page and 'id="report"' in page
        _wait_for(port, lambda s: s["version"] >= 1)
        assert "De eerste versie van deze zin." in _get(port, "/report.html")

        _save(own / "conclusions.md", ours + "\nDe tweede versie van deze zin.\n")
        _wait_for(port, lambda s: s["version"] >= 2, seconds=300)
        assert "De tweede versie van deze zin." in _get(port, "/report.html")

        _save(own / "conclusions.md", ours + "\n{{ cuont('participants.age_sex') }}\n")
        state = _wait_for(port, lambda s: s["error"] is not None, seconds=300)
        assert re.search(r"conclusions\.md, line \d+: unknown name 'cuont'", state["error"])
        assert state["version"] == 2
        assert "De tweede versie van deze zin." in _get(port, "/report.html")  # the last good report stays

        server.send_signal(signal.SIGINT)
        try:
            status = server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            raise AssertionError("the preview did not stop on Ctrl-C; it printed:\n" + "".join(lines)) from None
        reader.join(timeout=10)
        output = "".join(lines)
        assert status == 0, output
        assert "unknown name 'cuont'" in output and "stopped" in output
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
