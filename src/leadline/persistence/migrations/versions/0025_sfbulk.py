"""Bulk API 2.0 jobs of the Salesforce-compatible API (ADR 0049): the job, and each block's
successful rows (one row a block) for its ``successfulResults``.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "salesforce_bulk_jobs",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sobject", sa.String(length=80), nullable=False),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("external_id_field", sa.String(length=80), nullable=True),
        sa.Column("column_delimiter", sa.String(length=12), nullable=False),
        sa.Column("line_ending", sa.String(length=4), nullable=False),
        sa.Column("api_version", sa.String(length=8), nullable=False),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("data_path", sa.Text(), nullable=True),
        sa.Column("import_job_id", sa.BigInteger(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("records_processed", sa.Integer(), nullable=False),
        sa.Column("records_failed", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_salesforce_bulk_jobs_actor_id_users")),
        sa.ForeignKeyConstraint(["import_job_id"], ["import_jobs.id"],
                                name=op.f("fk_salesforce_bulk_jobs_import_job_id_import_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salesforce_bulk_jobs")),
    )
    op.create_index("ix_salesforce_bulk_jobs_actor_id", "salesforce_bulk_jobs", ["actor_id"])
    op.create_table(
        "salesforce_bulk_outcomes",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("first_row", sa.Integer(), nullable=False),
        sa.Column("outcomes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["salesforce_bulk_jobs.id"], ondelete="CASCADE",
                                name=op.f("fk_salesforce_bulk_outcomes_job_id_salesforce_bulk_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salesforce_bulk_outcomes")),
    )
    op.create_index("ix_salesforce_bulk_outcomes_job_row", "salesforce_bulk_outcomes", ["job_id", "first_row"])


def downgrade() -> None:
    op.drop_index("ix_salesforce_bulk_outcomes_job_row", table_name="salesforce_bulk_outcomes")
    op.drop_table("salesforce_bulk_outcomes")
    op.drop_index("ix_salesforce_bulk_jobs_actor_id", table_name="salesforce_bulk_jobs")
    op.drop_table("salesforce_bulk_jobs")
