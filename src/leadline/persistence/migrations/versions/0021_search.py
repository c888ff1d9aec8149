"""Lead search served by an index on both databases (ADR 0044).

PostgreSQL: the pg_trgm extension and a GIN trigram index on the lead's search text, the very
expression ``persistence/leads/search.py`` searches (``lower(full name || chr(31) || e-mail ||
chr(31) || company)``): ``LIKE '%word%'`` then reads the index instead of every lead. The index
is built in the migration's transaction (not CONCURRENTLY): lead writes wait while it is built
(about a minute per million leads on the shared machine).

SQLite: a contentless FTS5 table with the trigram tokenizer holding the same search text (its
rowid is the lead's id), filled from the leads there are and kept in step by triggers on insert,
delete and an update of a searched field. A later migration that rebuilds ``leads`` in batch mode
(copy, drop, rename) drops these triggers with the old table and must create them again
(``tests/integration/test_lead_search.py`` fails at head otherwise).

Downgrade drops the index (the extension stays: other objects may use it), or the triggers and
the table.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_TEXT = "lower(coalesce(first_name, '') || ' ' || last_name || chr(31) || coalesce(email, '') || chr(31) || company)"


def _sqlite_text(row: str) -> str:
    return (f"coalesce({row}.first_name, '') || ' ' || {row}.last_name || char(31) || coalesce({row}.email, '')"
            f" || char(31) || {row}.company")


SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE lead_search USING fts5(search_text, content='', tokenize='trigram')",
    "INSERT INTO lead_search (rowid, search_text) SELECT id, " + _sqlite_text("leads") + " FROM leads",
    "CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN"
    " INSERT INTO lead_search (rowid, search_text) VALUES (new.id, " + _sqlite_text("new") + "); END",
    "CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN"
    " INSERT INTO lead_search (lead_search, rowid, search_text) VALUES ('delete', old.id, "
    + _sqlite_text("old") + "); END",
    "CREATE TRIGGER leads_search_update AFTER UPDATE OF first_name, last_name, email, company ON leads BEGIN"
    " INSERT INTO lead_search (lead_search, rowid, search_text) VALUES ('delete', old.id, "
    + _sqlite_text("old") + ");"
    " INSERT INTO lead_search (rowid, search_text) VALUES (new.id, " + _sqlite_text("new") + "); END",
]
SQLITE_DOWNGRADE = ["DROP TRIGGER IF EXISTS leads_search_update", "DROP TRIGGER IF EXISTS leads_search_delete",
                    "DROP TRIGGER IF EXISTS leads_search_insert", "DROP TABLE IF EXISTS lead_search"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_leads_search ON leads USING gin ({PG_TEXT} gin_trgm_ops)")
        return
    for statement in SQLITE_UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_leads_search")
        return
    for statement in SQLITE_DOWNGRADE:
        op.execute(statement)
