"""A rejected page is a verdict of one extractor version: a newer extractor fetches and judges it again.

The store test runs on a real SQLite file; the crawl test runs the real crawl process against the
fixture site: a page rejected by the previous extractor version is fetched again and stored, a page
rejected by today's version stays known and is not fetched.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.core.extract import EXTRACTOR_VERSION, extract_article
from crawler.core.records import Rejected
from crawler.core.urls import canonical_url
from crawler.store import Store
from tests.newsroom import article_url, stored_urls
from tests.storeview import all_failures

TOO_SHORT = "not an article: text too short (12 words)"


def test_every_rejection_by_the_extractor_names_its_version():
    stub = b"<html><head><title>Stub</title></head><body><p>Only a line here.</p></body></html>"
    result = extract_article(stub, "https://news.example.com/2024/stub.html")
    assert isinstance(result, Rejected) and result.extractor == EXTRACTOR_VERSION
    assert extract_article(b"", "https://news.example.com/empty").extractor == EXTRACTOR_VERSION


def test_only_rejections_by_an_older_extractor_are_reopened(tmp_path: Path):
    now = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    with Store(f"sqlite:///{tmp_path / 'hotline.db'}") as store:
        failures = store.failures
        failures.record("https://a.example/old", "s", TOO_SHORT, False, extractor=1, now=now)
        failures.record("https://a.example/today", "s", TOO_SHORT, False, extractor=2, now=now)
        failures.record("https://a.example/gone", "s", "HTTP 410", False, now=now)
        failures.record("https://a.example/other", "t", TOO_SHORT, False, extractor=1, now=now)
        assert store.articles.known("https://a.example/old").startswith("not an article")
        assert failures.due("s", now=now) == []

        assert failures.reopen_outdated("s", 2, now=now) == 1
        assert failures.reopen_outdated("s", 2, now=now) == 0  # once: it is retryable now
        assert failures.due("s", now=now + timedelta(seconds=1)) == ["https://a.example/old"]
        assert store.articles.known("https://a.example/old") is None  # discovered again: fetched
        assert store.articles.known("https://a.example/today").startswith("not an article")
        assert store.articles.known("https://a.example/gone").startswith("not an article")
        assert store.articles.known("https://a.example/other").startswith("not an article")

        # judged again and rejected again: remembered under today's version, attempts counted afresh
        again = failures.record("https://a.example/old", "s", TOO_SHORT, False, extractor=2, now=now)
        assert (again.attempts, again.retryable, again.extractor) == (1, False, 2)
        assert failures.reopen_outdated("s", 2, now=now) == 0


def test_a_page_rejected_by_the_previous_extractor_is_fetched_again_and_stored(newsroom, crawl, store_of):
    judged_before = article_url(newsroom, "austin-dong-video-call")
    judged_today = article_url(newsroom, "theater-commanders-talk")
    with store_of() as store:
        for url, version in ((judged_before, EXTRACTOR_VERSION - 1), (judged_today, EXTRACTOR_VERSION)):
            store.failures.record(
                url, "newsroom-rss", TOO_SHORT, False, canonical_url=canonical_url(url), extractor=version
            )

    result = crawl("newsroom-rss")
    assert result.outcome == "ok", result
    log = newsroom.requested()
    assert log.count("/articles/austin-dong-video-call.html") == 1
    assert "/articles/theater-commanders-talk.html" not in log  # today's verdict stands
    with store_of() as store:
        assert canonical_url(judged_before) in stored_urls(store)
        assert canonical_url(judged_today) not in stored_urls(store)
        failed = {f.url for f in all_failures(store, "newsroom-rss")}
        assert judged_before not in failed and judged_today in failed
