"""The initial schema: articles and their URLs, stories and their merges, fingerprint bands, runs,
failures, validators, raw pages, site profiles, events.

Revision ID: 0001
Revises:
Create Date: 2026-12-03

Nothing was released before it, so the eight revisions of development are squashed into this one: the
whole schema of ``crawler.store.schema`` (a test holds the two together on SQLite and PostgreSQL). Later
changes are new revisions on top of it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

URL = sa.String(2048)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("canonical_url", URL, nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("source", sa.String(200), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published", sa.String(40)),
        sa.Column("author", sa.Text),
        sa.Column("site_name", sa.Text),
        sa.Column("language", sa.String(20)),
        sa.Column("image", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("first_seen", WHEN, nullable=False, index=True),
        sa.Column("fetched_at", WHEN, nullable=False),
        sa.Column("text_length", sa.Integer, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("relevant", sa.Boolean),
        sa.Column("matched", sa.Text),
        sa.Column("story_id", sa.String(64), index=True),
        sa.Column("fingerprint", sa.LargeBinary),
        sa.Column("features", sa.Text),
        sa.Column("event_date", sa.Date, index=True),
        sa.Column("duplicate_of", sa.Integer),
    )
    originals = sa.text("duplicate_of IS NULL")
    op.create_index(
        "ix_articles_originals",
        "articles",
        ["first_seen", "id"],
        sqlite_where=originals,
        postgresql_where=originals,
    )
    op.create_table(
        "article_urls",
        sa.Column("url", URL, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("lead_article_id", sa.Integer),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_seen", WHEN, nullable=False),
        sa.Column("updated", WHEN, nullable=False, index=True),
        sa.Column("event_date", sa.Date, index=True),
    )
    op.create_table(
        "story_merges",
        sa.Column("merged_id", sa.String(64), primary_key=True),
        sa.Column("into_id", sa.String(64), nullable=False, index=True),
        sa.Column("merged_at", WHEN, nullable=False, index=True),
    )
    op.create_table(
        "fingerprint_bands",
        sa.Column("band_key", sa.String(24), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("started", WHEN, nullable=False),
        sa.Column("finished", WHEN),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("pages_fetched", sa.Integer, nullable=False),
        sa.Column("articles_new", sa.Integer, nullable=False),
        sa.Column("articles_failed", sa.Integer, nullable=False),
        sa.Column("not_articles", sa.Integer, nullable=False),
        sa.Column("skipped_known", sa.Integer, nullable=False),
        sa.Column("errors", sa.Text, nullable=False),
        sa.Column("pid", sa.Integer),
        sa.Column("mean_text_length", sa.Float),
        sa.Column("boilerplate_hits", sa.Integer, nullable=False),
        sa.Column("relevant_new", sa.Integer, nullable=False),
        sa.Column("cleaning_pages", sa.Integer, nullable=False),
        sa.Column("cleaning_refused", sa.Integer, nullable=False),
        sa.Column("cleaning_undone", sa.Integer, nullable=False),
        sa.Column("job_id", sa.String(64)),
        sa.Column("skipped_old", sa.Integer, nullable=False),
        sa.Index("ix_runs_source_started", "source", "started"),
        sa.Index("ix_runs_pid", "pid"),
        sa.Index("ix_runs_job_id", "job_id"),
    )
    op.create_table(
        "failures",
        sa.Column("url", URL, primary_key=True),
        sa.Column("canonical_url", URL, nullable=False, index=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("retryable", sa.Boolean, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("first_failed", WHEN, nullable=False),
        sa.Column("last_failed", WHEN, nullable=False),
        sa.Column("next_attempt", WHEN),
        sa.Column("extractor", sa.Integer),
        sa.Index("ix_failures_due", "source", "retryable", "next_attempt"),
    )
    op.create_table(
        "validators",
        sa.Column("url", URL, primary_key=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("checked_at", WHEN, nullable=False),
    )
    op.create_table(
        "raw_pages",
        sa.Column("url", URL, primary_key=True),
        sa.Column("canonical_url", URL, nullable=False, index=True),
        sa.Column("final_url", sa.Text, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("body_length", sa.Integer, nullable=False),
        sa.Column("fetched_at", WHEN, nullable=False, index=True),
        sa.Column("hint", sa.Text),
        sa.Index("ix_raw_pages_source_fetched", "source", "fetched_at"),
    )
    op.create_table(
        "site_profiles",
        sa.Column("host", sa.String(255), primary_key=True),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("updated", WHEN, nullable=False),
        sa.Column("learned", WHEN),
    )
    op.create_table(
        "site_blocks",
        sa.Column("host", sa.String(255), primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("key", sa.String(16), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("first_page", sa.Integer, nullable=False),
        sa.Column("last_page", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Index("ix_site_blocks_count", "host", "kind", "count"),
    )
    op.create_table(
        "events",
        sa.Column("story_id", sa.String(64), primary_key=True),
        sa.Column("story_updated", WHEN, nullable=False),
        sa.Column("event_date", sa.Date, index=True),
        sa.Column("kind", sa.String(32)),
        sa.Column("record", sa.Text, nullable=False),
    )
    op.create_table(
        "event_channels",
        sa.Column("story_id", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(64), primary_key=True),
        sa.Column("event_date", sa.Date),
        sa.Column("kind", sa.String(32)),
        sa.Column("approximate", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Index(
            "ix_event_channels_channel_date", "channel", "event_date", "story_id", "kind", "approximate"
        ),
    )


TABLES = (
    "event_channels", "events", "site_blocks", "site_profiles", "raw_pages", "validators", "failures", "runs",
    "fingerprint_bands", "story_merges", "stories", "article_urls", "articles",
)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
