"""The store stage: an article row (a relevant one placed in its story in the same transaction), or a
failure / not-an-article row; counts new, relevant new and boilerplate leaks."""


from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from crawler.config import load_config
from crawler.core.extract.leaks import boilerplate_leaks
from crawler.core.records import Article
from crawler.core.urls import canonical_url
from crawler.extensions import FAILED_PREFIX, crawler_store
from crawler.items import PageItem
from crawler.pipelines.analysis import crawl_topic
from crawler.service.profiling import SiteProfiles

LOGGER = logging.getLogger(__name__)
LEAK_PREFIX = "hotline/boilerplate_leaks/"  # + phrase: how many new articles held it


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
        if item.findings is not None and item.findings.score.relevant:
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
        findings = item.findings
        where = {"urls": spellings, "fetched_at": datetime.now(UTC)}
        if findings is None or not findings.placed:
            return self.store.articles.add(article, item.source, findings, **where)
        placed = self.store.stories.place(article, item.source, findings, **where)
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

