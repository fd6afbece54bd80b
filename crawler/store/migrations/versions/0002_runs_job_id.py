"""``runs.job_id``: the launcher's id for a crawl (``HOTLINE_JOB_ID``), so a Scrapyd job finds its row.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    present = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("runs")}
    if "job_id" in present:  # a database opened by the store before it used migrations already has it
        return
    op.add_column("runs", sa.Column("job_id", sa.String(64)))
    op.create_index("ix_runs_job_id", "runs", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_runs_job_id", table_name="runs")
    op.drop_column("runs", "job_id")
