"""Stored articles and every spelling of their URLs: added once, recognised before a fetch.

Every write is an ``INSERT … ON CONFLICT`` on a unique key, never check-then-insert, so a crawl killed
halfway leaves committed rows only and a re-run adds nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, literal, or_, select, union_all
from sqlalchemy.engine import Connection

from crawler.core.dates import parse_date
from crawler.core.records import Article
from crawler.store.engine import Database
from crawler.store.schema import ARTICLE_FIELDS, URL_LENGTH, article_urls, articles, failures

if TYPE_CHECKING:  # the stages' record; imported where used, so opening a store stays light
    from crawler.core.findings import Findings


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An ``articles`` row: what extraction found, when it was seen, what the later stages added."""

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
    fetched_at: datetime
    text_length: int
    score: float | None
    relevant: bool | None
    matched: tuple[str, ...]  # the topic terms that made it relevant
    story_id: str | None
    fingerprint: bytes | None
    features: str | None  # the story stage's EventFeatures as JSON
    event_date: date | None
    duplicate_of: int | None  # the article whose text this one reprints


def stored_article(row: Mapping[str, Any]) -> StoredArticle:
    """The record of an ``articles`` row (every column selected)."""
    return StoredArticle(**{**row, "matched": decode_matched(row["matched"])})


def utcnow() -> datetime:
    return datetime.now(UTC)


class Articles:
    """``store.articles``: add an article once, know a URL before fetching it, read articles back."""

    def __init__(self, db: Database) -> None:
        self.db = db
        url = bindparam("url")
        self._insert = (
            db.insert(articles)
            .on_conflict_do_nothing(index_elements=["canonical_url"])
            .returning(articles.c.id)
        )
        self._id_of_canonical = select(articles.c.id).where(articles.c.canonical_url == url)
        self._id_of_spelling = select(article_urls.c.article_id).where(article_urls.c.url == url)
        self._add_alias = db.insert(article_urls).on_conflict_do_nothing(index_elements=["url"])
        urls = bindparam("urls", expanding=True)
        self._clear_failures = failures.delete().where(
            or_(failures.c.url.in_(urls), failures.c.canonical_url.in_(urls))
        )
        self._known = union_all(
            select(literal("article").label("why")).where(article_urls.c.url == url),
            select(("not an article: " + failures.c.reason).label("why"))
            .where(or_(failures.c.url == url, failures.c.canonical_url == url))
            .where(failures.c.retryable.is_(False)),
        ).limit(1)

    def has(self, canonical_url: str) -> bool:
        """Whether this URL (in canonical form) is a stored article or one of its known spellings."""
        with self.db.read() as conn:
            return self.id_of(conn, canonical_url) is not None

    def known(self, canonical_url: str) -> str | None:
        """Why this URL need not be fetched again: ``"article"``, ``"not an article: …"``, or None.

        One query per discovered link: every stored article's canonical URL is also in article_urls.
        """
        with self.db.read() as conn:
            return conn.execute(self._known, {"url": canonical_url}).scalar()

    def id_of(self, conn: Connection, url: str) -> int | None:
        """The id of the article ``url`` is a spelling of, in the caller's transaction."""
        return conn.execute(self._id_of_spelling, {"url": url}).scalar()

    def add(
        self,
        article: Article,
        source: str,
        findings: Findings | None = None,
        *,
        urls: Iterable[str] = (),
        fetched_at: datetime | None = None,
    ) -> bool:
        """Store ``article`` unless its canonical URL is known; True if it is new. Idempotent.

        ``urls`` are other spellings of it (the request URL, the URL before redirects) remembered so
        they are not fetched again; any failure recorded for them is cleared in the same transaction.
        ``findings`` are the later stages' (score, event date, fingerprint, features); an article
        placed in a story goes through ``store.stories.place`` instead.
        """
        row, spellings = article_row(article, source, findings, urls, fetched_at)
        with self.db.write() as conn:
            inserted_id = self.insert(conn, row, spellings)
        return inserted_id is not None

    def insert(self, conn: Connection, row: Mapping[str, Any], spellings: set[str]) -> int | None:
        """Insert the row unless its canonical URL is known (then only remember the spellings), in the
        caller's transaction; the new row's id, or None when it was known."""
        inserted_id = conn.execute(self._insert, row).scalar()
        article_id = (
            inserted_id or conn.execute(self._id_of_canonical, {"url": row["canonical_url"]}).scalar_one()
        )
        self._remember(conn, article_id, spellings)
        conn.execute(self._clear_failures, {"urls": sorted(spellings)})
        return inserted_id

    def add_aliases(self, canonical_url: str, urls: Iterable[str]) -> bool:
        """Remember more spellings of a stored article (e.g. a redirect link that led to it)."""
        with self.db.write() as conn:
            article_id = self.id_of(conn, canonical_url)
            if article_id is None:
                return False
            self._remember(conn, article_id, set(urls))
        return True

    def _remember(self, conn: Connection, article_id: int, urls: set[str]) -> None:
        rows = [{"url": u, "article_id": article_id} for u in sorted(urls) if len(u) <= URL_LENGTH]
        if rows:
            conn.execute(self._add_alias, rows)

    def all(
        self, since: datetime | date | None = None, *, source: str | None = None
    ) -> Iterator[StoredArticle]:
        """Every stored article (first seen at or after ``since``), oldest first."""
        query = select(articles).order_by(articles.c.first_seen, articles.c.id)
        if since is not None:
            if not isinstance(since, datetime):
                since = datetime(since.year, since.month, since.day, tzinfo=UTC)
            query = query.where(articles.c.first_seen >= since)
        if source is not None:
            query = query.where(articles.c.source == source)
        with self.db.read() as conn:
            for row in conn.execution_options(yield_per=500).execute(query).mappings():
                yield stored_article(row)

    def count(self, source: str | None = None) -> int:
        query = select(func.count()).select_from(articles)
        if source is not None:
            query = query.where(articles.c.source == source)
        with self.db.read() as conn:
            return int(conn.execute(query).scalar_one())

    def publish_times(self, source: str, *, limit: int = 50) -> list[datetime]:
        """When ``source``'s latest articles were published (first seen when undated), oldest first.

        The adaptive interval follows the source's own rhythm: a first crawl that backfills twenty
        articles at once must not make a weekly outlet look like a wire.
        """
        query = (
            select(articles.c.published, articles.c.first_seen)
            .where(articles.c.source == source)
            .order_by(articles.c.first_seen.desc())
            .limit(limit)
        )
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return sorted(parse_date(published) or first_seen for published, first_seen in rows)


def article_row(
    article: Article,
    source: str,
    findings: Findings | None,
    urls: Iterable[str],
    fetched_at: datetime | None,
) -> tuple[dict[str, Any], set[str]]:
    """The ``articles`` row for ``article`` and the URL spellings to remember for it."""
    now = utcnow()
    row: dict[str, Any] = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    row.update(
        source=source,
        title=article.title or "",
        first_seen=now,
        fetched_at=fetched_at or now,
        text_length=len(article.text or ""),
    )
    row.update(findings_columns(findings))
    return row, {u for u in (article.canonical_url, article.url, *urls) if u}


def findings_columns(findings: Findings | None) -> dict[str, Any]:
    """The ``articles`` columns of the later stages' findings (none: an unscored article)."""
    if findings is None:
        return {}
    score = findings.score
    return {
        "score": score.value,
        "relevant": score.relevant,
        "matched": encode_matched(score.matched),
        "event_date": findings.event_date,
        "fingerprint": None if findings.fingerprint is None else findings.fingerprint.to_bytes(),
        "features": None if findings.features is None else findings.features.to_json(),
    }


def encode_matched(matched: Iterable[str]) -> str:
    """The matched topic terms as their JSON column."""
    return json.dumps(list(matched), ensure_ascii=False)


def decode_matched(stored: str | None) -> tuple[str, ...]:
    """The matched topic terms from their JSON column; () for anything but a JSON list."""
    try:
        value = json.loads(stored) if stored else []
    except ValueError:
        return ()
    return tuple(str(term) for term in value) if isinstance(value, list) else ()


def _earlier(published: str | None, other: str | None) -> bool:
    """Whether ``published`` is strictly before ``other`` (ISO dates or datetimes; unknown is never)."""
    mine, theirs = parse_date(published), parse_date(other)
    return mine is not None and theirs is not None and mine < theirs


