"""Serve the feed directory over HTTP: read-only, nothing outside it, cheap to poll.

Feed readers poll, so every answer carries an ETag (hash of the bytes) and Last-Modified and a
conditional request that matches gets ``304`` with no body; gzip when asked. Only GET and HEAD;
paths are decoded once and must resolve (symlinks included) inside the directory; hidden files, such
as the writer's temporary files, are never served. One log line per request goes to the
``feeds.serve`` logger, nothing to stderr.

Browsers show ``application/atom+xml`` and ``application/rss+xml`` as plain text instead of running
the XSL stylesheet, so a request whose ``Accept`` asks for ``text/html`` (a browser opening the URL)
gets the same bytes labelled ``application/xml``; feed readers get the feed types.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import logging
import os
import socket
import socketserver
import sys
import threading
from collections import OrderedDict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

INDEX_FILE = "index.html"
CACHE_CONTROL = "public, max-age=300"  # rebuilt often (and the XSL may change on upgrade); a 304 is cheap
MIN_GZIP_BYTES = 512

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
}
_COMPRESSIBLE = (
    "text/",
    "application/xml",
    "application/rss",
    "application/atom",
    "application/feed",
    "image/svg",
)


class FeedServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one directory; ``port=0`` picks a free port."""

    daemon_threads = True
    allow_reuse_address = True
    # listen() backlog: socketserver's default of 5 drops the SYNs of a burst of readers, who then
    # wait out TCP's retransmit (1 s, 3 s, 7 s …) or time out; bench/readers.py shows it at 200 readers.
    request_queue_size = 1024

    def __init__(self, directory: Path, host: str, port: int) -> None:
        self.root = Path(directory).resolve()
        self.gzip_cache = _GzipCache()
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), FeedRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, a DNS query we neither need nor want.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if isinstance(sys.exc_info()[1], ConnectionError):  # the client went away mid-answer
            logger.debug("connection to %s dropped", client_address[0])
            return
        logger.exception("error while answering %s", client_address[0])

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/"


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 0) -> FeedServer:
    """A server for ``directory`` on ``host:port``; raises OSError if the port cannot be bound."""
    return FeedServer(directory, host, port)


class _GzipCache:
    """Compressed bodies by ETag, so a polled feed is compressed once per version, not per request."""

    def __init__(self, size: int = 32) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, etag: str, data: bytes) -> bytes:
        with self._lock:
            if etag in self._items:
                self._items.move_to_end(etag)
                return self._items[etag]
        compressed = gzip.compress(data, compresslevel=6, mtime=0)
        with self._lock:
            self._items[etag] = compressed
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return compressed


class FeedRequestHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files inside the server's directory; every other method gets 405."""

    server: FeedServer
    protocol_version = "HTTP/1.1"
    server_version = "hotline"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are closed
    # Headers and body go out in two writes; with Nagle on, a small gzipped body then waits for the
    # client's delayed ACK (~40 ms per request on a kept-alive connection).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        # http.server looks up do_<METHOD>; answer any method we do not serve with 405, not 501.
        if name.startswith("do_"):
            return self._method_not_allowed
        raise AttributeError(name)

    def _method_not_allowed(self) -> None:
        self.close_connection = True  # a request body we did not read must not become the next request
        self._send_text(
            HTTPStatus.METHOD_NOT_ALLOWED,
            "read-only: only GET and HEAD are allowed",
            {"Allow": "GET, HEAD", "Connection": "close"},
        )

    # -- one request --------------------------------------------------------------------------------

    def _serve(self, send_body: bool) -> None:
        target = self._resolve()
        if target is None:
            return
        try:
            with open(target, "rb") as handle:
                data = handle.read()
                mtime = int(os.fstat(handle.fileno()).st_mtime)
        except OSError:  # replaced or removed between resolving and opening: not there now
            self._send_text(HTTPStatus.NOT_FOUND, "not found", send_body=send_body)
            return
        content_type = self._content_type(target.name, data)
        digest = hashlib.blake2b(data, digest_size=12).hexdigest()
        headers = {
            "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
            "Cache-Control": CACHE_CONTROL,
            "Vary": "Accept, Accept-Encoding" if target.suffix == ".xml" else "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
        }
        body, etag = data, f'"{digest}"'
        if self._accepts_gzip() and len(data) >= MIN_GZIP_BYTES and content_type.startswith(_COMPRESSIBLE):
            body, etag = self.server.gzip_cache.get(digest, data), f'"{digest}-gzip"'
            headers["Content-Encoding"] = "gzip"
        headers["ETag"] = etag
        if self._not_modified(digest, mtime):
            headers.pop("Content-Encoding", None)
            self._start(HTTPStatus.NOT_MODIFIED, 0, headers)
            return
        headers["Content-Type"] = content_type
        headers["Content-Length"] = str(len(body))
        self._start(HTTPStatus.OK, len(body), headers)
        if send_body:
            self.wfile.write(body)

    def _resolve(self) -> Path | None:
        """The file a request path names inside the root, or None after answering 400/403/404."""
        raw = self.path
        if raw.startswith(("http://", "https://")):  # absolute-form request target
            raw = urlsplit(raw).path or "/"
        path = raw.split("?", 1)[0].split("#", 1)[0]
        decoded = unquote(path, errors="replace")
        if not path.startswith("/") or "\x00" in decoded or "\\" in decoded:
            self._send_text(HTTPStatus.BAD_REQUEST, "bad request path")
            return None
        parts = [part for part in decoded.split("/") if part]
        if any(part in (".", "..") for part in parts):
            self._send_text(HTTPStatus.FORBIDDEN, "forbidden: path leaves the feed directory")
            return None
        if any(part.startswith(".") for part in parts):
            self._send_text(HTTPStatus.NOT_FOUND, "not found")  # hidden and temporary files
            return None
        root = self.server.root
        target = root.joinpath(*parts).resolve()
        if target.is_dir():
            target = (target / INDEX_FILE).resolve()
        if not target.is_relative_to(root):
            self._send_text(HTTPStatus.FORBIDDEN, "forbidden: path leaves the feed directory")
            return None
        if not target.is_file():
            self._send_text(HTTPStatus.NOT_FOUND, "not found")
            return None
        return target

    def _content_type(self, name: str, data: bytes) -> str:
        suffix = Path(name).suffix.lower()
        if suffix != ".xml":
            return _TYPES.get(suffix, "application/octet-stream")
        head = data[:2048]
        if b"<rss" in head:
            kind = RSS_TYPE
        elif b"<feed" in head:
            kind = ATOM_TYPE
        else:
            return XML_TYPE
        return XML_TYPE if self._browser() else kind

    def _browser(self) -> bool:
        """True when the client asks for HTML first, as a browser opening a feed URL does."""
        return "text/html" in self.headers.get("Accept", "")

    def _accepts_gzip(self) -> bool:
        for coding in self.headers.get("Accept-Encoding", "").split(","):
            name, _, params = coding.strip().partition(";")
            if name.strip().lower() in ("gzip", "x-gzip"):
                params = params.strip()
                if not params.startswith("q="):
                    return True
                try:
                    return float(params[2:]) > 0
                except ValueError:
                    return True
        return False

    def _not_modified(self, digest: str, mtime: int) -> bool:
        """RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison); else If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or bool(tags & {f'"{digest}"', f'"{digest}-gzip"'})
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError, IndexError):
                return False
            if since.tzinfo is None:
                return False
            return mtime <= int(since.timestamp())
        return False

    # -- writing answers ----------------------------------------------------------------------------

    def _start(self, status: HTTPStatus, size: int, headers: dict[str, str]) -> None:
        self.log_request(int(status), size)
        self.send_response_only(status)
        self.send_header("Server", self.version_string())
        self.send_header("Date", self.date_time_string())
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send_text(
        self,
        status: HTTPStatus,
        message: str,
        extra: dict[str, str] | None = None,
        send_body: bool | None = None,
    ) -> None:
        body = f"{int(status)} {message}\n".encode()
        headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}
        headers.update(extra or {})
        self._start(status, len(body), headers)
        if send_body if send_body is not None else self.command != "HEAD":
            self.wfile.write(body)

    # -- logging: one line per request to the logger ------------------------------------------------

    def log_message(self, format: str, *args: object) -> None:
        logger.info("%s %s", self.address_string(), format % args)

    def log_error(self, format: str, *args: object) -> None:
        logger.warning("%s %s", self.address_string(), format % args)
