"""Store reads and writes only the tests need: a row by URL, a story's members, a hand-made story.

They go through the store's own engine and tables, so the product's store carries no method only a test
calls.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update

from crawler.store import Failure, Store
from crawler.store.articles import StoredArticle, encode_matched, stored_article
from crawler.store.placement import write_story
from crawler.store.schema import articles, failures, runs, stories


def get_article(store: Store, url: str) -> StoredArticle | None:
    """The article ``url`` is a spelling of."""
    with store.db.read() as conn:
        article_id = store.articles.id_of(conn, url)
        if article_id is None:
            return None
        row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings().one()
    return stored_article(row)


# the columns the later stages fill, which a test may set directly
STAGE_COLUMNS = ("score", "relevant", "matched", "story_id", "fingerprint", "features", "event_date")


def update_article(store: Store, canonical_url: str, **columns: Any) -> bool:
    """Set the later stages' columns of a stored article; False if there is no such article."""
    unknown = set(columns) - set(STAGE_COLUMNS)
    if unknown:
        raise TypeError(f"update_article: unknown column(s) {sorted(unknown)}; known: {STAGE_COLUMNS}")
    if not isinstance(columns.get("matched", ""), str):  # a string is stored as it is (bad JSON too)
        columns["matched"] = encode_matched(columns["matched"])
    with store.db.write() as conn:
        query = update(articles).where(articles.c.canonical_url == canonical_url)
        return conn.execute(query.values(**columns)).rowcount == 1


def upsert_story(
    store: Store,
    story_id: str,
    *,
    title: str,
    lead_article_id: int | None = None,
    event_date: date | None = None,
) -> None:
    """Create or update a ``stories`` row by hand (as the story stage would), updated now."""
    with store.db.write() as conn:
        write_story(store.db, conn, story_id, title, lead_article_id, event_date, datetime.now(UTC))


def story_members(store: Store, story_id: str) -> list[StoredArticle]:
    """A story's articles (with ``duplicate_of``), oldest first: what the story stage placed there."""
    query = (
        select(articles).where(articles.c.story_id == story_id).order_by(articles.c.first_seen, articles.c.id)
    )
    with store.db.read() as conn:
        return [stored_article(row) for row in conn.execute(query).mappings()]


def get_story(store: Store, story_id: str) -> dict[str, Any] | None:
    """The ``stories`` row: id, lead_article_id, title, first_seen, updated, event_date."""
    with store.db.read() as conn:
        row = conn.execute(select(stories).where(stories.c.id == story_id)).mappings().first()
    return dict(row) if row else None


def all_stories(store: Store) -> list[dict[str, Any]]:
    """Every ``stories`` row, most recently updated first."""
    with store.db.read() as conn:
        query = select(stories).order_by(stories.c.updated.desc(), stories.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def all_failures(store: Store, source: str | None = None) -> list[Failure]:
    query = select(failures).order_by(failures.c.last_failed, failures.c.url)
    if source is not None:
        query = query.where(failures.c.source == source)
    with store.db.read() as conn:
        return [Failure(**row) for row in conn.execute(query).mappings()]


def clear_failure(store: Store, url: str) -> bool:
    with store.db.write() as conn:
        return conn.execute(failures.delete().where(failures.c.url == url)).rowcount > 0


def set_validators(store: Store, url: str, etag: str | None, last_modified: str | None) -> None:
    store.validators.set_many({url: (etag, last_modified)})


def mark_unfinished_runs(store: Store, pid: int, outcome: str) -> int:
    """Close the runs a process left 'running' (it was killed or crashed); how many there were."""
    with store.db.write() as conn:
        query = update(runs).where(runs.c.pid == pid, runs.c.outcome == "running")
        return conn.execute(query.values(outcome=outcome, finished=datetime.now(UTC))).rowcount


__all__ = [
    "all_failures",
    "all_stories",
    "clear_failure",
    "get_article",
    "get_story",
    "mark_unfinished_runs",
    "set_validators",
    "story_members",
    "update_article",
    "upsert_story",
]
