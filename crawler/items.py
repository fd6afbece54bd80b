"""What the spiders hand on: the fetched page (or why it could not be fetched), and request roles.

Spiders only discover and fetch; a ``PageItem`` carries the raw page to the item pipeline, where the
stages fill in ``article`` / ``rejected`` (extract) and ``extra`` (relevance, dedup, stories) before
the store writes it. A fetch that failed after retries is a ``PageItem`` with ``error`` set, so that
the store records it for a later run like any other outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.core.records import Article, Rejected

# Request.meta keys
ROLE = "hotline_role"
HINT = "hotline_hint"  # {"title": …, "published": ISO 8601} from the feed or sitemap
RETRY = "hotline_retry"
DISCOVERY = "discovery"  # feeds, sitemaps, listing pages: conditional GET, never stored
ARTICLE = "article"  # article pages: skipped when known, stored after extraction


@dataclass(slots=True)
class PageItem:
    """One article page on its way through the pipeline stages."""

    source: str
    request_url: str  # the URL as discovered (before redirects)
    url: str  # the final URL
    status: int = 0
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None  # from the Content-Type header, if any
    selectors: tuple[str, ...] = ()  # the source's extra boilerplate selectors
    hint: dict[str, Any] = field(default_factory=dict)
    redirects: tuple[str, ...] = ()  # URLs passed through before ``url``
    error: str | None = None  # the fetch failed after retries
    retryable: bool = True
    article: Article | None = None  # set by the extract stage ...
    rejected: Rejected | None = None  # ... or this
    extra: dict[str, Any] = field(default_factory=dict)  # store columns set by later stages
    analysis: Any = None  # the relevance stage's evidence, reused by the story features (not stored)
    profile: bool = True  # the source's ``profile`` switch: use and update its site's profile
    sample: Any = None  # what the page adds to its site's profile (extract stage -> store stage)

    def __repr__(self) -> str:  # keep the body out of logs
        outcome = (
            self.error or (self.rejected and self.rejected.reason) or ("article" if self.article else "page")
        )
        return f"<PageItem {self.source} {self.url} {outcome}>"
