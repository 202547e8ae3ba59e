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

The report is internal, and a web page open in the same browser must not read
it. Loopback alone does not stop that: through DNS rebinding a page of
``evil.example`` reaches 127.0.0.1 under its own host name. So, as Jupyter
Server does, every request must (1) name this server in its ``Host`` header
(127.0.0.1, localhost or [::1], with the port), (2) come from no other site
(an ``Origin`` or ``Sec-Fetch-Site`` header of another site is refused), and
(3) carry the random token of the URL printed at start-up; the page that URL
opens sets it as a same-site cookie, so its own requests carry it too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

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
                message += "\n" + violation_line(violation)
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


def violation_line(violation: Any) -> str:
    """One violation as a line of the error box: only what is known (no "row None" for a whole table)."""
    where = [violation.table]
    if violation.file:
        where.append(Path(violation.file).name)
    if violation.row is not None:
        where.append(f"row {violation.row}")
    if violation.column:
        where.append(f"column {violation.column}")
    return f"{', '.join(where)}: {violation.message}"


#: The cookie that carries the token once the printed URL was opened (one per port: cookies ignore ports).
_COOKIE = "via-reports-preview-{port}"


class Access:
    """Who may read the preview: requests to this server, from no other site, with its token."""

    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.token = token or secrets.token_urlsafe(32)
        self.hosts = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}
        self.origins = {f"http://{host}" for host in self.hosts}

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?token={self.token}"

    def refusal(self, headers: Any, query: str) -> str | None:
        """Why a request is refused, or None when it may be answered."""
        host = (headers.get("Host") or "").strip().lower()
        if host not in self.hosts:
            return "this server answers only to 127.0.0.1, localhost or [::1] with its port"
        origin = headers.get("Origin")
        if origin is not None and origin.strip().lower() not in self.origins:
            return "requests from another site are refused"
        if (headers.get("Sec-Fetch-Site") or "").strip().lower() in ("cross-site", "same-site"):
            return "requests from another site are refused"
        if not self._has_token(headers, query):
            return "a valid token is needed: open the URL the preview printed at start-up"
        return None

    def _has_token(self, headers: Any, query: str) -> bool:
        given = parse_qs(query).get("token", [])
        for cookie in (headers.get_all("Cookie") or []):
            for part in cookie.split(";"):
                name, _, value = part.strip().partition("=")
                if name == _COOKIE.format(port=self.port):
                    given.append(value)
        return any(hmac.compare_digest(value.encode(), self.token.encode()) for value in given)

    def cookie(self) -> str:
        return f"{_COOKIE.format(port=self.port)}={self.token}; Path=/; HttpOnly; SameSite=Strict"


def _handler(preview: Preview, access: Access) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            path, _, query = self.path.partition("?")
            refused = access.refusal(self.headers, query)
            if refused is not None:
                self._send(403, "text/plain; charset=utf-8", f"refused: {refused}\n".encode())
                return
            if path == "/":
                self._send(200, "text/html; charset=utf-8", _PAGE.encode(), cookie=access.cookie())
            elif path == "/state":
                state = {"version": preview.version, "error": preview.error}
                self._send(200, "application/json", json.dumps(state).encode())
            elif path == "/report.html" and (preview.options.out / "report.html").is_file():
                self._send(200, "text/html; charset=utf-8", (preview.options.out / "report.html").read_bytes())
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found")

        def do_HEAD(self) -> None:  # noqa: N802 - only GET is served
            self._send(405, "text/plain; charset=utf-8", b"")

        do_POST = do_PUT = do_DELETE = do_OPTIONS = do_HEAD  # noqa: N815 - http.server's names

        def _send(self, status: int, kind: str, body: bytes, cookie: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy", "frame-ancestors 'self'")
            if cookie is not None:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            return

    return Handler


def serve(state: Preview, port: int) -> tuple[ThreadingHTTPServer, Access]:
    """A server for ``state`` on 127.0.0.1:``port`` (0: any free port), not yet started, and its access rules."""
    server = ThreadingHTTPServer(("127.0.0.1", port), BaseHTTPRequestHandler)
    access = Access(server.server_address[1])
    server.RequestHandlerClass = _handler(state, access)
    return server, access


def preview(options: BuildOptions, port: int, say: Callable[[str], None]) -> None:
    """Build, serve on 127.0.0.1:``port`` and rebuild on changes until Ctrl-C."""
    state = Preview(options, say)
    server, access = serve(state, port)
    say(f"serving {access.url()} (Ctrl-C stops; the token in this URL is needed)")
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
