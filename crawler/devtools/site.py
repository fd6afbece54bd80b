"""A fixture-site HTTP server for tests, benchmarks and ``hotline demo``, on 127.0.0.1 (port 0).

    python -m crawler.devtools.site --site fixtures/sites/newsroom     # prints its base URL, then serves

It serves a working copy of the site (so a test can "publish" into it), replacing ``{base}`` with its
own URL, ``{alt}`` with the same server under the host name ``localhost`` (another host for
news-search results) and ``{today}`` with today's date. Feeds, sitemaps and pages answer conditional
requests (ETag / Last-Modified → 304). Control endpoints, never logged:

    GET  /_log                  every request so far (method, path, status, conditional headers)
    POST /_log/clear            forget them
    POST /_fault  {"path": glob, "kind": KIND, "seconds": n, "times": n, ...}   kinds: devtools/faults.py
    POST /_faults/clear         lift every fault (the site's own ``_faults.json`` comes back on reset)
    POST /_publish?name=NAME    copy _drafts/NAME/** over the site (a new article and its feed entries)
    POST /_reset                a fresh copy of the site, no faults, empty log

Faults (``times``: only the first n matching requests get it, then the real answer) are the kinds
of ``crawler.devtools.faults``.

A site may declare its own faults in ``_faults.json`` (a list of such objects); they are
in force from every reset. Files and folders starting with ``_`` are not served. The server exits
when its standard input closes (``--watch-stdin``: the test process ended) or after ``--lifetime``
seconds, whichever is first.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import mimetypes
import os
import shutil
import sys
import tempfile
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from crawler.devtools.faults import answer_fault
from crawler.devtools.workcopy import SiteState
from feeds.app import not_modified  # the RFC 9110 rules our feed server answers by

PLAIN = "text/plain; charset=utf-8"
TYPES = {".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml"}


class Handler(BaseHTTPRequestHandler):
    """One request: a control endpoint, a fault, a redirect or a file of the site."""

    server_version = "fixture-site/1.0"
    protocol_version = "HTTP/1.1"
    state: SiteState

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    # --- control ---------------------------------------------------------------------------------

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        state = self.state
        try:
            if parts.path == "/_reset":
                state.reset()
                return self._json({"ok": True})
            if parts.path == "/_log/clear":
                with state.lock:
                    state.log.clear()
                return self._json({"ok": True})
            if parts.path == "/_fault":
                fault = json.loads(body or b"{}")
                if "path" not in fault or "kind" not in fault:
                    return self._json({"error": "need path and kind"}, HTTPStatus.BAD_REQUEST)
                with state.lock:
                    state.faults.append(fault)
                return self._json({"ok": True})
            if parts.path == "/_faults/clear":
                with state.lock:
                    state.faults.clear()
                return self._json({"ok": True})
            if parts.path == "/_publish":
                name = parse_qs(parts.query).get("name", [""])[0]
                return self._json({"published": state.publish(name)})
        except (FileNotFoundError, ValueError) as exc:
            return self._json({"error": str(exc)}, HTTPStatus.BAD_REQUEST)
        self._json({"error": "unknown control endpoint"}, HTTPStatus.NOT_FOUND)

    def _json(self, value: object, status: HTTPStatus = HTTPStatus.OK) -> None:
        """A control answer: not in the request log."""
        data = json.dumps(value).encode()
        self.start(status, {"Content-Type": "application/json", "Content-Length": str(len(data))})
        self.wfile.write(data)

    # --- the site --------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/_log":
            with self.state.lock:
                return self._json(list(self.state.log))
        self._serve()

    def _serve(self, head: bool = False) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        fault = self.state.fault_for(path)
        if fault is not None and answer_fault(self, fault, path, parts.query):
            return
        target = self.state.redirect_for(path)
        if target:
            return self.send(HTTPStatus.FOUND, b"", {"Location": target})
        file = self.resolve(path)
        if file is None:
            return self.send(HTTPStatus.NOT_FOUND, b"not found\n", {"Content-Type": PLAIN}, head=head)
        body = self.render(file)
        mtime = file.stat().st_mtime
        headers = {
            "ETag": '"' + hashlib.sha1(body).hexdigest()[:16] + '"',
            "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
        }
        conditions = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if not_modified(*conditions, {headers["ETag"]}, mtime):
            return self.send(HTTPStatus.NOT_MODIFIED, b"", headers)
        self.send(HTTPStatus.OK, body, {"Content-Type": self.content_type(file)} | headers, head=head)

    # --- what faults use too (crawler.devtools.faults.Answering) ----------------------------------

    def record(self, status: int) -> None:
        """Add this request to the log, with the status it got (0: no answer)."""
        parts = urlsplit(self.path)
        with self.state.lock:
            self.state.log.append(
                {
                    "method": self.command,
                    "path": parts.path,
                    "query": parts.query,
                    "host": self.headers.get("Host", ""),
                    "status": status,
                    "if_none_match": self.headers.get("If-None-Match"),
                    "if_modified_since": self.headers.get("If-Modified-Since"),
                    "user_agent": self.headers.get("User-Agent"),
                    "time": time.time(),
                }
            )

    def start(self, status: int, headers: dict[str, str]) -> None:
        """The status line and ``headers``; the body is the caller's to write."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def send(
        self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, head: bool = False
    ) -> None:
        """A whole logged answer with its Content-Length; HEAD leaves the body out."""
        self.record(int(status))
        self.start(status, (headers or {}) | {"Content-Length": str(len(body))})
        if not head:
            self.wfile.write(body)

    def resolve(self, path: str) -> Path | None:
        """The site's file for ``path``; None for missing files and for ``_``-prefixed ones."""
        relative = path.lstrip("/")
        if any(part.startswith("_") or part == ".." for part in Path(relative).parts):
            return None
        file = (self.state.root / relative).resolve()
        if file.is_dir():
            file = file / "index.html"
        root = self.state.root.resolve()
        if root not in file.parents or not file.is_file():
            return None
        return file

    def render(self, file: Path) -> bytes:
        return self.state.render(file)

    def templated(self, text: str) -> str:
        return self.state.templated(text)

    def content_type(self, file: Path) -> str:
        ctype = (
            TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        )
        if ctype.startswith("text/") or ctype.endswith("xml"):
            ctype += "; charset=utf-8"
        return ctype


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer (a crawl stopped or timed out) is normal here, not an error."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, help="folder of the fixture site")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to serve on (127.0.0.x)")
    parser.add_argument("--in-place", action="store_true", help="serve the folder itself, not a copy")
    parser.add_argument("--lifetime", type=float, default=1800.0, help="exit after this many seconds")
    parser.add_argument("--watch-stdin", action="store_true", help="exit when standard input closes")
    args = parser.parse_args(argv)
    site = Path(args.site).resolve()
    if not site.is_dir():
        print(f"siteserver: no such site folder: {site}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="siteserver-"))
    state = SiteState(site, workdir, copy=not args.in_place)
    handler = type("SiteHandler", (Handler,), {"state": state})
    server = QuietServer((args.host, 0), handler)
    server.daemon_threads = True
    port = server.server_address[1]
    state.base = f"http://{args.host}:{port}"
    state.alt = f"http://localhost:{port}"

    def stop() -> None:
        shutil.rmtree(workdir, ignore_errors=True)
        os._exit(0)

    def watchdog() -> None:
        deadline = time.monotonic() + args.lifetime
        if args.watch_stdin:
            threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
        while time.monotonic() < deadline:
            time.sleep(1)
        stop()

    threading.Thread(target=watchdog, daemon=True).start()
    print(state.base, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:  # a terminal's Ctrl-C reaches the whole group: the demo says goodbye
        pass
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
