"""Migration 0033 (the history keeps the owner), as merged (``bench/migration_0033_before.py``, a
copy of it) and as it is now, timed in the same run on the same PostgreSQL database.

The database of readerB's measurement (/tmp/readerB/test_mig_cost.py): schema head, the default
configuration, one opportunity written through the use cases (created, re-priced, handed to
another rep, moved: 4 history rows, one audited owner change), cloned ``--opportunities`` times
in SQL with its history and audit, then ANALYZE. Taken back to 0032, then timed ``--runs`` times
each, alternating: the upgrade as merged (its ``upgrade()`` run through alembic's ``Operations``,
then stamped) and the upgrade as now (``upgrade_to_head``), a downgrade between them. Run also
with the owner changes removed from the audit (``--no-owner-changes``), which leaves only the fill.

    .venv/bin/python bench/bench_migration_0033.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text

from bench_reports import admin_url, context
from leadline.persistence.database import make_engine
from leadline.persistence.schema import alembic_config, upgrade_to_head
from leadline.services import records
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.opportunities import lifecycle
from leadline.services.security import users

DATABASE = "bench_migration_0033"
BEFORE = Path(__file__).with_name("migration_0033_before.py")


def clone(connection: Any, table: str, keys: dict[str, str], where: str, copies: int) -> None:
    columns = [row[0] for row in connection.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = :t ORDER BY ordinal_position"),
        {"t": table})]
    select = ", ".join(keys.get(column, column) for column in columns)
    connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table}, "
                            f"generate_series(1, {copies}) g WHERE {where}"))


def load(url: str, copies: int) -> None:
    at = {"day": datetime(2026, 1, 10, tzinfo=UTC)}
    ctx = context(url)
    ctx = replace(ctx, clock=lambda: at["day"])
    admin = initialise_organisation(ctx, admin_name="Ada Admin", admin_email="ada@example.com").admin.id
    for name in ("ann", "bob"):
        users.add_user(ctx, admin, name=name.title(), email=f"{name}@example.com", role="rep")
    account = records.create_account(ctx, admin, {"name": "Acme"}).id
    deal = records.create_opportunity(ctx, admin, {"account_id": account, "name": "D", "amount": "100",
                                                   "close_date": "2026-06-30", "owner": "ann@example.com"}).id
    at["day"] = datetime(2026, 1, 20, tzinfo=UTC)
    records.update_record(ctx, admin, "opportunity", deal, {"amount": "200"})
    at["day"] = datetime(2026, 2, 1, tzinfo=UTC)
    records.update_record(ctx, admin, "opportunity", deal, {"owner": "bob@example.com"})
    at["day"] = datetime(2026, 2, 10, tzinfo=UTC)
    lifecycle.move_stage(ctx, admin, deal, "Qualification")
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), "0032")
    with engine.begin() as connection:
        clone(connection, "opportunities", {"id": "id + g"}, f"id = {deal}", copies)
        clone(connection, "opportunity_stage_changes", {"id": "(random() * 9e18)::bigint",
                                                        "opportunity_id": "opportunity_id + g"},
              f"opportunity_id = {deal}", copies)
        clone(connection, "audit_events", {"id": "(random() * 9e18)::bigint", "record_id": "record_id + g"},
              f"record_type = 'opportunity' AND record_id = {deal}", copies)
        connection.execute(text("ANALYZE"))


def upgrade_as_merged(url: str) -> None:
    spec = importlib.util.spec_from_file_location("migration_0033_before", BEFORE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    engine = make_engine(url)
    with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        module.upgrade()
    command.stamp(alembic_config(engine), "0033")
    upgrade_to_head(engine)


def timed(url: str, way: str) -> float:
    started = time.perf_counter()
    upgrade_as_merged(url) if way == "as merged" else upgrade_to_head(make_engine(url))
    elapsed = time.perf_counter() - started
    command.downgrade(alembic_config(make_engine(url)), "0032")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--opportunities", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=2)
    arguments = parser.parse_args()
    with psycopg.connect(admin_url(arguments.postgres), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    url = make_engine(arguments.postgres).url.set(database=DATABASE).render_as_string(hide_password=False)
    try:
        upgrade_to_head(make_engine(url))
        load(url, arguments.opportunities)
        with make_engine(url).connect() as connection:
            print("history rows", connection.execute(text("SELECT count(*) FROM opportunity_stage_changes")).scalar(),
                  "audit events", connection.execute(text("SELECT count(*) FROM audit_events")).scalar())
        for owner_changes in (True, False):
            if not owner_changes:
                with make_engine(url).begin() as connection:
                    connection.execute(text("DELETE FROM audit_events WHERE record_type = 'opportunity' "
                                            "AND changes LIKE '%owner_id%' AND action <> 'create'"))
            for run in range(arguments.runs):
                for way in ("as merged", "now"):
                    print(f"owner changes={owner_changes} run {run + 1} {way}: {timed(url, way):.2f} s", flush=True)
    finally:
        make_engine(url).dispose()
        with psycopg.connect(admin_url(arguments.postgres), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
