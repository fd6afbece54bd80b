"""``store.events``: each story's event record, cached by story version, for the analyst's view.

A story's event is recomputed only when its ``updated`` moved past the cached ``story_updated``, so a
rebuild reads a few new or grown stories' articles, not the whole store's text. Records are stored as
JSON; the crawler's service layer computes them (crawler.core.events), the store only keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select

from crawler.store.engine import Database
from crawler.store.feedrows import _COLUMNS, FeedArticle, FeedStory, _article
from crawler.store.schema import articles, event_channels, events, stories

# One event on one channel, without its evidence: (channel, ISO date, story id, kind, approximate).
EventRow = tuple[str, str, str, str, bool]


class EventRows:
    """Read stories whose event is missing or stale, save events, read every event back."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def stale(self, *, threshold: float, limit: int = 500) -> list[FeedStory]:
        """Up to ``limit`` stories (with an article at or above ``threshold``) whose event is missing or
        older than the story, oldest first, each with its shown articles (oldest first)."""
        # Stale first, relevance then only for those: checked on every story, the relevance test
        # (an article lookup each) was most of a rebuild's cost on a large store with nothing new.
        candidates = (
            select(stories.c.id)
            .outerjoin(events, events.c.story_id == stories.c.id)
            .where((events.c.story_id.is_(None)) | (stories.c.updated > events.c.story_updated))
            .order_by(stories.c.updated, stories.c.id)
        )
        chosen: list[str] = []
        with self.db.read() as conn:
            ids = [row[0] for row in conn.execute(candidates).cursor.fetchall()]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                relevant = conn.execute(
                    select(articles.c.story_id)
                    .where(articles.c.story_id.in_(chunk), articles.c.score >= threshold)
                    .distinct()
                ).scalars()
                keep = set(relevant)
                chosen += [sid for sid in chunk if sid in keep][: limit - len(chosen)]
                if len(chosen) >= limit:
                    break
            query = select(stories).where(stories.c.id.in_(chosen)).order_by(stories.c.updated, stories.c.id)
            found = [dict(row) for row in conn.execute(query).mappings()] if chosen else []
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
        self,
        story_id: str,
        story_updated: datetime,
        event_date: str | None,
        kind: str | None,
        record: str,
        channels: Sequence[str] = (),
        approximate: bool = False,
    ) -> None:
        """Insert or replace a story's event record and its rows per channel."""
        day = date.fromisoformat(event_date) if event_date else None
        values = {"story_updated": story_updated, "event_date": day, "kind": kind, "record": record}
        statement = self.db.insert(events).values(story_id=story_id, **values)
        rows = [
            {"story_id": story_id, "channel": c, "event_date": day, "kind": kind, "approximate": approximate}
            for c in dict.fromkeys(channels)
        ]
        with self.db.write() as conn:
            conn.execute(statement.on_conflict_do_update(index_elements=["story_id"], set_=values))
            conn.execute(delete(event_channels).where(event_channels.c.story_id == story_id))
            if rows:
                conn.execute(event_channels.insert(), rows)

    def all(self) -> list[tuple[str, str]]:
        """(story id, record JSON) of every event whose story still exists, by event date."""
        query = (
            select(events.c.story_id, events.c.record)
            .join(stories, stories.c.id == events.c.story_id)
            .order_by(events.c.event_date, events.c.story_id)
        )
        with self.db.read() as conn:
            return [(row.story_id, row.record) for row in conn.execute(query)]

    def compact(self) -> list[EventRow]:
        """Every dated event on a channel, one row per (channel, story), by channel then date: read
        from ``event_channels``' covering index, so no record is decoded (the tracker reads them all).
        Rows of stories gone are dropped by ``prune``, which a rebuild runs first. Plain driver tuples:
        a row object per event would cost more than the query."""
        table = event_channels
        query = (
            select(table.c.channel, table.c.event_date, table.c.story_id, table.c.kind, table.c.approximate)
            .where(table.c.event_date.is_not(None), table.c.kind.is_not(None))
            .order_by(table.c.channel, table.c.event_date, table.c.story_id)
        )
        with self.db.read() as conn:
            rows = conn.execute(query).cursor.fetchall()
        return [
            (channel, day if isinstance(day, str) else day.isoformat(), story, kind, bool(approximate))
            for channel, day, story, kind, approximate in rows
        ]

    def ids(self) -> list[str]:
        """The story ids of every cached event whose story still exists."""
        query = select(events.c.story_id).join(stories, stories.c.id == events.c.story_id)
        with self.db.read() as conn:
            return [row[0] for row in conn.execute(query).cursor.fetchall()]

    def records(self, story_ids: Iterable[str]) -> dict[str, str]:
        """The record JSON of each of the named stories' events (those that have one)."""
        ids = list(dict.fromkeys(story_ids))
        found: dict[str, str] = {}
        with self.db.read() as conn:
            for start in range(0, len(ids), 500):
                query = select(events.c.story_id, events.c.record).where(
                    events.c.story_id.in_(ids[start : start + 500])
                )
                found.update((row.story_id, row.record) for row in conn.execute(query))
        return found

    def sample(self) -> str | None:
        """One record (every record was read with the same rules: a change clears them all first)."""
        with self.db.read() as conn:
            return conn.execute(select(events.c.record).limit(1)).scalar()

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
            conn.execute(delete(event_channels))
            return conn.execute(delete(events)).rowcount or 0

    def prune(self) -> int:
        """Drop the events of stories that are gone (merged or removed); how many."""
        gone = select(stories.c.id).where(stories.c.id == events.c.story_id).exists()
        rows_gone = select(stories.c.id).where(stories.c.id == event_channels.c.story_id).exists()
        with self.db.write() as conn:
            conn.execute(delete(event_channels).where(~rows_gone))
            return conn.execute(delete(events).where(~gone)).rowcount or 0

