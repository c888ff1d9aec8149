"""The opportunity history keeps the owner after each change, so the pipeline as of a past date
groups by the owner then (docs/adr/0079-pipeline-as-of-by-the-owner-then.md).

Filled from what was recorded: every row first takes the opportunity's owner now; then, for each
opportunity whose audit holds owner changes (``{"owner_id": [before, after]}``, ids as text), a
row older than a change takes that change's ``before`` (the earliest change after the row), and
a change with no history row at its moment gets one: the figures of the row before it, its stage
unchanged, the new owner, the change's actor and moment. The covering index
``ix_opportunity_stage_changes_state`` gains the owner (the as-of reports read it from the index).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from leadline.domain.ids import new_id
from leadline.persistence.types import ExactDecimal, UtcDateTime

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "opportunity_stage_changes"
KEY = "fk_opportunity_stage_changes_owner_id_users"
INDEX = "ix_opportunity_stage_changes_state"
STATE = ["opportunity_id", "changed_at", "id", "to_stage_id", "close_date", "currency", "amount"]

_history = sa.table(TABLE, sa.column("id", sa.BigInteger), sa.column("opportunity_id", sa.BigInteger),
                    sa.column("from_stage_id", sa.BigInteger), sa.column("to_stage_id", sa.BigInteger),
                    sa.column("amount", ExactDecimal), sa.column("currency", sa.String),
                    sa.column("probability", sa.Integer), sa.column("forecast_category", sa.String),
                    sa.column("close_date", sa.Date), sa.column("owner_id", sa.BigInteger),
                    sa.column("actor_id", sa.BigInteger), sa.column("changed_at", UtcDateTime()))
_audit = sa.table("audit_events", sa.column("id", sa.BigInteger), sa.column("at", UtcDateTime()),
                  sa.column("actor_id", sa.BigInteger), sa.column("record_type", sa.String),
                  sa.column("record_id", sa.BigInteger), sa.column("changes", sa.Text))


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":  # SQLite adds a foreign key only with its column
        op.execute(f"ALTER TABLE {TABLE} ADD COLUMN owner_id BIGINT CONSTRAINT {KEY} REFERENCES users (id)")
    else:
        op.add_column(TABLE, sa.Column("owner_id", sa.BigInteger(), nullable=True))
        op.create_foreign_key(KEY, TABLE, "users", ["owner_id"], ["id"])
    op.execute(f"UPDATE {TABLE} SET owner_id = (SELECT o.owner_id FROM opportunities o "
               f"WHERE o.id = {TABLE}.opportunity_id)")
    _owners_from_the_audit(op.get_bind())
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, [*STATE, "owner_id"])


def _owner_changes(connection: Any) -> dict[int, list[tuple[Any, int | None, int | None, int | None]]]:
    """Each opportunity's recorded owner changes, oldest first: (moment, before, after, actor)."""
    query = (sa.select(_audit.c.record_id, _audit.c.at, _audit.c.actor_id, _audit.c.changes)
             .where(_audit.c.record_type == "opportunity", _audit.c.changes.like('%"owner_id"%'))
             .order_by(_audit.c.record_id, _audit.c.at, _audit.c.id))
    changes: dict[int, list[tuple[Any, int | None, int | None, int | None]]] = defaultdict(list)
    for record_id, at, actor_id, text in connection.execute(query):
        before, after = json.loads(text).get("owner_id") or (None, None)
        if record_id is not None and before not in (None, "") and before != after:  # not the creation
            changes[record_id].append((at, int(before), int(after) if after not in (None, "") else None, actor_id))
    return changes


def _owners_from_the_audit(connection: Any) -> None:
    h = _history.c
    for opportunity_id, moves in _owner_changes(connection).items():
        rows = list(connection.execute(sa.select(_history).where(h.opportunity_id == opportunity_id)
                                       .order_by(h.changed_at, h.id)).mappings())
        for row in rows:
            owner = next((before for at, before, _, _ in moves if at > row["changed_at"]), row["owner_id"])
            if owner != row["owner_id"]:
                connection.execute(sa.update(_history).where(h.id == row["id"]).values(owner_id=owner))
        recorded = {row["changed_at"] for row in rows}
        for at, _, after, actor_id in moves:
            earlier = [row for row in rows if row["changed_at"] < at]
            if at in recorded or not earlier:
                continue
            figures = dict(earlier[-1])
            connection.execute(sa.insert(_history).values(
                {**figures, "id": new_id(), "from_stage_id": figures["to_stage_id"], "owner_id": after,
                 "actor_id": actor_id, "changed_at": at}))


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, STATE)
    if op.get_context().dialect.name == "sqlite":
        with op.batch_alter_table(TABLE, recreate="always") as batch:
            batch.drop_column("owner_id")
    else:
        op.drop_constraint(KEY, TABLE, type_="foreignkey")
        op.drop_column(TABLE, "owner_id")
