"""The store: articles, stories, runs, failures and HTTP validators, behind SQLAlchemy Core.

The only module that speaks SQL. SQLite by default (WAL, one transaction per write, ``BEGIN IMMEDIATE``
so that concurrent crawl processes queue instead of failing); a PostgreSQL URL runs the same code,
because every write is an ``INSERT … ON CONFLICT`` on a unique key, never check-then-insert. A crawl
killed halfway leaves committed rows only, and a re-run adds nothing twice.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    bindparam,
    create_engine,
    event,
    func,
    inspect,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError

from crawler.core.records import Article

if TYPE_CHECKING:  # the story stage's records; imported where used, so opening a store stays light
    from crawler.core.dedup import Fingerprint
    from crawler.core.stories import EventFeatures

URL_LENGTH = 2048
OUTCOMES = ("running", "ok", "failed", "killed", "timeout", "crashed")


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message names the database URL and what to do."""


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset: we put UTC back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("canonical_url", String(URL_LENGTH), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("source", String(200), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("published", String(40)),  # ISO 8601 date or datetime, as extracted
    Column("author", Text),
    Column("site_name", Text),
    Column("language", String(20)),
    Column("image", Text),
    Column("description", Text),
    Column("first_seen", UTCDateTime, nullable=False, index=True),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("text_length", Integer, nullable=False),
    # Filled by the later stages (relevance, dedup, stories):
    Column("score", Float),
    Column("relevant", Boolean),
    Column("matched", Text),  # JSON list of matched topic terms
    Column("story_id", String(64), index=True),
    Column("fingerprint", LargeBinary),
    Column("features", Text),
    Column("event_date", Date, index=True),
    Column("duplicate_of", Integer, index=True),  # the article whose text this one reprints (its original)
)

# Every spelling of an article's URL we have met (request URL, final URL after redirects, declared
# canonical), so a feed link or a news-search redirect link is recognised before it is fetched again.
article_urls = Table(
    "article_urls",
    metadata,
    Column("url", String(URL_LENGTH), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("lead_article_id", Integer),
    Column("title", Text, nullable=False, default=""),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("updated", UTCDateTime, nullable=False, index=True),
    Column("event_date", Date, index=True),
)

# LSH band keys of relevant articles' fingerprints (crawler.core.dedup): a new article's near duplicates are
# the articles sharing any of its keys, found through this index instead of by comparing with every one.
fingerprint_bands = Table(
    "fingerprint_bands",
    metadata,
    Column("band_key", String(24), primary_key=True),
    Column(
        "article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(200), nullable=False),
    Column("started", UTCDateTime, nullable=False),
    Column("finished", UTCDateTime),
    Column("outcome", String(16), nullable=False, default="running"),
    Column("pages_fetched", Integer, nullable=False, default=0),
    Column("articles_new", Integer, nullable=False, default=0),
    Column("articles_failed", Integer, nullable=False, default=0),
    Column("not_articles", Integer, nullable=False, default=0),
    Column("skipped_known", Integer, nullable=False, default=0),
    Column("errors", Text, nullable=False, default=""),
    Column("pid", Integer),
    # Health inputs (the scheduler reports a source that silently broke):
    Column("mean_text_length", Float),
    Column("boilerplate_hits", Integer, nullable=False, default=0),
    Column("relevant_new", Integer, nullable=False, default=0),
    Column("job_id", String(64)),  # the launcher's id for the crawl (HOTLINE_JOB_ID), e.g. a Scrapyd job
    Index("ix_runs_source_started", "source", "started"),
    Index("ix_runs_pid", "pid"),
    Index("ix_runs_job_id", "job_id"),
)

# Pages that gave no article: retryable ones come back when due (with backoff); the others
# (not an article, gone, gave up) are remembered so that they are not fetched every run.
failures = Table(
    "failures",
    metadata,
    Column("url", String(URL_LENGTH), primary_key=True),
    Column("canonical_url", String(URL_LENGTH), nullable=False, index=True),
    Column("source", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("retryable", Boolean, nullable=False),
    Column("attempts", Integer, nullable=False, default=1),
    Column("first_failed", UTCDateTime, nullable=False),
    Column("last_failed", UTCDateTime, nullable=False),
    Column("next_attempt", UTCDateTime),
    Index("ix_failures_due", "source", "retryable", "next_attempt"),
)

validators = Table(
    "validators",
    metadata,
    Column("url", String(URL_LENGTH), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("checked_at", UTCDateTime, nullable=False),
)

ARTICLE_FIELDS = tuple(Article.__dataclass_fields__)
_ARTICLE_COLUMNS = tuple(articles.c[name] for name in ARTICLE_FIELDS)
# what deciding which of two copies is the original needs
_COPY_COLUMNS = (articles.c.id, articles.c.story_id, articles.c.duplicate_of, articles.c.published)
STORY_LOCK = 0x686F746C696E65  # PostgreSQL advisory lock key held while an article is placed ("hotline")
STORY_SAMPLE = 8  # articles per story that a new article is compared with (its newest originals)
COPY_CANDIDATES = 32  # stored texts a new one is compared with: those sharing the most LSH bands with it
SCHEMA_LOCK = STORY_LOCK + 1  # PostgreSQL advisory lock key held while the schema is created or migrated
SCHEMA_REVISION = "0002"  # the newest crawler/store/migrations revision: what ``metadata`` describes
BASELINE_REVISION = "0001"  # the schema before migrations (databases without ``alembic_version``)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
EXTRA_COLUMNS = ("score", "relevant", "matched", "story_id", "fingerprint", "features", "event_date")
RUN_COUNTS = (
    "pages_fetched",
    "articles_new",
    "articles_failed",
    "not_articles",
    "skipped_known",
    "errors",
    "mean_text_length",
    "boilerplate_hits",
    "relevant_new",
)


@dataclass(frozen=True, slots=True)
class Failure:
    """One page that gave no article, and when (if ever) to try it again."""

    url: str
    canonical_url: str
    source: str
    reason: str
    retryable: bool
    attempts: int
    first_failed: datetime
    last_failed: datetime
    next_attempt: datetime | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One crawl of one source, as the crawl process recorded it."""

    id: int
    source: str
    started: datetime
    finished: datetime | None
    outcome: str
    pages_fetched: int
    articles_new: int
    articles_failed: int
    not_articles: int
    skipped_known: int
    errors: str
    pid: int | None
    mean_text_length: float | None
    boilerplate_hits: int
    relevant_new: int
    job_id: str | None = None

    @property
    def seconds(self) -> float | None:
        return (self.finished - self.started).total_seconds() if self.finished else None


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A source's health for ``hotline status``."""

    source: str
    articles_total: int
    last_run: RunRecord | None
    last_success: datetime | None
    consecutive_failures: int  # runs since the last 'ok' that did not end 'ok'
    last_error: str


@dataclass(frozen=True, slots=True)
class Placement:
    """Where ``add_story_article`` put a new article: its story, the original it copies, the lead."""

    article_id: int
    story_id: str
    duplicate_of: int | None  # the original's id when the text is a near duplicate of a stored one
    new_story: bool
    lead_article_id: int


def utcnow() -> datetime:
    return datetime.now(UTC)


def backoff_delay(attempts: int, base: float, cap: float) -> timedelta:
    """``base`` seconds after the first failure, doubling with each attempt, at most ``cap``."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _add_missing_columns(conn: Connection, tables: Iterable[Table] = (articles,)) -> None:
    """Add the nullable columns (and their indexes) that a database made before migrations lacks
    (``articles.duplicate_of``), bringing it to the baseline revision; later columns are migrations."""
    inspector = inspect(conn)
    for table in tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present or not column.nullable:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")
            for index in table.indexes:
                if column.name in index.columns:
                    index.create(conn)


def _schema_revision(conn: Connection) -> str | None:
    """The database's Alembic revision; None when it has no ``alembic_version`` table (new, or made
    before migrations)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _stamp(conn: Connection, revision: str) -> None:
    """Record ``revision`` as Alembic does (``alembic stamp``), without loading Alembic."""
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS alembic_version ("
        "version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    )
    conn.exec_driver_sql("DELETE FROM alembic_version")
    insert = sql_text("INSERT INTO alembic_version (version_num) VALUES (:revision)")
    conn.execute(insert, {"revision": revision})


def _upgrade(conn: Connection) -> None:
    """Run the migrations from the database's revision to the newest, in the caller's transaction."""
    if not (MIGRATIONS / "env.py").is_file():
        raise StoreError(
            f"the store's schema needs upgrading but {MIGRATIONS} is not a folder here; open the store "
            "once from an installed hotline (e.g. hotline status) to upgrade it"
        )
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _earlier(published: str | None, other: str | None) -> bool:
    """Whether ``published`` is strictly before ``other`` (ISO dates or datetimes; unknown is never)."""
    mine, theirs = _moment(published), _moment(other)
    return mine is not None and theirs is not None and mine < theirs


def _moment(published: str | None) -> datetime | None:
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class Store:
    """Articles and crawl bookkeeping in one database, given by its SQLAlchemy URL."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError(f"store {url!r}: not a database URL (try sqlite:///data/hotline.db)") from None
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreError(f"store {url!r}: only sqlite:// and postgresql:// URLs are supported")
        if self.dialect == "sqlite" and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(url, echo=echo, future=True)
        except ImportError as exc:
            raise StoreError(f"store {url!r}: database driver missing ({exc}); install it with pip") from None
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        self._create_tables()
        self._sql = self._prepare()

    def _prepare(self) -> SimpleNamespace:
        """The statements run for every page, built once (parameters bound at execution)."""
        url = bindparam("url")
        urls = bindparam("urls", expanding=True)
        return SimpleNamespace(
            insert_article=self._insert(articles)
            .on_conflict_do_nothing(index_elements=["canonical_url"])
            .returning(articles.c.id),
            article_id=select(articles.c.id).where(articles.c.canonical_url == url),
            alias_lookup=select(article_urls.c.article_id).where(article_urls.c.url == url),
            add_alias=self._insert(article_urls).on_conflict_do_nothing(index_elements=["url"]),
            clear_failures=failures.delete().where(
                or_(failures.c.url.in_(urls), failures.c.canonical_url.in_(urls))
            ),
            known=union_all(
                select(literal("article").label("why")).where(article_urls.c.url == url),
                select(("not an article: " + failures.c.reason).label("why"))
                .where(or_(failures.c.url == url, failures.c.canonical_url == url))
                .where(failures.c.retryable.is_(False)),
            ).limit(1),
        )

    def _create_tables(self) -> None:
        """Create a new database's schema, or migrate an older one to ``SCHEMA_REVISION``.

        Runs in one write transaction (on PostgreSQL under an advisory lock), and is retried, because
        several crawl processes may open a new database at the same moment. A new database gets the
        tables of ``metadata`` and is stamped with the newest revision; one made before migrations
        (tables, no ``alembic_version``) is stamped ``BASELINE_REVISION`` and upgraded with Alembic
        (``crawler/store/migrations``). A database already at the newest revision costs two small queries
(and still gets back an ``articles`` column older versions lacked); Alembic is not imported then.
        """
        for attempt in range(5):
            try:
                with self._write() as conn:
                    if self.dialect == "postgresql":
                        conn.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK)))
                    revision = _schema_revision(conn)
                    if revision == SCHEMA_REVISION:
                        _add_missing_columns(conn)  # the pre-migration self-repair, as before migrations
                        return
                    if revision is None and not inspect(conn).has_table("articles"):
                        metadata.create_all(conn)
                        _stamp(conn, SCHEMA_REVISION)
                        return
                    if revision is None:
                        metadata.create_all(conn)  # tables the old database lacks, in today's form
                        _add_missing_columns(conn)
                        _stamp(conn, BASELINE_REVISION)
                    _upgrade(conn)
                return
            except StoreError:
                raise
            except Exception as exc:  # the driver's own error types differ per backend
                if attempt == 4:
                    raise StoreError(f"store {self.url!r}: cannot open ({_short(exc)})") from None
                time.sleep(0.2 * (attempt + 1))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions ------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite: writers wait instead of failing)."""
        with self.engine.connect() as conn:
            conn.execution_options(hotline_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def _insert(self, table: Table) -> Any:
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    # --- articles ----------------------------------------------------------------------------

    def has_article(self, canonical_url: str) -> bool:
        """Whether this URL (in canonical form) is a stored article or one of its known spellings."""
        with self._read() as conn:
            return self._article_id(conn, canonical_url) is not None

    def known(self, canonical_url: str) -> str | None:
        """Why this URL need not be fetched again: ``"article"``, ``"not an article: …"``, or None.

        One query per discovered link: every stored article's canonical URL is also in article_urls.
        """
        with self._read() as conn:
            return conn.execute(self._sql.known, {"url": canonical_url}).scalar()

    def _article_id(self, conn: Connection, url: str) -> int | None:
        return conn.execute(self._sql.alias_lookup, {"url": url}).scalar()

    def add_article(
        self,
        article: Article,
        source: str,
        *,
        urls: Iterable[str] = (),
        fetched_at: datetime | None = None,
        **extra: Any,
    ) -> bool:
        """Store ``article`` unless its canonical URL is known; True if it is new. Idempotent.

        ``urls`` are other spellings of it (the request URL, the URL before redirects) remembered so
        they are not fetched again; any failure recorded for them is cleared in the same transaction.
        ``extra`` sets the later stages' columns (score, relevant, matched, story_id, …).
        """
        row, spellings = self._article_row("add_article", article, source, urls, fetched_at, extra)
        with self._write() as conn:
            inserted_id = self._insert_article(conn, row, spellings)
        return inserted_id is not None

    def _article_row(
        self,
        caller: str,
        article: Article,
        source: str,
        urls: Iterable[str],
        fetched_at: datetime | None,
        extra: Mapping[str, Any],
    ) -> tuple[dict[str, Any], set[str]]:
        """The ``articles`` row for ``article`` and the URL spellings to remember for it."""
        unknown = set(extra) - set(EXTRA_COLUMNS)
        if unknown:
            raise TypeError(f"{caller}: unknown column(s) {sorted(unknown)}; known: {EXTRA_COLUMNS}")
        now = utcnow()
        row: dict[str, Any] = {name: getattr(article, name) for name in ARTICLE_FIELDS}
        row.update(
            source=source,
            title=article.title or "",
            first_seen=now,
            fetched_at=fetched_at or now,
            text_length=len(article.text or ""),
        )
        row.update(_encode_extra(extra))
        return row, {u for u in (article.canonical_url, article.url, *urls) if u}

    def _insert_article(self, conn: Connection, row: Mapping[str, Any], spellings: set[str]) -> int | None:
        """Insert the row unless its canonical URL is known (then only remember the spellings);
        the new row's id, or None when it was known."""
        sql = self._sql
        inserted_id = conn.execute(sql.insert_article, row).scalar()
        article_id = inserted_id or conn.execute(sql.article_id, {"url": row["canonical_url"]}).scalar_one()
        self._add_aliases(conn, article_id, spellings)
        conn.execute(sql.clear_failures, {"urls": sorted(spellings)})
        return inserted_id

    def add_aliases(self, canonical_url: str, urls: Iterable[str]) -> bool:
        """Remember more spellings of a stored article (e.g. a redirect link that led to it)."""
        with self._write() as conn:
            article_id = self._article_id(conn, canonical_url)
            if article_id is None:
                return False
            self._add_aliases(conn, article_id, set(urls))
        return True

    def _add_aliases(self, conn: Connection, article_id: int, urls: set[str]) -> None:
        rows = [{"url": u, "article_id": article_id} for u in sorted(urls) if len(u) <= URL_LENGTH]
        if rows:
            conn.execute(self._sql.add_alias, rows)

    def update_article(self, canonical_url: str, **columns: Any) -> bool:
        """Set the later stages' columns of a stored article; False if there is no such article."""
        unknown = set(columns) - set(EXTRA_COLUMNS)
        if unknown:
            raise TypeError(f"update_article: unknown column(s) {sorted(unknown)}; known: {EXTRA_COLUMNS}")
        with self._write() as conn:
            done = conn.execute(
                update(articles)
                .where(articles.c.canonical_url == canonical_url)
                .values(**_encode_extra(columns))
            ).rowcount
        return done == 1

    def get_article(self, canonical_url: str) -> dict[str, Any] | None:
        with self._read() as conn:
            article_id = self._article_id(conn, canonical_url)
            if article_id is None:
                return None
            row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings().one()
        return _decode_article(row)

    def articles(self, since: datetime | date | None = None, *, source: str | None = None) -> Iterator[dict]:
        """Every stored article (first seen at or after ``since``), oldest first, as plain dicts."""
        query = select(articles).order_by(articles.c.first_seen, articles.c.id)
        if since is not None:
            if not isinstance(since, datetime):
                since = datetime(since.year, since.month, since.day, tzinfo=UTC)
            query = query.where(articles.c.first_seen >= since)
        if source is not None:
            query = query.where(articles.c.source == source)
        with self._read() as conn:
            for row in conn.execution_options(yield_per=500).execute(query).mappings():
                yield _decode_article(row)

    def article_count(self, source: str | None = None) -> int:
        query = select(func.count()).select_from(articles)
        if source is not None:
            query = query.where(articles.c.source == source)
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    # --- stories and near duplicates (filled by the story stage) ------------------------------

    def add_story_article(
        self,
        article: Article,
        source: str,
        event: EventFeatures,
        *,
        urls: Iterable[str] = (),
        fetched_at: datetime | None = None,
        **extra: Any,
    ) -> Placement | None:
        """Store a relevant article and place it in its story, in one write transaction; None if known.

        The story is its original's when the text is a near duplicate of a stored article (looked up
        through the band index), else the best ``match_story`` among the articles dated within
        ``STORY_WINDOW_DAYS`` (one range query on the ``event_date`` index), else a new one. Lookup and
        writes hold the write lock together (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
        PostgreSQL), so two crawl processes storing one event's articles at once still make one story.
        The story's lead (``pick_lead`` over its originals: a copy never leads), title and ``updated``
        are refreshed. ``event`` is the article's ``EventFeatures``; ``extra`` are the other stages'
        columns, as for ``add_article`` (``features``, ``fingerprint``, ``event_date`` default to the
        event's).
        """
        from crawler.core.stories import match_story, new_story_id

        if "story_id" in extra:
            raise TypeError("add_story_article: the story is chosen here; do not pass story_id")
        row, spellings = self._article_row("add_story_article", article, source, urls, fetched_at, extra)
        fp = event.fingerprint
        row["fingerprint"] = row.get("fingerprint") or fp.to_bytes()
        row["features"] = row.get("features") or event.to_json()
        if row.get("event_date") is None and event.date:
            row["event_date"] = date.fromisoformat(event.date)
        keys = fp.band_keys()
        with self._write() as conn:
            if self.dialect == "postgresql":  # SQLite's BEGIN IMMEDIATE already serialises writers
                conn.execute(select(func.pg_advisory_xact_lock(STORY_LOCK)))
            article_id = self._insert_article(conn, row, spellings)
            if article_id is None:
                return None
            original = self._original_of(conn, fp, keys)
            if keys:
                conn.execute(
                    self._insert(fingerprint_bands).on_conflict_do_nothing(),
                    [{"band_key": key, "article_id": article_id} for key in keys],
                )
            duplicate_of = None
            if original is not None and original["story_id"]:
                story_id, new_story = original["story_id"], False
                duplicate_of = self._link_copy(conn, article_id, article.published, original)
            else:
                day = row.get("event_date")
                matched = match_story(event, self._story_candidates(conn, day, article_id))
                story_id, new_story = matched or new_story_id(article), matched is None
            conn.execute(
                update(articles)
                .where(articles.c.id == article_id)
                .values(story_id=story_id, duplicate_of=duplicate_of)
            )
            lead_id = self._refresh_story(conn, story_id, row["first_seen"])
        return Placement(article_id, story_id, duplicate_of, new_story, lead_id)

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

    def _link_copy(
        self, conn: Connection, article_id: int, published: str | None, original: Mapping[str, Any]
    ) -> int | None:
        """Mark the new article a copy of ``original``; or, when it was published first, make it the
        original of the whole group (so the copy stored first does not lead). Its ``duplicate_of``."""
        if not _earlier(published, original["published"]):
            return int(original["id"])
        conn.execute(
            update(articles)
            .where(or_(articles.c.id == original["id"], articles.c.duplicate_of == original["id"]))
            .values(duplicate_of=article_id)
        )
        return None

    def _story_candidates(
        self, conn: Connection, day: date | None, article_id: int
    ) -> list[tuple[str, EventFeatures]]:
        """(story id, features) of the originals dated within the story window of ``day``."""
        from crawler.core.stories import STORY_WINDOW_DAYS, EventFeatures

        if day is None:
            return []
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
        candidates = []
        for story_id, features in conn.execute(query):
            try:
                candidates.append((story_id, EventFeatures.from_json(features)))
            except ValueError:
                continue  # features from an older format: the article is simply no candidate
        return candidates

    def _refresh_story(self, conn: Connection, story_id: str, joined: datetime) -> int:
        """Recompute the story's lead (among its originals), title and event date; ``updated`` is when
        the latest article joined. The lead's id."""
        from crawler.core.stories import pick_lead

        query = select(articles.c.id, articles.c.duplicate_of, articles.c.event_date, *_ARTICLE_COLUMNS)
        members = [dict(r) for r in conn.execute(query.where(articles.c.story_id == story_id)).mappings()]
        originals = [m for m in members if m["duplicate_of"] is None] or members
        # copies are already collapsed (duplicate_of): no need to fingerprint every member again
        lead = pick_lead([Article(**{name: m[name] for name in ARTICLE_FIELDS}) for m in originals],
                         collapsed=True)
        lead_id = next(m["id"] for m in originals if m["canonical_url"] == lead.canonical_url)
        days = [m["event_date"] for m in members if m["event_date"] is not None]
        self._upsert_story(conn, story_id, lead.title or "", lead_id, min(days) if days else None, joined)
        return int(lead_id)

    def upsert_story(
        self,
        story_id: str,
        *,
        title: str,
        lead_article_id: int | None = None,
        event_date: date | None = None,
    ) -> None:
        with self._write() as conn:
            self._upsert_story(conn, story_id, title, lead_article_id, event_date, utcnow())

    def _upsert_story(
        self,
        conn: Connection,
        story_id: str,
        title: str,
        lead_article_id: int | None,
        event_date: date | None,
        now: datetime,
    ) -> None:
        """Create the story (first seen ``now``) or set its fields; either way it was updated ``now``."""
        values = {"title": title, "lead_article_id": lead_article_id, "event_date": event_date}
        conn.execute(
            self._insert(stories)
            .values(id=story_id, first_seen=now, updated=now, **values)
            .on_conflict_do_update(index_elements=["id"], set_={**values, "updated": now})
        )

    def story_members(self, story_id: str) -> list[dict[str, Any]]:
        """A story's articles (with ``duplicate_of``), oldest first: what the story stage placed there."""
        query = select(articles).where(articles.c.story_id == story_id)
        with self._read() as conn:
            rows = conn.execute(query.order_by(articles.c.first_seen, articles.c.id)).mappings()
            return [_decode_article(row) for row in rows]

    def get_story(self, story_id: str) -> dict[str, Any] | None:
        """The ``stories`` row: id, lead_article_id, title, first_seen, updated, event_date."""
        with self._read() as conn:
            row = conn.execute(select(stories).where(stories.c.id == story_id)).mappings().first()
        return dict(row) if row else None

    def stories(self) -> list[dict[str, Any]]:
        """Every ``stories`` row, most recently updated first (for tests and exports; small tables)."""
        with self._read() as conn:
            query = select(stories).order_by(stories.c.updated.desc(), stories.c.id)
            return [dict(row) for row in conn.execute(query).mappings()]

    # --- publishing (read by crawler.service.publish) -------------------------------------------------

    def feed_articles(self, *, limit: int, threshold: float) -> list[dict[str, Any]]:
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
        with self._read() as conn:
            return [_decode_article(row) for row in conn.execute(query).mappings()]

    def feed_stories(self, *, limit: int, threshold: float) -> list[dict[str, Any]]:
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
        with self._read() as conn:
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
                by_story.setdefault(row["story_id"], []).append(_decode_article(row))
        result = []
        for story in found:
            members_of = by_story.get(story["id"], [])
            if not members_of:
                continue
            lead = next((a for a in members_of if a["id"] == story["lead_article_id"]), members_of[0])
            result.append({**story, "lead": lead, "articles": members_of})
        return result

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
        with self._read() as conn:
            rows = conn.execute(query).all()
        return sorted(_moment(published) or first_seen for published, first_seen in rows)

    # --- failures ----------------------------------------------------------------------------

    def record_failure(
        self,
        url: str,
        source: str,
        reason: str,
        retryable: bool,
        *,
        canonical_url: str | None = None,
        backoff: float = 900.0,
        backoff_cap: float = 86400.0,
        max_attempts: int = 6,
        now: datetime | None = None,
    ) -> Failure:
        """Count one more failed attempt at ``url``; a retryable one is due again after a backoff
        that doubles per attempt, and after ``max_attempts`` it is given up (no longer retried)."""
        now = now or utcnow()
        reason = reason[:500]
        with self._write() as conn:
            previous = conn.execute(
                select(failures.c.attempts, failures.c.first_failed).where(failures.c.url == url)
            ).first()
            attempts = (previous.attempts if previous else 0) + 1
            first_failed = previous.first_failed if previous else now
            if retryable and attempts >= max_attempts:
                retryable, reason = False, f"gave up after {attempts} attempts: {reason}"[:500]
            next_attempt = now + backoff_delay(attempts, backoff, backoff_cap) if retryable else None
            values = {
                "canonical_url": canonical_url or url,
                "source": source,
                "reason": reason,
                "retryable": retryable,
                "attempts": attempts,
                "last_failed": now,
                "next_attempt": next_attempt,
            }
            conn.execute(
                self._insert(failures)
                .values(url=url, first_failed=first_failed, **values)
                .on_conflict_do_update(index_elements=["url"], set_=values)
            )
        return Failure(
            url, values["canonical_url"], source, reason, retryable, attempts, first_failed, now, next_attempt
        )

    def clear_failure(self, url: str) -> bool:
        with self._write() as conn:
            return conn.execute(failures.delete().where(failures.c.url == url)).rowcount > 0

    def due_failures(self, source: str, now: datetime | None = None) -> list[str]:
        """URLs of ``source`` whose retry is due, longest-waiting first."""
        now = now or utcnow()
        query = (
            select(failures.c.url)
            .where(failures.c.source == source, failures.c.retryable.is_(True))
            .where(failures.c.next_attempt <= now)
            .order_by(failures.c.next_attempt, failures.c.url)
        )
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    def failures(self, source: str | None = None) -> list[Failure]:
        query = select(failures).order_by(failures.c.last_failed, failures.c.url)
        if source is not None:
            query = query.where(failures.c.source == source)
        with self._read() as conn:
            return [Failure(**row) for row in conn.execute(query).mappings()]

    # --- conditional requests ----------------------------------------------------------------

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) last seen for ``url``, for If-None-Match / If-Modified-Since."""
        with self._read() as conn:
            row = conn.execute(
                select(validators.c.etag, validators.c.last_modified).where(validators.c.url == url)
            ).first()
        return (row.etag, row.last_modified) if row else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.set_many_validators({url: (etag, last_modified)})

    def set_many_validators(self, found: Mapping[str, tuple[str | None, str | None]]) -> None:
        now = utcnow()
        with self._write() as conn:
            for url, (etag, last_modified) in sorted(found.items()):
                values = {"etag": etag, "last_modified": last_modified, "checked_at": now}
                conn.execute(
                    self._insert(validators)
                    .values(url=url, **values)
                    .on_conflict_do_update(index_elements=["url"], set_=values)
                )

    # --- runs --------------------------------------------------------------------------------

    def start_run(self, source: str, pid: int | None, *, job_id: str | None = None) -> int:
        """Open a 'running' row for a crawl of ``source`` by process ``pid`` (launcher job ``job_id``)."""
        with self._write() as conn:
            result = conn.execute(
                runs.insert().values(
                    source=source, pid=pid, job_id=job_id, started=utcnow(), outcome="running", errors=""
                )
            )
            return int(result.inserted_primary_key[0])

    def update_run(self, run_id: int, **counts: Any) -> None:
        """Progress of a running crawl (the counts so far), so a killed run still shows its work."""
        with self._write() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(**_run_counts(counts)))

    def finish_run(self, run_id: int, outcome: str, **counts: Any) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"finish_run: outcome {outcome!r} is not one of {OUTCOMES}")
        with self._write() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(outcome=outcome, finished=utcnow(), **_run_counts(counts))
            )

    def mark_unfinished_runs(self, pid: int, outcome: str) -> int:
        """Close the runs a process left 'running' (it was killed or crashed); how many there were."""
        with self._write() as conn:
            return conn.execute(
                update(runs)
                .where(runs.c.pid == pid, runs.c.outcome == "running")
                .values(outcome=outcome, finished=utcnow())
            ).rowcount

    def runs(self, source: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The latest runs, newest first."""
        query = select(runs).order_by(runs.c.started.desc(), runs.c.id.desc()).limit(limit)
        if source is not None:
            query = query.where(runs.c.source == source)
        with self._read() as conn:
            return [RunRecord(**row) for row in conn.execute(query).mappings()]

    def get_run(self, run_id: int) -> RunRecord | None:
        with self._read() as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        return RunRecord(**row) if row else None

    def run_for_pid(self, pid: int, source: str | None = None) -> RunRecord | None:
        query = select(runs).where(runs.c.pid == pid).order_by(runs.c.id.desc()).limit(1)
        if source is not None:
            query = query.where(runs.c.source == source)
        with self._read() as conn:
            row = conn.execute(query).mappings().first()
        return RunRecord(**row) if row else None

    def run_for_job(self, job_id: str) -> RunRecord | None:
        """The run a launcher job wrote (``HOTLINE_JOB_ID``); the latest if it wrote several."""
        query = select(runs).where(runs.c.job_id == job_id).order_by(runs.c.id.desc()).limit(1)
        with self._read() as conn:
            row = conn.execute(query).mappings().first()
        return RunRecord(**row) if row else None

    def source_summary(self) -> list[SourceSummary]:
        """Per source seen in the store: article total, last run, last success, failing streak."""
        with self._read() as conn:
            totals = dict(
                conn.execute(select(articles.c.source, func.count()).group_by(articles.c.source)).all()
            )
            names = set(totals) | set(conn.execute(select(runs.c.source).distinct()).scalars())
        summaries = []
        for name in sorted(names):
            recent = self.runs(name, limit=200)
            finished = [r for r in recent if r.outcome != "running"]
            streak = 0
            for run in finished:
                if run.outcome == "ok":
                    break
                streak += 1
            last_ok = next((r for r in finished if r.outcome == "ok"), None)
            last_error = next((r.errors for r in recent if r.errors), "")
            summaries.append(
                SourceSummary(
                    source=name,
                    articles_total=int(totals.get(name, 0)),
                    last_run=recent[0] if recent else None,
                    last_success=(last_ok.finished or last_ok.started) if last_ok else None,
                    consecutive_failures=streak,
                    last_error=last_error,
                )
            )
        return summaries

    # --- publishing, read-only additions (crawler.service.publish; issue 6) ----------------------------

    def feed_unassigned_articles(
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
        with self._read() as conn:
            return [_decode_article(row) for row in conn.execute(query).mappings()]

def _configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout and synchronous=NORMAL on every connection; BEGIN IMMEDIATE for writes.

    pysqlite's own transaction handling is switched off (the SQLAlchemy recipe for SQLite), so that a
    write transaction takes the write lock up front and waits for it (busy_timeout) instead of failing
    halfway with "database is locked" when another crawl process writes at the same time.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        # Switching to WAL (once per database file) does not always wait for the busy timeout.
        for _ in range(100):
            try:
                if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    cursor.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                time.sleep(0.05)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("hotline_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _encode_extra(extra: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(extra)
    matched = values.get("matched")
    if matched is not None and not isinstance(matched, str):
        values["matched"] = json.dumps(list(matched), ensure_ascii=False)
    return values


def _decode_article(row: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(row)
    if data.get("matched"):
        with contextlib.suppress(ValueError):
            data["matched"] = json.loads(data["matched"])
    return data


def _run_counts(counts: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(counts) - set(RUN_COUNTS)
    if unknown:
        raise TypeError(f"unknown run count(s) {sorted(unknown)}; known: {RUN_COUNTS}")
    return dict(counts)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
