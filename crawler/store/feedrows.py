"""What the feeds show, read from the store: the newest relevant articles, and stories with their members.

Read-only, for ``crawler.service.publish``. Every query walks an index from the newest row and stops at
the feed's length, so a rebuild costs the same on a store of a thousand articles and of a hundred
thousand (``bench/feed.py`` measures it and prints the query plans).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from crawler.store.articles import decode_row
from crawler.store.engine import Database
from crawler.store.schema import articles, stories


class FeedRows:
    """``store.feed``: the rows behind the story view and the article view."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def articles(self, *, limit: int, threshold: float) -> list[dict[str, Any]]:
        """The newest ``limit`` articles scoring at least ``threshold``, newest first; a syndicated copy
        of an article (``duplicate_of``) is not an article of its own.

        Walks the ``first_seen`` index backwards and stops at ``limit``: the cost follows the feed's
        length, not the store's size.
        """
        query = (
            select(articles)
            .where(articles.c.score >= threshold, articles.c.duplicate_of.is_(None))  # copies collapse
            .order_by(articles.c.first_seen.desc(), articles.c.id.desc())
            .limit(limit)
        )
        with self.db.read() as conn:
            return [decode_row(row) for row in conn.execute(query).mappings()]

    def stories(self, *, limit: int, threshold: float) -> list[dict[str, Any]]:
        """The ``limit`` most recently updated stories with an article scoring at least ``threshold``.

        Each story is a dict: id, title, first_seen, updated, ``lead`` (an article dict) and
        ``articles`` (its articles at or above the threshold, oldest first).
        """
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
                select(articles)
                .where(articles.c.story_id.in_([s["id"] for s in found]), articles.c.score >= threshold)
                .order_by(articles.c.first_seen, articles.c.id)
            ).mappings()
            by_story: dict[str, list[dict[str, Any]]] = {}
            for row in members:
                by_story.setdefault(row["story_id"], []).append(decode_row(row))
        result = []
        for story in found:
            members_of = by_story.get(story["id"], [])
            if not members_of:
                continue
            lead = next((a for a in members_of if a["id"] == story["lead_article_id"]), members_of[0])
            result.append({**story, "lead": lead, "articles": members_of})
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
            select(articles)
            .where(articles.c.score >= threshold, func.coalesce(articles.c.story_id, "") == "")
            .order_by(articles.c.first_seen.desc(), articles.c.id.desc())
            .limit(limit)
        )
        if since is not None:
            query = query.where(articles.c.first_seen >= since)
        with self.db.read() as conn:
            return [decode_row(row) for row in conn.execute(query).mappings()]
