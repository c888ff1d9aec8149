"""The leads list's default order within a filter: (status | source | owner, created_at, id)
indexes, so that a page of the newest 50 leads of a status reads 50 index entries instead of
sorting every lead of that status (1,000,000 leads: bench/bench_web_pages.py). They replace the
single-column indexes on status_id, source_id and owner_id, which are their prefixes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPLACED = (("status_id", "ix_leads_status_created"), ("source_id", "ix_leads_source_created"),
            ("owner_id", "ix_leads_owner_created"))


def upgrade() -> None:
    for column, name in REPLACED:
        op.create_index(name, "leads", [column, "created_at", "id"])
        op.drop_index(f"ix_leads_{column}", table_name="leads")


def downgrade() -> None:
    for column, name in REPLACED:
        op.create_index(f"ix_leads_{column}", "leads", [column])
        op.drop_index(name, table_name="leads")
