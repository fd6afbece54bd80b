"""The fixture site's faults: one handler per kind, looked up in ``FAULTS``.

A test asks the site (``POST /_fault``) to misbehave on some paths; the request handler of
``crawler.devtools.site`` finds the fault and calls ``answer_fault``. A handler answers the request
itself and returns True, or returns False to let the real answer go out. The kinds:

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
"""

from __future__ import annotations

import gzip
import socket
import struct
import time
from collections.abc import Callable
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import parse_qs

Fault = dict[str, Any]
HTML = "text/html; charset=utf-8"


class Answering(Protocol):
    """What a fault needs of the request it answers (``site.Handler`` provides it)."""

    connection: socket.socket
    wfile: BinaryIO
    close_connection: bool

    def record(self, status: int) -> None: ...
    def start(self, status: int, headers: dict[str, str]) -> None: ...
    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None: ...
    def resolve(self, path: str) -> Path | None: ...
    def render(self, file: Path) -> bytes: ...
    def content_type(self, file: Path) -> str: ...
    def templated(self, text: str) -> str: ...


FaultHandler = Callable[[Answering, Fault, str, str], bool]


def answer_fault(request: Answering, fault: Fault, path: str, query: str) -> bool:
    """Answer with the configured fault; False for faults that only delay or skip the real answer."""
    kind = str(fault["kind"])
    if kind.isdigit() and 400 <= int(kind) <= 599:
        handler: FaultHandler | None = _status
    else:
        handler = FAULTS.get(kind)
    return handler(request, fault, path, query) if handler else False


def _status(request: Answering, fault: Fault, path: str, query: str) -> bool:
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    if "retry_after" in fault:
        headers["Retry-After"] = str(fault["retry_after"])
    request.send(int(fault["kind"]), f"fault {fault['kind']}\n".encode(), headers)
    return True


def _timeout(request: Answering, fault: Fault, path: str, query: str) -> bool:
    request.record(0)
    time.sleep(float(fault.get("seconds", 5)))
    request.close_connection = True
    return True


def _slow(request: Answering, fault: Fault, path: str, query: str) -> bool:
    time.sleep(float(fault.get("seconds", 5)))
    return False


def _truncate(request: Answering, fault: Fault, path: str, query: str) -> bool:
    file = request.resolve(path)
    body = request.render(file) if file else b"<html><body>" + b"x" * 4000
    request.record(200)
    request.start(HTTPStatus.OK, {"Content-Type": HTML, "Content-Length": str(len(body) + 10000)})
    request.wfile.write(body[: len(body) // 2])
    request.wfile.flush()
    request.close_connection = True
    return True


def _loop(request: Answering, fault: Fault, path: str, query: str) -> bool:
    """A -> A?hop=1 -> A?hop=2 -> A -> … never an answer."""
    hop = int(parse_qs(query).get("hop", ["0"])[0])
    _redirect(request, path if hop >= 2 else f"{path}?hop={hop + 1}")
    return True


def _chain(request: Answering, fault: Fault, path: str, query: str) -> bool:
    """A?chain=1 -> A?chain=2 -> … -> A?chain=hops: the page."""
    step = int(parse_qs(query).get("chain", ["0"])[0])
    if step >= int(fault.get("hops", 15)):
        return False
    _redirect(request, f"{path}?chain={step + 1}")
    return True


def _redirect_to(request: Answering, fault: Fault, path: str, query: str) -> bool:
    _redirect(request, request.templated(str(fault["to"])))
    return True


def _reset(request: Answering, fault: Fault, path: str, query: str) -> bool:
    request.record(0)
    request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    request.connection.close()  # linger 0: close sends RST, not FIN
    request.close_connection = True
    return True


def _ctype(request: Answering, fault: Fault, path: str, query: str) -> bool:
    """The file with Content-Type ``type``; an empty one sends no Content-Type header at all."""
    file = request.resolve(path)
    ctype = str(fault.get("type", ""))
    status = HTTPStatus.OK if file else HTTPStatus.NOT_FOUND
    request.send(status, request.render(file) if file else b"", {"Content-Type": ctype} if ctype else {})
    return True


def _huge(request: Answering, fault: Fault, path: str, query: str) -> bool:
    """``bytes`` of one endless paragraph, without Content-Length: the client must stop it."""
    size = int(fault.get("bytes", 10 * 1024 * 1024))
    request.record(200)
    request.start(HTTPStatus.OK, {"Content-Type": HTML, "Connection": "close"})
    request.close_connection = True
    chunk = b"<p>" + b"filler text for a page far too large to be news " * 1300 + b"</p>\n"
    request.wfile.write(b"<html><head><title>Huge</title></head><body>")
    sent = 0
    while sent < size:
        request.wfile.write(chunk)
        sent += len(chunk)
    request.wfile.write(b"</body></html>")
    return True


def _gzipbomb(request: Answering, fault: Fault, path: str, query: str) -> bool:
    body = gzip_bomb(int(fault.get("bytes", 64 * 1024 * 1024)))
    request.send(HTTPStatus.OK, body, {"Content-Type": HTML, "Content-Encoding": "gzip"})
    return True


def _repeat(request: Answering, fault: Fault, path: str, query: str) -> bool:
    file = request.resolve(path)
    if file is None:
        return False
    body = repeat_block(request.render(file), int(fault.get("count", 1000)))
    request.send(HTTPStatus.OK, body, {"Content-Type": request.content_type(file)})
    return True


def _redirect(request: Answering, target: str) -> None:
    request.send(HTTPStatus.FOUND, b"", {"Location": target})


FAULTS: dict[str, FaultHandler] = {
    "timeout": _timeout,
    "slow": _slow,
    "truncate": _truncate,
    "loop": _loop,
    "chain": _chain,
    "redirect": _redirect_to,
    "reset": _reset,
    "ctype": _ctype,
    "huge": _huge,
    "gzipbomb": _gzipbomb,
    "repeat": _repeat,
}


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
