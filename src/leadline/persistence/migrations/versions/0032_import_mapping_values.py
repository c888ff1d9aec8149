"""A saved import mapping holds its value mappings too (field -> the file's value -> the label
read instead), applied after the standard ones (issue 17).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_mappings") as batch:
        batch.add_column(sa.Column("value_maps", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_mappings") as batch:
        batch.drop_column("value_maps")
