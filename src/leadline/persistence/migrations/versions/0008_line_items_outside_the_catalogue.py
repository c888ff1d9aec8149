"""A line item keeps its product's name, and may have no catalogue product: a lead's product line
outside the catalogue (``Training:1:5000``) becomes a line of its own name and price at conversion
instead of being dropped with its money. Existing lines take their product's name.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("opportunity_line_items") as batch:
        batch.add_column(sa.Column("product_name", sa.String(length=255), nullable=True))
        batch.alter_column("product_id", existing_type=sa.BigInteger(), nullable=True)
    op.execute(sa.text("UPDATE opportunity_line_items SET product_name = "
                       "(SELECT name FROM products WHERE products.id = opportunity_line_items.product_id)"))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM opportunity_line_items WHERE product_id IS NULL"))
    with op.batch_alter_table("opportunity_line_items") as batch:
        batch.alter_column("product_id", existing_type=sa.BigInteger(), nullable=False)
        batch.drop_column("product_name")
