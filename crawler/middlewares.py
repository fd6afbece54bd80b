"""Downloader and spider middlewares that make a crawl incremental and gentle.

- ``KnownUrlMiddleware``: an article URL already stored (or remembered as not an article) is not
  fetched again; nor is one already requested in this run under another spelling.
- ``ConditionalGetMiddleware``: feeds, sitemaps and listing pages are asked for with If-None-Match /
  If-Modified-Since; a 304 costs nothing further. New validators are saved only when the crawl
  finishes, so a crawl killed halfway re-reads the feed next time instead of missing its articles.
- ``RetryBackoffMiddleware``: a retried request waits a little longer each time.
- ``DueFailuresMiddleware``: the source's failed articles whose retry is due are requested first.
- ``UnreachableHostMiddleware``: a host whose name does not resolve or that refuses connections is
  not retried within the run, and the run's other requests to it fail at once (the next run retries).
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, NotConfigured
from scrapy.http import Request, Response
from twisted.internet.error import ConnectionRefusedError, DNSLookupError

from crawler.core.extract import EXTRACTOR_VERSION
from crawler.core.urls import canonical_url
from crawler.extensions import crawler_store
from crawler.items import ARTICLE, DISCOVERY, ROLE
from crawler.spiders.base import SkipRequest


class KnownUrlMiddleware:
    """Skip article requests whose canonical URL the store knows, or this run already requested."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = crawler_store(crawler)
        self.requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> KnownUrlMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get(ROLE) != ARTICLE or request.meta.get("retry_times"):
            return  # a retry of a request already let through
        key = canonical_url(request.url)
        redirected_from = request.meta.get("redirect_urls")
        if redirected_from:
            # The end of a redirect (news-search link -> outlet): known there, the link is an alias.
            if self.store.articles.has(key):
                self.store.articles.add_aliases(key, {canonical_url(u) for u in redirected_from})
                self.stats.inc_value("hotline/skipped_known")
                raise SkipRequest(f"already stored: {key}")
            self.requested.add(key)
            return
        if key in self.requested:
            self.stats.inc_value("hotline/skipped_duplicate")
            raise SkipRequest(f"already requested in this run: {key}")
        known = self.store.articles.known(key)
        if known is not None:
            self.stats.inc_value("hotline/skipped_known")
            raise SkipRequest(f"known ({known}): {key}")
        self.requested.add(key)


class ConditionalGetMiddleware:
    """Conditional requests for discovery pages, with validators kept in the store."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.store = crawler_store(crawler)
        self.pending: dict[str, tuple[str | None, str | None]] = {}  # saved if the crawl ends cleanly
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalGetMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get(ROLE) != DISCOVERY:
            return
        etag, last_modified = self.store.validators.get(request.url)
        if etag:
            request.headers.setdefault(b"If-None-Match", etag)
        if last_modified:
            request.headers.setdefault(b"If-Modified-Since", last_modified)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(ROLE) != DISCOVERY:
            return response
        if response.status == 304:
            self.stats.inc_value("hotline/not_modified")
            self.stats.inc_value("hotline/discovery_ok")
            raise SkipRequest(f"not modified: {request.url}")
        if response.status == 200:
            etag = _header(response, b"ETag")
            last_modified = _header(response, b"Last-Modified")
            if etag or last_modified:
                self.pending[request.url] = (etag, last_modified)
        return response

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Keep the validators only if every discovered article was stored or recorded as failed."""
        lost = self.stats.get_value("hotline/store_errors", 0) or self.stats.get_value(
            "spider_exceptions/count", 0
        )
        if reason == "finished" and self.pending and not lost:
            self.store.validators.set_many(self.pending)


class RetryBackoffMiddleware:
    """Wait HOTLINE_RETRY_BACKOFF × 2^(n-1) seconds (capped) before the n-th retry of a request."""

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryBackoffMiddleware:
        base = crawler.settings.getfloat("HOTLINE_RETRY_BACKOFF")
        if base <= 0:
            raise NotConfigured("HOTLINE_RETRY_BACKOFF is 0")
        return cls(base, crawler.settings.getfloat("HOTLINE_RETRY_BACKOFF_MAX"))

    async def process_request(self, request: Request) -> None:
        retries = request.meta.get("retry_times", 0)
        if retries:
            await asyncio.sleep(min(self.cap, self.base * 2 ** (retries - 1)))


class RetryAfterMiddleware:
    """Honour a 429 or 503 answer's Retry-After before the in-run retry, up to HOTLINE_RETRY_AFTER_MAX.

    A server that asks for longer than that gets no in-run retry at all: the page is recorded as a
    failure and tried again on a later run, instead of being asked again while it says it is busy.
    Sits outside Scrapy's RetryMiddleware (higher number), so it sees the answer first.
    """

    def __init__(self, cap: float) -> None:
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        return cls(crawler.settings.getfloat("HOTLINE_RETRY_AFTER_MAX"))

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (429, 503):
            wait = retry_after_seconds(_header(response, b"Retry-After"))
            if wait is not None and wait > self.cap:
                request.meta["dont_retry"] = True
            elif wait:
                request.meta["hotline_retry_after"] = wait
        return response

    async def process_request(self, request: Request) -> None:
        wait = request.meta.pop("hotline_retry_after", None)
        if wait and request.meta.get("retry_times"):
            await asyncio.sleep(wait)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class DueFailuresMiddleware:
    """Put the requests for this source's due failures before the spider's own start requests."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.store = crawler_store(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> DueFailuresMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider = self.crawler.spider
        source = getattr(spider, "source", None)
        if source is not None and hasattr(spider, "article_request"):
            reopened = self.store.failures.reopen_outdated(source.name, EXTRACTOR_VERSION)
            self.crawler.stats.set_value("hotline/rejections_reopened", reopened)
            due = self.store.failures.due(source.name)
            self.crawler.stats.set_value("hotline/retries_due", len(due))
            for url in due:
                yield spider.article_request(url, retry=True)
        async for item_or_request in start:
            yield item_or_request


# Answers that say "nobody there": retrying within the run only waits longer for the same answer.
UNREACHABLE = (CannotResolveHostError, DownloadConnectionRefusedError, DNSLookupError, ConnectionRefusedError)


class UnreachableHostMiddleware:
    """Fail fast on a host that does not resolve or refuses connections (robots.txt, then the feed,
    then every article would each wait for their retries): no in-run retry, and the run's later
    requests to that host fail at once with the same error. Sits inside RetryMiddleware (550), so it
    sees the exception first."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self.unreachable: dict[str, Exception] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> UnreachableHostMiddleware:
        return cls(crawler.stats)

    def process_request(self, request: Request) -> None:
        error = self.unreachable.get(_host(request.url))
        if error is not None:
            self.stats.inc_value("hotline/unreachable_skipped")
            raise error

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, UNREACHABLE):
            request.meta["dont_retry"] = True
            self.unreachable.setdefault(_host(request.url), exception)


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
