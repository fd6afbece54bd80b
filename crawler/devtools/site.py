"""A fixture-site HTTP server for tests, benchmarks and ``hotline demo``, on 127.0.0.1 (port 0).

    python -m crawler.devtools.site --site fixtures/sites/newsroom     # prints its base URL, then serves

It serves a working copy of the site (so a test can "publish" into it), replacing ``{base}`` with its
own URL, ``{alt}`` with the same server under the host name ``localhost`` (another host for
news-search results) and ``{today}`` with today's date. Feeds, sitemaps and pages answer conditional
requests (ETag / Last-Modified → 304). Control endpoints, never logged:

    GET  /_log                  every request so far (method, path, status, conditional headers)
    POST /_log/clear            forget them
    POST /_fault  {"path": glob, "kind": KIND, "seconds": n, "times": n, ...}   see FAULTS below
    POST /_faults/clear         lift every fault (the site's own ``_faults.json`` comes back on reset)
    POST /_publish?name=NAME    copy _drafts/NAME/** over the site (a new article and its feed entries)
    POST /_reset                a fresh copy of the site, no faults, empty log

Faults (``times``: only the first n matching requests get it, then the real answer):

    "4xx"/"5xx"      that status ("retry_after": seconds adds a Retry-After header)
    "timeout"        no answer for ``seconds``, then the connection closes; "slow": answer after them
    "truncate"       half the body, then the connection closes (Content-Length promised more)
    "reset"          the connection is reset (TCP RST) before any answer
    "loop"           a redirect loop; "chain": ``hops`` redirects (default 15), then the page
    "redirect"       302 to ``to`` (templated: ``{alt}/…`` is another host)
    "ctype"          the file with Content-Type ``type`` ("" for none; a wrong charset goes here too)
    "huge"           ``bytes`` of HTML (default 10 MB), no Content-Length, streamed
    "gzipbomb"       Content-Encoding gzip: ~64 KB that inflate to ``bytes`` (default 64 MB)
    "repeat"         the file with its ``<!--repeat-->…<!--/repeat-->`` block ``count`` times ({n}: 1…)

A site may declare its own faults in ``_faults.json`` (a list of such objects); they are
in force from every reset. Files and folders starting with ``_`` are not served. The server exits
when its standard input closes (``--watch-stdin``: the test process ended) or after ``--lifetime``
seconds, whichever is first.
"""

from __future__ import annotations

import argparse
import email.utils
import fnmatch
import gzip
import hashlib
import json
import mimetypes
import os
import shutil
import socket
import struct
import sys
import tempfile
import threading
import time
from datetime import date
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

TEMPLATED = {".xml", ".html", ".htm", ".txt", ".rss", ".atom", ".json"}
TYPES = {".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml"}


class SiteState:
    """The served copy of the site, the request log and the faults; shared by the handler threads."""

    def __init__(self, site: Path, workdir: Path, copy: bool) -> None:
        self.site = site
        self.copy = copy
        self.root = workdir / "site" if copy else site
        self.lock = threading.Lock()
        self.log: list[dict] = []
        self.faults: list[dict] = []
        self.base = ""
        self.alt = ""
        self.reset()

    def reset(self) -> None:
        with self.lock:
            if self.copy:
                shutil.rmtree(self.root, ignore_errors=True)
                shutil.copytree(self.site, self.root)
            self.log.clear()
            self.faults.clear()
            self.faults.extend(self.site_faults())

    def site_faults(self) -> list[dict]:
        """The faults the site declares in ``_faults.json``, in force after every reset (a redirect's
        ``to`` is templated when it is answered: the server's URL is not known yet at the first reset)."""
        table = self.root / "_faults.json"
        return [dict(f) for f in json.loads(table.read_text(encoding="utf-8"))] if table.is_file() else []

    def publish(self, name: str) -> list[str]:
        drafts = self.root / "_drafts" / name
        if not drafts.is_dir():
            raise FileNotFoundError(f"no draft named {name!r} in {self.root / '_drafts'}")
        published = []
        with self.lock:
            for file in sorted(p for p in drafts.rglob("*") if p.is_file()):
                target = self.root / file.relative_to(drafts)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, target)  # a new mtime, so Last-Modified moves on too
                published.append("/" + str(file.relative_to(drafts)))
        return published

    def fault_for(self, path: str) -> dict | None:
        """The newest fault whose glob matches ``path`` and that has uses left (``times``)."""
        with self.lock:
            for fault in reversed(self.faults):
                if not fnmatch.fnmatchcase(path, fault["path"]):
                    continue
                if "times" in fault:
                    if int(fault["times"]) <= 0:
                        continue
                    fault["times"] = int(fault["times"]) - 1
                return fault
        return None

    def redirect_for(self, path: str) -> str | None:
        """The target of ``path`` in the site's ``_redirects.json`` (templated), if any."""
        table = self.root / "_redirects.json"
        if not table.is_file():
            return None
        target = json.loads(self.render(table)).get(path)
        return str(target) if target else None

    def render(self, file: Path) -> bytes:
        data = file.read_bytes()
        if file.suffix.lower() in TEMPLATED:
            data = (
                data.replace(b"{base}", self.base.encode())
                .replace(b"{alt}", self.alt.encode())
                .replace(b"{today}", date.today().isoformat().encode())
            )
        return data


class Handler(BaseHTTPRequestHandler):
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
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # --- the site --------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/_log":
            with self.state.lock:
                return self._json(list(self.state.log))
        self._serve()

    def _record(self, status: int) -> None:
        with self.state.lock:
            self.state.log.append(
                {
                    "method": self.command,
                    "path": urlsplit(self.path).path,
                    "query": urlsplit(self.path).query,
                    "host": self.headers.get("Host", ""),
                    "status": status,
                    "if_none_match": self.headers.get("If-None-Match"),
                    "if_modified_since": self.headers.get("If-Modified-Since"),
                    "user_agent": self.headers.get("User-Agent"),
                    "time": time.time(),
                }
            )

    def _serve(self, head: bool = False) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        fault = self.state.fault_for(path)
        if fault is not None and self._apply_fault(fault, path, parts.query):
            return
        target = self.state.redirect_for(path)
        if target:
            self._record(302)
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file = self._resolve(path)
        if file is None:
            return self._plain(HTTPStatus.NOT_FOUND, b"not found\n", head)
        body = self.state.render(file)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        mtime = file.stat().st_mtime
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        if self._not_modified(etag, mtime):
            self._record(304)
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        ctype = (
            TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        )
        if ctype.startswith("text/") or ctype.endswith("xml"):
            ctype += "; charset=utf-8"
        self._record(200)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _resolve(self, path: str) -> Path | None:
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

    def _not_modified(self, etag: str, mtime: float) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= email.utils.parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _plain(
        self, status: int, body: bytes, head: bool = False, extra: dict[str, str] | None = None
    ) -> None:
        self._record(int(status))
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _apply_fault(self, fault: dict, path: str, query: str) -> bool:
        """Answer with the configured fault; False for faults that only delay the real answer."""
        kind = str(fault["kind"])
        seconds = float(fault.get("seconds", 5))
        if kind.isdigit() and 400 <= int(kind) <= 599:
            extra = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
            self._plain(int(kind), f"fault {kind}\n".encode(), extra=extra)
            return True
        if kind == "timeout":
            self._record(0)
            time.sleep(seconds)
            self.close_connection = True
            return True
        if kind == "slow":
            time.sleep(seconds)
            return False
        if kind == "truncate":
            file = self._resolve(path)
            body = self.state.render(file) if file else b"<html><body>" + b"x" * 4000
            self._record(200)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body) + 10000))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return True
        if kind == "loop":  # A -> A?hop=1 -> A?hop=2 -> A -> … never an answer
            hop = int(parse_qs(query).get("hop", ["0"])[0])
            target = path if hop >= 2 else f"{path}?hop={hop + 1}"
            self._redirect(target)
            return True
        if kind == "chain":  # A?chain=1 -> A?chain=2 -> … -> A?chain=hops: the page
            step = int(parse_qs(query).get("chain", ["0"])[0])
            if step >= int(fault.get("hops", 15)):
                return False
            self._redirect(f"{path}?chain={step + 1}")
            return True
        if kind == "redirect":
            target = str(fault["to"]).replace("{base}", self.state.base).replace("{alt}", self.state.alt)
            self._redirect(target)
            return True
        if kind == "reset":
            self._record(0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()  # linger 0: close sends RST, not FIN
            self.close_connection = True
            return True
        if kind == "ctype":
            file = self._resolve(path)
            body = self.state.render(file) if file else b""
            self._send(HTTPStatus.OK if file else HTTPStatus.NOT_FOUND, body, str(fault.get("type", "")))
            return True
        if kind == "huge":
            self._stream_huge(int(fault.get("bytes", 10 * 1024 * 1024)))
            return True
        if kind == "gzipbomb":
            body = gzip_bomb(int(fault.get("bytes", 64 * 1024 * 1024)))
            self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
            return True
        if kind == "repeat":
            file = self._resolve(path)
            if file is None:
                return False
            body = repeat_block(self.state.render(file), int(fault.get("count", 1000)))
            self._send(HTTPStatus.OK, body, TYPES.get(file.suffix.lower(), "text/html") + "; charset=utf-8")
            return True
        return False

    def _redirect(self, target: str) -> None:
        self._record(302)
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        """A whole answer; an empty ``ctype`` sends no Content-Type header at all."""
        self._record(int(status))
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream_huge(self, size: int) -> None:
        """``size`` bytes of one endless paragraph, without Content-Length: the client must stop it."""
        self._record(200)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"<p>" + b"filler text for a page far too large to be news " * 1300 + b"</p>\n"
        self.wfile.write(b"<html><head><title>Huge</title></head><body>")
        sent = 0
        while sent < size:
            self.wfile.write(chunk)
            sent += len(chunk)
        self.wfile.write(b"</body></html>")


@lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """A gzip body of about size/1000 bytes that inflates to ``size`` bytes of HTML."""
    head = b"<html><body><p>"
    return gzip.compress(head + b" " * (size - len(head)), compresslevel=9, mtime=0)


def repeat_block(body: bytes, count: int) -> bytes:
    """Repeat the ``<!--repeat-->…<!--/repeat-->`` block of ``body`` ``count`` times, ``{n}`` numbered."""
    start, end = body.find(b"<!--repeat-->"), body.find(b"<!--/repeat-->")
    if start < 0 or end < start:
        return body
    block = body[start + len(b"<!--repeat-->") : end]
    copies = b"".join(block.replace(b"{n}", str(n).encode()) for n in range(1, count + 1))
    return body[:start] + copies + body[end + len(b"<!--/repeat-->") :]


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer (a crawl stopped or timed out) is normal here, not an error."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, help="folder of the fixture site")
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
    server = QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    port = server.server_address[1]
    state.base = f"http://127.0.0.1:{port}"
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
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
