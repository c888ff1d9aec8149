"""Predictive scoring: the trained models, versioned and kept, and each lead's current score
naming the model version it came from.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scoring_models",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcomes", sa.Integer(), nullable=False),
        sa.Column("positives", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_models")),
    )
    op.create_index("ix_scoring_models_subject_trained", "scoring_models", ["subject", "trained_at"], unique=False)
    op.create_table(
        "lead_scores",
        sa.Column("lead_id", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("confident", sa.Boolean(), nullable=False),
        sa.Column("model_id", sa.BigInteger(), nullable=False),
        sa.Column("model_version", sa.String(length=48), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_lead_scores_lead_id_leads"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["model_id"], ["scoring_models.id"],
                                name=op.f("fk_lead_scores_model_id_scoring_models"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("lead_id", name=op.f("pk_lead_scores")),
    )
    op.create_index("ix_lead_scores_score", "lead_scores", ["score", "lead_id"], unique=False)
    op.create_index(op.f("ix_lead_scores_model_id"), "lead_scores", ["model_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_lead_scores_model_id"), table_name="lead_scores")
    op.drop_index("ix_lead_scores_score", table_name="lead_scores")
    op.drop_table("lead_scores")
    op.drop_index("ix_scoring_models_subject_trained", table_name="scoring_models")
    op.drop_table("scoring_models")
