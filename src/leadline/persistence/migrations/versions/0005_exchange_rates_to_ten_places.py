"""Exchange rates keep ten decimal places (they kept four, like money: a rate such as JPY to EUR,
0.0061234567, was rounded to 0.0061, off by 0.4 %). PostgreSQL widens the NUMERIC column; SQLite
keeps an integer column and rescales its values from 10^-4 to 10^-10 units.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RESCALE = 10 ** 6  # 10^-4 units to 10^-10 units on SQLite


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(sa.text(f"UPDATE exchange_rates SET rate = rate * {_RESCALE}"))
        return
    op.alter_column("exchange_rates", "rate", type_=sa.Numeric(28, 10), existing_type=sa.Numeric(18, 4),
                    existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # round half away from zero to whole ten-thousandths, as the old column stored them
        op.execute(sa.text(f"UPDATE exchange_rates SET rate = (rate + {_RESCALE // 2}) / {_RESCALE}"))
        return
    op.alter_column("exchange_rates", "rate", type_=sa.Numeric(18, 4), existing_type=sa.Numeric(28, 10),
                    existing_nullable=False)
