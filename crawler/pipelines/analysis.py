"""The stages between extract and store: relevance (score, matched terms) and dedup (fingerprint, event
date, a relevant article's event features), reading ``item.article`` and building ``item.findings``."""


from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from crawler.config import ConfigError, load_config
from crawler.core.findings import Findings, with_event
from crawler.core.relevance import Topic, analyse_article, load_topic
from crawler.items import PageItem

LOGGER = logging.getLogger(__name__)
LEAK_PREFIX = "hotline/boilerplate_leaks/"  # + phrase: how many new articles held it


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
        item.evidence = analyse_article(self.topic, item.article)
        score = item.evidence.score
        item.findings = Findings(score)
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
        if item.findings is None or item.evidence is None:  # the relevance stage is switched off
            return item
        started = time.perf_counter()
        today = datetime.now(UTC).date()
        item.findings = with_event(item.findings, item.article, self.topic, item.evidence, today)
        self.stats.inc_value("hotline/seconds/dedup", time.perf_counter() - started)
        return item

