"""A form's campaign becomes a foreign key to ``campaigns`` (SET NULL should a campaign go).

The rule the use cases apply to a lead's campaign (it must exist: ``resolve_campaign``) is
checked on the forms already stored: a form naming a campaign that does not exist could make no
lead at all (every submission broke that rule), so its campaign is cleared and the migration's
log names each such form.

SQLite adds a constraint by rebuilding the table (batch mode), and with foreign keys on (they are,
inside the migration's transaction, where the pragma cannot change) dropping the old table fires
the ``ON DELETE`` actions of the rows pointing at it: held submissions would be deleted and
captured leads would lose their form. Those rows are set aside in temporary tables first and
put back after the rebuild, in the same transaction.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "fk_capture_forms_campaign_id_campaigns"
INDEX = "ix_capture_forms_campaign_id"
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    connection = op.get_bind()
    dangling = connection.execute(sa.text(
        "SELECT id, campaign_id FROM capture_forms WHERE campaign_id IS NOT NULL AND campaign_id NOT IN "
        "(SELECT id FROM campaigns)")).all()
    for form_id, campaign_id in dangling:
        log.warning("form %s named campaign %s, which does not exist: its campaign is cleared", form_id, campaign_id)
    if dangling:
        connection.execute(sa.text(
            "UPDATE capture_forms SET campaign_id = NULL WHERE campaign_id IS NOT NULL AND campaign_id NOT IN "
            "(SELECT id FROM campaigns)"))
    with _rows_pointing_at_forms_kept(connection):
        with op.batch_alter_table("capture_forms") as batch:
            batch.create_foreign_key(KEY, "campaigns", ["campaign_id"], ["id"], ondelete="SET NULL")
            batch.create_index(INDEX, ["campaign_id"])


def downgrade() -> None:
    with _rows_pointing_at_forms_kept(op.get_bind()):
        with op.batch_alter_table("capture_forms") as batch:
            batch.drop_index(INDEX)
            batch.drop_constraint(KEY, type_="foreignkey")


@contextmanager
def _rows_pointing_at_forms_kept(connection: sa.Connection) -> Iterator[None]:
    """On SQLite: the quarantine and the captures' form links, as they were before the rebuild."""
    if connection.dialect.name != "sqlite":
        yield
        return
    run = connection.exec_driver_sql
    run("CREATE TEMP TABLE kept_quarantine AS SELECT * FROM capture_quarantine")
    run("CREATE TEMP TABLE kept_capture_forms AS SELECT lead_id, form_id FROM lead_captures WHERE form_id IS NOT NULL")
    yield
    run("DELETE FROM capture_quarantine")
    run("INSERT INTO capture_quarantine SELECT * FROM kept_quarantine")
    run("UPDATE lead_captures SET form_id = (SELECT k.form_id FROM kept_capture_forms k "
        "WHERE k.lead_id = lead_captures.lead_id) WHERE lead_id IN (SELECT lead_id FROM kept_capture_forms)")
    run("DROP TABLE kept_quarantine")
    run("DROP TABLE kept_capture_forms")
