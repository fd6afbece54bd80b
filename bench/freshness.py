"""Freshness: seconds from an article's publication on a site to its arrival in the served feed.

    python3 -m bench.freshness [--interval 2] [--rounds 3]

Runs the real daemon (``hotline run``) against the newsroom fixture site on 127.0.0.1 with the given
crawl interval, publishes a new article, and times its arrival in the served article feed, as a feed
reader polling it would see it. Prints each round and the ratio of the median to the interval: the
target is arrival within two intervals plus the crawl time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from tests.conftest import SITES, SiteServer
from tests.daemonproc import DRAFT_LINK, DaemonProcess, crawl_wall_seconds, write_config


def one_round(site: SiteServer, interval: int) -> tuple[float, float]:
    site.reset()
    with tempfile.TemporaryDirectory(prefix="hotline-fresh-") as tmp:
        daemon = DaemonProcess(write_config(Path(tmp), site, every=f"{interval}s"))
        try:
            daemon.wait_for(lambda: len(daemon.entries()) > 0, 120, "the first crawl")
            site.publish("hegseth-call")
            published = time.monotonic()
            daemon.wait_for(lambda: any(DRAFT_LINK in e.link for e in daemon.entries()), 120, "the article")
            elapsed = time.monotonic() - published
            crawl = statistics.median(crawl_wall_seconds(daemon.output()))
        finally:
            daemon.stop()
    return elapsed, crawl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=int, default=2, help="crawl interval in seconds")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    site = SiteServer(SITES / "newsroom")
    try:
        results = [one_round(site, args.interval) for _ in range(args.rounds)]
    finally:
        site.close()
    for i, (elapsed, crawl) in enumerate(results, 1):
        print(f"round {i}: arrived {elapsed:.1f} s after publication (median crawl process {crawl:.1f} s)")
    median = statistics.median(e for e, _ in results)
    crawl = statistics.median(c for _, c in results)
    bound = 2 * args.interval + crawl
    print(f"median arrival {median:.1f} s; interval {args.interval} s; median crawl {crawl:.1f} s")
    print(f"ratio arrival / (2 x interval + crawl) = {median / bound:.2f} (target <= 1.0)")


if __name__ == "__main__":
    main()
