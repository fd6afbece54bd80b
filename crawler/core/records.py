"""Plain records passed between the pipeline stages.

Every stage takes records and returns new ones (``dataclasses.replace``); none of them knows Scrapy,
so extraction, relevance and dedup can run and be tested on their own.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned news article: what extraction returns for a page that is an article."""

    url: str
    canonical_url: str
    title: str
    text: str
    published: str | None = None  # ISO 8601 date or datetime
    author: str | None = None
    site_name: str | None = None
    language: str | None = None
    image: str | None = None
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A page that gave no article, and why; ``retryable`` says whether a later run should try again."""

    url: str
    reason: str
    retryable: bool = False
    extractor: int | None = None  # EXTRACTOR_VERSION of the extraction that judged it (None: not one)

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "error": self.reason, "retryable": self.retryable}


@dataclass(frozen=True, slots=True)
class Score:
    """How well an article fits the topic: a value in [0, 1] and the matched terms that explain it."""

    value: float
    relevant: bool
    matched: tuple[str, ...] = field(default_factory=tuple)

    def explanation(self) -> str:
        """The one line a reader sees: ``relevance 0.91: who: Austin, Dong Jun · act: video call``."""
        from crawler.core.reasons import reason_line

        return f"relevance {self.value:.2f}: {reason_line(self.matched)}"


# the media types a crawl extracts: anything else is not an article (pipelines and reextract agree)
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain")
_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(article: Article) -> Article:
    """Lone surrogates (from a broken page's numeric entities) replaced: no database or feed takes them."""
    changes = {
        name: _SURROGATE.sub("\ufffd", value)
        for name in Article.__dataclass_fields__
        if isinstance(value := getattr(article, name), str) and _SURROGATE.search(value)
    }
    return dataclasses.replace(article, **changes) if changes else article


def fill_from_hint(article: Article, hint: dict[str, Any]) -> Article:
    """Take the title and date from the feed/sitemap when the page itself gave none."""
    changes = {}
    if not article.title and hint.get("title"):
        changes["title"] = hint["title"]
    if not article.published and hint.get("published"):
        changes["published"] = hint["published"]
    return dataclasses.replace(article, **changes) if changes else article
