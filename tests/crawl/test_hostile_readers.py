"""Feed readers in numbers against a real ``hotline run`` while its crawls write: none may fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.readers import FEED_PATHS, read_load
from tests.conftest import SiteServer
from tests.daemonproc import DaemonProcess, runs, write_config

pytestmark = pytest.mark.slow


def test_fifty_concurrent_readers_while_crawls_write_see_no_failure(
    tmp_path: Path, newsroom: SiteServer
) -> None:
    daemon = DaemonProcess(write_config(tmp_path, newsroom, every="1s"))
    try:
        data = tmp_path / "data"
        daemon.wait_for(lambda: len(runs(data)) >= 1, 60, "the first crawl")
        before = len(runs(data))
        newsroom.publish("hegseth-call")  # the next crawl stores an article and rewrites the feeds
        load = read_load(daemon.url, FEED_PATHS, readers=50, requests_each=10, cap=60)
        print(f"\n50 readers x 10: {load.summary()}")
        assert load.failed == 0, load.failures
        assert len(load.latencies) == 500
        assert load.statuses[200] > 0 and load.statuses[304] > 0  # conditional GETs were answered
        daemon.wait_for(lambda: len(runs(data)) > before, 30, "a crawl during or after the load")
    finally:
        assert daemon.stop() == 0
