"""Link discovery from feeds and sitemaps: bytes in, article links out. No Scrapy, no network.

Feeds go through feedparser (RSS 0.9x/1.0/2.0 and Atom; entity declarations stripped, no fetching;
errors are values: ``bozo``), sitemaps through lxml's ``iterparse`` with entities and network off,
as ``scrapy/utils/sitemap.py`` does, but keeping the news-sitemap fields (``news:publication_date``,
``news:title``) that Scrapy's parser drops.
"""

from __future__ import annotations

import calendar
import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
import lxml.etree

from crawler.core.dates import parse_date


@dataclass(frozen=True, slots=True)
class Link:
    """An article link found in a feed or sitemap, with what the listing said about it."""

    url: str
    title: str | None = None
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: ``kind`` is ``"sitemapindex"`` (links are sitemaps) or ``"urlset"``."""

    kind: str
    links: tuple[Link, ...]


def feed_links(body: bytes, url: str) -> tuple[Link, ...] | None:
    """The article links of a feed, newest as listed; None when ``body`` is no feed at all.

    Only each item's own link counts (``<link>``, a permalink ``<guid>``, Atom's alternate link),
    never links inside its content, so a full-content feed yields the same links as a summary feed.
    """
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-location": url},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not parsed.get("version") and not parsed.entries:
        return None
    links: list[Link] = []
    for entry in parsed.entries:
        href = entry.get("link") or (entry.get("id") if entry.get("guidislink") else None)
        if not href or not isinstance(href, str):
            continue
        href = urljoin(url, href.strip())
        if not href.startswith(("http://", "https://")):
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        links.append(Link(href, (entry.get("title") or "").strip() or None, _from_struct(stamp)))
    return tuple(links)


def parse_sitemap(body: bytes, url: str = "") -> Sitemap | None:
    """A sitemap index or URL set (news sitemaps included); None when ``body`` is neither."""
    try:
        events = lxml.etree.iterparse(
            io.BytesIO(body),
            events=("start", "end"),
            recover=True,
            resolve_entities=False,
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=True,
            collect_ids=False,
            huge_tree=False,
        )
        _, root = next(events)
    except (lxml.etree.XMLSyntaxError, StopIteration):
        return None
    kind = _local(root)
    if kind not in ("sitemapindex", "urlset"):
        return None
    links: list[Link] = []
    try:
        for event, elem in events:
            if event != "end" or _local(elem) not in ("url", "sitemap"):
                continue
            link = _sitemap_entry(elem, url)
            if link is not None:
                links.append(link)
            elem.clear()
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    except lxml.etree.XMLSyntaxError:
        pass  # keep what was read before the damage
    return Sitemap(kind, tuple(links))


def _sitemap_entry(elem: lxml.etree._Element, base: str) -> Link | None:
    loc = lastmod = title = published = None
    for child in elem:
        name = _local(child)
        if name == "loc":
            loc = (child.text or "").strip()
        elif name == "lastmod":
            lastmod = parse_date(child.text)
        elif name == "news":  # <news:news><news:publication_date/><news:title/></news:news>
            for part in child:
                if _local(part) == "publication_date":
                    published = parse_date(part.text)
                elif _local(part) == "title":
                    title = (part.text or "").strip() or None
    if not loc:
        return None
    return Link(urljoin(base, loc), title, published or lastmod)


def _from_struct(stamp: time.struct_time | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(stamp), UTC)
    except (OverflowError, ValueError):
        return None


def _local(elem: lxml.etree._Element) -> str:
    tag = elem.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]
