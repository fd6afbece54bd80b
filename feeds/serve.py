"""Serve the feed directory over HTTP: the WSGI app of ``feeds.app`` under waitress.

waitress is a production WSGI server (threads, keep-alive, listen backlog, TCP_NODELAY, request
parsing), so this module only binds the socket first, which lets the caller report a taken port
before anything starts, and runs waitress's loop until ``shutdown``, so the daemon can serve in a
thread and stop cleanly.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path

import waitress
from waitress import wasyncore

from feeds.app import FeedApp

__all__ = ["FeedApp", "FeedServer", "make_server"]

BACKLOG = 1024  # a burst of readers must not have its SYNs dropped (bench/readers.py, 200 readers)
THREADS = 8  # answering is a file read and maybe a cached gzip: short, mostly I/O
CONNECTION_LIMIT = 1000  # waitress's default (100) would stop accepting before the backlog fills
IDLE_TIMEOUT = 30  # idle keep-alive connections are closed after this many seconds

# waitress warns "Task queue depth is N" whenever a request waits for a free thread: a burst of
# feed readers does that by design, and the warning would flood the daemon's log and the terminal.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


class FeedServer:
    """One directory served on one address; ``port=0`` picks a free port. Raises OSError if taken."""

    def __init__(self, directory: Path, host: str, port: int) -> None:
        self.app = FeedApp(directory)
        listener = _listen(host, port)
        self._map: dict[int, object] = {}
        try:
            self._server = waitress.create_server(
                self.app,
                map=self._map,
                sockets=[listener],
                threads=THREADS,
                backlog=BACKLOG,
                connection_limit=CONNECTION_LIMIT,
                channel_timeout=IDLE_TIMEOUT,
                asyncore_use_poll=True,  # select() stops at 1024 file descriptors
                ident="hotline",
            )
        except BaseException:
            listener.close()
            raise
        self.server_address: tuple[str, int] = listener.getsockname()[:2]
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()
        self._closed = False

    @property
    def root(self) -> Path:
        return self.app.root

    @property
    def url(self) -> str:
        host, port = self.server_address
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Answer requests until ``shutdown`` is called (from another thread) or Ctrl-C."""
        self._stopped.clear()
        try:
            while not self._stop.is_set() and self._map:
                wasyncore.loop(timeout=poll_interval, map=self._map, use_poll=True, count=1)
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop ``serve_forever`` and wait until it has returned."""
        self._stop.set()
        self._server.pull_trigger()  # wake the loop now rather than at its next poll timeout
        self._stopped.wait()

    def server_close(self) -> None:
        """Close the listening socket, the open connections and the worker threads."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._server.task_dispatcher.shutdown()
        wasyncore.close_all(self._map)


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; the OSError of a taken port is left as the kernel said it."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(BACKLOG)
    except BaseException:
        listener.close()
        raise
    return listener


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 0) -> FeedServer:
    """A server for ``directory`` on ``host:port``; raises OSError if the port cannot be bound."""
    return FeedServer(directory, host, port)
