"""Object rights per role: which roles may create, edit and delete leads, accounts, contacts and
opportunities (ADR 0068). A right with no row is granted, so an upgraded organisation keeps what
it had until an admin restricts; admins always have every right and take no rows.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "object_rights",
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("role", "record_type", "action", name=op.f("pk_object_rights")),
    )


def downgrade() -> None:
    op.drop_table("object_rights")
