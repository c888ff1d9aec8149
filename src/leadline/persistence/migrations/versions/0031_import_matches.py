"""Which existing record each skipped or updated row of an import matched (row, record, rules,
score, outcome), for the import's list of matches (issue 17, ADR 0073).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_matches",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("rules", sa.String(length=255), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("in_file", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["import_jobs.id"], name=op.f("fk_import_matches_job_id_import_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_matches")),
    )
    with op.batch_alter_table("import_matches") as batch:
        batch.create_index("ix_import_matches_job_row", ["job_id", "row_number"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_matches") as batch:
        batch.drop_index("ix_import_matches_job_row")
    op.drop_table("import_matches")
