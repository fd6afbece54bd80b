"""The launcher: one crawl per process, stopped at its time limit or when the daemon shuts down."""

from __future__ import annotations

import os
import threading
import time

import pytest

from crawler.service.launch import LocalLauncher

pytestmark = pytest.mark.slow


def group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_crawl_past_its_time_limit_is_stopped_and_recorded(
    newsroom, crawl_config, crawl_settings, store_of
):
    newsroom.fault("/articles/*", "slow", seconds=1)
    launcher = LocalLauncher({**crawl_settings, "CONCURRENT_REQUESTS": 1}, kill_grace=2)
    started = time.monotonic()
    result = launcher.run(str(crawl_config), "newsroom-listing", timeout=3)
    assert result.outcome == "timeout"
    assert time.monotonic() - started < 3 + 2 + 5 + 2  # limit + SIGTERM grace + SIGKILL wait + slack
    with store_of() as store:
        (run,) = store.runs.latest()
        assert run.id == result.run_id and run.outcome == "timeout" and run.finished is not None
        assert not group_alive(run.pid)
        assert store.articles.count() < 9  # it really was cut short


def test_stop_all_ends_running_crawls_and_refuses_new_ones(newsroom, crawl_config, crawl_settings, store_of):
    newsroom.fault("/articles/*", "slow", seconds=1)
    launcher = LocalLauncher({**crawl_settings, "CONCURRENT_REQUESTS": 1})
    results = []
    worker = threading.Thread(
        target=lambda: results.append(launcher.run(str(crawl_config), "newsroom-listing", timeout=60))
    )
    worker.start()
    deadline = time.monotonic() + 30
    while not newsroom.requested("/articles/"):
        assert time.monotonic() < deadline, "the crawl never reached an article"
        time.sleep(0.05)
    launcher.stop_all(10)
    worker.join(timeout=20)
    (result,) = results
    assert result.outcome == "killed"
    late = launcher.run(str(crawl_config), "newsroom-rss", timeout=60)
    assert late.outcome == "killed" and late.run_id is None and "stopping" in late.errors
    with store_of() as store:
        (run,) = store.runs.latest()
        assert run.outcome == "killed" and not group_alive(run.pid)
