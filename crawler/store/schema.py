"""The tables, as SQLAlchemy Core metadata: what the initial migration creates, column by column.

``UTCDateTime`` keeps times timezone-aware on SQLite too, which stores no offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
)

from crawler.core.records import Article

URL_LENGTH = 2048
# 'stopped': ended because the daemon or the CLI stopped (a user's stop, not the source's failure)
OUTCOMES = ("running", "ok", "failed", "killed", "timeout", "crashed", "stopped")


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
    Column("duplicate_of", Integer),  # the article whose text this one reprints (its original)
)
# The article feed: originals, newest first. Partial, and no index leads with ``duplicate_of``: on
# SQLite (no statistics) an index on it would win every query that says "duplicate_of IS NULL" as an
# equality matching few rows, when it matches nearly all of them (the feed then sorted the whole store).
Index(
    "ix_articles_originals",
    articles.c.first_seen,
    articles.c.id,
    sqlite_where=articles.c.duplicate_of.is_(None),
    postgresql_where=articles.c.duplicate_of.is_(None),
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

# A story merged into another (a new article linked them): its id keeps resolving to the survivor, so
# feed entry ids never change meaning. One hop: a later merge of the survivor rewrites ``into_id``.
story_merges = Table(
    "story_merges",
    metadata,
    Column("merged_id", String(64), primary_key=True),
    Column("into_id", String(64), nullable=False, index=True),
    Column("merged_at", UTCDateTime, nullable=False, index=True),
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
    # pages extracted, and those where the cleaning's guards refused a removal or the cross-check
    # undid it (a rule matching the article itself)
    Column("cleaning_pages", Integer, nullable=False, default=0),
    Column("cleaning_refused", Integer, nullable=False, default=0),
    Column("cleaning_undone", Integer, nullable=False, default=0),
    Column("job_id", String(64)),  # the launcher's id for the crawl (HOTLINE_JOB_ID), e.g. a Scrapyd job
    Column("skipped_old", Integer, nullable=False, default=0),  # dated entries before the cutoff
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
    # the extractor version that rejected the page (None: a fetch failure): an older one's verdicts
    # are judged again (store.failures.reopen_outdated)
    Column("extractor", Integer),
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

# Every article page fetched, raw (articles and pages rejected as not an article): the newest fetch per
# URL as discovered, its body zlib-compressed, so ``hotline reextract`` can re-run today's extraction
# without the network and ``hotline archive export`` can write it as WARC.
raw_pages = Table(
    "raw_pages",
    metadata,
    Column("url", String(URL_LENGTH), primary_key=True),  # the URL as discovered (before redirects)
    Column("canonical_url", String(URL_LENGTH), nullable=False, index=True),
    Column("final_url", Text, nullable=False),  # after redirects
    Column("source", String(200), nullable=False),
    Column("status", Integer, nullable=False),
    Column("headers", Text, nullable=False),  # JSON list of [name, value] pairs, as received
    Column("body", LargeBinary, nullable=False),  # zlib-compressed
    Column("body_length", Integer, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False, index=True),
    Column("hint", Text),  # JSON: the title and date the feed or sitemap gave for the page
    Index("ix_raw_pages_source_fetched", "source", "fetched_at"),
)

# Site profiles (crawler.core.extract.profile): per host, how many of its pages were profiled and when
# the profile last learned a chrome block or a title; per host, every block of text seen lately (by
# normalized hash) with the pages it was seen on, and the titles of its pages. Bounded per host.
site_profiles = Table(
    "site_profiles",
    metadata,
    Column("host", String(255), primary_key=True),
    Column("pages", Integer, nullable=False, default=0),
    Column("updated", UTCDateTime, nullable=False),
    Column("learned", UTCDateTime),
)
site_blocks = Table(
    "site_blocks",
    metadata,
    Column("host", String(255), primary_key=True),
    Column("kind", String(8), primary_key=True),  # "block" or "title"
    Column("key", String(16), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("first_page", Integer, nullable=False),
    Column("last_page", Integer, nullable=False),
    Column("text", Text, nullable=False),  # its start (a title: whole)
    Index("ix_site_blocks_count", "host", "kind", "count"),
)
# A story's event record (crawler.core.events), cached: recomputed only when the story's ``updated``
# moves past ``story_updated``, so a rebuild reads events instead of re-reading every story's text.
events = Table(
    "events",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("story_updated", UTCDateTime, nullable=False),
    Column("event_date", Date, index=True),
    Column("kind", String(32)),
    Column("record", Text, nullable=False),  # JSON of Event.to_dict()
)
# One row per (story, channel) of each event: what the channel tracker reads for every event.
event_channels = Table(
    "event_channels",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("channel", String(64), primary_key=True),
    Column("event_date", Date),
    Column("kind", String(32)),
    Column("approximate", Boolean, nullable=False, default=False),
    Index("ix_event_channels_channel_date", "channel", "event_date", "story_id", "kind", "approximate"),
)

ARTICLE_FIELDS = tuple(Article.__dataclass_fields__)
ARTICLE_COLUMNS = tuple(articles.c[name] for name in ARTICLE_FIELDS)
