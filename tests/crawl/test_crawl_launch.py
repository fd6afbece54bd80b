"""The launcher: one crawl per process, stopped at its time limit or when the daemon shuts down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler import process
from crawler.service import launch
from crawler.service.launch import LocalLauncher
from tests.conftest import FAST_CRAWL, ROOT
from tests.newsroom import stop_mid_crawl

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
    result = stop_mid_crawl(launcher, newsroom, str(crawl_config), timeout=60, wait=30)
    assert result.outcome == "stopped" and not result.failed  # a user's stop, not the source's failure
    late = launcher.run(str(crawl_config), "newsroom-rss", timeout=60)
    assert late.outcome == "stopped" and late.run_id is None and "stopping" in late.errors
    with store_of() as store:
        (run,) = store.runs.latest()
        assert run.outcome == "stopped" and not group_alive(run.pid)


def agents_config(tmp_path: Path, newsroom) -> Path:
    """Two feed sources: one with its own User-Agent setting, one with the [scrapy] table's."""
    scrapy = "\n".join(f"{key} = {json.dumps(value)}" for key, value in FAST_CRAWL.items())
    path = tmp_path / "hotline.toml"
    path.write_text(
        f"""
bundled_sources = false
data_dir = "{(tmp_path / 'data').as_posix()}"
user_agent = "config-agent/1"

[scrapy]
{scrapy}
USER_AGENT = "table-agent/1"

[[sources]]
name = "own-agent"
kind = "feed"
url = "{newsroom.url}/rss.xml"
settings = {{ USER_AGENT = "source-agent/1" }}

[[sources]]
name = "table-agent"
kind = "feed"
url = "{newsroom.url}/atom.xml"
""",
        encoding="utf-8",
    )
    return path


def agents_seen(newsroom) -> set[str]:
    agents = {entry["user_agent"] for entry in newsroom.log()}
    newsroom.clear_log()
    return agents


def test_scrapy_crawl_and_the_crawl_process_apply_the_same_settings(newsroom, tmp_path):
    """[scrapy] table < the source's own settings < -s on the command line, for ``scrapy crawl`` as for
    the launchers' crawl process."""
    config = agents_config(tmp_path, newsroom)
    env = {**os.environ, "HOTLINE_CONFIG": str(config)}

    def scrapy_crawl(source: str, *options: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "feed", "-a", f"source={source}", *options],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]

    scrapy_crawl("own-agent")
    assert agents_seen(newsroom) == {"source-agent/1"}
    scrapy_crawl("table-agent")
    assert agents_seen(newsroom) == {"table-agent/1"}
    scrapy_crawl("own-agent", "-s", "USER_AGENT=command-line-agent/1")
    assert agents_seen(newsroom) == {"command-line-agent/1"}

    result = LocalLauncher().run(str(config), "own-agent", timeout=120)
    assert result.outcome == "ok", result.errors
    assert agents_seen(newsroom) == {"source-agent/1"}


def test_the_launcher_reads_the_crawl_process_exit_code_for_a_config_error():
    assert launch.EXIT_CONFIG == process.EXIT_CONFIG
