"""``scrapy crawl listing -a source=NAME``: section pages whose links match ``follow``, with pagination.

"Next" pages are found by ``rel=next`` first, then by the usual pagination markup and wording; the
source's ``depth`` is how many of them are followed after each start page; to backfill
(``hotline crawl SOURCE --since DATE``) at least HOTLINE_BACKFILL_PAGES are, since a listing's links
carry no dates to stop at.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.spiders.base import SourceSpider
from crawler.spiders.links import Link

DEPTH = "hotline_page_depth"

# Pagination, most explicit first: rel=next (HTML and <link>), WordPress/Bootstrap classes, wording.
NEXT_PAGE_XPATHS = (
    "//link[@rel='next']/@href",
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
    "//a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/a/@href",
    "//*[contains(@class, 'pagination') or contains(@class, 'pager') or contains(@class, 'nav-links')]"
    "//a[contains(translate(normalize-space(.), 'NEXTOLDR', 'nextoldr'), 'next')"
    " or contains(translate(normalize-space(.), 'NEXTOLDR', 'nextoldr'), 'older')]/@href",
    "//a[normalize-space(.)='›' or normalize-space(.)='»' or normalize-space(.)='下一页']/@href",
)


class ListingSpider(SourceSpider):
    """Article links from listing pages, following "next" pages up to the source's depth."""

    name = "listing"
    kind = "listing"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.source.urls:
            yield self.discovery_request(url, self.parse_listing, **{DEPTH: 0})

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            self.discovery_error(response.url, "listing page is not HTML")
            return
        self.discovery_ok()
        extractor = LinkExtractor(allow=self.source.follow or (), unique=True)
        links = [Link(link.url, link.text.strip() or None) for link in extractor.extract_links(response)]
        yield from self.article_requests(links)
        depth = response.meta.get(DEPTH, 0)
        if depth < self.page_limit():
            next_url = next_page(response)
            if next_url:
                yield self.discovery_request(next_url, self.parse_listing, **{DEPTH: depth + 1})


    def page_limit(self) -> int:
        """"Next" pages to follow: the source's ``depth``, more when backfilling."""
        if self.since is None:
            return self.source.depth
        return max(self.source.depth, self.settings.getint("HOTLINE_BACKFILL_PAGES"))


def next_page(response: TextResponse) -> str | None:
    """The URL of the listing page after this one, or None."""
    for xpath in NEXT_PAGE_XPATHS:
        href = response.xpath(xpath).get()
        if href and href.strip() and not href.strip().startswith(("#", "javascript:")):
            url = response.urljoin(href.strip())
            if url != response.url:
                return url
    return None
