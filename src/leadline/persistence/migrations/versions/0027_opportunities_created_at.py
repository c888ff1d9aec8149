"""The opportunities list's default order, newest first: an index on (created_at, id), so that a
page of the newest 50 reads 50 index entries, with or without a score floor, instead of sorting
every opportunity (1,000,000 opportunities: bench/explain_opportunity_score_order.py, bench/RESULTS.md).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_opportunities_created_at", "opportunities", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_opportunities_created_at", table_name="opportunities")
