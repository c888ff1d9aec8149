"""A deleted contact role keeps its contact's owner (``deleted_records.contact_owner_id``), so
``deleted/`` lists its removal only to whoever may read the opportunity and the contact
(docs/adr/0058-contact-roles-read-with-both-parents.md). Roles removed before this revision keep
null there: only users who read every contact see them.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deleted_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_owner_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deleted_records", schema=None) as batch_op:
        batch_op.drop_column("contact_owner_id")
