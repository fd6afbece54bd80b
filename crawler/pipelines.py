"""Item pipeline: thin adapters from Scrapy to the pure stages, each counting in ``crawler.stats``.

    ExtractPipeline (100)  page bytes -> Article | Rejected         crawler.extract.extract_article
    ... the lead's stages slot in here (relevance 300, dedup 500, stories 700): each reads
        ``item.article`` and puts store columns into ``item.extra`` (score, relevant, matched,
        story_id, fingerprint, features, event_date), and counts e.g. ``hotline/relevant_new``.
    StorePipeline (900)    article -> articles row; failure / not-an-article -> failures row

A page that failed to download, or whose extraction failed, is recorded as a failure to retry on a
later run (with backoff); a page that is "not an article" is remembered so it is not fetched again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import Any

from crawler.extensions import FAILED_PREFIX, crawler_store
from crawler.extract import extract_article
from crawler.records import Article, Rejected
from crawler.spiders.pages import PageItem
from crawler.urls import canonical_url

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain")


class ExtractPipeline:
    """The extract stage: the page's HTML becomes an Article or a Rejected.

    With HOTLINE_EXTRACT_WORKERS > 0 extraction runs in that many worker processes, so the reactor
    keeps downloading (and a second core keeps extracting) while a page is being cleaned.
    """

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.workers = crawler.settings.getint("HOTLINE_EXTRACT_WORKERS")
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or item.error is not None:
            return item
        media_type = item.content_type.split(";")[0].strip().lower()
        if media_type and not media_type.startswith(HTML_TYPES):
            item.rejected = Rejected(item.url, f"not an HTML page ({media_type})", retryable=False)
            return item
        args = (item.body, item.url, item.charset, item.selectors)
        try:
            if self.pool is not None:
                result = await asyncio.wrap_future(self.pool.submit(_extract, *args))
            else:
                result = _extract(*args)
        except Exception as exc:  # a bug in extraction (or a dead worker) must not lose the page
            self.stats.inc_value("hotline/extract_errors")
            if isinstance(exc, BrokenProcessPool):
                self.close_spider()
                self.open_spider()
            result = Rejected(
                item.url, f"extraction error: {type(exc).__name__}: {exc}"[:200], retryable=True
            )
        if isinstance(result, Article):
            item.article = fill_from_hint(result, item.hint)
        else:
            item.rejected = result
        return item


def _extract(body: bytes, url: str, charset: str | None, selectors: tuple[str, ...]) -> Article | Rejected:
    return extract_article(body, url, charset=charset, selectors=selectors)


def fill_from_hint(article: Article, hint: dict[str, Any]) -> Article:
    """Take the title and date from the feed/sitemap when the page itself gave none."""
    changes = {}
    if not article.title and hint.get("title"):
        changes["title"] = hint["title"]
    if not article.published and hint.get("published"):
        changes["published"] = hint["published"]
    return dataclasses.replace(article, **changes) if changes else article


class StorePipeline:
    """The store stage: articles are added once; failures and non-articles are recorded."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.store = crawler_store(crawler)
        self.backoff = settings.getfloat("HOTLINE_FAILURE_BACKOFF")
        self.backoff_cap = settings.getfloat("HOTLINE_FAILURE_BACKOFF_MAX")
        self.max_attempts = settings.getint("HOTLINE_FAILURE_MAX_ATTEMPTS")

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        try:
            if item.article is not None:
                self._store_article(item, item.article)
            elif item.error is not None:
                self._fail(item, item.error, item.retryable)
            elif item.rejected is not None:
                self._fail(item, item.rejected.reason, item.rejected.retryable)
        except Exception:
            # Not stored and not recorded: the feed must be read in full next time (no validators saved)
            self.stats.inc_value("hotline/store_errors")
            raise
        return item

    def _store_article(self, item: PageItem, article: Article) -> None:
        spellings = {canonical_url(u) for u in (item.request_url, item.url, *item.redirects)}
        new = self.store.add_article(
            article,
            item.source,
            urls=spellings,
            fetched_at=datetime.now(UTC),
            **item.extra,
        )
        if new:
            self.stats.inc_value("hotline/articles_new")
            self.stats.inc_value("hotline/text_length_total", len(article.text))
        else:
            self.stats.inc_value("hotline/articles_duplicate")

    def _fail(self, item: PageItem, reason: str, retryable: bool) -> None:
        failure = self.store.record_failure(
            item.request_url,
            item.source,
            reason,
            retryable,
            canonical_url=canonical_url(item.request_url),
            backoff=self.backoff,
            backoff_cap=self.backoff_cap,
            max_attempts=self.max_attempts,
        )
        if failure.retryable or item.error is not None:
            self.stats.inc_value("hotline/articles_failed")
            self.stats.inc_value(FAILED_PREFIX + reason.split(":")[0][:60])
        else:
            self.stats.inc_value("hotline/not_articles")
