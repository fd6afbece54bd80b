"""Keeps each fetched page raw (``store.pages``) so ``hotline reextract`` and WARC export need no network."""


from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from crawler.config import load_config
from crawler.core.urls import canonical_url
from crawler.extensions import crawler_store
from crawler.items import PageItem

LOGGER = logging.getLogger(__name__)
LEAK_PREFIX = "hotline/boilerplate_leaks/"  # + phrase: how many new articles held it


class RawPagePipeline:
    """Keeps every fetched article page raw (``store.pages``): articles and rejected pages alike, so
    ``hotline reextract`` can run a later, better extraction over them and undo a wrong rejection.

    It runs before extraction, so a page whose extraction or storing fails is kept too. The headers
    come from Scrapy's ``response_received`` signal (the item carries the body, not the headers), keyed
    by the response URL. At the end of the crawl, pages older than ``raw_pages_days`` are dropped.
    """

    REMEMBERED = 1000  # responses whose item has not come through yet (a non-2xx one never comes)

    def __init__(self, crawler: Any) -> None:
        from collections import OrderedDict

        from scrapy import signals

        self.stats = crawler.stats
        self.store = crawler_store(crawler)
        self.days = load_config(crawler.settings.get("HOTLINE_CONFIG") or None).raw_pages_days
        self.received: OrderedDict[str, tuple[tuple[tuple[str, str], ...], datetime]] = OrderedDict()
        crawler.signals.connect(self._received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RawPagePipeline:
        return cls(crawler)

    def _received(self, response: Any, request: Any, **_: Any) -> None:
        from crawler.items import ARTICLE, ROLE

        if request.meta.get(ROLE) != ARTICLE:
            return
        headers = tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, values in response.headers.items()
            for value in values
        )
        self.received[response.url] = (headers, datetime.now(UTC))
        while len(self.received) > self.REMEMBERED:
            self.received.popitem(last=False)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or item.error is not None or not item.status:
            return item
        from crawler.store import RawPage
        from crawler.store.pages import compress_body

        headers, fetched_at = self.received.pop(item.url, None) or (
            (("Content-Type", item.content_type),) if item.content_type else (),
            datetime.now(UTC),
        )
        page = RawPage(
            url=item.request_url,
            canonical_url=canonical_url(item.request_url),
            final_url=item.url,
            source=item.source,
            status=item.status,
            headers=headers,
            body=item.body,
            fetched_at=fetched_at,
            hint={k: v for k, v in item.hint.items() if v is not None},
        )
        try:
            # compressed off the reactor thread (zlib lets go of the GIL); written on it, like the other
            # stages' writes, so that the crawl's own writers never wait for each other's lock
            compressed = await asyncio.to_thread(compress_body, page.body)
            started = time.perf_counter()
            self.store.pages.keep(page, compressed=compressed)
            self.stats.inc_value("hotline/raw_pages_kept")
            self.stats.inc_value("hotline/seconds/raw_pages", time.perf_counter() - started)
        except Exception as exc:  # keeping the raw copy must never cost the article itself
            self.stats.inc_value("hotline/raw_page_errors")
            LOGGER.warning("cannot keep the raw page %s: %s", item.url, exc)
        return item

    def close_spider(self) -> None:
        try:
            dropped = self.store.pages.prune(self.days)
        except Exception as exc:
            LOGGER.warning("cannot drop raw pages older than %d days: %s", self.days, exc)
            return
        if dropped:
            self.stats.set_value("hotline/raw_pages_pruned", dropped)

