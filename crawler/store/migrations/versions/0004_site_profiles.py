"""Site profiles: per host, the blocks of text its pages repeat and the titles of its pages.

Revision ID: 0004_site_profiles
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_site_profiles"
down_revision = "0003_story_merges"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_table("site_blocks")
    op.drop_table("site_profiles")
