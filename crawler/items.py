"""What the spiders hand on: the fetched page (or why it could not be fetched), and request roles.

Spiders only discover and fetch; a ``PageItem`` carries the raw page to the item pipeline, where the
stages fill in ``article`` / ``rejected`` (extract) and ``findings`` (relevance, dedup: a typed
``crawler.core.findings.Findings``) before the store writes it. A fetch that failed after retries is
a ``PageItem`` with ``error`` set, so that the store records it for a later run like any other outcome.

What leaves the pipeline is an ``ArticleRecord``: the stored article with its score, matched terms
and story, the fields ``hotline export`` writes, as plain strings, numbers and lists, so that
Scrapy's feed exports (``scrapy crawl feed -a source=NAME -O items.jsonl``, ``.csv``, ``.xml``)
write it as it is: no bytes, no raw HTML, no Python reprs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.core.records import Article, Rejected

if TYPE_CHECKING:  # the stages' records: numpy and the topic load only where the stages run
    from crawler.core.findings import Findings
    from crawler.core.relevance import Analysis

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
    findings: Findings | None = None  # set by the relevance stage, completed by the dedup stage
    evidence: Analysis | None = None  # the relevance stage's per-sentence evidence (not stored)
    profile: bool = True  # the source's ``profile`` switch: use and update its site's profile
    sample: Any = None  # what the page adds to its site's profile (extract stage -> store stage)
    story_id: str | None = None  # set by the store stage when it placed the article in a story

    def __repr__(self) -> str:  # keep the body out of logs
        outcome = (
            self.error or (self.rejected and self.rejected.reason) or ("article" if self.article else "page")
        )
        return f"<PageItem {self.source} {self.url} {outcome}>"


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One extracted article as exported: the fields and order of ``hotline export``."""

    url: str
    canonical_url: str
    title: str
    text: str
    published: str | None
    author: str | None
    site_name: str | None
    language: str | None
    image: str | None
    description: str | None
    source: str
    first_seen: str  # ISO 8601, when this crawl stored (or met again) the article
    score: float | None
    relevant: bool | None
    matched: list[str]
    story_id: str | None


def article_record(item: PageItem, seen: datetime) -> ArticleRecord | None:
    """The export record of a page that gave an article, else None."""
    article = item.article
    if article is None or item.error is not None:
        return None
    score = item.findings.score if item.findings is not None else None
    return ArticleRecord(
        url=article.url,
        canonical_url=article.canonical_url,
        title=article.title,
        text=article.text,
        published=article.published,
        author=article.author,
        site_name=article.site_name,
        language=article.language,
        image=article.image,
        description=article.description,
        source=item.source,
        first_seen=seen.isoformat(),
        score=None if score is None else round(float(score.value), 4),
        relevant=None if score is None else score.relevant,
        matched=[] if score is None else [str(term) for term in score.matched],
        story_id=item.story_id,
    )
