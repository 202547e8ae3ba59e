"""``via-reports preview DATA``: the report in the browser, rebuilt as its inputs change.

The preview builds the report (with the chapter cache, so an edited text
re-renders only), serves it on ``http://127.0.0.1:PORT/`` (the loopback
interface only: nobody else on the network can reach it) and watches the data
folder (its tables, study.yaml and texts) and a theme folder. On a change it
builds again; the page at ``/`` shows ``report.html`` in a frame and reloads
it after each new build. A build that fails (a broken text, invalid data)
leaves the last good report in place and shows the error above it, as the
terminal does. Ctrl-C stops the server and the watcher.

``/`` is a small page of our own with a Content-Security-Policy that allows
only its own script and requests to this server; ``report.html`` keeps its
own, stricter policy.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from via_reports.data.bsn import mask_bsn
from via_reports.exceptions import ViaReportsError
from via_reports.report.freshness import BuildOptions

#: Seconds between two looks at the watched folders.
POLL_SECONDS = 0.5

_SCRIPT = """
let shown = null;
async function look() {
  try {
    const state = await (await fetch('/state', {cache: 'no-store'})).json();
    const box = document.getElementById('error');
    box.textContent = state.error || '';
    box.hidden = !state.error;
    if (state.version !== shown && state.version > 0) {
      shown = state.version;
      document.getElementById('report').src = '/report.html?v=' + state.version;
    }
  } catch (e) {}
  setTimeout(look, 700);
}
look();
"""
_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>via-reports preview</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src '{_SCRIPT_HASH}';
 connect-src 'self'; frame-src 'self'; style-src 'unsafe-inline'">
<style>body{{margin:0;font-family:sans-serif}} #error{{white-space:pre-wrap;background:#fde8e8;color:#7a0b0b;
padding:1em;margin:0;border-bottom:2px solid #7a0b0b}} iframe{{border:0;width:100%;height:100vh}}</style>
</head><body><pre id="error" hidden></pre><iframe id="report" title="report"></iframe>
<script>{_SCRIPT}</script></body></html>
"""


def _signature(folders: list[Path]) -> tuple[Any, ...]:
    """What the watched folders hold: every file's path, size and modification time."""
    found = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                try:
                    stat = path.lstat()
                except OSError:
                    continue
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


class Preview:
    """The state the server shows: the last good build's number and the last error."""

    def __init__(self, options: BuildOptions, say: Callable[[str], None]):
        self.options = options
        self.say = say
        self.version = 0
        self.error: str | None = None
        self.stopped = threading.Event()

    def build(self) -> None:
        from via_reports.report.build import build_report

        started = time.perf_counter()
        try:
            build_report(self.options)
        except ViaReportsError as error:
            message = f"{type(error).__name__}: {error}"
            for violation in getattr(error, "violations", [])[:50]:
                message += (f"\n{violation.table}, {Path(violation.file).name}, row {violation.row}, "
                            f"column {violation.column}: {violation.message}")
            self.error = mask_bsn(message)  # shown as text (textContent), never as markup
            self.say(f"build failed, the last good report stays:\n{self.error}")
            return
        self.error = None
        self.version += 1
        self.say(f"report built in {time.perf_counter() - started:.1f} s")

    def watch(self, folders: list[Path]) -> None:
        seen = _signature(folders)
        while not self.stopped.wait(POLL_SECONDS):
            now = _signature(folders)
            if now != seen:
                seen = now
                self.say("a change: building")
                self.build()


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            path = self.path.split("?", 1)[0]
            if path == "/":
                self._send(200, "text/html; charset=utf-8", _PAGE.encode())
            elif path == "/state":
                state = {"version": preview.version, "error": preview.error}
                self._send(200, "application/json", json.dumps(state).encode())
            elif path == "/report.html" and (preview.options.out / "report.html").is_file():
                self._send(200, "text/html; charset=utf-8", (preview.options.out / "report.html").read_bytes())
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found")

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            return

    return Handler


def preview(options: BuildOptions, port: int, say: Callable[[str], None]) -> None:
    """Build, serve on 127.0.0.1:``port`` and rebuild on changes until Ctrl-C."""
    state = Preview(options, say)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(state))
    say(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
    resolved = options.resolved()  # report.yaml may name a theme folder: watched too
    watched = [Path(p) for p in (resolved.data_dir, resolved.theme) if p is not None and Path(p).is_dir()]
    threading.Thread(target=server.serve_forever, name="via-reports-preview", daemon=True).start()
    try:
        state.build()
        state.watch(watched)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        state.stopped.set()
        server.shutdown()
        server.server_close()
