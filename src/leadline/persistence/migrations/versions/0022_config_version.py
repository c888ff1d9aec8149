"""The configuration version: one row counting the commits that wrote configuration (ADR 0045).

A worker's configuration cache, once its second is up, reads this number and reloads only when it
moved, instead of reloading every second (and, on a loaded server whose requests take longer than
that, on every request).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "configuration_version",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("configuration_version")
