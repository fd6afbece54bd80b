"""Feed records → RSS 2.0, Atom 1.0 (feedgen) and JSON Feed 1.1 bytes, the same entries in all three.

Every string is cleaned before it reaches feedgen (which raises on characters XML cannot carry) and
each entry is prepared on its own, so one bad entry is logged and left out instead of stopping the
feed. Output depends only on the records: rebuilding from the same records gives the same bytes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from feeds.model import Entry, Feed
from feeds.sanitize import escape, link_html, one_line, paragraphs, safe_url, shorten, text_to_html

logger = logging.getLogger(__name__)

STYLESHEET = "feed.xsl"  # served beside the feeds; browsers render the feed through it
MAX_TEXT_CHARS = 100_000  # article text kept per entry; the rest is a link to the original
SUMMARY_CHARS = 300
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "hotline"
PROJECT_URL = "https://github.com/hotline-news/hotline"

_ATOM_NS = "http://www.w3.org/2005/Atom"
_DC_NS = "http://purl.org/dc/elements/1.1/"
HOTLINE_NS = "https://github.com/hotline-news/hotline/ns/1"  # hotline:reason, hotline:outlet (XSL page)


@dataclass(frozen=True, slots=True)
class OutletLink:
    site: str
    url: str
    title: str
    published: datetime | None


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """An entry with every field cleaned and checked, ready for any of the three formats."""

    id: str
    title: str
    link: str | None
    published: datetime
    updated: datetime
    author: str | None
    site_name: str | None
    site_url: str | None
    summary: str
    content_html: str
    categories: tuple[str, ...]
    reason: str
    outlets: tuple[OutletLink, ...]
    language: str | None
    image: str | None


@dataclass(frozen=True, slots=True)
class PreparedFeed:
    """Feed metadata cleaned, plus the entries that could be prepared, newest first."""

    id: str
    title: str
    description: str
    link: str
    self_link: str | None
    language: str
    logo: str | None
    updated: datetime
    entries: tuple[PreparedEntry, ...]


def render_atom(feed: Feed, *, self_link: str | None = None) -> bytes:
    """Atom 1.0 bytes (UTF-8, with the XSL stylesheet instruction) for ``feed``.

    ``self_link`` overrides ``feed.self_link`` so each file of a set can name its own URL.
    """
    prepared = prepare_feed(feed, self_link=self_link)
    return _with_stylesheet(_generator(prepared).atom_str(pretty=True, encoding="UTF-8"))


def render_rss(feed: Feed, *, self_link: str | None = None) -> bytes:
    """RSS 2.0 bytes (UTF-8, with the XSL stylesheet instruction) for ``feed``."""
    prepared = prepare_feed(feed, self_link=self_link)
    return _with_stylesheet(_generator(prepared).rss_str(pretty=True, encoding="UTF-8"))


def render_json(feed: Feed, *, self_link: str | None = None) -> bytes:
    """JSON Feed 1.1 bytes for ``feed``; our own fields sit under ``_hotline`` as the spec allows."""
    prepared = prepare_feed(feed, self_link=self_link)
    document: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": prepared.title,
        "home_page_url": prepared.link,
    }
    if prepared.self_link:
        document["feed_url"] = prepared.self_link
    document["description"] = prepared.description
    if prepared.logo:
        document["icon"] = prepared.logo
    document["language"] = prepared.language
    document["items"] = [_json_item(entry) for entry in prepared.entries]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def self_link_for(feed: Feed, filename: str) -> str:
    """The URL ``filename`` is served at: beside ``feed.self_link`` (else ``feed.link``)."""
    return urljoin(feed.self_link or feed.link, filename)


# -- preparing -------------------------------------------------------------------------------------


def prepare_feed(feed: Feed, *, self_link: str | None = None) -> PreparedFeed:
    """Clean the feed's metadata and prepare its entries; raise ValueError only if the feed has no link."""
    link = safe_url(feed.link) or safe_url(feed.self_link)
    if link is None:
        raise ValueError(f"feed {feed.id!r}: 'link' must be an http(s) URL, not {feed.link!r}")
    entries = tuple(prepare_entries(feed.entries))
    updated = feed.updated or max((e.updated for e in entries), default=None) or datetime.now(UTC)
    title = one_line(feed.title, 300) or "hotline"
    return PreparedFeed(
        id=one_line(feed.id, 1000) or link,
        title=title,
        description=one_line(feed.description, 1000) or title,
        link=link,
        self_link=safe_url(self_link or feed.self_link),
        language=one_line(feed.language, 35) or "en",
        logo=safe_url(feed.logo),
        updated=_aware(updated),
        entries=entries,
    )


def prepare_entries(entries: Iterable[Entry]) -> list[PreparedEntry]:
    """Prepare each entry on its own, newest first; a bad or duplicate entry is logged and left out."""
    prepared: list[PreparedEntry] = []
    seen: set[str] = set()
    for entry in entries:
        try:
            item = prepare_entry(entry)
        except Exception as exc:  # one bad record must not stop the feed
            logger.warning("feed entry %r left out: %s", getattr(entry, "id", None), exc)
            continue
        if item.id in seen:
            logger.warning("feed entry %r left out: duplicate id", item.id)
            continue
        seen.add(item.id)
        prepared.append(item)
    prepared.sort(key=lambda e: (e.published, e.id), reverse=True)
    return prepared


def prepare_entry(entry: Entry) -> PreparedEntry:
    """Clean one entry and build its safe HTML content; raise ValueError if it cannot be shown."""
    entry_id = one_line(entry.id, 1000)
    if not entry_id:
        raise ValueError("no id")
    link = safe_url(entry.link)
    title = one_line(entry.title, 500) or (link or "(untitled)")
    site_name = one_line(entry.site_name, 200) or None
    outlets = _outlets(entry, link)
    reason = one_line(entry.reason, 1000)
    summary = one_line(entry.summary, 2000) or _summary_from(entry.text)
    body, truncated = text_to_html(entry.text, MAX_TEXT_CHARS)
    return PreparedEntry(
        id=entry_id,
        title=title,
        link=link,
        published=_aware(entry.published),
        updated=_aware(entry.updated),
        author=one_line(entry.author, 200) or None,
        site_name=site_name,
        site_url=_site_url(link),
        summary=summary or title,
        content_html=_content_html(reason, outlets, body, truncated, link, site_name),
        categories=tuple(dict.fromkeys(c for c in (one_line(c, 100) for c in entry.categories) if c)),
        reason=reason,
        outlets=outlets,
        language=one_line(entry.language, 35) or None,
        image=safe_url(entry.image),
    )


def _aware(value: datetime) -> datetime:
    """A timezone-aware datetime without microseconds; a naive one is taken as UTC."""
    if not isinstance(value, datetime):
        raise ValueError(f"not a datetime: {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    return value.replace(microsecond=0)


def _site_url(link: str | None) -> str | None:
    if not link:
        return None
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.netloc}/"


def _summary_from(text: str) -> str:
    paras = paragraphs(text)
    return shorten(" ".join(paras[:3]), SUMMARY_CHARS) if paras else ""


def _outlets(entry: Entry, own_link: str | None) -> tuple[OutletLink, ...]:
    result: dict[str, OutletLink] = {}
    for outlet in entry.outlets:
        url = safe_url(outlet.url)
        if url is None or url == own_link or url in result:
            continue
        site = one_line(outlet.site, 200) or urlsplit(url).netloc
        published = _aware(outlet.published) if isinstance(outlet.published, datetime) else None
        result[url] = OutletLink(site=site, url=url, title=one_line(outlet.title, 500), published=published)
    return tuple(result.values())


def _content_html(
    reason: str,
    outlets: tuple[OutletLink, ...],
    body: str,
    truncated: bool,
    link: str | None,
    site_name: str | None,
) -> str:
    """The entry's HTML: why it is in the feed, who else carried it, then the escaped article text."""
    parts = []
    if reason:
        parts.append(f"<p><strong>Why this is here:</strong> {escape(reason)}</p>")
    if site_name or link:
        label = site_name or "the original"
        parts.append(f"<p><strong>Source:</strong> {link_html(link, label)}</p>")
    if outlets:
        links = ", ".join(link_html(o.url, o.site) for o in outlets)
        parts.append(f"<p><strong>Also carried by:</strong> {links}</p>")
    if parts:
        parts.append("<hr/>")
    if body:
        parts.append(body)
    if truncated:
        original = link_html(link, "the original")
        parts.append(f"<p><em>Text shortened here; read the rest at {original}.</em></p>")
    return "\n".join(parts) or "<p></p>"


# -- feedgen ---------------------------------------------------------------------------------------


class _RssNamespaces(BaseExtension):
    """Declares ``dc`` and ``hotline`` on the RSS root so items can use them."""

    def extend_ns(self) -> dict[str, str]:
        return {"dc": _DC_NS, "hotline": HOTLINE_NS}


class _AtomNamespaces(BaseExtension):
    """Declares ``hotline`` on the Atom root."""

    def extend_ns(self) -> dict[str, str]:
        return {"hotline": HOTLINE_NS}


class _EntryExtras(BaseEntryExtension):
    """What feedgen does not write for us.

    RSS 2.0 lacks ``dc:creator`` (its ``author`` must be an e-mail) and ``atom:updated``. Atom gets
    one ``rel="related"`` link per other outlet: feedgen 1.0 drops the ``rel`` of entry links (the
    loop variable is shadowed in ``FeedEntry.atom_entry``), which would leave several "alternate"
    links. Both get ``hotline:reason`` (and RSS ``hotline:outlet``), foreign elements readers skip,
    so the XSL page can show why an entry is there without parsing the escaped HTML content.
    """

    def __init__(self) -> None:
        self.creator: str | None = None
        self.updated: datetime | None = None
        self.reason: str = ""
        self.related: tuple[OutletLink, ...] = ()

    def extend_rss(self, item):  # type: ignore[no-untyped-def]
        if self.creator:
            xml_elem(f"{{{_DC_NS}}}creator", item).text = self.creator
        if self.updated:
            xml_elem(f"{{{_ATOM_NS}}}updated", item).text = self.updated.isoformat()
        self._add_reason(item)
        for outlet in self.related:
            xml_elem(f"{{{HOTLINE_NS}}}outlet", item, href=outlet.url).text = outlet.site
        return item

    def extend_atom(self, entry):  # type: ignore[no-untyped-def]
        for outlet in self.related:  # un-namespaced, like feedgen's own Atom elements
            xml_elem("link", entry, href=outlet.url, rel="related", title=outlet.site)
        self._add_reason(entry)
        return entry

    def _add_reason(self, element):  # type: ignore[no-untyped-def]
        if self.reason:
            xml_elem(f"{{{HOTLINE_NS}}}reason", element).text = self.reason


def _generator(feed: PreparedFeed) -> FeedGenerator:
    generator = FeedGenerator()
    # Namespace declarations only; each entry registers its own _EntryExtras before it is added.
    generator.register_extension("hotline_rss", _RssNamespaces, BaseEntryExtension, atom=False, rss=True)
    generator.register_extension("hotline_atom", _AtomNamespaces, BaseEntryExtension, atom=True, rss=False)
    generator.id(feed.id)
    generator.title(feed.title)
    generator.description(feed.description)
    if feed.self_link:
        generator.link(href=feed.self_link, rel="self")
    generator.link(href=feed.link, rel="alternate")  # RSS takes the last link as its <link>
    generator.language(feed.language)
    if feed.logo:
        generator.logo(feed.logo)
    generator.updated(feed.updated)
    generator.generator(GENERATOR, uri=PROJECT_URL)
    for entry in feed.entries:
        try:
            generator.add_entry(_feed_entry(entry), order="append")
        except Exception as exc:  # feedgen rejected something we did not foresee: leave the entry out
            logger.warning("feed entry %r left out by feedgen: %s", entry.id, exc)
    return generator


def _feed_entry(entry: PreparedEntry) -> FeedEntry:
    item = FeedEntry()
    item.register_extension("hotline", _EntryExtras)  # before add_entry, which then keeps this one
    item.id(entry.id)  # Atom id and RSS guid isPermaLink="false"
    item.title(entry.title)
    if entry.link:
        item.link(href=entry.link, rel="alternate")
    item.hotline.related = entry.outlets
    item.published(entry.published)
    item.updated(entry.updated)
    if entry.author:
        item.author(name=entry.author)
        item.hotline.creator = entry.author
    item.hotline.updated = entry.updated
    item.hotline.reason = entry.reason
    item.content(entry.content_html, type="html")
    item.summary(escape(entry.summary), type="html")  # RSS readers take <description> as HTML
    for term in entry.categories:
        item.category(term=term)
    if entry.site_name and entry.site_url:
        item.source(url=entry.site_url, title=entry.site_name)
    # Build both forms now so a problem shows here, for this entry alone, not when the feed is written.
    item.atom_entry()
    item.rss_entry()
    return item


def _with_stylesheet(document: bytes) -> bytes:
    """Insert the ``xml-stylesheet`` instruction after the XML declaration."""
    end = document.index(b"?>") + 2
    instruction = f'\n<?xml-stylesheet type="text/xsl" href="{STYLESHEET}"?>'.encode()
    return document[:end] + instruction + document[end:]


# -- JSON Feed -------------------------------------------------------------------------------------


def _json_item(entry: PreparedEntry) -> dict[str, object]:
    item: dict[str, object] = {"id": entry.id}
    if entry.link:
        item["url"] = entry.link
    item["title"] = entry.title
    item["content_html"] = entry.content_html
    item["summary"] = entry.summary
    if entry.image:
        item["image"] = entry.image
    item["date_published"] = entry.published.isoformat()
    item["date_modified"] = entry.updated.isoformat()
    if entry.author:
        item["authors"] = [{"name": entry.author}]
    if entry.categories:
        item["tags"] = list(entry.categories)
    if entry.language:
        item["language"] = entry.language
    extension: dict[str, object] = {"about": PROJECT_URL, "reason": entry.reason}
    if entry.site_name:
        extension["source"] = {"name": entry.site_name, "url": entry.site_url}
    extension["outlets"] = [
        {
            "site": o.site,
            "url": o.url,
            "title": o.title,
            "published": o.published.isoformat() if o.published else None,
        }
        for o in entry.outlets
    ]
    item["_hotline"] = extension
    return item
