"""Scrapy extensions: the run's row in the store, written from ``crawler.stats``.

``RunRecorder`` starts a ``runs`` row when the spider opens (with the launcher's ``HOTLINE_JOB_ID``, so
a Scrapyd launcher finds the row of its job), refreshes its counts every few seconds
(so a run killed halfway still shows what it did), and closes it at ``spider_closed`` with an outcome.
There is no second counter: every figure is a ``crawler.stats`` value set by the components.
"""

from __future__ import annotations

import os
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.core.runs import run_stats
from crawler.store import Store, shared_store

STAT_COLUMNS = run_stats()  # runs columns -> crawler.stats keys, from the run record
FAILED_PREFIX = "hotline/failed/"


def run_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The ``runs`` row's counts from a crawl's stats."""
    counts: dict[str, Any] = {column: int(stats.get(key) or 0) for column, key in STAT_COLUMNS.items()}
    new = counts["articles_new"]
    total_length = int(stats.get("hotline/text_length_total") or 0)
    counts["mean_text_length"] = round(total_length / new, 1) if new else None
    counts["errors"] = describe_errors(stats)
    return counts


def describe_errors(stats: dict[str, Any]) -> str:
    """A short line: why the feed could not be read, which articles failed and how, exceptions."""
    parts = []
    if stats.get("hotline/stop_reason"):  # the crawl process's watchdog stopped it (crawler.process)
        parts.append(str(stats["hotline/stop_reason"]))
    if stats.get("hotline/last_error"):
        parts.append(str(stats["hotline/last_error"]))
    failed = {k[len(FAILED_PREFIX) :]: v for k, v in stats.items() if k.startswith(FAILED_PREFIX)}
    if failed:
        detail = ", ".join(f"{reason}: {n}" for reason, n in sorted(failed.items(), key=lambda kv: -kv[1]))
        parts.append(f"{sum(failed.values())} article(s) failed ({detail})")
    exceptions = int(stats.get("spider_exceptions/count") or 0)
    if exceptions:
        parts.append(f"{exceptions} exception(s) in the spider (see the crawl log)")
    return "; ".join(parts)[:500]


def outcome_for(reason: str, stats: dict[str, Any]) -> str:
    """'ok', 'failed' (no feed/sitemap/listing page could be used), 'stopped' (asked to shut down:
    SIGTERM/SIGINT, its launcher stopping or gone) or 'timeout' (its own time limit)."""
    if reason in ("shutdown", "cancelled"):
        return str(stats.get("hotline/stop_outcome") or "stopped")
    if reason == "finished" or reason.startswith("closespider"):
        usable = int(stats.get("hotline/discovery_ok") or 0)
        broken = int(stats.get("hotline/discovery_failed") or 0)
        return "failed" if broken and not usable else "ok"
    return "failed"



def crawler_store(crawler: Any) -> Store:
    """The process's Store for the crawl's HOTLINE_STORE setting, shared by the components of a crawl
    (a component without it is switched off, Scrapy's way)."""
    url = crawler.settings.get("HOTLINE_STORE")
    if not url:
        raise NotConfigured("HOTLINE_STORE is not set (run a hotline spider with -a source=NAME)")
    return shared_store(url)

class RunRecorder:
    """Writes the crawl's ``runs`` row: started at spider_opened, counts on a timer, finished at close."""

    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.store = crawler_store(crawler)
        self.interval = interval
        self.run_id: int | None = None
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRecorder:
        recorder = cls(crawler, crawler.settings.getfloat("HOTLINE_RUN_UPDATE_INTERVAL"))
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Any) -> None:
        source = getattr(spider, "source", None)
        if source is None:
            return
        job_id = self.crawler.settings.get("HOTLINE_JOB_ID") or None  # set by a launcher that tracks jobs
        self.run_id = self.store.runs.start(source.name, os.getpid(), job_id=job_id)
        self.crawler.stats.set_value("hotline/run_id", self.run_id)
        if self.interval > 0:
            self._loop = task.LoopingCall(self.update)
            self._loop.start(self.interval, now=False)

    def update(self) -> None:
        if self.run_id is not None:
            self.store.runs.update(self.run_id, **run_counts(self.crawler.stats.get_stats()))

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        self.store.runs.finish(self.run_id, outcome_for(reason, stats), **run_counts(stats))
