"""The article feed's partial index ``ix_articles_originals`` replaces ``ix_articles_duplicate_of``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ORIGINALS = sa.text("duplicate_of IS NULL")


def upgrade() -> None:
    op.drop_index("ix_articles_duplicate_of", table_name="articles", if_exists=True)
    op.create_index(
        "ix_articles_originals",
        "articles",
        ["first_seen", "id"],
        sqlite_where=ORIGINALS,
        postgresql_where=ORIGINALS,
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index("ix_articles_originals", table_name="articles")
    op.create_index("ix_articles_duplicate_of", "articles", ["duplicate_of"])
