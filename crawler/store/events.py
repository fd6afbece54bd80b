"""``store.events``: each story's event record, cached by story version, for the analyst's view.

A story's event is recomputed only when its ``updated`` moved past the cached ``story_updated``, so a
rebuild reads a few new or grown stories' articles, not the whole store's text. Records are stored as
JSON; the crawler's service layer computes them (crawler.core.events), the store only keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select

from crawler.store.engine import Database
from crawler.store.feedrows import _COLUMNS, FeedArticle, FeedStory, _article
from crawler.store.schema import articles, events, stories


class EventRows:
    """Read stories whose event is missing or stale, save events, read every event back."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def stale(self, *, threshold: float, limit: int = 500) -> list[FeedStory]:
        """Up to ``limit`` stories (with an article at or above ``threshold``) whose event is missing or
        older than the story, oldest first, each with its shown articles (oldest first)."""
        relevant = (
            select(articles.c.id)
            .where(articles.c.story_id == stories.c.id, articles.c.score >= threshold)
            .exists()
        )
        query = (
            select(stories)
            .outerjoin(events, events.c.story_id == stories.c.id)
            .where(relevant, (events.c.story_id.is_(None)) | (stories.c.updated > events.c.story_updated))
            .order_by(stories.c.updated, stories.c.id)
            .limit(limit)
        )
        with self.db.read() as conn:
            found = [dict(row) for row in conn.execute(query).mappings()]
        return self._with_members(found, threshold)

    def stories(self, story_ids: Iterable[str], *, threshold: float) -> list[FeedStory]:
        """The named stories with their articles at or above ``threshold`` (for their pages)."""
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return []
        with self.db.read() as conn:
            found = [
                dict(row) for row in conn.execute(select(stories).where(stories.c.id.in_(ids))).mappings()
            ]
        return self._with_members(found, threshold)

    def _with_members(self, found: list[dict[str, Any]], threshold: float) -> list[FeedStory]:
        if not found:
            return []
        by_story: dict[str, list[FeedArticle]] = {}
        with self.db.read() as conn:
            for start in range(0, len(found), 500):
                chunk = [s["id"] for s in found[start : start + 500]]
                rows = conn.execute(
                    select(*_COLUMNS)
                    .where(articles.c.story_id.in_(chunk), articles.c.score >= threshold)
                    .where(articles.c.duplicate_of.is_(None))
                    .order_by(articles.c.first_seen, articles.c.id)
                ).mappings()
                for row in rows:
                    by_story.setdefault(row["story_id"], []).append(_article(row))
        result = []
        for story in found:
            members = by_story.get(story["id"], [])
            if members:
                lead = next((a for a in members if a.id == story["lead_article_id"]), members[0])
                head = {name: story[name] for name in ("id", "title", "first_seen", "updated")}
                result.append(FeedStory(**head, lead=lead, articles=tuple(members)))
        return result

    def save(
        self, story_id: str, story_updated: datetime, event_date: str | None, kind: str | None, record: str
    ) -> None:
        """Insert or replace a story's event record."""
        values = {
            "story_updated": story_updated,
            "event_date": date.fromisoformat(event_date) if event_date else None,
            "kind": kind,
            "record": record,
        }
        statement = self.db.insert(events).values(story_id=story_id, **values)
        with self.db.write() as conn:
            conn.execute(statement.on_conflict_do_update(index_elements=["story_id"], set_=values))

    def all(self) -> list[tuple[str, str]]:
        """(story id, record JSON) of every event whose story still exists, by event date."""
        query = (
            select(events.c.story_id, events.c.record)
            .join(stories, stories.c.id == events.c.story_id)
            .order_by(events.c.event_date, events.c.story_id)
        )
        with self.db.read() as conn:
            return [(row.story_id, row.record) for row in conn.execute(query)]

    def count_and_sample(self) -> tuple[int, str | None]:
        """How many events there are (of existing stories), and one record (its rules are all's)."""
        with self.db.read() as conn:
            count = conn.execute(
                select(func.count()).select_from(events.join(stories, stories.c.id == events.c.story_id))
            ).scalar_one()
            sample = conn.execute(select(events.c.record).limit(1)).scalar()
        return int(count), sample

    def clear(self) -> int:
        """Forget every cached event (the rules they were read with changed); how many."""
        with self.db.write() as conn:
            return conn.execute(delete(events)).rowcount or 0

    def prune(self) -> int:
        """Drop the events of stories that are gone (merged or removed); how many."""
        gone = select(stories.c.id).where(stories.c.id == events.c.story_id).exists()
        with self.db.write() as conn:
            return conn.execute(delete(events).where(~gone)).rowcount or 0
