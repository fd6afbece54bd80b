"""Raw pages: a crawl keeps every article page as served, the newest fetch per URL, for a while.

The store part on SQLite and PostgreSQL (idempotent, newest wins, retention), a real crawl of the
newsroom site (bodies byte for byte as the server sends them, headers, the feed's hint, the rejected
page too), retention applied at the end of a crawl, and the config key.
"""

from __future__ import annotations

import dataclasses
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.config import ConfigError, load_config
from crawler.store import RawPage, Store
from tests.newsroom import RSS

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PAGE = RawPage(
    url="https://news.example/a?utm_source=rss",
    canonical_url="https://news.example/a",
    final_url="https://news.example/a",
    source="wire",
    status=200,
    headers=(("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")),
    body="<html><body><p>Grüße, 東京</p></body></html>".encode() * 50,
    fetched_at=NOW,
    hint={"title": "A", "published": "2026-11-30"},
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'pages.db'}"
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_db")
    with Store(url) as opened:
        yield opened


def test_a_page_is_kept_whole_and_the_newest_fetch_wins(store):
    assert store.pages.keep(PAGE)
    assert store.pages.get(PAGE.url) == PAGE  # body, repeated headers, hint: as given
    assert store.pages.keep(PAGE)  # the same fetch again: one row
    newer = dataclasses.replace(PAGE, status=203, body=b"<p>new</p>", fetched_at=NOW + timedelta(hours=1))
    assert store.pages.keep(newer)
    assert not store.pages.keep(PAGE)  # an older fetch never replaces a newer one
    assert store.pages.get(PAGE.url) == newer
    assert store.pages.count() == 1
    assert store.pages.get(PAGE.url).header("content-type") == "text/html; charset=utf-8"
    assert not store.pages.keep(dataclasses.replace(PAGE, url="https://news.example/" + "x" * 3000))


def test_pages_are_listed_by_source_and_day_and_dropped_after_the_retention(store):
    old = dataclasses.replace(PAGE, url="https://news.example/old", fetched_at=NOW - timedelta(days=100))
    other = dataclasses.replace(PAGE, url="https://other.example/b", source="other")
    for page in (PAGE, old, other):
        store.pages.keep(page)
    assert store.pages.urls() == [old.url, PAGE.url, other.url]  # oldest fetch first
    assert store.pages.urls(source="wire") == [old.url, PAGE.url]
    assert store.pages.urls(since=NOW.date()) == [PAGE.url, other.url]
    assert [p.url for p in store.pages.all(source="other")] == [other.url]
    assert store.pages.count(source="wire", since=(NOW - timedelta(days=1)).date()) == 1
    assert store.pages.prune(0, now=NOW) == 0  # 0 keeps every page
    assert store.pages.prune(90, now=NOW) == 1
    assert store.pages.urls() == [PAGE.url, other.url]


def test_a_crawl_keeps_each_article_page_as_served(crawl, store_of, newsroom):
    result = crawl("newsroom-rss")
    assert result.outcome == "ok", result.errors
    with store_of() as store:
        pages = list(store.pages.all())
    assert {p.canonical_url.rsplit("/", 1)[-1].removesuffix(".html") for p in pages} >= RSS
    assert len(pages) == len(RSS) + 1  # and the page that is no article
    started = datetime.now(UTC) - timedelta(minutes=5)
    for page in pages:
        with urllib.request.urlopen(page.final_url, timeout=10) as response:
            assert page.body == response.read(), page.final_url  # byte for byte as served
        assert page.status == 200 and page.source == "newsroom-rss"
        assert page.header("Content-Type").startswith("text/html")
        assert page.header("Date") and page.header("Server")  # every header as received, not only the type
        assert page.fetched_at > started
        assert page.hint.get("title")  # the feed's title for it, for an extraction that finds none


def test_the_crawl_drops_pages_older_than_the_retention(crawl, crawl_config, store_of):
    text = crawl_config.read_text(encoding="utf-8")
    retention = "bundled_sources = false\nraw_pages_days = 30"
    crawl_config.write_text(text.replace("bundled_sources = false", retention))
    with store_of() as store:
        store.pages.keep(dataclasses.replace(PAGE, fetched_at=datetime.now(UTC) - timedelta(days=31)))
        store.pages.keep(dataclasses.replace(PAGE, url="https://news.example/recent", fetched_at=NOW))
    result = crawl("newsroom-atom")
    assert result.outcome == "ok", result.errors
    with store_of() as store:
        urls = set(store.pages.urls())
    assert PAGE.url not in urls and "https://news.example/recent" in urls
    assert len(urls) > 2


def test_the_retention_setting(tmp_path):
    config = tmp_path / "hotline.toml"
    config.write_text("bundled_sources = false\n", encoding="utf-8")
    assert load_config(config).raw_pages_days == 90
    config.write_text("raw_pages_days = 0\n", encoding="utf-8")
    assert load_config(config).raw_pages_days == 0
    for bad in ("-1", '"90"', "true", "1.5"):
        config.write_text(f"raw_pages_days = {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="raw_pages_days"):
            load_config(config)
