"""Store rows → feed entries: the ids, times, links and "why" line of each story and article.

Ids come from the store's stable keys (story id, canonical URL), never from row numbers or build
times, so a rebuilt feed repeats its ids and an item never comes back as new; every time an entry
carries comes from the store too.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from crawler.core.dates import parse_date
from crawler.core.outlets import distinct_outlets, outlet_name
from crawler.core.reasons import reason_line, words
from crawler.core.records import Article
from crawler.store import FeedArticle, FeedStory, Store
from feeds.model import Entry, Outlet, Replaced

logger = logging.getLogger(__name__)
MERGED_UNKNOWN = datetime(1970, 1, 1, tzinfo=UTC)  # a merge whose time the store lacks sorts first


def article_entry_id(canonical_url: str) -> str:
    return "urn:hotline:article:" + hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:20]


def story_entry_id(story_id: str) -> str:
    return "urn:hotline:story:" + story_id


def founded_story_id(canonical_url: str) -> str:
    """The story id an article founds, for an article in no story yet.

    Why: shown under this id, a relevant article the story stage has not placed keeps its id when
    the stage later makes it the founder of its own story, so the reader does not see it twice.
    Same formula as ``crawler.core.stories.new_story_id`` (a test holds them together), which is not
    imported because it pulls in numpy (about a tenth of a second per rebuild).
    """
    return "story-" + hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


def parse_when(value: Any, fallback: datetime) -> datetime:
    """An ISO date or datetime from the store as an aware datetime (UTC when it has no zone)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        return parse_date(value) or fallback
    return fallback


def _reason(article: FeedArticle) -> str:
    """``relevance 0.91: who: Austin, Dong Jun · act: video call`` (the wording of ``Score.explanation``)."""
    if article.score is None:
        return ""
    return f"relevance {float(article.score):.2f}: {reason_line(article.matched)}"


def _published(article: FeedArticle) -> datetime:
    """When the article appeared: its own date, never later than when we first saw it."""
    return min(parse_when(article.published, article.first_seen), article.first_seen)


def _link(article: FeedArticle) -> str:
    """The article's canonical URL (tracking parameters dropped, the AMP page's canonical page), else
    the URL it was fetched from."""
    canonical = article.canonical_url or ""
    return canonical if canonical.startswith(("http://", "https://")) else article.url


def _as_article(article: FeedArticle) -> Article:
    return Article(
        url=article.url,
        canonical_url=_link(article),
        title=article.title,
        text="",
        site_name=article.site_name,
    )


def _outlet(article: FeedArticle) -> Outlet:
    return Outlet(
        site=outlet_name(_as_article(article), article.source),
        url=_link(article),
        title=article.title or "",
        published=_published(article),
    )


def article_entry(
    article: FeedArticle,
    *,
    entry_id: str | None = None,
    updated: datetime | None = None,
    outlets: tuple[Outlet, ...] = (),
) -> Entry:
    """One stored article as a feed entry; a story entry is its lead article with the other outlets."""
    return Entry(
        id=entry_id or article_entry_id(article.canonical_url),
        title=article.title or _link(article),
        link=_link(article),
        published=_published(article),
        updated=updated or article.first_seen,
        text=article.text or "",
        summary=article.description or "",
        author=article.author,
        site_name=outlet_name(_as_article(article), article.source),
        language=article.language,
        image=article.image,
        categories=words(article.matched),
        reason=_reason(article),
        outlets=outlets,
    )


def story_entry(story: FeedStory) -> Entry:
    """A story: its lead article's title, link and text, every other outlet, updated when one joins.

    ``updated`` is the later of the story's own ``updated`` and its newest shown article's first
    sighting, so a new outlet moves it on even if the story stage did not touch the story row;
    ``published`` is its earliest article's, so it never moves.
    """
    lead, members = story.lead, story.articles
    wrapped = [(_as_article(a), a) for a in members]
    by_article = {id(w): a for w, a in wrapped}
    lead_article = next(w for w, a in wrapped if a is lead)
    kept = distinct_outlets(lead_article, [w for w, a in wrapped if a is not lead])  # each outlet once
    others = tuple(_outlet(by_article[id(w)]) for w in kept)
    best = max(members, key=lambda a: a.score or 0.0)
    updated = max([story.updated, *(a.first_seen for a in members)])
    entry = article_entry(lead, entry_id=story_entry_id(story.id), updated=updated, outlets=others)
    reason = _reason(best)
    if others:
        reason += f" · {len(others) + 1} outlets"
    entry = replace(entry, site_name=outlet_name(lead_article, lead.source), categories=words(best.matched))
    return replace(entry, reason=reason, published=min(_published(a) for a in members))


def story_entries(store: Store, limit: int, threshold: float) -> list[Entry]:
    """The story view: stories with a relevant article, plus relevant articles in no story, newest first.

    An article the story stage has not placed (stored before it ran, or below its own threshold but
    above the feed's) is a story of one, under the id it would found, so it is never missing.
    """
    entries = _entries(story_entry, store.feed.stories(limit=limit, threshold=threshold))
    taken = {e.id for e in entries}
    # With the feed full of stories, an article seen before the oldest of them cannot get in.
    since = min(e.updated for e in entries) if len(entries) >= limit else None
    for article in store.feed.unassigned(limit=limit, threshold=threshold, since=since):
        try:
            entry = article_entry(article, entry_id=story_entry_id(founded_story_id(article.canonical_url)))
        except Exception as exc:  # one odd row must not stop the feed
            logger.warning("article %r left out of the story feed: %s", article.canonical_url, exc)
            continue
        if entry.id not in taken:
            taken.add(entry.id)
            entries.append(entry)
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return entries[:limit]


def replaced_entries(store: Store, shown: Iterable[Entry], limit: int) -> tuple[Replaced, ...]:
    """Story entries merged into one that is shown: a reader that had one drops it for its survivor."""
    shown_ids = {e.id for e in shown}
    replaced = []
    for merged_id, into_id, when in store.stories.merges(limit=4 * limit):
        by = story_entry_id(into_id)
        if by in shown_ids:
            replaced.append(Replaced(story_entry_id(merged_id), by, parse_when(when, MERGED_UNKNOWN)))
    return tuple(replaced)


def article_entries(store: Store, limit: int, threshold: float) -> list[Entry]:
    """The article view: every relevant article on its own, newest first."""
    entries = _entries(article_entry, store.feed.articles(limit=limit, threshold=threshold))
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return entries


def _entries(build: Callable[[Any], Entry], rows: Iterable[FeedArticle | FeedStory]) -> list[Entry]:
    """Build one entry per row; a row that cannot be shown is logged and left out."""
    entries = []
    for row in rows:
        try:
            entries.append(build(row))
        except Exception as exc:  # a row the schema allows but we cannot show (a bug): skip it, say so
            logger.warning("feed row %r left out: %s: %s", row.id, type(exc).__name__, exc)
    return entries
