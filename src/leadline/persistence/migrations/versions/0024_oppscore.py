"""Opportunity scoring: each open opportunity's predicted chance of winning, naming the model
version it came from (the models themselves share ``scoring_models``, subject "opportunity").

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "opportunity_scores",
        sa.Column("opportunity_id", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("confident", sa.Boolean(), nullable=False),
        sa.Column("model_id", sa.BigInteger(), nullable=False),
        sa.Column("model_version", sa.String(length=48), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunities.id"],
                                name=op.f("fk_opportunity_scores_opportunity_id_opportunities"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["model_id"], ["scoring_models.id"],
                                name=op.f("fk_opportunity_scores_model_id_scoring_models"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("opportunity_id", name=op.f("pk_opportunity_scores")),
    )
    op.create_index("ix_opportunity_scores_score", "opportunity_scores", ["score", "opportunity_id"], unique=False)
    op.create_index(op.f("ix_opportunity_scores_model_id"), "opportunity_scores", ["model_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_opportunity_scores_model_id"), table_name="opportunity_scores")
    op.drop_index("ix_opportunity_scores_score", table_name="opportunity_scores")
    op.drop_table("opportunity_scores")
