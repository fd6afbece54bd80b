"""Rejections carry the extractor version that judged them, so a better extractor judges them again;
runs count the pages where the cleaning layer's guards refused or undid a removal (source health).

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-03

Rejections stored before this revision were judged by the extraction of that time: they get version 1
(``EXTRACTOR_VERSION`` starts at 2), so the next crawl of their source fetches and judges them again.
Fetch failures (HTTP errors, time-outs, non-HTML pages) keep no version: the page, not the extraction,
was at fault.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004_site_profiles"
branch_labels = None
depends_on = None

# reasons the extractor gives (crawler.core.extract); the pipeline's "not an HTML page" is not one
_JUDGED = ("not an article%", "extraction failed%", "empty page%", "binary:%")


_CLEANING = ("cleaning_pages", "cleaning_refused", "cleaning_undone")


def upgrade() -> None:
    with op.batch_alter_table("failures") as batch:
        batch.add_column(sa.Column("extractor", sa.Integer))
    with op.batch_alter_table("runs") as batch:
        for name in _CLEANING:
            batch.add_column(sa.Column(name, sa.Integer, nullable=False, server_default="0"))
    failures = sa.table("failures", sa.column("reason", sa.Text), sa.column("extractor", sa.Integer))
    judged = sa.or_(*(failures.c.reason.like(pattern) for pattern in _JUDGED))
    op.execute(failures.update().where(judged).values(extractor=1))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        for name in _CLEANING:
            batch.drop_column(name)
    with op.batch_alter_table("failures") as batch:
        batch.drop_column("extractor")
