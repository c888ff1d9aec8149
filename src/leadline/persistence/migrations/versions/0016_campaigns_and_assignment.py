"""Campaigns with their members, a lead's source campaign and an opportunity's primary campaign;
assignment rules, round-robin groups (their counters kept here) and the assignment log.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from leadline.persistence.types import ExactDecimal, UtcDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, foreign-key name, index name) of the campaign columns added to existing tables
CAMPAIGN_COLUMNS = (("leads", "fk_leads_campaign_id_campaigns", "ix_leads_campaign_id"),
                    ("opportunities", "fk_opportunities_campaign_id_campaigns", "ix_opportunities_campaign_id"))


def upgrade() -> None:
    op.create_table(
        'campaigns',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('type', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=True),
        sa.Column('end_date', sa.Date(), nullable=True),
        sa.Column('budget_amount', ExactDecimal(), nullable=True),
        sa.Column('actual_cost_amount', ExactDecimal(), nullable=True),
        sa.Column('parent_id', sa.BigInteger(), nullable=True),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('owner_id', sa.BigInteger(), nullable=True),
        sa.Column('created_at', UtcDateTime(), nullable=False),
        sa.Column('updated_at', UtcDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_campaigns_owner_id_users')),
        sa.ForeignKeyConstraint(['parent_id'], ['campaigns.id'], name=op.f('fk_campaigns_parent_id_campaigns')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    )
    op.create_index(op.f('ix_campaigns_name'), 'campaigns', ['name'])
    op.create_index(op.f('ix_campaigns_parent_id'), 'campaigns', ['parent_id'])
    op.create_table(
        'campaign_members',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('campaign_id', sa.BigInteger(), nullable=False),
        sa.Column('lead_id', sa.BigInteger(), nullable=True),
        sa.Column('contact_id', sa.BigInteger(), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('first_responded_at', UtcDateTime(), nullable=True),
        sa.Column('added_at', UtcDateTime(), nullable=False),
        sa.Column('updated_at', UtcDateTime(), nullable=False),
        sa.CheckConstraint('(lead_id IS NULL) <> (contact_id IS NULL)', name=op.f('ck_campaign_members_one_record')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ondelete='CASCADE',
                                name=op.f('fk_campaign_members_campaign_id_campaigns')),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ondelete='CASCADE',
                                name=op.f('fk_campaign_members_contact_id_contacts')),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ondelete='CASCADE',
                                name=op.f('fk_campaign_members_lead_id_leads')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_members')),
        sa.UniqueConstraint('campaign_id', 'contact_id', name='uq_campaign_members_contact'),
        sa.UniqueConstraint('campaign_id', 'lead_id', name='uq_campaign_members_lead'),
    )
    op.create_index('ix_campaign_members_contact', 'campaign_members', ['contact_id'])
    op.create_index('ix_campaign_members_lead', 'campaign_members', ['lead_id'])
    _assignment_tables()
    for table, key, index in CAMPAIGN_COLUMNS:
        if op.get_context().dialect.name == "sqlite":  # SQLite adds a foreign key only with its column
            op.execute(f"ALTER TABLE {table} ADD COLUMN campaign_id BIGINT CONSTRAINT {key} "
                       "REFERENCES campaigns (id)")
        else:
            op.add_column(table, sa.Column('campaign_id', sa.BigInteger(), nullable=True))
            op.create_foreign_key(key, table, 'campaigns', ['campaign_id'], ['id'])
        op.create_index(index, table, ['campaign_id'])


def _assignment_tables() -> None:
    op.create_table(
        'assignment_groups',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('method', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_groups')),
        sa.UniqueConstraint('name', name=op.f('uq_assignment_groups_name')),
    )
    op.create_table(
        'assignment_group_members',
        sa.Column('group_id', sa.BigInteger(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('weight', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('assigned', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['assignment_groups.id'], ondelete='CASCADE',
                                name=op.f('fk_assignment_group_members_group_id_assignment_groups')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignment_group_members_user_id_users')),
        sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_assignment_group_members')),
    )
    op.create_table(
        'assignment_rules',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('criteria', sa.Text(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=True),
        sa.Column('group_id', sa.BigInteger(), nullable=True),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['assignment_groups.id'],
                                name=op.f('fk_assignment_rules_group_id_assignment_groups')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignment_rules_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_rules')),
    )
    op.create_index(op.f('ix_assignment_rules_position'), 'assignment_rules', ['position'])
    op.create_table(
        'assignment_log',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('lead_id', sa.BigInteger(), nullable=False),
        sa.Column('assigned_at', UtcDateTime(), nullable=False),
        sa.Column('actor_id', sa.BigInteger(), nullable=True),
        sa.Column('previous_owner_id', sa.BigInteger(), nullable=True),
        sa.Column('owner_id', sa.BigInteger(), nullable=True),
        sa.Column('rule_id', sa.BigInteger(), nullable=True),
        sa.Column('group_id', sa.BigInteger(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('details', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_assignment_log_actor_id_users')),
        sa.ForeignKeyConstraint(['group_id'], ['assignment_groups.id'], ondelete='SET NULL',
                                name=op.f('fk_assignment_log_group_id_assignment_groups')),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_assignment_log_owner_id_users')),
        sa.ForeignKeyConstraint(['previous_owner_id'], ['users.id'],
                                name=op.f('fk_assignment_log_previous_owner_id_users')),
        sa.ForeignKeyConstraint(['rule_id'], ['assignment_rules.id'], ondelete='SET NULL',
                                name=op.f('fk_assignment_log_rule_id_assignment_rules')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_log')),
    )
    op.create_index('ix_assignment_log_lead', 'assignment_log', ['lead_id', 'assigned_at'])


def downgrade() -> None:
    for table, key, index in CAMPAIGN_COLUMNS:
        op.drop_index(index, table_name=table)
        if op.get_context().dialect.name == "sqlite":
            with op.batch_alter_table(table, recreate="always") as batch:
                batch.drop_column('campaign_id')
        else:
            op.drop_constraint(key, table, type_='foreignkey')
            op.drop_column(table, 'campaign_id')
    for table in ('assignment_log', 'assignment_rules', 'assignment_group_members', 'assignment_groups',
                  'campaign_members', 'campaigns'):
        op.drop_table(table)
