"""``scrapy crawl sitemap -a source=NAME``: sitemap indexes, URL sets and news sitemaps.

Entries older than HOTLINE_SITEMAP_MAX_AGE_DAYS (by news publication date, else lastmod) are left
out, so a first crawl of a large archive fetches the recent news, not ten years of it; a sitemap
index's child sitemaps are skipped by the same rule when they carry a lastmod. HOTLINE_SINCE
(``hotline crawl SOURCE --since 2021-01-01``) replaces that cutoff, to backfill an archive. What is
skipped is counted as ``hotline/skipped_old`` and shown in the crawl's summary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.http import Request, Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.spiders.base import SourceSpider
from crawler.spiders.links import parse_sitemap


class SitemapSpider(SourceSpider):
    """Follows sitemap indexes (and robots.txt ``Sitemap:`` lines) down to article URLs."""

    name = "sitemap"
    kind = "sitemap"

    async def start(self) -> AsyncIterator[Any]:
        days = self.settings.getfloat("HOTLINE_SITEMAP_MAX_AGE_DAYS")
        if self.since is None:
            self.oldest = datetime.now(UTC) - timedelta(days=days) if days > 0 else None
        for url in self.source.urls:
            yield self.discovery_request(url, self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if response.url.endswith("/robots.txt"):
            urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
            if not urls:
                self.discovery_error(response.url, "robots.txt names no Sitemap")
            self.discovery_ok()
            for url in urls:
                yield self.discovery_request(url, self.parse_sitemap)
            return
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception as exc:
                self.discovery_error(response.url, f"cannot unpack gzipped sitemap: {exc}")
                return
        sitemap = parse_sitemap(body, response.url)
        if sitemap is None:
            self.discovery_error(response.url, "not a sitemap (check the source's url)")
            return
        self.discovery_ok()
        if sitemap.kind == "sitemapindex":
            for link in sitemap.links:
                if self.too_old(link):
                    self.crawler.stats.inc_value("hotline/skipped_old")
                else:
                    yield self.discovery_request(link.url, self.parse_sitemap)
        else:
            yield from self.article_requests(sitemap.links)
