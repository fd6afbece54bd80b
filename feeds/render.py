"""Prepared feeds → Atom 1.0 and RSS 2.0 bytes via feedgen.

Output depends only on the records: rebuilding from the same records gives the same bytes. No
XSLT stylesheet instruction: browsers are dropping XSLT, so a browser gets the feed's HTML page
instead (``feeds.page``, chosen by the server from the request's ``Accept``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from feeds.model import Feed, Outlet, Replaced
from feeds.prepare import GENERATOR, PROJECT_URL, PreparedEntry, PreparedFeed, prepare_feed
from feeds.sanitize import escape

logger = logging.getLogger(__name__)

_ATOM_NS = "http://www.w3.org/2005/Atom"
_DC_NS = "http://purl.org/dc/elements/1.1/"
HOTLINE_NS = "https://github.com/hotline-news/hotline/ns/1"  # hotline:reason, hotline:outlet
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"  # at:deleted-entry: an entry id merged away


def render_atom(feed: Feed, *, self_link: str | None = None) -> bytes:
    """Atom 1.0 bytes (UTF-8) for ``feed``.

    ``self_link`` overrides ``feed.self_link`` so each file of a set can name its own URL.
    """
    prepared = prepare_feed(feed, self_link=self_link)
    return _generator(prepared).atom_str(pretty=True, encoding="UTF-8")


def render_rss(feed: Feed, *, self_link: str | None = None) -> bytes:
    """RSS 2.0 bytes (UTF-8) for ``feed``."""
    prepared = prepare_feed(feed, self_link=self_link)
    return _generator(prepared).rss_str(pretty=True, encoding="UTF-8")


class _RssNamespaces(BaseExtension):
    """Declares ``dc`` and ``hotline`` on the RSS root so items can use them."""

    def extend_ns(self) -> dict[str, str]:
        return {"dc": _DC_NS, "hotline": HOTLINE_NS}


class _AtomNamespaces(BaseExtension):
    """Declares ``hotline`` on the Atom root; writes a tombstone per merged-away entry (RFC 6721)."""

    def __init__(self) -> None:
        self.replaced: tuple[Replaced, ...] = ()

    def extend_ns(self) -> dict[str, str]:
        return {"hotline": HOTLINE_NS, "at": TOMBSTONES_NS}

    def extend_atom(self, feed):  # type: ignore[no-untyped-def]
        for item in self.replaced:
            gone = xml_elem(
                f"{{{TOMBSTONES_NS}}}deleted-entry", feed, ref=item.id, when=item.when.isoformat()
            )
            xml_elem(f"{{{TOMBSTONES_NS}}}comment", gone).text = f"merged into {item.by}"
            xml_elem(f"{{{HOTLINE_NS}}}replaced-by", gone, ref=item.by)
        return feed


class _EntryExtras(BaseEntryExtension):
    """What feedgen does not write for us.

    RSS 2.0 lacks ``dc:creator`` (its ``author`` must be an e-mail) and ``atom:updated``. Atom gets
    one ``rel="related"`` link per other outlet: feedgen 1.0 drops the ``rel`` of entry links (the
    loop variable is shadowed in ``FeedEntry.atom_entry``), which would leave several "alternate"
    links. Both get ``hotline:reason`` (and RSS ``hotline:outlet``), foreign elements readers skip,
    so a consumer can show why an entry is there without parsing the escaped HTML content.
    """

    def __init__(self) -> None:
        self.creator: str | None = None
        self.updated: datetime | None = None
        self.reason: str = ""
        self.related: tuple[Outlet, ...] = ()

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
    generator.hotline_atom.replaced = feed.replaced
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
