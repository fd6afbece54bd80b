"""Revising a stored article in place: new text from a re-extraction, its story decided again.

``hotline reextract`` runs today's stages over kept pages. An article whose record changed keeps its
row (its id, first-seen time and every URL spelling, so feed entry ids and copies pointing at it stay
valid); its columns are rewritten, its fingerprint bands replaced, and a relevant one is placed again
with the same decision a new article gets (``crawler.core.placement``). All in one write transaction
under the story lock, like ``stories.place``: a re-extraction killed halfway, or racing a crawl,
leaves every article in exactly one consistent state.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Connection

from crawler.core.records import Article
from crawler.store.articles import StoredArticle, _earlier, article_row, stored_article
from crawler.store.engine import STORY_LOCK, Database
from crawler.store.placement import Stories
from crawler.store.schema import articles, fingerprint_bands, stories

if TYPE_CHECKING:
    from crawler.core.features import EventFeatures
    from crawler.core.findings import Findings

# what a re-extraction may rewrite: never the identity (id, canonical URL) nor when it was first seen
_KEPT = ("canonical_url", "first_seen")


class Revisions:
    """``store.revisions``: rewrite a stored article from a new extraction and re-place it."""

    def __init__(self, db: Database, stories_part: Stories) -> None:
        self.db = db
        self.stories = stories_part

    def current(self, urls: Iterable[str]) -> StoredArticle | None:
        """The stored article any of ``urls`` (canonical spellings) belongs to, or None."""
        with self.db.read() as conn:
            for url in sorted(urls):
                article_id = self.stories.articles.id_of(conn, url)
                if article_id is not None:
                    row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings().one()
                    return stored_article(row)
        return None

    def revise(
        self,
        article_id: int,
        article: Article,
        source: str,
        findings: Findings,
        *,
        urls: Iterable[str] = (),
        fetched_at: datetime | None = None,
    ) -> str | None:
        """Rewrite article ``article_id`` from ``article`` and the stages' ``findings``; place it again
        when ``findings.placed`` (a relevant article). Its story id afterwards (None: in none); the
        article gone meanwhile changes nothing."""
        from crawler.core.placement import Copied, place

        event = findings.features if findings.placed else None
        row, spellings = article_row(article, source, findings, urls, fetched_at)
        for name in _KEPT:
            row.pop(name)
        row.update(story_id=None, duplicate_of=None)
        with self.db.write() as conn:
            self.db.lock(conn, STORY_LOCK)
            old = conn.execute(
                select(articles.c.story_id, articles.c.first_seen).where(articles.c.id == article_id)
            ).first()
            if old is None:
                return None
            conn.execute(update(articles).where(articles.c.id == article_id).values(**row))
            conn.execute(delete(fingerprint_bands).where(fingerprint_bands.c.article_id == article_id))
            self.stories.articles._remember(conn, article_id, spellings)
            conn.execute(self.stories.articles._clear_failures, {"urls": sorted(spellings)})
            story_id = None
            if event is not None:
                story_id = self._place(conn, article_id, article, event, row, Copied, place)
            copies = articles.c.duplicate_of == article_id
            if story_id is None:  # off the beat now: its copies stand on their own
                conn.execute(update(articles).where(copies).values(duplicate_of=None))
            else:  # copies follow their original
                conn.execute(update(articles).where(copies).values(story_id=story_id))
            touched = {story_id, old.story_id} - {None}
            if old.story_id is not None:  # with this article gone or changed, the rest may fall apart
                touched |= set(self.stories.regroup(conn, old.story_id))
                if story_id is not None:
                    story_id = conn.execute(
                        select(articles.c.story_id).where(articles.c.id == article_id)
                    ).scalar()
            for story in sorted(touched):
                self._refresh(conn, story, old.first_seen)
        return story_id

    def _place(
        self,
        conn: Connection,
        article_id: int,
        article: Article,
        event: EventFeatures,
        row: dict[str, Any],
        copied_type: Any,
        place: Any,
    ) -> str:
        """The placement of ``stories.place``, for a row that exists: bands, copy, story, lead."""
        fp = event.fingerprint
        features = row.get("features") or event.to_json()
        fingerprint = row.get("fingerprint") or fp.to_bytes()
        day = row.get("event_date") or (date.fromisoformat(event.date) if event.date else None)
        keys = fp.band_keys()
        original = self.stories._original_of(conn, fp, keys)
        if original is not None and int(original["id"]) == article_id:
            original = None  # its own copy led back to it
        if keys:
            conn.execute(
                self.db.insert(fingerprint_bands).on_conflict_do_nothing(),
                [{"band_key": key, "article_id": article_id} for key in keys],
            )
        copied = None
        if original is not None:
            later = _earlier(article.published, original["published"])
            copied = copied_type(int(original["id"]), original["story_id"], published_later=later)
        candidates = self.stories._story_candidates(conn, day, article_id)
        decision = place(article, event, copied, candidates, lambda sid: self.stories._founded(conn, sid))
        if decision.merged:
            self.stories.merge(conn, decision.story_id, decision.merged, datetime.now(UTC))
        if decision.supersedes is not None:
            group = or_(articles.c.id == decision.supersedes, articles.c.duplicate_of == decision.supersedes)
            in_story = articles.c.story_id == decision.story_id
            conn.execute(update(articles).where(in_story, group).values(duplicate_of=article_id))
        conn.execute(
            update(articles)
            .where(articles.c.id == article_id)
            .values(
                story_id=decision.story_id,
                duplicate_of=decision.duplicate_of,
                features=features,
                fingerprint=fingerprint,
                event_date=day,
            )
        )
        return decision.story_id

    def _refresh(self, conn: Connection, story_id: str, first_seen: datetime) -> None:
        """Re-elect the story's lead and title, keeping when it was last updated; drop an empty story."""
        members = conn.execute(
            select(func.count()).select_from(articles).where(articles.c.story_id == story_id)
        ).scalar_one()
        if not members:
            conn.execute(delete(stories).where(stories.c.id == story_id))
            return
        updated = conn.execute(select(stories.c.updated).where(stories.c.id == story_id)).scalar()
        self.stories._refresh_story(conn, story_id, updated or first_seen)
