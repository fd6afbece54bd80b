"""Many feed readers against the daemon's feed server while crawls write: failures and latency.

    python3 -m bench.readers [--readers 200] [--requests 20] [--cap 120]

Starts ``hotline run`` (tests/daemonproc.py) on the newsroom fixture site with two sources crawled
every 2 s, waits for its first feeds, then runs a bounded load: ``--readers`` threads on 127.0.0.1,
each making ``--requests`` requests over the feed files (every other one a conditional GET with the
ETag it last saw), all stopping at ``--cap`` seconds. Prints failed requests, 200/304 counts, p50/p99
latency and the crawls that ran meanwhile. A baseline of one reader runs first in the same process,
so the p50 ratio shows what the concurrency costs.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

FEED_PATHS = (
    "atom.xml",
    "rss.xml",
    "feed.json",
    "articles.atom.xml",
    "articles.rss.xml",
    "articles.json",
    "",
)


@dataclass
class Load:
    """What a load run saw: latencies (s) of answered requests, status counts, failures by reason."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> str:
        return (
            f"{len(self.latencies)} answered, {self.failed} failed {dict(self.failures)}, "
            f"statuses {dict(sorted(self.statuses.items()))}, p50 {self.percentile(0.5) * 1000:.1f} ms, "
            f"p99 {self.percentile(0.99) * 1000:.1f} ms, "
            f"mean {statistics.fmean(self.latencies or [0]) * 1000:.1f} ms, "
            f"{self.seconds:.1f} s"
        )


def read_load(base_url: str, paths: tuple[str, ...], readers: int, requests_each: int, cap: float) -> Load:
    """``readers`` threads, each ``requests_each`` GETs (every other one conditional), stop at ``cap`` s.

    A request fails on a connection error, a timeout, or any status but 200/304.
    """
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    load = Load()
    lock = threading.Lock()
    deadline = time.monotonic() + cap
    start = threading.Barrier(readers)

    def reader(number: int) -> None:
        etags: dict[str, str] = {}
        latencies, statuses, failures = [], Counter(), Counter()
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=30)
        for n in range(requests_each):
            if time.monotonic() > deadline:
                break
            path = paths[(number + n) % len(paths)]
            headers = {"User-Agent": f"bench-reader/{number}", "Accept-Encoding": "gzip"}
            if n % 2 and path in etags:
                headers["If-None-Match"] = etags[path]
            began = time.perf_counter()
            connection = http.client.HTTPConnection(host, port, timeout=30)
            try:
                connection.request("GET", "/" + path, headers=headers)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - began
                statuses[response.status] += 1
                if response.status in (200, 304):
                    latencies.append(elapsed)
                    if response.getheader("ETag"):
                        etags[path] = response.getheader("ETag")
                else:
                    failures[f"HTTP {response.status}"] += 1
            except (OSError, http.client.HTTPException) as exc:
                failures[type(exc).__name__] += 1
            finally:
                connection.close()
        with lock:
            load.latencies += latencies
            load.statuses.update(statuses)
            load.failures.update(failures)

    began = time.monotonic()
    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 35)
    load.seconds = time.monotonic() - began
    return load


def main() -> int:
    from tests.conftest import SITES, SiteServer
    from tests.daemonproc import DaemonProcess, runs, write_config

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20, help="requests per reader")
    parser.add_argument("--cap", type=float, default=120.0, help="stop every reader after this many seconds")
    args = parser.parse_args()
    site = SiteServer(SITES / "newsroom")
    sources = "".join(
        f'\n[[sources]]\nname = "newsroom-{n}"\nkind = "feed"\nurl = "{site.url}/{n}.xml"\nevery = "2s"\n'
        for n in ("rss", "atom")
    )
    with tempfile.TemporaryDirectory(prefix="bench-readers-") as tmp:
        daemon = DaemonProcess(write_config(Path(tmp), site, sources=sources))
        try:
            data = Path(tmp) / "data"
            daemon.wait_for(lambda: len(runs(data)) >= 2, 120, "the first crawls")
            baseline = read_load(daemon.url, FEED_PATHS, 1, 50, args.cap)
            print(f"baseline, 1 reader: {baseline.summary()}")
            before = len(runs(data))
            site.publish("hegseth-call")  # the next crawl stores an article and rewrites the feeds
            load = read_load(daemon.url, FEED_PATHS, args.readers, args.requests, args.cap)
            crawls = len(runs(data)) - before
            print(f"{args.readers} readers x {args.requests}: {load.summary()}")
            print(f"crawls that ran during the load: {crawls}")
            ratio = load.percentile(0.5) / baseline.percentile(0.5)
            print(f"p50 ratio vs 1 reader: {ratio:.1f}x; requests/s {len(load.latencies) / load.seconds:.0f}")
        finally:
            daemon.stop()
            site.close()
    return 1 if load.failed else 0


if __name__ == "__main__":
    sys.exit(main())
