"""The stages between extract and store: relevance (score, matched terms) and dedup (fingerprint, event
date, a relevant article's event features), reading ``item.article``."""


from __future__ import annotations

import dataclasses
import logging
import time
from datetime import UTC, date, datetime
from typing import Any

from crawler.config import ConfigError, load_config
from crawler.core.dedup import fingerprint
from crawler.core.records import Score
from crawler.core.relevance import Topic, analyse_article, load_topic
from crawler.core.stories import event_date, event_features
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

