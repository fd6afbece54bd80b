"""Stopping ``hotline crawl``: Ctrl-C stops the crawls gracefully, summarises and rebuilds the feeds; a
second Ctrl-C kills them; a killed CLI takes its crawls with it; what a crash left is cleaned at the
next start. The real CLI as a process, real signals, and no process left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.daemonproc import runs
from tests.lifecycle_procs import (
    crawl_pids,
    descendants,
    kill_left,
    none_alive,
    settings_args,
    start_hotline,
    wait_until,
)

pytestmark = pytest.mark.slow


def crawling(newsroom, config, proc, answered: str = "/articles/") -> set[int]:
    """Wait until the site has answered a request for ``answered`` (an article: the crawl is fetching
    them); the CLI's crawl processes and everything below them."""
    wait_until(lambda: newsroom.requested(answered) or proc.poll() is not None, 60, "a crawl")
    assert proc.poll() is None, proc.communicate()
    pids = set(crawl_pids(config))
    assert pids, "no crawl process found"
    return pids | {p for pid in pids for p in descendants(pid)}


def test_ctrl_c_stops_the_crawls_then_summarises_and_rebuilds_the_feeds(newsroom, crawl_config):
    newsroom.fault("/articles/*", "slow", seconds=1)
    proc = start_hotline(crawl_config, "crawl", "newsroom-listing", "newsroom-rss",
                         *settings_args(CONCURRENT_REQUESTS=1))
    pids = crawling(newsroom, crawl_config, proc)
    try:
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        seconds = time.monotonic() - started
    finally:
        kill_left(pids | {proc.pid})
    assert proc.returncode == 130, err
    assert "stopping" in err
    assert "Crawl summary" in out and "stopped" in out and "Feeds rebuilt" in out, out
    assert seconds < 15, f"the stop took {seconds:.1f} s"
    assert none_alive(pids) and not crawl_pids(crawl_config)
    rows = runs(crawl_config.parent / "data")
    assert rows and all(row["outcome"] in ("stopped", "ok") for row in rows), [dict(r) for r in rows]
    assert any(row["outcome"] == "stopped" for row in rows)
    # a user's stop counts nothing against the source
    done = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(crawl_config), "status", "--json"],
        capture_output=True, text=True, timeout=60,
    )
    listing = next(row for row in json.loads(done.stdout) if row["source"] == "newsroom-listing")
    assert listing["health"] == "ok" and listing["consecutive_failures"] == 0, listing


def test_a_second_ctrl_c_kills_the_crawls_at_once(newsroom, crawl_config):
    # an article answers only after 30 s: Scrapy's graceful shutdown would wait for it (the site logs
    # a request once answered, so the wait is for the listing, then for the article requests to go out)
    newsroom.fault("/articles/*", "slow", seconds=30)
    proc = start_hotline(crawl_config, "crawl", "newsroom-listing", "--no-feed",
                         *settings_args(DOWNLOAD_TIMEOUT=60))
    pids = crawling(newsroom, crawl_config, proc, answered="/news/")
    time.sleep(2)
    try:
        proc.send_signal(signal.SIGINT)
        time.sleep(1.5)
        assert proc.poll() is None and not none_alive(pids), "the graceful stop did not wait"
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        seconds = time.monotonic() - started
    finally:
        kill_left(pids | {proc.pid})
    assert proc.returncode == 130, err
    assert "killing" in err and "Crawl summary" in out, (out, err)
    assert seconds < 6, f"the kill took {seconds:.1f} s"
    assert none_alive(pids) and not crawl_pids(crawl_config)
    (row,) = runs(crawl_config.parent / "data")
    assert row["outcome"] == "stopped"


def test_a_killed_cli_takes_its_crawl_with_it(newsroom, crawl_config):
    newsroom.fault("/articles/*", "slow", seconds=2)
    proc = start_hotline(crawl_config, "crawl", "newsroom-listing", *settings_args(CONCURRENT_REQUESTS=1))
    pids = crawling(newsroom, crawl_config, proc)
    try:
        proc.kill()
        proc.communicate(timeout=10)
        gone = wait_until(lambda: none_alive(pids), 20, "the orphaned crawl to end")
    finally:
        kill_left(pids)
    assert gone < 8, f"the orphaned crawl ran on for {gone:.1f} s"
    (row,) = runs(crawl_config.parent / "data")
    assert row["outcome"] == "stopped" and "launcher" in row["errors"], dict(row)


def test_the_next_start_closes_runs_a_crash_left_open_and_sweeps_temp_files(newsroom, crawl_config):
    newsroom.fault("/articles/*", "slow", seconds=2)
    proc = start_hotline(crawl_config, "crawl", "newsroom-listing", *settings_args(CONCURRENT_REQUESTS=1))
    pids = crawling(newsroom, crawl_config, proc)
    for pid in pids | {proc.pid}:  # the whole machine went down: nobody closes anything
        os.kill(pid, signal.SIGKILL)
    proc.communicate(timeout=10)
    wait_until(lambda: none_alive(pids), 10, "the killed crawl")
    data = crawl_config.parent / "data"
    (row,) = runs(data)
    assert row["outcome"] == "running"
    feeds = data / "feeds"
    feeds.mkdir(parents=True, exist_ok=True)
    stray = feeds / ".atom.xml.q1w2e3r4.tmp"
    stray.write_text("<feed><entry>half", encoding="utf-8")
    os.utime(stray, (time.time() - 3600, time.time() - 3600))
    newsroom.clear_faults()
    done = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(crawl_config), "crawl", "newsroom-rss",
         *settings_args()],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "closed as crashed" in done.stderr and "newsroom-listing" in done.stderr
    outcomes = {r["source"]: r["outcome"] for r in runs(data)}
    assert outcomes == {"newsroom-listing": "crashed", "newsroom-rss": "ok"}
    assert not stray.exists()


def test_the_summary_names_every_failure_in_full_in_80_columns(newsroom, crawl_config):
    newsroom.fault("/atom.xml", "404")
    done = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(crawl_config), "crawl", "newsroom-atom",
         "newsroom-rss", "--no-feed", *settings_args()],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "80"},
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert max(map(len, done.stdout.splitlines())) <= 80
    reason = f"{newsroom.url}/atom.xml: HTTP 404"
    assert any(line.startswith("newsroom-atom (failed): ") and reason in line
               for line in done.stdout.splitlines()), done.stdout


def test_a_source_being_crawled_elsewhere_is_skipped_with_one_line(newsroom, crawl_config):
    newsroom.fault("/articles/*", "slow", seconds=1)
    first = start_hotline(crawl_config, "crawl", "newsroom-listing", "--no-feed",
                          *settings_args(CONCURRENT_REQUESTS=1))
    pids = crawling(newsroom, crawl_config, first)
    try:
        second = subprocess.run(
            [sys.executable, "-m", "crawler", "--config", str(crawl_config), "crawl", "newsroom-listing",
             "--json", "--no-feed", *settings_args()],
            capture_output=True, text=True, timeout=120,
        )
        assert first.poll() is None  # the first crawl goes on
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    finally:
        kill_left(pids | {first.pid})
    assert second.returncode == 0, second.stderr
    (result,) = map(json.loads, second.stdout.splitlines())
    assert result["outcome"] == "skipped" and result["run_id"] is None
    assert "being crawled by another process" in result["errors"]
    assert [row["outcome"] for row in runs(crawl_config.parent / "data")] == ["stopped"]  # one crawl only
