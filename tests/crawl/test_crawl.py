"""Crawls of the newsroom fixture site, one real crawl process per run, checked against its request log."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.core.extract import extract_article
from crawler.core.urls import canonical_url
from crawler.service.launch import crawl_command
from tests.newsroom import ATOM, LISTING, RSS, SEARCH, SITEMAP, article_url, stored_urls
from tests.storeview import all_failures, get_article, mark_unfinished_runs

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

KINDS = {
    "newsroom-rss": (RSS, "/rss.xml"),
    "newsroom-atom": (ATOM, "/atom.xml"),
    "newsroom-sitemap": (SITEMAP, "/sitemap_index.xml"),
    "newsroom-listing": (LISTING, "/news/index.html"),
    "newsroom-search": (SEARCH, "/search.xml"),
}


def check_rss(site, store) -> None:
    """Clean text; robots.txt, the other host, links inside content and utm_ copies not fetched."""
    log = site.requested()
    assert log.count("/articles/austin-dong-video-call.html") == 1  # the utm_ copy is the same article
    assert "/articles/siem-reap-talks.html" not in log  # a link inside content:encoded is no item link
    assert not [e for e in site.log() if e["host"].startswith("localhost")]  # other host: not this feed's
    article = get_article(store, canonical_url(article_url(site, "austin-dong-video-call")))
    assert "first substantive conversation" in article.text
    for boilerplate in (
        "Seventeen months of silence",
        "Share on X",
        "Harbour festival",
        "All rights reserved",
    ):
        assert boilerplate not in article.text  # wpDiscuz comment, share bar, related posts, footer
    assert article.published.startswith("2024-04-16") and article.author == "Mara Ellison"
    (video,) = all_failures(store, "newsroom-rss")  # remembered as not an article, so known from now on
    assert video.url.endswith("/articles/video-carrier-drills.html") and not video.retryable
    assert store.articles.known(canonical_url(video.url)).startswith("not an article")


def check_sitemap(site, store) -> None:
    log = site.requested()
    assert "/sitemap-news.xml" in log and "/sitemap-articles.xml" in log
    assert "/sitemap-archive.xml" not in log  # lastmod 2001: older than HOTLINE_SITEMAP_MAX_AGE_DAYS
    assert "/articles/archive-2001-exercise.html" not in log
    news = get_article(store, canonical_url(article_url(site, "theater-commanders-talk")))
    assert news.published.startswith("2024-09-10")  # the page's own date wins over the sitemap's


def check_listing(site, store) -> None:
    log = site.requested()
    assert {"/news/index.html", "/news/page-2.html", "/news/page-3.html"} <= set(log)
    assert "/news/page-4.html" not in log  # depth = 2 "next" pages after the first


def check_search(site, store) -> None:
    assert [e["status"] for e in site.log() if e["path"] == "/go/shangri-la"] == [302]
    # the news-search link that redirected is a known spelling of the article now
    assert store.articles.has(canonical_url(site.url + "/go/shangri-la"))
    assert site.requested("/news/apiclick.aspx") == []  # a click-tracking wrapper: unwrapped, not fetched


CHECKS = {
    "newsroom-rss": check_rss,
    "newsroom-sitemap": check_sitemap,
    "newsroom-listing": check_listing,
    "newsroom-search": check_search,
}


@pytest.mark.parametrize("source", sorted(KINDS))
def test_each_kind_stores_its_articles_once_then_fetches_nothing_again(source, newsroom, crawl, store_of):
    """First crawl: every article once, clean; second: nothing fetched (304); rss: then only a new one."""
    expected_slugs, discovery = KINDS[source]
    host = "alt" if source == "newsroom-search" else "base"
    expected = {canonical_url(article_url(newsroom, slug, host)) for slug in expected_slugs}

    first = crawl(source)
    assert first.outcome == "ok", first
    assert first.run.articles_new == len(expected)
    with store_of() as store:
        assert stored_urls(store) == expected
        for row in store.articles.all():
            assert row.source == source
            slug = row.canonical_url.rsplit("/", 1)[1].removesuffix(".html")
            served = extract_article(newsroom.page(f"articles/{slug}.html"), row.url)
            assert row.text == served.text  # what extraction gives, nothing lost or added by the crawl
            assert row.title == served.title and row.text_length == len(served.text)
    fetched = newsroom.requested("/articles/")
    assert len(fetched) == len(set(fetched)), f"an article page was fetched twice: {fetched}"
    assert newsroom.requested("/private/") == []  # robots.txt: Disallow /private/
    assert newsroom.requested("/robots.txt")
    assert all("hotline-tests/0.1" in (e["user_agent"] or "") for e in newsroom.log())
    if source in CHECKS:
        with store_of() as store:
            CHECKS[source](newsroom, store)

    newsroom.clear_log()
    second = crawl(source)
    assert second.outcome == "ok", second
    assert second.run.articles_new == 0
    assert newsroom.requested("/articles/") == []
    answers = [e for e in newsroom.log() if e["path"] == discovery]
    assert answers and answers[0]["if_none_match"] and answers[0]["status"] == 304
    with store_of() as store:
        assert stored_urls(store) == expected
        assert store.articles.count() == len(expected)
    if source == "newsroom-rss":
        then_one_new_article_is_the_only_page_fetched(newsroom, crawl, store_of)


def test_extraction_workers_store_what_in_process_extraction_stores(newsroom, crawl, store_of):
    """Past HOTLINE_EXTRACT_INLINE pages the crawl hands extraction to worker processes: same articles."""
    result = crawl("newsroom-sitemap", HOTLINE_EXTRACT_WORKERS=1, HOTLINE_EXTRACT_INLINE=2)
    assert result.outcome == "ok", result
    assert "'hotline/extract_workers': 1" in Path(result.log_path).read_text(encoding="utf-8")
    with store_of() as store:
        rows = list(store.articles.all())
    assert {row.canonical_url for row in rows} == {
        canonical_url(article_url(newsroom, slug)) for slug in SITEMAP
    }
    for row in rows:
        slug = row.canonical_url.rsplit("/", 1)[1].removesuffix(".html")
        served = extract_article(newsroom.page(f"articles/{slug}.html"), row.url)
        assert (row.title, row.text) == (served.title, served.text)


def then_one_new_article_is_the_only_page_fetched(site, crawl, store_of) -> None:
    site.publish("hegseth-call")
    site.clear_log()
    result = crawl("newsroom-rss")
    assert result.outcome == "ok"
    assert result.run.articles_new == 1
    # shangri-la-meeting is now linked by its canonical URL: known from the AMP page's canonical link
    assert site.requested("/articles/") + site.requested("/amp/") == [
        "/articles/hegseth-dong-video-call.html"
    ]
    # five stored articles, their utm_ copy and the video page remembered as not an article
    assert result.run.skipped_known == 7
    with store_of() as store:
        new = get_article(store, canonical_url(article_url(site, "hegseth-dong-video-call")))
        assert new is not None and "does not seek conflict" in new.text
        assert "grown-up conversation" not in new.text  # its wpDiscuz comment
        assert store.articles.count() == len(RSS) + 1


def test_failed_pages_are_recorded_and_stored_on_the_next_run(newsroom, crawl, store_of):
    newsroom.fault("/articles/theater-commanders-talk.html", "500")
    newsroom.fault("/articles/maritime-consultations-honolulu.html", "timeout", seconds=4)
    newsroom.fault("/amp/shangri-la-meeting.html", "truncate")
    newsroom.fault("/articles/marathon-road-closures.html", "loop")

    first = crawl("newsroom-rss", DOWNLOAD_TIMEOUT=1)
    assert first.outcome == "ok", first
    assert first.run.articles_new == 1 and first.run.articles_failed == 4
    assert newsroom.requested().count("/articles/theater-commanders-talk.html") == 2  # RETRY_TIMES = 1
    with store_of() as store:
        assert stored_urls(store) == {canonical_url(article_url(newsroom, "austin-dong-video-call"))}
        reasons = {f.url.rsplit("/", 1)[1]: f for f in all_failures(store) if f.retryable}
        assert {name: f.reason for name, f in reasons.items()} == {
            "theater-commanders-talk.html": "HTTP 500",
            "maritime-consultations-honolulu.html": "timed out",
            "shangri-la-meeting.html": "truncated body (connection closed early)",
            "marathon-road-closures.html": "redirect loop (too many redirects)",
        }
        assert all(f.attempts == 1 and f.next_attempt is not None for f in reasons.values())

    newsroom.clear_faults()
    newsroom.clear_log()
    second = crawl("newsroom-rss")
    assert second.outcome == "ok"
    assert second.run.articles_new == 4 and second.run.articles_failed == 0
    # the feed did not change (304): the four pages came from the store's due failures
    assert [e["status"] for e in newsroom.log() if e["path"] == "/rss.xml"] == [304]
    pages = [path for path in newsroom.requested() if path.endswith(".html")]
    assert sorted(path.rsplit("/", 1)[1] for path in pages) == sorted(reasons)
    with store_of() as store:
        assert stored_urls(store) == {canonical_url(article_url(newsroom, s)) for s in RSS}
        assert [f.url.rsplit("/", 1)[1] for f in all_failures(store)] == ["video-carrier-drills.html"]


def test_sigkill_mid_crawl_then_rerun_loses_and_duplicates_nothing(
    newsroom, crawl, crawl_config, crawl_settings, store_of
):
    newsroom.fault("/articles/*", "slow", seconds=0.3)
    settings = {**crawl_settings, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "CONCURRENT_REQUESTS": 1}
    command = crawl_command(str(crawl_config), "newsroom-listing", settings=settings)
    process = subprocess.Popen(
        command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        with store_of() as store:
            deadline = time.monotonic() + 30
            while store.articles.count() < 2:
                assert process.poll() is None, "the crawl ended before it could be killed"
                assert time.monotonic() < deadline, "the crawl stored nothing in 30 s"
                time.sleep(0.05)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            before = stored_urls(store)
            assert 2 <= len(before) < len(LISTING)
            assert [run.outcome for run in store.runs.latest()] == ["running"]
            assert mark_unfinished_runs(store, process.pid, "killed") == 1
        assert integrity(crawl_config) == "ok"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)

    newsroom.clear_faults()
    newsroom.clear_log()
    result = crawl("newsroom-listing")
    assert result.outcome == "ok"
    assert result.run.articles_new == len(LISTING) - len(before)
    # the killed run saved no validators: the listing is read again in full, not answered 304
    assert [e["status"] for e in newsroom.log() if e["path"] == "/news/index.html"] == [200]
    refetched = {newsroom.url + path for path in newsroom.requested("/articles/")}
    assert not refetched & before, "an article stored before the kill was fetched again"
    with store_of() as store:
        assert stored_urls(store) == {canonical_url(article_url(newsroom, s)) for s in LISTING}
        assert store.articles.count() == len(LISTING)
        assert [run.outcome for run in store.runs.latest()] == ["ok", "killed"]
    assert integrity(crawl_config) == "ok"


def test_extraction_workers_exit_when_the_crawl_process_is_killed(newsroom, crawl_config, crawl_settings):
    """SIGKILL to the crawl process alone (not its group): its workers must not live on without it."""
    newsroom.fault("/articles/*", "slow", seconds=0.3)
    settings = {
        **crawl_settings,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "HOTLINE_EXTRACT_WORKERS": 1,
        "HOTLINE_EXTRACT_INLINE": 0,
    }
    command = crawl_command(str(crawl_config), "newsroom-listing", settings=settings)
    process = subprocess.Popen(
        command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while not (children := child_pids(process.pid)) or not any(
            "spawn_main" in command_line(pid) for pid in children
        ):
            assert process.poll() is None, "the crawl ended before its worker started"
            assert time.monotonic() < deadline, "no extraction worker started in 30 s"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive := [pid for pid in children if running(pid)]:
            assert time.monotonic() < deadline, f"processes left behind by the killed crawl: {alive}"
            time.sleep(0.1)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def child_pids(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def command_line(pid: int) -> str:
    with contextlib.suppress(OSError):
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit may wait for a container's init to reap it)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def integrity(config_path) -> str:
    database = load_config(config_path).data_dir / "hotline.db"
    with sqlite3.connect(database) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_scrapy_list_and_crawl_work_from_the_project_root(crawl_config):
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["feed", "listing", "search", "sitemap"]

    env = {**os.environ, "HOTLINE_CONFIG": str(crawl_config)}
    wrong = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "feed", "-a", "source=nope"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wrong.returncode != 0
    assert f"{crawl_config}: no source named 'nope' (known: newsroom-rss, " in wrong.stderr


def test_the_crawl_process_reports_a_config_error_in_one_line(crawl_config):
    done = subprocess.run(
        crawl_command(str(crawl_config), "sitemap-typo"), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"hotline: {crawl_config}: no source named 'sitemap-typo' (known: newsroom-rss, newsroom-atom, "
        "newsroom-sitemap, newsroom-listing, newsroom-search)"
    ]
