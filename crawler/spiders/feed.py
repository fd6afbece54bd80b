"""``scrapy crawl feed -a source=NAME``: the article links of RSS and Atom feeds, on the feed's own site."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from crawler.spiders.base import SourceSpider
from crawler.spiders.links import feed_links


class FeedSpider(SourceSpider):
    """RSS 0.9x/1.0/2.0 and Atom, with or without full content: each item's link is fetched."""

    name = "feed"
    kind = "feed"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.source.urls:
            yield self.discovery_request(url, self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        links = feed_links(response.body, response.url)
        if links is None:
            self.discovery_error(response.url, "not an RSS or Atom feed (check the source's url)")
            return
        self.discovery_ok()
        yield from self.article_requests(links)
