"""Raw pages: every article page fetched, its body compressed, for re-extraction and WARC export.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

URL = sa.String(2048)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_table("raw_pages")
