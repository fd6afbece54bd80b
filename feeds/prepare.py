"""Feed records made safe to publish: every string cleaned, every URL checked, the HTML content built.

Every string is cleaned before it reaches feedgen (which raises on characters XML cannot carry) and
each entry is prepared on its own, so one bad entry is logged and left out instead of stopping the
feed. The three formats and the index page are all written from these prepared records, so they
show the same entries with the same text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from feeds.model import Entry, Feed, Outlet, Replaced
from feeds.sanitize import escape, link_html, one_line, paragraphs, safe_url, shorten, text_to_html

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 100_000  # article text kept per entry; the rest is a link to the original
SUMMARY_CHARS = 300
GENERATOR = "hotline"
PROJECT_URL = "https://github.com/hotline-news/hotline"


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
    outlets: tuple[Outlet, ...]
    language: str | None
    image: str | None
    page: str | None = None  # the story page


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
    replaced: tuple[Replaced, ...] = ()


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
        replaced=_replaced(feed.replaced, entries),
    )


def _replaced(replaced: Iterable[Replaced], entries: tuple[PreparedEntry, ...]) -> tuple[Replaced, ...]:
    """Tombstones for merged-away ids whose replacement is shown, never for an id still shown."""
    shown = {e.id for e in entries}
    kept = {}
    for item in replaced:
        old, by = one_line(item.id, 1000), one_line(item.by, 1000)
        if old and by in shown and old not in shown and isinstance(item.when, datetime):
            kept.setdefault(old, Replaced(old, by, _aware(item.when)))
    return tuple(kept.values())


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
    page = safe_url(getattr(entry, "page", None))
    if page:
        to_page = link_html(page, "story page")
        body = f"<p><strong>Event, channels and both readouts:</strong> {to_page}</p>\n" + body
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
        page=page,
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


def _outlets(entry: Entry, own_link: str | None) -> tuple[Outlet, ...]:
    result: dict[str, Outlet] = {}
    for outlet in entry.outlets:
        url = safe_url(outlet.url)
        if url is None or url == own_link or url in result:
            continue
        site = one_line(outlet.site, 200) or urlsplit(url).netloc
        published = _aware(outlet.published) if isinstance(outlet.published, datetime) else None
        result[url] = Outlet(site=site, url=url, title=one_line(outlet.title, 500), published=published)
    return tuple(result.values())


def _content_html(
    reason: str,
    outlets: tuple[Outlet, ...],
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
