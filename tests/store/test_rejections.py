"""A rejected page is a verdict of one extractor version: a newer extractor fetches and judges it again.

The store test runs on a real SQLite file; the crawl test runs the real crawl process against the
fixture site: a page rejected by the previous extractor version is fetched again and stored, a page
rejected by today's version stays known and is not fetched.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.core.extract import EXTRACTOR_VERSION, extract_article
from crawler.core.records import Rejected
from crawler.core.relevance import load_topic
from crawler.core.urls import canonical_url
from crawler.service.reextract import reextract_page
from crawler.store import RawPage, Store
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


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'rejudged.db'}"
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_db")
    with Store(url) as opened:
        yield opened


def kept_page(url: str, html: bytes) -> RawPage:
    return RawPage(url, url, url, "s", 200, (("Content-Type", "text/html; charset=utf-8"),), html,
                   datetime(2026, 12, 1, tzinfo=UTC))


STUB = b"<html><head><title>Stub</title></head><body><p>Only a line here, nothing more.</p></body></html>"


def test_reextract_rewrites_a_still_rejected_page_under_todays_version(store: Store):
    """A page reextract rejects again is remembered under today's extractor: the next crawl no longer
    reopens it (today it kept the old version, so every crawl fetched it again)."""
    topic = load_topic(load_config(None).topic)
    now = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    old, reopened, gone = (f"https://a.example/{name}" for name in ("old", "reopened", "gone"))
    for url in (old, reopened):
        store.failures.record(url, "s", "not an article: listing page", False, extractor=1, now=now)
    store.failures.record(gone, "s", "HTTP 410", False, now=now)
    assert store.failures.reopen_outdated("s", EXTRACTOR_VERSION, now=now) == 2  # as a crawl would first
    store.failures.record(old, "s", "not an article: listing page", False, extractor=1, now=now)

    for url in (old, reopened, gone):
        assert reextract_page(store, topic, kept_page(url, STUB), ()) == ("rejected", url)

    rows = {f.url: f for f in all_failures(store)}
    for url in (old, reopened):
        assert rows[url].extractor == EXTRACTOR_VERSION
        assert rows[url].reason.startswith("not an article: text too short")
        assert (rows[url].retryable, rows[url].next_attempt) == (False, None)
        assert store.articles.known(url).startswith("not an article")
    assert (rows[gone].extractor, rows[gone].reason) == (None, "HTTP 410")  # the network's verdict stays
    assert store.failures.reopen_outdated("s", EXTRACTOR_VERSION, now=now) == 0
    assert store.failures.due("s", now=now + timedelta(days=1)) == []


def test_rejudged_keeps_a_retryable_rows_backoff(store: Store):
    now = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    later = now + timedelta(hours=2)
    store.failures.record("https://a.example/w", "s", "extraction failed: X", True, extractor=1, now=now)
    store.failures.record("https://a.example/n", "s", "not an article: no main text", False, extractor=1,
                          now=now)
    assert store.failures.rejudged({"https://a.example/w"}, "extraction failed: Y", True, 2, now=later) == 1
    assert store.failures.rejudged({"https://a.example/n"}, "extraction failed: Y", True, 2, now=later) == 1
    assert store.failures.rejudged({"https://a.example/n"}, "extraction failed: Y", True, 2, now=later) == 0
    rows = {f.url: f for f in all_failures(store)}
    assert rows["https://a.example/w"].next_attempt.replace(tzinfo=UTC) == now + timedelta(seconds=900)
    assert rows["https://a.example/n"].next_attempt.replace(tzinfo=UTC) == later
    assert all(f.extractor == 2 and f.retryable and f.reason == "extraction failed: Y" for f in rows.values())
