"""Duplicate rules an admin changed, the groups the duplicate-group job found, merges with their
undo records, the tombstone column of leads, contacts and accounts (``merged_into_id``), and the
name-key expression indexes the duplicate look-ups use.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_rules",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("record_kind", sa.String(length=16), nullable=False),
        sa.Column("match", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_rules")),
        sa.UniqueConstraint("record_kind", "match", name=op.f("uq_duplicate_rules_record_kind")),
    )
    op.create_table(
        "duplicate_groups",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("record_kind", sa.String(length=16), nullable=False),
        sa.Column("record_ids", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_groups")),
    )
    op.create_index(op.f("ix_duplicate_groups_record_kind"), "duplicate_groups", ["record_kind"], unique=False)
    op.create_table(
        "merges",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("record_kind", sa.String(length=16), nullable=False),
        sa.Column("survivor_id", sa.BigInteger(), nullable=False),
        sa.Column("merged_ids", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("survivor_version", sa.Integer(), nullable=False),
        sa.Column("undo", sa.Text(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_merges_actor_id_users")),
        sa.ForeignKeyConstraint(["undone_by"], ["users.id"], name=op.f("fk_merges_undone_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merges")),
    )
    op.create_index(op.f("ix_merges_survivor_id"), "merges", ["survivor_id"], unique=False)
    for table in ("leads", "contacts", "accounts"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("merged_into_id", sa.BigInteger(), nullable=True))
    op.create_index("ix_leads_last_name_key", "leads", [sa.text("lower(last_name)")], unique=False)
    op.create_index("ix_leads_company_key", "leads", [sa.text("lower(company)")], unique=False)
    op.create_index("ix_contacts_last_name_key", "contacts", [sa.text("lower(last_name)")], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contacts_last_name_key", table_name="contacts")
    op.drop_index("ix_leads_company_key", table_name="leads")
    op.drop_index("ix_leads_last_name_key", table_name="leads")
    for table in ("accounts", "contacts", "leads"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("merged_into_id")
    op.drop_index(op.f("ix_merges_survivor_id"), table_name="merges")
    op.drop_table("merges")
    op.drop_index(op.f("ix_duplicate_groups_record_kind"), table_name="duplicate_groups")
    op.drop_table("duplicate_groups")
    op.drop_table("duplicate_rules")
