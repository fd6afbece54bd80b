"""Events: each story's event record (date, kind, channels, participants), cached per story version.

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("story_id", sa.String(64), primary_key=True),
        sa.Column("story_updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_date", sa.Date, index=True),
        sa.Column("kind", sa.String(32)),
        sa.Column("record", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("events")
