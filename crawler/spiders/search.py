"""``scrapy crawl search -a source=NAME``: a news-search feed whose results lead to other outlets.

Result links are often wrappers on the search engine's host that carry the outlet's URL in a query
parameter (``…/apiclick.aspx?…&url=https%3a%2f%2foutlet…``); those are unwrapped so the outlet's page
is fetched directly (one request fewer, and the wrapper never becomes the article's key). Other links
are fetched as they are, following redirects to whatever host they lead to.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from crawler.spiders.feed import FeedSpider

TARGET_PARAMS = ("url", "u", "target", "dest")


class SearchSpider(FeedSpider):
    """A feed spider whose article links may be on any host (and may redirect there)."""

    name = "search"
    kind = "search"
    offsite = True

    def link_target(self, url: str) -> str:
        return unwrap_redirect(url)


def unwrap_redirect(url: str) -> str:
    """The outlet URL inside a search engine's click-tracking link, or ``url`` itself."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    for name in TARGET_PARAMS:
        for value in query.get(name, ()):
            target = urlsplit(value)
            if target.scheme in ("http", "https") and target.hostname and target.hostname != parts.hostname:
                return value
    return url
