"""Unreachable hosts fail fast: a refused connection is known in seconds, not after retries of
robots.txt and then of the page; it is retried on the next run, not within this one."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.daemonproc import run_seconds, runs

pytestmark = pytest.mark.slow

SOURCES = 10


def refused_port() -> tuple[socket.socket, int]:
    """A port of 127.0.0.1 bound but not listening: every connection to it is refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock, sock.getsockname()[1]


def write_config(folder: Path, port: int) -> Path:
    sources = "".join(
        f'\n[[sources]]\nname = "gone-{i}"\nkind = "feed"\nurl = "http://127.0.0.1:{port}/feed-{i}.xml"\n'
        for i in range(SOURCES)
    )
    path = folder / "hotline.toml"
    path.write_text(f'bundled_sources = false\ndata_dir = "{(folder / "data").as_posix()}"\n{sources}',
                    encoding="utf-8")
    return path


def test_ten_sources_on_a_refused_port_fail_in_seconds_with_the_reason(tmp_path):
    sock, port = refused_port()
    try:
        config = write_config(tmp_path, port)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "crawler", "--config", str(config), "crawl", "--json", "--no-feed",
             "--parallel", "5"],
            capture_output=True, text=True, timeout=300,
        )
        seconds = time.monotonic() - started
    finally:
        sock.close()
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 1 and len(results) == SOURCES, done.stderr[-2000:]
    assert all(r["outcome"] == "failed" for r in results), results
    assert all("refused" in r["errors"].lower() for r in results), [r["errors"] for r in results]
    # each crawl fails at once, from spider opened to closed: no retries of robots.txt and the feed
    crawling = [run_seconds(row) for row in runs(tmp_path / "data")]
    assert len(crawling) == SOURCES and max(crawling) < 3, crawling
    # the rest is the processes' start-up on a shared 2-core machine (before: 16-24 s a source)
    assert seconds < 60, f"{SOURCES} unreachable sources took {seconds:.1f} s"
