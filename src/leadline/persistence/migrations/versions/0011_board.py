"""The pipeline board's index: a stage's opportunities in close-date order, with the columns its
sums read (owner, currency, amount, probability), so each column's first cards are read in order
and its totals from the index alone, without touching the table.

Revision ID: 0011_board
Revises: 0010
Create Date: 2026-12-06
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0011_board'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["stage_id", "close_date", "owner_id", "currency", "amount", "probability"]


def upgrade() -> None:
    op.create_index("ix_opportunities_board", "opportunities", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_opportunities_board", table_name="opportunities")
