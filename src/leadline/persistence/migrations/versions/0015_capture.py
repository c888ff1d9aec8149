"""Lead capture (issue 18): web-to-lead forms, where each captured lead came from, the
quarantine of suspicious submissions, used timing tokens and fixed-window rate counters.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "capture_forms",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=True),
        sa.Column("default_owner_id", sa.BigInteger(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_capture_forms_created_by_id_users")),
        sa.ForeignKeyConstraint(["default_owner_id"], ["users.id"],
                                name=op.f("fk_capture_forms_default_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capture_forms")),
        sa.UniqueConstraint("key", name=op.f("uq_capture_forms_key")),
    )
    op.create_table(
        "lead_captures",
        sa.Column("lead_id", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form_id", sa.BigInteger(), nullable=True),
        *(sa.Column(name, sa.String(length=255), nullable=True)
          for name in ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "click_id")),
        sa.Column("click_id_kind", sa.String(length=20), nullable=True),
        sa.Column("landing_page", sa.Text(), nullable=True),
        sa.Column("referrer", sa.Text(), nullable=True),
        sa.Column("quiz_answers", sa.Text(), nullable=True),
        sa.Column("quiz_points", sa.Integer(), nullable=True),
        sa.Column("social_profile_url", sa.Text(), nullable=True),
        sa.Column("referred_by_contact_id", sa.BigInteger(), nullable=True),
        sa.Column("referred_by_account_id", sa.BigInteger(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_lead_captures_lead_id_leads"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["form_id"], ["capture_forms.id"],
                                name=op.f("fk_lead_captures_form_id_capture_forms"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["referred_by_contact_id"], ["contacts.id"],
                                name=op.f("fk_lead_captures_referred_by_contact_id_contacts"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["referred_by_account_id"], ["accounts.id"],
                                name=op.f("fk_lead_captures_referred_by_account_id_accounts"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("lead_id", name=op.f("pk_lead_captures")),
    )
    op.create_index("ix_lead_captures_form_fingerprint", "lead_captures", ["form_id", "fingerprint"])
    op.create_index(op.f("ix_lead_captures_referred_by_contact_id"), "lead_captures", ["referred_by_contact_id"])
    op.create_index(op.f("ix_lead_captures_referred_by_account_id"), "lead_captures", ["referred_by_account_id"])
    op.create_table(
        "capture_quarantine",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("form_id", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_by_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["form_id"], ["capture_forms.id"],
                                name=op.f("fk_capture_quarantine_form_id_capture_forms"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_capture_quarantine_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capture_quarantine")),
    )
    op.create_index(op.f("ix_capture_quarantine_form_id"), "capture_quarantine", ["form_id"])
    op.create_index("ix_capture_quarantine_state_received", "capture_quarantine", ["state", "received_at"])
    op.create_table(
        "capture_used_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("form_id", sa.BigInteger(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_capture_used_tokens")),
    )
    op.create_index(op.f("ix_capture_used_tokens_used_at"), "capture_used_tokens", ["used_at"])
    op.create_table(
        "capture_rate_counters",
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "window_start", name=op.f("pk_capture_rate_counters")),
    )


def downgrade() -> None:
    op.drop_table("capture_rate_counters")
    op.drop_table("capture_used_tokens")
    op.drop_table("capture_quarantine")
    op.drop_table("lead_captures")
    op.drop_table("capture_forms")
