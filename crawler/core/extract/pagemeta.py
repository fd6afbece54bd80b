"""What a page declares about itself: canonical link, publication time, language, page type.

trafilatura already reads most metadata; this module adds what the record needs and trafilatura leaves
out: the ``<link rel=canonical>`` as declared, the publication *time* (htmldate gives a day), the
language of ``<html lang>``, and the schema types used to tell an article from an index page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lxml.html import HtmlElement

from crawler.core.dates import is_date_only, parse_stated
from crawler.core.text import guess_language  # noqa: F401  (extraction reads it from here)

# <meta> names and properties that carry the publication time, most specific first
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "firstpublishedtime",
)
_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenews",
        "analysisnewsarticle",
        "blogposting",
        "report",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "liveblogposting",
        "scholarlyarticle",
    }
)
_LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "sitenavigationelement"})
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """The page's own declarations, read from the raw tree before any cleaning."""

    canonical: str | None = None
    published: str | None = None
    language: str | None = None
    og_type: str | None = None
    schema_types: frozenset[str] = frozenset()

    @property
    def declares_article(self) -> bool:
        return self.og_type == "article" or bool(self.schema_types & _ARTICLE_TYPES)

    @property
    def declares_listing(self) -> bool:
        return bool(self.schema_types & _LISTING_TYPES) and not self.schema_types & _ARTICLE_TYPES


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Read the declarations in ``<head>`` (and JSON-LD anywhere) of a parsed page."""
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if key and content and key not in metas:
            metas[key] = content.strip()
    schema_types, schema_published = _json_ld(tree)
    published = None
    for key in _DATE_META:
        published = parse_datetime(metas.get(key))
        if published:
            break
    if not published:
        published = parse_datetime(schema_published)
    if not published:
        for node in tree.xpath("//*[@itemprop='datePublished'][@datetime or @content]"):
            published = parse_datetime(node.get("datetime") or node.get("content"))
            if published:
                break
    return PageMeta(
        canonical=_canonical(tree),
        published=published,
        language=_language(tree, metas),
        og_type=(metas.get("og:type") or "").lower() or None,
        schema_types=schema_types,
    )


def parse_datetime(value: str | None) -> str | None:
    """An ISO 8601 string for a declared date or time, or None when it is not one (or not plausible)."""
    if not value:
        return None
    moment = parse_stated(value)
    if moment is None:
        return None
    if is_date_only(value):
        return moment.date().isoformat() if _plausible(moment.date()) else None
    return moment.isoformat() if _plausible(moment.date()) else None


def _plausible(day: date) -> bool:
    return date(1995, 1, 1) <= day <= (datetime.now(UTC) + timedelta(days=2)).date()


def _canonical(tree: HtmlElement) -> str | None:
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href", "").strip():
            return link.get("href").strip()
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").lower() == "og:url" and meta.get("content", "").strip():
            return meta.get("content").strip()
    return None


def _language(tree: HtmlElement, metas: dict[str, str]) -> str | None:
    candidates = [
        tree.get("lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        tree.get("xml:lang"),
        metas.get("content-language"),
        metas.get("og:locale"),
    ]
    for meta in tree.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "content-language":
            candidates.append(meta.get("content"))
    for value in candidates:
        if value and _LANG.match(value.strip()):
            return re.split(r"[-_]", value.strip())[0].lower()
    return None


def _json_ld(tree: HtmlElement) -> tuple[frozenset[str], str | None]:
    types: set[str] = set()
    published: str | None = None
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for node in _walk(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            found = {k.lower() for k in kinds if isinstance(k, str)}
            types |= found
            if published is None and found & _ARTICLE_TYPES and isinstance(node.get("datePublished"), str):
                published = node["datePublished"]
    return frozenset(types), published


def _walk(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    """The JSON-LD objects of a document, following @graph lists (bounded depth)."""
    if depth > 4:
        return []
    if isinstance(data, list):
        return [node for item in data for node in _walk(item, depth + 1)]
    if isinstance(data, dict):
        nodes = [data]
        if isinstance(data.get("@graph"), list):
            nodes += _walk(data["@graph"], depth + 1)
        return nodes
    return []
