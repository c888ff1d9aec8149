"""The pipeline board's indexes: a stage's opportunities in close-date order, with the columns its
sums read (owner, currency, amount, probability), so each column's first cards are read in order
and its totals from the index alone, without touching the table; once for everyone's
opportunities (stage first), once for a team's or a rep's (owner first).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {"ix_opportunities_board": ["stage_id", "close_date", "owner_id", "currency", "amount", "probability"],
           "ix_opportunities_board_owner": ["owner_id", "stage_id", "close_date", "currency", "amount",
                                            "probability"]}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "opportunities", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="opportunities")
