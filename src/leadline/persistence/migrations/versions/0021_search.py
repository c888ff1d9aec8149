"""Lead search served by an index on both databases (ADR 0044).

PostgreSQL: the pg_trgm extension and a GIN trigram index on the lead's search text, the very
expression ``persistence/leads/search.py`` searches (``lower(full name || chr(31) || e-mail ||
chr(31) || company)``): ``LIKE '%word%'`` then reads the index instead of every lead. The index
is built in the migration's transaction (not CONCURRENTLY): lead writes wait while it is built
(about a minute per million leads on the shared machine).

SQLite: nothing. A contentless FTS5 trigram table kept by triggers was tried and measured (ADR
0044): searches took 30 ms, but bulk inserts of leads cost 2.5 times as much and a load of
1,000,000 leads slowed to a crawl after its first 100,000; SQLite keeps reading the leads.

Downgrade drops the index (the extension stays: other objects may use it).

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


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_leads_search ON leads USING gin ({PG_TEXT} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_leads_search")
