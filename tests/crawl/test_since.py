"""Old entries skipped are counted and said; ``--since`` backfills every source kind.

Real crawl processes against the newsroom fixture site (its sitemap index names a 2001 archive
sitemap; its feeds are dated 2024; its listing has four pages and the source's depth is 2).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from crawler.config import load_config
from crawler.core.runs import RunRecord
from crawler.service.launch import RunResult

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_sitemap_counts_what_it_skips_as_too_old(crawl, newsroom, store_of) -> None:
    result = crawl("newsroom-sitemap")
    assert result.outcome == "ok", result.errors
    # the 2001 archive sitemap in the index and the 2001 entry in the article sitemap
    assert result.run.skipped_old == 2
    store = store_of()
    try:
        (run,) = store.runs.latest(source="newsroom-sitemap", limit=1)
    finally:
        store.close()
    assert run.skipped_old == 2
    assert "/sitemap-archive.xml" not in newsroom.requested()


def test_since_backfills_a_sitemap(crawl, newsroom) -> None:
    result = crawl("newsroom-sitemap", HOTLINE_SINCE="2000-01-01")
    assert result.outcome == "ok", result.errors
    assert result.run.skipped_old == 0
    log = newsroom.requested()
    assert "/sitemap-archive.xml" in log and "/articles/archive-2001-exercise.html" in log


def test_since_applies_to_feeds_and_search_feeds(crawl, newsroom) -> None:
    for source in ("newsroom-rss", "newsroom-search"):
        result = crawl(source, HOTLINE_SINCE="2099-01-01")  # every dated entry is older
        assert result.outcome == "ok", result.errors
        assert result.run.skipped_old >= 3 and result.run.articles_new == 0, source
    assert not [path for path in newsroom.requested() if path.startswith("/articles/")]


def test_since_follows_a_listing_past_its_depth(crawl, newsroom) -> None:
    result = crawl("newsroom-listing", HOTLINE_SINCE="2021-01-01")
    assert result.outcome == "ok", result.errors
    assert "/news/page-4.html" in newsroom.requested()  # depth 2 alone stops at page 3


def test_hotline_crawl_says_what_it_skipped_and_takes_since(crawl_config: Path, newsroom) -> None:
    env = {**os.environ, "HOTLINE_CONFIG": str(crawl_config), "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    fast = ["-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0", "-s", "AUTOTHROTTLE_ENABLED=false"]

    def hotline(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "from crawler.cli import main; main()",
                "crawl",
                *args,
                *fast,
                "--no-feed",
            ],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            cwd=crawl_config.parent,
        )

    done = hotline("newsroom-sitemap")
    assert done.returncode == 0, done.stderr
    assert "2 entries older than 30 days skipped" in done.stdout + done.stderr
    done = hotline("newsroom-rss", "--since", "2099-01-01")
    assert done.returncode == 0, done.stderr
    assert "entries older than 2099-01-01 skipped" in done.stdout + done.stderr
    bad = hotline("newsroom-rss", "--since", "last week")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "--since" in bad.stderr


def test_the_note_reads_the_configured_max_age(tmp_path: Path) -> None:
    from crawler.cli.crawl import skipped_note

    config_path = tmp_path / "hotline.toml"
    config_path.write_text(
        "bundled_sources = false\n[scrapy]\nHOTLINE_SITEMAP_MAX_AGE_DAYS = 7\n"
        '[[sources]]\nname = "maps"\nkind = "sitemap"\nurl = "http://127.0.0.1:9/sitemap.xml"\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    source = config.source("maps")
    result = RunResult(RunRecord(T0, "ok", source="maps", skipped_old=53), "ok", 0, 1.0)
    assert skipped_note(result, source, config, {}) == "53 entries older than 7 days skipped"
    assert skipped_note(result, source, config, {"HOTLINE_SINCE": "2021-01-01"}).endswith(
        "2021-01-01 skipped"
    )
    one = RunResult(RunRecord(T0, "ok", source="maps", skipped_old=1), "ok", 0, 1.0)
    assert skipped_note(one, source, config, {}) == "1 entry older than 7 days skipped"
    none = RunResult(RunRecord(T0, "ok", source="maps"), "ok", 0, 1.0)
    assert skipped_note(none, source, config, {}) == ""
