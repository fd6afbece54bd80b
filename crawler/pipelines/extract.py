"""The extract stage: page bytes -> Article | Rejected, in a worker pool for big crawls; counts what the
cleaning layer refused or undid (``hotline/cleaning/*``)."""


from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from crawler.config import ConfigError
from crawler.core.extract import CleaningReport, extract_reported
from crawler.core.records import HTML_TYPES, Article, Rejected, fill_from_hint, without_surrogates
from crawler.extensions import crawler_store
from crawler.items import PageItem
from crawler.service.profiling import SiteProfiles
from crawler.workers import exit_with_parent

LOGGER = logging.getLogger(__name__)
LEAK_PREFIX = "hotline/boilerplate_leaks/"  # + phrase: how many new articles held it


class ExtractPipeline:
    """The extract stage: the page's HTML becomes an Article or a Rejected.

    Extraction is most of a crawl's CPU. With HOTLINE_EXTRACT_WORKERS (``auto``: one per core, at
    most 4, none on one core) it runs in worker processes, so the reactor keeps downloading, scoring
    and storing while pages are cleaned on the other cores. The workers start only once
    HOTLINE_EXTRACT_INLINE pages were extracted in the crawl process itself: starting one costs about
    a second of imports, which a crawl that meets a handful of new articles should not pay.
    """

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.workers = extract_workers(settings.get("HOTLINE_EXTRACT_WORKERS"))
        self.inline_left = settings.getint("HOTLINE_EXTRACT_INLINE")
        self.pool: ProcessPoolExecutor | None = None
        self.profiles = SiteProfiles(crawler_store(crawler))

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def _start_pool(self) -> None:
        context = multiprocessing.get_context("spawn")  # no copy of the reactor's state in the workers
        self.pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=exit_with_parent, initargs=(os.getpid(),)
        )
        self.stats.set_value("hotline/extract_workers", self.workers)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or item.error is not None:
            return item
        media_type = item.content_type.split(";")[0].strip().lower()
        if media_type and not media_type.startswith(HTML_TYPES):
            item.rejected = Rejected(item.url, f"not an HTML page ({media_type})", retryable=False)
            return item
        if self.pool is None and self.workers and self.inline_left <= 0:
            self._start_pool()
        self.inline_left -= 1
        page = {"html": item.body, "url": item.url, "charset": item.charset, "selectors": item.selectors}
        if item.profile:  # the site's profile, as data for the pure extraction
            started = time.perf_counter()
            page["profile"] = self.profiles.lookup(item.url)
            self.stats.inc_value("hotline/seconds/profile", time.perf_counter() - started)
        try:
            if self.pool is not None:  # the worker imports crawler.core.extract only (no Scrapy, no store)
                result, report = await asyncio.wrap_future(self.pool.submit(extract_reported, **page))
            else:
                started = time.perf_counter()
                result, report = extract_reported(**page)
                self.stats.inc_value("hotline/seconds/extract", time.perf_counter() - started)
            self._count(report)
            item.sample = report.sample
        except Exception as exc:  # a bug in extraction (or a dead worker) must not lose the page
            self.stats.inc_value("hotline/extract_errors")
            if isinstance(exc, BrokenProcessPool):
                self.close_spider()  # the next page starts a fresh pool
            result = Rejected(
                item.url, f"extraction error: {type(exc).__name__}: {exc}"[:200], retryable=True
            )
        if isinstance(result, Article):
            item.article = without_surrogates(fill_from_hint(result, item.hint))
        else:
            item.rejected = result
        return item

    def _count(self, report: CleaningReport) -> None:
        """The cleaning layer's guards in the crawl's stats: a rule they keep refusing wants a look.
        Pages counted too (``pages``, ``pages_refused``, ``pages_undone``): the source's health reads them."""
        self.stats.inc_value("hotline/cleaning/pages")
        if report.refused:
            self.stats.inc_value("hotline/cleaning/refused", report.refused)
            self.stats.inc_value("hotline/cleaning/pages_refused")
        if report.undone:
            self.stats.inc_value("hotline/cleaning/undone", report.undone)
        if report.fell_back:
            self.stats.inc_value("hotline/cleaning/fell_back")
        if report.undone or report.fell_back:
            self.stats.inc_value("hotline/cleaning/pages_undone")


def extract_workers(value: Any) -> int:
    """HOTLINE_EXTRACT_WORKERS as a count: ``auto`` is one per usable core (at most 4), none on a single
    core. The crawl process itself mostly waits on the network, so it needs no core of its own: on two
    cores, two workers crawl a big site about 1.5x faster than one (bench/crawl.py)."""
    if value is None or str(value).strip().lower() == "auto":
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return 0 if cores < 2 else min(4, cores)
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"HOTLINE_EXTRACT_WORKERS: {value!r} is not a number or 'auto'") from None
    if count < 0:
        raise ConfigError(f"HOTLINE_EXTRACT_WORKERS: {count} must be 0 (in the crawl process) or more")
    return count


