"""Item pipeline: thin adapters from Scrapy to the pure stages, each counting in ``crawler.stats``.

    ExtractPipeline (100)    page bytes -> Article | Rejected           crawler.core.extract.extract_reported
    RelevancePipeline (300)  article -> score, relevant, matched        crawler.core.relevance.analyse_article
    DedupPipeline (500)      article -> fingerprint, event date, and    crawler.core.dedup.fingerprint,
                             for a relevant one its event features      crawler.core.stories.event_features
    StorePipeline (900)      article -> articles row (a relevant one placed in its story in the same
                             transaction: store.stories.place); failure / not-an-article ->
                             failures row; counts new, relevant new and boilerplate leaks

The stages between extract and store read ``item.article`` and put store columns into ``item.extra``.
Story assignment happens in the store's write transaction, not in a stage of its own, because the
candidate lookup and the insert must hold one lock (two crawl processes may store one event at once).
A page that failed to download, or whose extraction failed, is recorded as a failure to retry on a
later run (with backoff); a page that is "not an article" is remembered so it is not fetched again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from crawler.config import ConfigError, load_config
from crawler.core.dedup import fingerprint
from crawler.core.extract import CleaningReport, extract_reported
from crawler.core.extract.leaks import boilerplate_leaks
from crawler.core.records import HTML_TYPES, Article, Rejected, Score, fill_from_hint, without_surrogates
from crawler.core.relevance import Topic, analyse_article, load_topic
from crawler.core.stories import EventFeatures, event_date, event_features
from crawler.core.urls import canonical_url
from crawler.extensions import FAILED_PREFIX, crawler_store
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


@lru_cache(maxsize=4)
def configured_topic(config_path: str | None) -> Topic:
    """The topic of the crawl's config (``HOTLINE_CONFIG``), parsed once per process (one crawl).

    A topic that does not load is a ConfigError naming the config file and the key at fault.
    """
    config = load_config(config_path)
    try:
        return load_topic(config.topic)
    except ValueError as exc:
        raise ConfigError(f"{config.where}: {exc}") from None


def crawl_topic(crawler: Any) -> Topic:
    return configured_topic(crawler.settings.get("HOTLINE_CONFIG") or None)


class RelevancePipeline:
    """The relevance stage: every article gets its score, whether it is on the beat, and why."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.topic = crawl_topic(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RelevancePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or item.article is None:
            return item
        started = time.perf_counter()
        item.analysis = analyse_article(self.topic, item.article)
        score = item.analysis.score
        item.extra.update(score=score.value, relevant=score.relevant, matched=list(score.matched))
        self.stats.inc_value("hotline/seconds/relevance", time.perf_counter() - started)
        self.stats.inc_value("hotline/scored")
        if score.relevant:
            self.stats.inc_value("hotline/relevant")
        return item


class DedupPipeline:
    """The dedup stage: every article's event date; a relevant article's text fingerprint and event
    features (who, what kind of event, when), which the store matches against its stories.

    Only relevant articles are fingerprinted: copies and stories exist for what reaches the feed, and
    most of a crawl is off the beat. An article without a date is dated the day it was fetched, so it
    still finds the stories of its week.
    """

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.topic = crawl_topic(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or item.article is None:
            return item
        started = time.perf_counter()
        article = item.article
        day = event_date(article.published) or datetime.now(UTC).date().isoformat()
        item.extra["event_date"] = date.fromisoformat(day)
        if item.extra.get("relevant"):
            fp = fingerprint(article.text)
            item.extra["fingerprint"] = fp.to_bytes()
            score = Score(item.extra["score"], True, tuple(item.extra.get("matched") or ()))
            features = event_features(article, score, fp, self.topic, analysis=item.analysis)
            if features.date is None:
                features = dataclasses.replace(features, date=day)
            item.extra["features"] = features.to_json()
        self.stats.inc_value("hotline/seconds/dedup", time.perf_counter() - started)
        return item


class StorePipeline:
    """The store stage: articles are added once; failures and non-articles are recorded."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.store = crawler_store(crawler)
        self.backoff = settings.getfloat("HOTLINE_FAILURE_BACKOFF")
        self.backoff_cap = settings.getfloat("HOTLINE_FAILURE_BACKOFF_MAX")
        self.max_attempts = settings.getint("HOTLINE_FAILURE_MAX_ATTEMPTS")
        self.crawler = crawler
        self.profiles = SiteProfiles(self.store)

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    def close_spider(self) -> None:
        """Count the pages still waiting, then heal the stored articles holding what the site profiles
        learned in this crawl."""
        started = time.perf_counter()
        try:
            self.profiles.flush()
            if not self.profiles.learned:
                return
            sources = load_config(self.crawler.settings.get("HOTLINE_CONFIG") or None).sources
            profiled = {s.name: s.selectors for s in sources if s.profile}  # the others are not healed
            healed = self.profiles.heal(crawl_topic(self.crawler), profiled.get)
        except Exception as exc:  # healing is a bonus: never cost the crawl
            LOGGER.warning("cannot heal articles with the site profiles: %s", exc)
            return
        self.stats.inc_value("hotline/seconds/profile", time.perf_counter() - started)
        if healed:
            self.stats.inc_value("hotline/profile_healed", len(healed))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        try:
            if item.article is not None:
                self._store_article(item, item.article)
            elif item.error is not None:
                self._fail(item, item.error, item.retryable)
            elif item.rejected is not None:
                self._fail(item, item.rejected.reason, item.rejected.retryable, item.rejected.extractor)
        except Exception as exc:
            # Not stored: record it to retry on a later run (the feed must then be read in full too,
            # so no validators are saved); if even that fails, Scrapy logs the error.
            self.stats.inc_value("hotline/store_errors")
            if item.article is None:
                raise
            self._fail(item, f"store error: {type(exc).__name__}: {exc}"[:200], True)
        return item

    def _store_article(self, item: PageItem, article: Article) -> None:
        started = time.perf_counter()
        new = self._add(item, article)
        self.stats.inc_value("hotline/seconds/store", time.perf_counter() - started)
        if not new:
            self.stats.inc_value("hotline/articles_duplicate")
            return
        self.stats.inc_value("hotline/articles_new")
        self.stats.inc_value("hotline/text_length_total", len(article.text))
        if item.profile and item.sample is not None:  # the site's profile counts the new page
            started = time.perf_counter()
            try:
                self.profiles.add(item.url, item.sample)
            except Exception as exc:  # the profile is a bonus: the article is stored already
                LOGGER.warning("cannot add %s to its site's profile: %s", item.url, exc)
            self.stats.inc_value("hotline/seconds/profile", time.perf_counter() - started)
        if item.extra.get("relevant"):
            self.stats.inc_value("hotline/relevant_new")
        leaks = boilerplate_leaks(article.text)
        if leaks:
            # the site's markup changed and our cleaning stopped catching its boilerplate
            self.stats.inc_value("hotline/boilerplate_hits")
            for phrase in leaks:
                self.stats.inc_value(LEAK_PREFIX + phrase)
            LOGGER.warning("boilerplate leaked into %s: %s", article.url, "; ".join(leaks))

    def _add(self, item: PageItem, article: Article) -> bool:
        """Insert the article (True if new); a relevant one is placed in its story in the same transaction."""
        spellings = {canonical_url(u) for u in (item.request_url, item.url, *item.redirects)}
        fetched_at = datetime.now(UTC)
        features = item.extra.get("features")
        if not (features and item.extra.get("relevant")):
            return self.store.articles.add(
                article, item.source, urls=spellings, fetched_at=fetched_at, **item.extra
            )
        placed = self.store.stories.place(
            article,
            item.source,
            EventFeatures.from_json(features),
            urls=spellings,
            fetched_at=fetched_at,
            **item.extra,
        )
        if placed is None:
            return False
        item.story_id = placed.story_id
        self.stats.inc_value("hotline/stories_new" if placed.new_story else "hotline/stories_joined")
        if placed.merged:  # this article linked stories that were apart: they are one now
            self.stats.inc_value("hotline/stories_merged", len(placed.merged))
        if placed.duplicate_of is not None:
            self.stats.inc_value("hotline/near_duplicates")
        return True

    def _fail(self, item: PageItem, reason: str, retryable: bool, extractor: int | None = None) -> None:
        failure = self.store.failures.record(
            item.request_url,
            item.source,
            reason,
            retryable,
            canonical_url=canonical_url(item.request_url),
            backoff=self.backoff,
            backoff_cap=self.backoff_cap,
            max_attempts=self.max_attempts,
            extractor=extractor,
        )
        if failure.retryable or item.error is not None:
            self.stats.inc_value("hotline/articles_failed")
            self.stats.inc_value(FAILED_PREFIX + reason.split(":")[0][:60])
        else:
            self.stats.inc_value("hotline/not_articles")


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
