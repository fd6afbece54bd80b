"""What the feeds show, read from the store: the newest relevant articles, and stories with their members.

Read-only, for ``crawler.service.publish``. Every query walks an index from the newest row and stops at
the feed's length, so a rebuild costs the same on a store of a thousand articles and of a hundred
thousand (``bench/feed.py`` measures it and prints the query plans).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from crawler.store.articles import decode_matched
from crawler.store.engine import Database
from crawler.store.schema import articles, stories


@dataclass(frozen=True, slots=True)
class FeedArticle:
    """A stored article as the feeds show it (no fingerprint or event features: the feeds need neither)."""

    id: int
    canonical_url: str
    url: str
    source: str
    title: str
    text: str
    published: str | None  # ISO 8601 date or datetime, as extracted
    author: str | None
    site_name: str | None
    language: str | None
    image: str | None
    description: str | None
    first_seen: datetime
    score: float | None
    matched: tuple[str, ...]  # the topic terms that made it relevant
    story_id: str | None


@dataclass(frozen=True, slots=True)
class FeedStory:
    """A story with its articles at or above the feed's threshold (oldest first) and the one leading it."""

    id: str
    title: str
    first_seen: datetime
    updated: datetime
    lead: FeedArticle
    articles: tuple[FeedArticle, ...]


_COLUMNS = tuple(articles.c[f.name] for f in fields(FeedArticle))


def _article(row: Any) -> FeedArticle:
    return FeedArticle(**{**row, "matched": decode_matched(row["matched"])})


class FeedRows:
    """``store.feed``: the rows behind the story view and the article view."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def articles(self, *, limit: int, threshold: float) -> list[FeedArticle]:
        """The newest ``limit`` articles scoring at least ``threshold``, newest first; a syndicated copy
        of an article (``duplicate_of``) is not an article of its own.

        Walks the ``first_seen`` index backwards and stops at ``limit``: the cost follows the feed's
        length, not the store's size.
        """
        query = (
            select(*_COLUMNS)
            .where(articles.c.score >= threshold, articles.c.duplicate_of.is_(None))  # copies collapse
            .order_by(articles.c.first_seen.desc(), articles.c.id.desc())
            .limit(limit)
        )
        with self.db.read() as conn:
            return [_article(row) for row in conn.execute(query).mappings()]

    def stories(self, *, limit: int, threshold: float) -> list[FeedStory]:
        """The ``limit`` most recently updated stories with an article scoring at least ``threshold``,
        each with its articles at or above the threshold; its lead is its ``lead_article_id`` when that
        one is shown, else its first shown article."""
        relevant = (
            select(articles.c.id)
            .where(articles.c.story_id == stories.c.id, articles.c.score >= threshold)
            .exists()
        )
        query = select(stories).where(relevant).order_by(stories.c.updated.desc(), stories.c.id).limit(limit)
        with self.db.read() as conn:
            found = [dict(row) for row in conn.execute(query).mappings()]
            if not found:
                return []
            members = conn.execute(
                select(*_COLUMNS)
                .where(articles.c.story_id.in_([s["id"] for s in found]), articles.c.score >= threshold)
                .order_by(articles.c.first_seen, articles.c.id)
            ).mappings()
            by_story: dict[str, list[FeedArticle]] = {}
            for row in members:
                by_story.setdefault(row["story_id"], []).append(_article(row))
        result = []
        for story in found:
            members_of = by_story.get(story["id"], [])
            if not members_of:
                continue
            lead = next((a for a in members_of if a.id == story["lead_article_id"]), members_of[0])
            head = {name: story[name] for name in ("id", "title", "first_seen", "updated")}
            result.append(FeedStory(**head, lead=lead, articles=tuple(members_of)))
        return result

    def unassigned(
        self, *, limit: int, threshold: float, since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """The newest ``limit`` articles scoring at least ``threshold`` that belong to no story
        (first seen at or after ``since``), newest first; the story view shows them as stories of one.

        Walks the ``first_seen`` index backwards, from now to ``since``: ``coalesce`` keeps SQLite off
        the ``story_id`` index, where "no story" would match every unscored and off-topic article.
        """
        query = (
            select(*_COLUMNS)
            .where(articles.c.score >= threshold, func.coalesce(articles.c.story_id, "") == "")
            .order_by(articles.c.first_seen.desc(), articles.c.id.desc())
            .limit(limit)
        )
        if since is not None:
            query = query.where(articles.c.first_seen >= since)
        with self.db.read() as conn:
            return [_article(row) for row in conn.execute(query).mappings()]
