"""The daemon, for real: ``hotline run`` as a process, crawling the fixture site on 127.0.0.1.

Each test starts the daemon with a config of short intervals, reads its feed over HTTP as a reader
would, and stops it with SIGTERM, checking that it exits cleanly with the store consistent.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SiteServer
from tests.daemonproc import (
    DRAFT_LINK,
    DaemonProcess,
    crawl_wall_seconds,
    integrity,
    next_run,
    runs,
    write_config,
)


@pytest.fixture
def daemons() -> Iterator[list[DaemonProcess]]:
    started: list[DaemonProcess] = []
    yield started
    for daemon in started:
        daemon.stop()


def test_new_article_reaches_the_served_feed_within_two_intervals(
    tmp_path: Path, newsroom: SiteServer, daemons: list[DaemonProcess]
) -> None:
    interval = 2
    daemon = DaemonProcess(write_config(tmp_path, newsroom, every=f"{interval}s"))
    daemons.append(daemon)
    daemon.wait_for(lambda: len(daemon.entries()) > 0, 120, "the first crawl in the feed")
    assert not any(DRAFT_LINK in e.link for e in daemon.entries())

    newsroom.publish("hegseth-call")
    published = time.monotonic()
    daemon.wait_for(lambda: any(DRAFT_LINK in e.link for e in daemon.entries()), 120, "the new article")
    elapsed = time.monotonic() - published
    crawl_seconds = max(crawl_wall_seconds(daemon.output()))  # process start to end, as the daemon logs it
    print(f"\nfreshness: new article in the served feed {elapsed:.1f} s after publication "
          f"(interval {interval} s, slowest crawl {crawl_seconds:.1f} s)")
    assert elapsed <= 2 * interval + 2 * crawl_seconds + 3
    assert daemon.stop() == 0
    check, total, distinct = integrity(daemon.data)
    assert check == "ok" and total == distinct
    assert not (daemon.data / "daemon.json").exists()


def test_hung_crawl_is_killed_and_the_next_run_goes_ahead_while_the_feed_stays_up(
    tmp_path: Path, newsroom: SiteServer, daemons: list[DaemonProcess]
) -> None:
    newsroom.fault("/rss.xml", "slow", seconds=40)
    config = write_config(tmp_path, newsroom, every="2s", extra="crawl_timeout = 4")
    config.write_text(config.read_text().replace("DOWNLOAD_TIMEOUT = 10", "DOWNLOAD_TIMEOUT = 120"))
    daemon = DaemonProcess(config)
    daemons.append(daemon)
    daemon.wait_for(lambda: any(r["outcome"] == "timeout" for r in runs(daemon.data)), 90, "a timed-out run")
    assert b"<feed" in daemon.get("atom.xml")  # served throughout
    newsroom.clear_faults()
    daemon.wait_for(lambda: any(r["outcome"] == "ok" for r in runs(daemon.data)), 90, "a run after the hang")
    outcomes = [r["outcome"] for r in runs(daemon.data)]
    assert outcomes.index("timeout") < outcomes.index("ok")
    assert "running" not in outcomes[:-1]
    assert daemon.stop() == 0


def test_crashing_crawl_is_recorded_as_failed_and_the_daemon_keeps_serving(
    tmp_path: Path, newsroom: SiteServer, daemons: list[DaemonProcess]
) -> None:
    sources = f"""
[[sources]]
name = "crashes"
kind = "feed"
url = "{newsroom.url}/rss.xml"
every = "2s"
settings = {{ EXTENSIONS = {{ "no_such_module.Extension" = 100 }} }}

[[sources]]
name = "newsroom-rss"
kind = "feed"
url = "{newsroom.url}/rss.xml"
every = "2s"
"""
    daemon = DaemonProcess(write_config(tmp_path, newsroom, sources=sources))
    daemons.append(daemon)
    daemon.wait_for(lambda: len(runs(daemon.data, "crashes")) >= 2, 90, "two crashed runs")
    daemon.wait_for(lambda: len(daemon.entries()) > 0, 90, "the healthy source in the feed")
    crashed = runs(daemon.data, "crashes")
    assert {r["outcome"] for r in crashed} <= {"crashed", "failed"}
    assert any("no_such_module" in r["errors"] for r in crashed), [r["errors"] for r in crashed]
    assert daemon.proc.poll() is None
    assert daemon.stop() == 0


def test_restart_resumes_the_schedule_without_duplicates_or_new_ids(
    tmp_path: Path, newsroom: SiteServer, daemons: list[DaemonProcess]
) -> None:
    sources = f"""
[[sources]]
name = "newsroom-rss"
kind = "feed"
url = "{newsroom.url}/rss.xml"
every = "2s"

[[sources]]
name = "newsroom-atom-hourly"
kind = "feed"
url = "{newsroom.url}/atom.xml"
every = "1h"
"""
    config = write_config(tmp_path, newsroom, sources=sources)
    first = DaemonProcess(config)
    daemons.append(first)
    first.wait_for(lambda: len(runs(first.data, "newsroom-atom-hourly")) >= 1
                   and len(runs(first.data, "newsroom-rss")) >= 2
                   and len(first.entries()) > 0, 120, "both sources crawled")
    ids = sorted(e.id for e in first.entries()) + sorted(e.id for e in first.entries("atom.xml"))
    hourly_next = next_run(first.data, "crawl:newsroom-atom-hourly")
    assert first.stop() == 0

    second = DaemonProcess(config)
    daemons.append(second)
    before = len(runs(second.data, "newsroom-rss"))
    second.wait_for(lambda: len(runs(second.data, "newsroom-rss")) >= before + 2, 60, "crawls after restart")
    assert next_run(second.data, "crawl:newsroom-atom-hourly") == pytest.approx(hourly_next, abs=1)
    assert len(runs(second.data, "newsroom-atom-hourly")) == 1  # not due yet: not run again
    assert sorted(e.id for e in second.entries()) + sorted(e.id for e in second.entries("atom.xml")) == ids
    assert second.stop() == 0
    check, total, distinct = integrity(second.data)
    assert check == "ok" and total == distinct


def test_auto_interval_follows_the_sources_rhythm(
    tmp_path: Path, newsroom: SiteServer, daemons: list[DaemonProcess]
) -> None:
    # The newsroom's articles are days apart: a source that slow is polled at the upper bound.
    config = write_config(tmp_path, newsroom, every="auto", extra="auto_min = 2\nauto_max = 30")
    daemon = DaemonProcess(config)
    daemons.append(daemon)
    daemon.wait_for(lambda: "newsroom-rss: polling every 30 s from now on (auto)" in daemon.output(), 90,
                    "the adapted interval")
    assert daemon.stop() == 0


def test_a_taken_port_is_one_clear_line(tmp_path: Path, newsroom: SiteServer) -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "crawler", "--config", str(write_config(tmp_path, newsroom)), "run",
             "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: cannot serve the feeds on 127.0.0.1:{port} (Address already in use); "
        "choose another with --port or [server] port"
    ]
