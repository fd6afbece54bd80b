"""Placing a relevant article in its story: the SQL side (candidates, copies, writes) of one transaction.

Lookup and writes hold the write lock together (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL), so two crawl processes storing one event's articles at once still make one story.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Connection

from crawler.core.records import Article
from crawler.store.articles import Articles, _earlier, article_row
from crawler.store.engine import STORY_LOCK, Database
from crawler.store.schema import (
    ARTICLE_COLUMNS,
    ARTICLE_FIELDS,
    articles,
    fingerprint_bands,
    stories,
    story_merges,
)

if TYPE_CHECKING:  # the story stage's records; imported where used, so opening a store stays light
    from crawler.core.dedup import Fingerprint
    from crawler.core.features import EventFeatures
    from crawler.core.findings import Findings

# Articles per story that a new article is compared with (its newest originals). Linking is exact (and
# so independent of arrival order) for stories of up to this many originals in the window.
STORY_SAMPLE = 32
COPY_CANDIDATES = 32  # stored texts a new one is compared with: those sharing the most LSH bands with it
# what deciding which of two copies is the original needs
_COPY_COLUMNS = (articles.c.id, articles.c.story_id, articles.c.duplicate_of, articles.c.published)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where ``stories.place`` put a new article: its story, the original it copies, the lead."""

    article_id: int
    story_id: str
    duplicate_of: int | None  # the original's id when the text is a near duplicate of a stored one
    new_story: bool
    lead_article_id: int
    merged: tuple[str, ...] = ()  # stories this article linked to the one above: merged into it


class Stories:
    """``store.stories``: store a relevant article and place it in its story, in one transaction."""

    def __init__(self, db: Database, articles_part: Articles) -> None:
        self.db = db
        self.articles = articles_part

    def place(
        self,
        article: Article,
        source: str,
        findings: Findings,
        *,
        urls: Iterable[str] = (),
        fetched_at: datetime | None = None,
    ) -> Placement | None:
        """Store a relevant article and place it in its story, in one write transaction; None if known.

        Here the facts are read and the decisions written; ``crawler.core.placement`` makes them. The
        near copy is looked up through the band index, the candidate stories (only when the decision
        needs them) by one range query on the ``event_date`` index within ``STORY_WINDOW_DAYS``; then
        the story's lead (``elect_lead``: a copy never leads), title and ``updated`` are refreshed.
        ``findings`` are the later stages' (``findings.placed``: its event features are set).
        """
        from crawler.core.placement import Copied, place

        event = findings.features
        if event is None:
            raise ValueError("place: an article without event features is stored by articles.add")
        row, spellings = article_row(article, source, findings, urls, fetched_at)
        fp = event.fingerprint
        row["fingerprint"] = row["fingerprint"] or fp.to_bytes()
        if row["event_date"] is None and event.date:
            row["event_date"] = date.fromisoformat(event.date)
        keys = fp.band_keys()
        with self.db.write() as conn:
            self.db.lock(conn, STORY_LOCK)
            article_id = self.articles.insert(conn, row, spellings)
            if article_id is None:
                return None
            original = self._original_of(conn, fp, keys)
            if keys:
                conn.execute(
                    self.db.insert(fingerprint_bands).on_conflict_do_nothing(),
                    [{"band_key": key, "article_id": article_id} for key in keys],
                )
            copied = None
            if original is not None:
                later = _earlier(article.published, original["published"])
                copied = Copied(int(original["id"]), original["story_id"], published_later=later)
            candidates = self._story_candidates(conn, row.get("event_date"), article_id)
            decision = place(article, event, copied, candidates, lambda sid: self._founded(conn, sid))
            if decision.merged:
                self.merge(conn, decision.story_id, decision.merged, row["first_seen"])
            if decision.supersedes is not None:  # published first: the group now copies this article
                group = or_(
                    articles.c.id == decision.supersedes, articles.c.duplicate_of == decision.supersedes
                )
                in_story = articles.c.story_id == decision.story_id  # a copy is in its original's story
                conn.execute(update(articles).where(in_story, group).values(duplicate_of=article_id))
            conn.execute(
                update(articles)
                .where(articles.c.id == article_id)
                .values(story_id=decision.story_id, duplicate_of=decision.duplicate_of)
            )
            lead_id = self._refresh_story(conn, decision.story_id, row["first_seen"])
        return Placement(
            article_id, decision.story_id, decision.duplicate_of, decision.new_story, lead_id, decision.merged
        )

    def _founded(self, conn: Connection, story_id: str) -> datetime:
        """When a story was first seen: the oldest of merging stories keeps its id."""
        found = conn.execute(select(stories.c.first_seen).where(stories.c.id == story_id)).scalar()
        return found or datetime.max.replace(tzinfo=UTC)

    def merge(self, conn: Connection, into: str, merged: Iterable[str], now: datetime) -> None:
        """Move every article of ``merged`` into ``into`` and leave a redirect for each merged id (and
        for the ids that already redirected to them: one hop always resolves)."""
        merged = sorted(set(merged) - {into})
        if not merged:
            return
        conn.execute(update(articles).where(articles.c.story_id.in_(merged)).values(story_id=into))
        conn.execute(update(story_merges).where(story_merges.c.into_id.in_(merged)).values(into_id=into))
        for story_id in merged:
            conn.execute(
                self.db.insert(story_merges)
                .values(merged_id=story_id, into_id=into, merged_at=now)
                .on_conflict_do_update(index_elements=["merged_id"], set_={"into_id": into, "merged_at": now})
            )
        conn.execute(delete(stories).where(stories.c.id.in_(merged)))

    def resolve(self, story_id: str) -> str | None:
        """The story an id stands for now: itself, the story it was merged into, or None (unknown)."""
        with self.db.read() as conn:
            if conn.execute(select(stories.c.id).where(stories.c.id == story_id)).first():
                return story_id
            return conn.execute(
                select(story_merges.c.into_id).where(story_merges.c.merged_id == story_id)
            ).scalar()

    def merges(self, *, since: datetime | None = None, limit: int = 200) -> list[tuple[str, str, datetime]]:
        """The newest merges (merged id, surviving id, when), newest first: the feeds' tombstones."""
        query = select(story_merges.c.merged_id, story_merges.c.into_id, story_merges.c.merged_at)
        if since is not None:
            query = query.where(story_merges.c.merged_at >= since)
        query = query.order_by(story_merges.c.merged_at.desc(), story_merges.c.merged_id).limit(limit)
        with self.db.read() as conn:
            return [(m, i, when) for m, i, when in conn.execute(query).all()]

    def regroup(self, conn: Connection, story_id: str) -> list[str]:
        """Split a story that lost an article into its members' connected groups (``core.placement.
        split``); the group of its oldest member keeps the id. The resulting story ids."""
        from crawler.core.placement import Member, split
        from crawler.core.stories import EventFeatures

        query = select(
            articles.c.id,
            articles.c.duplicate_of,
            articles.c.event_date,
            articles.c.features,
            *ARTICLE_COLUMNS,
        ).where(articles.c.story_id == story_id)
        members = []
        for m in conn.execute(query).mappings():
            try:
                features = EventFeatures.from_json(m["features"])
            except ValueError:
                return [story_id]  # an older format: leave the story whole rather than guess
            article = Article(**{name: m[name] for name in ARTICLE_FIELDS})
            members.append((Member(m["id"], article, m["duplicate_of"], m["event_date"]), features))
        groups = split(story_id, members)
        for new_id, ids in groups[1:]:
            conn.execute(update(articles).where(articles.c.id.in_(ids)).values(story_id=new_id))
        return [sid for sid, _ in groups]

    def _original_of(self, conn: Connection, fp: Fingerprint, keys: tuple[str, ...]) -> dict[str, Any] | None:
        """The stored original (never a copy) of the text whose fingerprint is ``fp``, if it has one."""
        from crawler.core.dedup import Fingerprint, find_duplicate

        if not keys:
            return None
        # The texts sharing most bands are the likeliest copies (more shared bands, higher Jaccard): a
        # wire story reprinted a hundred times must not make every new copy decode a hundred prints.
        sharing = (
            select(fingerprint_bands.c.article_id)
            .where(fingerprint_bands.c.band_key.in_(keys))
            .group_by(fingerprint_bands.c.article_id)
            .order_by(func.count().desc(), fingerprint_bands.c.article_id)
            .limit(COPY_CANDIDATES)
        )
        candidates = []
        rows = conn.execute(select(*_COPY_COLUMNS, articles.c.fingerprint).where(articles.c.id.in_(sharing)))
        found: dict[int, dict[str, Any]] = {}
        for row in rows.mappings():
            try:
                candidates.append((row["id"], Fingerprint.from_bytes(row["fingerprint"])))
            except ValueError:
                continue  # a damaged fingerprint matches nothing
            found[row["id"]] = dict(row)
        best = find_duplicate(fp, candidates)
        if best is None:
            return None
        original = found[best]
        if original["duplicate_of"] is not None:
            root = conn.execute(select(*_COPY_COLUMNS).where(articles.c.id == original["duplicate_of"]))
            original = dict(root.mappings().first() or original)
        return original

    def _story_candidates(
        self, conn: Connection, day: date | None, article_id: int
    ) -> Iterator[tuple[str, EventFeatures]]:
        """(story id, features) of the originals dated within the story window of ``day``; lazy, so the
        query runs only when the decision needs candidates (a copy does not)."""
        from crawler.core.stories import STORY_WINDOW_DAYS, EventFeatures

        if day is None:
            return
        window = timedelta(days=STORY_WINDOW_DAYS)
        # The newest few originals of each story in the window stand for it: a big event with hundreds
        # of reports must not make every new article parse and compare against all of them.
        newest = func.row_number().over(partition_by=articles.c.story_id, order_by=articles.c.id.desc())
        inner = (
            select(articles.c.story_id, articles.c.features, newest.label("rank"))
            .where(articles.c.event_date.between(day - window, day + window))
            .where(articles.c.story_id.is_not(None), articles.c.duplicate_of.is_(None))
            .where(articles.c.id != article_id)
            .subquery()
        )
        query = select(inner.c.story_id, inner.c.features).where(inner.c.rank <= STORY_SAMPLE)
        for story_id, features in conn.execute(query).all():
            try:
                yield story_id, EventFeatures.from_json(features)
            except ValueError:
                continue  # features from an older format: the article is simply no candidate

    def _refresh_story(self, conn: Connection, story_id: str, joined: datetime) -> int:
        """Recompute the story's lead (among its originals), title and event date; ``updated`` is when
        the latest article joined. The lead's id."""
        from crawler.core.placement import Member, elect_lead

        query = select(articles.c.id, articles.c.duplicate_of, articles.c.event_date, *ARTICLE_COLUMNS)
        members = [
            Member(
                m["id"],
                Article(**{name: m[name] for name in ARTICLE_FIELDS}),
                m["duplicate_of"],
                m["event_date"],
            )
            for m in conn.execute(query.where(articles.c.story_id == story_id)).mappings()
        ]
        head = elect_lead(members)
        write_story(self.db, conn, story_id, head.title, head.lead_id, head.event_date, joined)
        return head.lead_id


def write_story(
    db: Database,
    conn: Connection,
    story_id: str,
    title: str,
    lead_article_id: int | None,
    event_date: date | None,
    now: datetime,
) -> None:
    """Create the story (first seen ``now``) or set its fields; either way it was updated ``now``."""
    values = {"title": title, "lead_article_id": lead_article_id, "event_date": event_date}
    # an id founded again (a story split off) is itself once more, no longer a redirect
    conn.execute(delete(story_merges).where(story_merges.c.merged_id == story_id))
    conn.execute(
        db.insert(stories)
        .values(id=story_id, first_seen=now, updated=now, **values)
        .on_conflict_do_update(index_elements=["id"], set_={**values, "updated": now})
    )
