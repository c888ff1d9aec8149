"""The funnel's per-lead furthest status step, ``leads.status_reach`` (0 open, 1 working, 2
qualified), kept with the status history (persistence/leads/status_reach.py) and filled here from
the history already recorded.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Each lead's furthest step from its whole history, as the repositories compute it: one
#: aggregate of the history joined in (``UPDATE ... FROM``: PostgreSQL, and SQLite since 3.33),
#: not a subquery per lead; leads that never left the open statuses keep the default 0.
FILL = """
UPDATE leads SET status_reach = reach.step
FROM (SELECT c.lead_id AS lead_id,
             MAX(CASE WHEN s.kind IN ('qualified', 'converted') THEN 2 WHEN s.kind = 'open' THEN 0 ELSE 1 END) AS step
      FROM lead_status_changes c JOIN lead_statuses s ON s.id = c.to_status_id
      GROUP BY c.lead_id) AS reach
WHERE reach.lead_id = leads.id AND reach.step <> 0
"""


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_reach", sa.SmallInteger(), server_default="0", nullable=False))
    op.execute(FILL)


def downgrade() -> None:
    # not in a batch: on SQLite a batch rebuilds the table and would lose its expression indexes
    op.drop_column("leads", "status_reach")
