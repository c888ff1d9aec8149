"""The opportunity history in the order the pipeline-as-of reports read it: each opportunity's
rows by time (and id), with the figures they keep (stage, close date, currency, amount), so the
latest row before a date is found by one index-only scan without a sort (bench/RESULTS.md, issue
19). It replaces ``ix_opportunity_stage_changes_opp`` (opportunity, time), its prefix.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATE = ["opportunity_id", "changed_at", "id", "to_stage_id", "close_date", "currency", "amount"]


def upgrade() -> None:
    op.create_index("ix_opportunity_stage_changes_state", "opportunity_stage_changes", STATE)
    op.drop_index("ix_opportunity_stage_changes_opp", table_name="opportunity_stage_changes")


def downgrade() -> None:
    op.create_index("ix_opportunity_stage_changes_opp", "opportunity_stage_changes", ["opportunity_id", "changed_at"])
    op.drop_index("ix_opportunity_stage_changes_state", table_name="opportunity_stage_changes")
