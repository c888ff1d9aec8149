"""Deleted records kept for Salesforce's ``sobjects/X/deleted/`` (docs/adr/0047): type, id,
owner and moment, written by the deleting use case in its transaction.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deleted_records",
        sa.Column("record_type", sa.String(32), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_type", "record_id", name=op.f("pk_deleted_records")),
    )
    op.create_index("ix_deleted_records_window", "deleted_records", ["record_type", "deleted_at"])


def downgrade() -> None:
    op.drop_index("ix_deleted_records_window", table_name="deleted_records")
    op.drop_table("deleted_records")
