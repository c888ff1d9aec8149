"""An idempotency key is written with its response in the transaction of the records it answers
for, so every key has a response. Claims left without one by the former two-transaction scheme
(a request that died in between) are dropped: a retry with such a key runs once more, as it would
have after the former two-minute wait.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM idempotency_keys WHERE status_code IS NULL OR response IS NULL")
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.alter_column("status_code", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("response", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.alter_column("status_code", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("response", existing_type=sa.Text(), nullable=True)
