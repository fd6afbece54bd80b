"""Story merges: a story merged into another keeps resolving to it (feed entry ids stay meaningful).

Revision ID: 0003_story_merges
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_story_merges"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_merges",
        sa.Column("merged_id", sa.String(64), primary_key=True),
        sa.Column("into_id", sa.String(64), nullable=False, index=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("story_merges")
