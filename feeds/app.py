"""The feed directory as a WSGI app: read-only, nothing outside it, cheap to poll.

Feed readers poll, so every answer carries an ETag (hash of the bytes) and Last-Modified and a
conditional request that matches gets ``304`` with no body; gzip when asked. Only GET and HEAD;
paths are decoded once and must resolve (symlinks included) inside the directory; hidden files, such
as the writer's temporary files, are never served. One log line per request goes to the
``feeds.serve`` logger, nothing to stderr.

A feed URL opened in a browser gets a page, not XML: browsers are dropping XSLT, so a request for
``NAME.xml`` whose ``Accept`` prefers ``text/html`` over every XML type (a browser; readers name
the feed types or ``*/*``) gets ``NAME.html``, the page written beside the feed. Readers get the feed.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

logger = logging.getLogger("feeds.serve")

INDEX_FILE = "index.html"
CACHE_CONTROL = "public, max-age=300"  # rebuilt often; a 304 is cheap
MIN_GZIP_BYTES = 512

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
}
_FEED_TYPES = ("application/atom+xml", "application/rss+xml", "application/xml", "text/xml")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_COMPRESSIBLE = (
    "text/",
    "application/xml",
    "application/rss",
    "application/atom",
    "application/feed",
    "image/svg",
)

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


@dataclass
class Answer:
    """One response before it goes out: status, headers and the body a GET would carry."""

    status: HTTPStatus
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def text_answer(status: HTTPStatus, message: str, extra: dict[str, str] | None = None) -> Answer:
    """A short plain-text error page such as ``404 not found``."""
    body = f"{int(status)} {message}\n".encode()
    headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}
    return Answer(status, headers | (extra or {}), body)


class FeedApp:
    """GET and HEAD for files inside ``root``; every other method gets 405."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.gzip_cache = GzipCache()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            answer = self.answer(environ)
        else:
            refusal = "read-only: only GET and HEAD are allowed"
            answer = text_answer(HTTPStatus.METHOD_NOT_ALLOWED, refusal, {"Allow": "GET, HEAD"})
        body = b"" if method == "HEAD" else answer.body
        logger.info(
            '%s "%s %s %s" %d %d',
            environ.get("REMOTE_ADDR", "-"),
            method,
            environ.get("REQUEST_URI", environ.get("PATH_INFO", "")),
            environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            int(answer.status),
            len(answer.body),
        )
        start_response(f"{int(answer.status)} {answer.status.phrase}", list(answer.headers.items()))
        return [body]

    def answer(self, environ: Environ) -> Answer:
        """The answer to a GET for the request's path (HEAD drops the body later)."""
        target = resolve(self.root, environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/"))
        if isinstance(target, Answer):
            return target
        accept = environ.get("HTTP_ACCEPT", "")
        vary = "Accept, Accept-Encoding" if target.suffix == ".xml" else "Accept-Encoding"
        if target.suffix == ".xml" and prefers_html(accept):
            page = target.with_suffix(".html")
            target = page if page.is_file() else target
        try:
            with open(target, "rb") as handle:
                data = handle.read()
                mtime = int(os.fstat(handle.fileno()).st_mtime)
        except OSError:  # replaced or removed between resolving and opening: not there now
            return text_answer(HTTPStatus.NOT_FOUND, "not found")
        content_type = content_type_for(target.name, data)
        digest = hashlib.blake2b(data, digest_size=12).hexdigest()
        headers = {
            "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
            "Cache-Control": CACHE_CONTROL,
            "Vary": vary,
            "X-Content-Type-Options": "nosniff",
        }
        body, etag = data, f'"{digest}"'
        if (
            accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))
            and len(data) >= MIN_GZIP_BYTES
            and content_type.startswith(_COMPRESSIBLE)
        ):
            body, etag = self.gzip_cache.get(digest, data), f'"{digest}-gzip"'
            headers["Content-Encoding"] = "gzip"
        headers["ETag"] = etag
        conditions = environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
        if not_modified(*conditions, {f'"{digest}"', f'"{digest}-gzip"'}, mtime):
            headers.pop("Content-Encoding", None)
            return Answer(HTTPStatus.NOT_MODIFIED, headers)
        headers["Content-Type"] = content_type
        headers["Content-Length"] = str(len(body))
        return Answer(HTTPStatus.OK, headers, body)


def resolve(root: Path, raw: str) -> Path | Answer:
    """The file a request target names inside ``root``, or the 400/403/404 answer instead."""
    if raw.startswith(("http://", "https://")):  # absolute-form request target
        raw = urlsplit(raw).path or "/"
    path = raw.split("?", 1)[0].split("#", 1)[0]
    decoded = unquote(path, errors="replace")
    if not path.startswith("/") or "\x00" in decoded or "\\" in decoded:
        return text_answer(HTTPStatus.BAD_REQUEST, "bad request path")
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return text_answer(HTTPStatus.FORBIDDEN, "forbidden: path leaves the feed directory")
    if any(part.startswith(".") for part in parts):
        return text_answer(HTTPStatus.NOT_FOUND, "not found")  # hidden and temporary files
    target = root.joinpath(*parts).resolve()
    if target.is_dir():
        target = (target / INDEX_FILE).resolve()
    if not target.is_relative_to(root):
        return text_answer(HTTPStatus.FORBIDDEN, "forbidden: path leaves the feed directory")
    if not target.is_file():
        return text_answer(HTTPStatus.NOT_FOUND, "not found")
    return target


def content_type_for(name: str, data: bytes) -> str:
    """The file's type; an XML file by what its root is (RSS, Atom, else plain XML)."""
    suffix = Path(name).suffix.lower()
    if suffix != ".xml":
        return _TYPES.get(suffix, "application/octet-stream")
    head = data[:2048]
    if b"<rss" in head:
        kind = RSS_TYPE
    elif b"<feed" in head:
        kind = ATOM_TYPE
    else:
        kind = XML_TYPE
    return kind


def prefers_html(accept: str) -> bool:
    """Whether ``Accept`` ranks HTML above every feed type: a browser, not a feed reader.

    Only a named HTML type counts for HTML, while ``*/*`` counts for the feed, so a client that
    accepts anything gets the feed.
    """
    html = feed = 0.0
    for part in accept.split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        quality = _quality(params)
        if name in _HTML_TYPES:
            html = max(html, quality)
        elif name in _FEED_TYPES or name in ("*/*", "application/*"):
            feed = max(feed, quality)
    return html > feed


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 1.0
    return 1.0


def accepts_gzip(accept_encoding: str) -> bool:
    """True unless the client did not name gzip or gave it ``q=0``."""
    for coding in accept_encoding.split(","):
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


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etags: Collection[str], mtime: float
) -> bool:
    """Whether a conditional GET gets ``304``, by RFC 9110 §13.2.2: If-None-Match decides when present
    (weak comparison, ``*``, lists); else If-Modified-Since against the file's ``mtime``."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or not tags.isdisjoint(etags)
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            return False
        return int(mtime) <= int(since.timestamp())
    return False


class GzipCache:
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
