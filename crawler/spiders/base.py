"""The part every source spider shares: its Source from the config, and how it fetches pages.

A spider is named for a source kind and crawls one source: ``scrapy crawl feed -a source=NAME``.
Discovery pages (feeds, sitemaps, listing pages) are fetched with conditional requests; article
pages are fetched once and handed on whole as a ``PageItem`` (extraction is a pipeline stage). A
fetch that fails after Scrapy's retries becomes a ``PageItem`` with ``error`` set, so the store
records it for the next run instead of the page silently going missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.log import get_scrapy_root_handler, install_scrapy_root_handler
from twisted.python.failure import Failure

from crawler.config import Config, ConfigError, Source, load_config
from crawler.core.urls import site_of
from crawler.items import ARTICLE, DISCOVERY, HINT, RETRY, ROLE, PageItem
from crawler.spiders.links import Link

# HTTP answers after which asking again is pointless: the page is gone or will never be ours.
PERMANENT_HTTP = frozenset({400, 401, 404, 410, 451})


class SkipRequest(IgnoreRequest):
    """A request we chose not to send (known URL, unchanged page): not a failure."""


def apply_config_settings(settings: Settings, config: Config, source: Source) -> None:
    """The config's settings for a crawl of ``source``, the one place they are applied (so ``scrapy crawl``
    and the launchers' crawl processes agree): the User-Agent and store, the ``[scrapy]`` table, then the
    source's own ``settings``, each overriding the one before, all at priority ``spider`` so that ``-s`` on
    the command line wins. Scrapy reads the settings after the spider is built; logging is set up before,
    so its handler is set up again."""
    settings.set("USER_AGENT", config.user_agent, priority="spider")
    settings.set("HOTLINE_STORE", config.store, priority="spider")
    settings.setdict(config.scrapy, priority="spider")
    settings.setdict(source.settings, priority="spider")
    if get_scrapy_root_handler() is not None:
        install_scrapy_root_handler(settings)


class SourceSpider(scrapy.Spider):
    """Base of the per-kind spiders: reads ``-a source=NAME`` from the config and checks its kind."""

    kind: ClassVar[str] = ""
    offsite: ClassVar[bool] = False  # may article links lead to other hosts (news-search results)?

    config: Config
    source: Source
    since: datetime | None = None  # HOTLINE_SINCE: backfill from this date
    oldest: datetime | None = None  # dated links before it are skipped (``since``, or a sitemap's max age)

    def __init__(self, source: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source_name = source

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = load_config(crawler.settings.get("HOTLINE_CONFIG") or None)
        if not spider.source_name:
            raise ConfigError(f"spider {cls.name!r}: name the source: scrapy crawl {cls.name} -a source=NAME")
        spider.source = spider.config.source(spider.source_name)
        if spider.source.kind != cls.kind:
            raise ConfigError(
                f"{spider.config.where}: source {spider.source.name!r} is kind {spider.source.kind!r}; "
                f"crawl it with: scrapy crawl {spider.source.kind} -a source={spider.source.name}"
            )
        apply_config_settings(crawler.settings, spider.config, spider.source)
        spider.since = since_setting(crawler.settings.get("HOTLINE_SINCE"))
        spider.oldest = spider.since
        spider._follow = re.compile(spider.source.follow) if spider.source.follow else None
        spider._sites = {site_of(u) for u in spider.source.urls}
        return spider

    # --- requests ------------------------------------------------------------------------------

    def discovery_request(self, url: str, callback: Any, **meta: Any) -> Request:
        """A feed, sitemap or listing page: conditional GET, normal duplicate filtering."""
        return Request(url, callback=callback, errback=self.discovery_failed, meta={ROLE: DISCOVERY, **meta})

    def article_request(self, url: str, link: Link | None = None, *, retry: bool = False) -> Request:
        """An article page. ``dont_filter``: duplicates are caught by canonical URL (KnownUrlMiddleware),
        and a redirect loop must run into REDIRECT_MAX_TIMES and be recorded, not be dropped silently."""
        hint = {}
        if link is not None:
            hint = {"title": link.title, "published": link.published.isoformat() if link.published else None}
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            dont_filter=True,
            priority=10 if retry else 0,
            meta={ROLE: ARTICLE, HINT: hint, RETRY: retry},
        )

    def accepts(self, url: str) -> bool:
        """Whether a discovered link is an article of this source (``follow``; own site unless offsite)."""
        if not url.startswith(("http://", "https://")):
            return False
        if self._follow is not None and not self._follow.search(url):
            return False
        return (
            self.offsite
            or site_of(url) in self._sites
            or any(site_of(url).endswith("." + site) for site in self._sites)
        )

    def link_target(self, url: str) -> str:
        """The URL to fetch for a discovered link (the search spider unwraps click-tracking links)."""
        return url

    def article_requests(self, links: Any) -> Iterator[Request]:
        for link in links:
            if self.too_old(link):
                self.crawler.stats.inc_value("hotline/skipped_old")
                continue
            url = self.link_target(link.url)
            if self.accepts(url):
                self.crawler.stats.inc_value("hotline/links_found")
                yield self.article_request(url, link)
            else:
                self.crawler.stats.inc_value("hotline/links_ignored")

    def too_old(self, link: Link) -> bool:
        """Whether a dated link is older than the crawl's cutoff (``--since``; sitemaps: their max age)."""
        return self.oldest is not None and link.published is not None and link.published < self.oldest

    # --- responses -----------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        request = response.request
        redirects = tuple(response.meta.get("redirect_urls", ()))
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        yield PageItem(
            source=self.source.name,
            request_url=redirects[0] if redirects else (request.url if request else response.url),
            url=response.url,
            status=response.status,
            body=response.body,
            content_type=content_type,
            charset=_charset(content_type),
            selectors=self.source.selectors,
            profile=self.source.profile,
            hint=dict(response.meta.get(HINT) or {}),
            redirects=redirects,
        )

    def article_failed(self, failure: Failure) -> Iterator[PageItem]:
        """After Scrapy's retries: record why, unless we skipped the request on purpose."""
        if failure.check(SkipRequest):
            return
        request = failure.request
        reason, retryable = describe_failure(failure)
        if reason is None:
            return
        redirects = tuple(request.meta.get("redirect_urls", ()))
        yield PageItem(
            source=self.source.name,
            request_url=redirects[0] if redirects else request.url,
            url=request.url,
            hint=dict(request.meta.get(HINT) or {}),
            redirects=redirects,
            error=reason,
            retryable=retryable,
        )

    def discovery_failed(self, failure: Failure) -> None:
        if failure.check(SkipRequest):
            return
        reason, _ = describe_failure(failure)
        if reason is None and "robots.txt" in str(failure.value):
            reason = "forbidden by robots.txt (the site asks crawlers to keep out; choose another URL)"
        if reason is not None:
            self.discovery_error(failure.request.url, reason)

    def discovery_error(self, url: str, reason: str) -> None:
        """A feed/sitemap/listing page that could not be used: counted; the run fails if none worked."""
        stats = self.crawler.stats
        stats.inc_value("hotline/discovery_failed")
        stats.set_value("hotline/last_error", f"{url}: {reason}"[:300])
        self.logger.error("%s: %s (source %s)", url, reason, self.source.name)

    def discovery_ok(self) -> None:
        self.crawler.stats.inc_value("hotline/discovery_ok")


def describe_failure(failure: Failure) -> tuple[str | None, bool]:
    """(short reason, retryable) for a failed request; reason None means "not a failure, ignore"."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"HTTP {status}", status not in PERMANENT_HTTP
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return None, False
        if "redirection" in text:
            return "redirect loop (too many redirects)", True
        if "DOWNLOAD_MAXSIZE" in text and "decompress" in text:
            return "compressed body inflates beyond DOWNLOAD_MAXSIZE (a compression bomb?)", False
        return f"ignored: {text}"[:200], False
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out", True
    if "DataLoss" in name:
        return "truncated body (connection closed early)", True
    if "Cancelled" in name:  # Scrapy cancels a body past DOWNLOAD_MAXSIZE (often with no message)
        return "page larger than DOWNLOAD_MAXSIZE", False
    for marker, reason in _CONNECTION_FAILURES:
        if marker in name or marker in str(exc):
            return reason, True
    text = str(exc).strip().splitlines()
    return f"{name}: {text[0] if text else ''}"[:200], True


# (marker in the exception's name or text, reason): connection-level failures in plain words
_CONNECTION_FAILURES = (
    ("ConnectionRefused", "connection refused"),
    ("DNSLookup", "host name not found (DNS)"),
    ("ConnectionLost", "connection lost before a full answer"),
    ("ConnectionDone", "connection closed before an answer"),
    ("ResponseNeverReceived", "connection closed before an answer"),
    ("Connection reset", "connection reset by the server"),
    ("ConnectionReset", "connection reset by the server"),
)


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    return match.group(1).lower() if match else None


def since_setting(value: Any) -> datetime | None:
    """HOTLINE_SINCE (``hotline crawl --since 2021-01-01``) as an aware datetime, None when unset."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(f"HOTLINE_SINCE = {value!r}: not a date (use YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
