"""A sales process may be the one opportunities of a type follow (``opportunity_type``); and a
qualified lead is no longer a dead end: the moves the default graph now has out of a qualified
status (back to working, or disqualified) are added to an existing graph.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""
import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (from kind, to kind) of the moves added to an existing graph
QUALIFIED_MOVES = (("qualified", "working"), ("qualified", "unqualified"))


def upgrade() -> None:
    with op.batch_alter_table("sales_processes") as batch:
        batch.add_column(sa.Column("opportunity_type", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    statuses = connection.execute(sa.text("SELECT id, kind FROM lead_statuses")).all()
    existing = set(connection.execute(sa.text(
        "SELECT from_status_id, to_status_id FROM lead_status_transitions")).all())
    added = [{"a": a, "b": b} for a, a_kind in statuses for b, b_kind in statuses
             if (a_kind, b_kind) in QUALIFIED_MOVES and (a, b) not in existing]
    if added:
        connection.execute(sa.text("INSERT INTO lead_status_transitions (from_status_id, to_status_id) "
                                   "VALUES (:a, :b)"), added)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sqlite3.sqlite_version_info >= (3, 35, 0):
        # rebuilding the table (batch mode) would drop a table the stages' foreign key points at
        op.execute("ALTER TABLE sales_processes DROP COLUMN opportunity_type")
        return
    with op.batch_alter_table("sales_processes") as batch:
        batch.drop_column("opportunity_type")
