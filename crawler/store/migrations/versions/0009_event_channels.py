"""Event channels: one compact row per (story, channel) of each cached event, for the channel tracker.

The tracker reads every event per rebuild; reading these rows costs what a covering index scan costs,
where decoding each event's JSON record grew with the store. The events cache is emptied so every
event is read again (with its rows) by the next rebuilds.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_channels",
        sa.Column("story_id", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(64), primary_key=True),
        sa.Column("event_date", sa.Date),
        sa.Column("kind", sa.String(32)),
        sa.Column("approximate", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index(
        "ix_event_channels_channel_date",
        "event_channels",
        ["channel", "event_date", "story_id", "kind", "approximate"],
    )
    op.execute("DELETE FROM events")


def downgrade() -> None:
    op.drop_index("ix_event_channels_channel_date", table_name="event_channels")
    op.drop_table("event_channels")
