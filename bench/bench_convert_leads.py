"""Issue 4 benchmark: bulk conversion of generated leads vs the raw driver writing the same rows.

Per database and run, one fresh database gets the newest schema, the default configuration
(``initialise_organisation``, an admin and nine reps), a product catalogue (the eight products of
``leadline.synthetic``) with a standard price book in USD, and N leads from ``leadline.synthetic``
completed so that each meets the default opportunity criteria (product interest, budget and
timeframe known). An exact copy of that database is then made (SQLite: the backup API;
PostgreSQL: ``CREATE DATABASE ... TEMPLATE``). Nothing of that set-up is timed.

(a) conversion: ``convert_leads(ctx, admin, ids, conversion_options(opportunity="create"))`` in
    partial-success mode, one call per 10,000 leads (``MAX_BULK``), from the call to its return
    (it commits), in a process prepared as the ``leadline`` command prepares its own: start-up
    objects frozen out of the garbage collector's passes (``gc.freeze()``), and none of the
    benchmark's set-up data (the generated leads, the snapshots) held during the call. Each lead
    yields an account, a contact, an opportunity with line items, a contact role, a stage change,
    a status change, a conversion record and audit events.
(b) raw: every row (a) wrote, read back from (a)'s database afterwards (untimed, in the driver's
    own types), written to the copy with sqlite3 / psycopg ``executemany`` in one transaction:
    one INSERT per table and one UPDATE of the converted leads' changed columns, then commit.

After each run the two databases must be identical, table by table; otherwise the script stops.
Example::

    .venv/bin/python bench/bench_convert_leads.py --leads 10000 --runs 3 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.domain.ids import new_id
from leadline.domain.money import AMOUNT_PLACES
from leadline.persistence.rows import metadata
from leadline.persistence.schema import upgrade_to_head
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.synthetic import generate_leads
from leadline.synthetic.words import PRODUCT_CATALOGUE

try:  # the layout by area
    from leadline.domain.leads.lead import Lead, ProductInterest
    from leadline.domain.opportunities.products import PriceBook, PriceBookEntry, Product
    from leadline.services.configuration.setup import initialise_organisation
    from leadline.services.conversion.bulk import MAX_BULK, convert_leads
    from leadline.services.conversion.convert import conversion_options
    from leadline.services.security.users import add_user
except ImportError:  # the flat layout before it: bench_core_paths.py --baseline-src may point at one
    from leadline.domain.products import PriceBook, PriceBookEntry, Product
    from leadline.services.conversion_bulk import MAX_BULK, convert_leads
    from leadline.services.setup import initialise_organisation
    from leadline.services.users import add_user

    from leadline.domain.leads import Lead, ProductInterest
    from leadline.services.conversion import conversion_options


GOAL = 1 / 3  # conversions per second must reach at least a third of the raw rate
CURRENCY = "USD"
TABLES = [table.name for table in metadata.sorted_tables]  # parents before children
Row = tuple[Any, ...]
Snapshot = dict[str, dict[Row, Row]]  # table -> primary key -> row


def primary_key(table: str) -> list[int]:
    """Positions of the primary-key columns in ``SELECT *`` of ``table``."""
    columns = list(metadata.tables[table].columns)
    return [index for index, column in enumerate(columns) if column.primary_key]


def column_names(table: str) -> list[str]:
    return [column.name for column in metadata.tables[table].columns]


def select_all(table: str) -> str:
    columns = ", ".join(f'"{name}"' for name in column_names(table))
    return f'SELECT {columns} FROM "{table}"'


class SqliteTarget:
    name = "SQLite"
    placeholder = "?"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def create(self, label: str) -> str:
        return f"sqlite:///{self.folder / f'bench_{label}.db'}"

    def copy(self, url: str, label: str) -> str:
        """An exact copy of the database (SQLite's backup API, WAL included)."""
        copy_url = self.create(label)
        with closing(sqlite3.connect(self._path(url))) as source, closing(sqlite3.connect(self._path(copy_url))) as to:
            source.backup(to)
        return copy_url

    def drop(self, url: str) -> None:
        for suffix in ("", "-wal", "-shm", ".writelock"):
            Path(self._path(url) + suffix).unlink(missing_ok=True)

    def connect(self, url: str) -> Any:
        """A connection with the PRAGMAs of ``make_engine``, in autocommit (we say BEGIN ourselves)."""
        connection = sqlite3.connect(self._path(url), isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-65536"):
            connection.execute(f"PRAGMA {pragma}")
        return connection

    def begin(self, connection: Any) -> None:
        connection.execute("BEGIN IMMEDIATE")

    def commit(self, connection: Any) -> None:
        connection.execute("COMMIT")

    def version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"

    @staticmethod
    def _path(url: str) -> str:
        return make_url(url).database or ""


class PostgresTarget:
    name = "PostgreSQL"
    placeholder = "%s"

    def __init__(self, url: str) -> None:
        self.url = make_url(url)

    def _conninfo(self, url: Any) -> dict[str, Any]:
        return {"host": url.host, "port": url.port, "user": url.username, "password": url.password,
                "dbname": url.database}

    def _admin(self, *statements: str) -> None:
        with psycopg.connect(**self._conninfo(self.url), autocommit=True) as admin:
            for statement in statements:
                admin.execute(statement)

    def create(self, label: str) -> str:
        name = f"bench_{os.getpid()}_{label}"
        self._admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def copy(self, url: str, label: str) -> str:
        """An exact copy of the database (a template copy: nobody may be connected to ``url``)."""
        name = f"bench_{os.getpid()}_{label}"
        self._admin(f'DROP DATABASE IF EXISTS "{name}"',
                    f'CREATE DATABASE "{name}" TEMPLATE "{make_url(url).database}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def connect(self, url: str) -> Any:
        return psycopg.connect(**self._conninfo(make_url(url)))

    def begin(self, connection: Any) -> None:
        pass  # psycopg opens a transaction with the first statement

    def commit(self, connection: Any) -> None:
        connection.commit()

    def version(self) -> str:
        with psycopg.connect(**self._conninfo(self.url)) as connection:
            return f"PostgreSQL {connection.execute('SHOW server_version').fetchone()[0]}"  # type: ignore[index]


Target = SqliteTarget | PostgresTarget


def seed(url: str, owners: int = 10) -> tuple[Engine, int, list[int], list[int], list[int]]:
    """Schema, default configuration, an admin and reps, the catalogue and its standard price book.

    Returns (engine, admin id, status ids, source ids, owner ids)."""
    app = build_application(Settings(database_url=url, currency=CURRENCY))
    engine: Engine = app.engine  # type: ignore[assignment]
    upgrade_to_head(engine)
    admin = initialise_organisation(app.context, admin_name="Bench Admin", admin_email="admin@leadline-bench.com").admin
    assert admin is not None
    for number in range(1, owners):
        add_user(app.context, admin.id, name=f"Rep {number}", email=f"rep{number}@leadline-bench.com")
    with SqlUnitOfWork(engine) as uow:
        book = PriceBook(new_id(), "Standard price book", is_standard=True)
        uow.products.add_price_book(book)
        products = [Product(new_id(), name, family="Bench") for name, _ in PRODUCT_CATALOGUE]
        for product in products:
            uow.products.add(product)
        uow.flush()  # the entries refer to the book and the products
        for product, (_, list_price) in zip(products, PRODUCT_CATALOGUE, strict=True):
            uow.products.add_entry(PriceBookEntry(new_id(), book.id, product.id, CURRENCY, list_price))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        statuses = [status.id for status in uow.statuses.list()]
        sources = [source.id for source in uow.sources.list()]
        users = [user.id for user in uow.users.list()]
    return engine, admin.id, statuses, sources, users


def meet_opportunity_criteria(leads: Sequence[Lead], seed: int) -> None:
    """Complete each generated lead so that the default opportunity criteria hold: a product line
    (one of the catalogue) where it has none, a budget and a purchase timeframe where missing."""
    rng = random.Random(seed)
    for lead in leads:
        if not lead.products:
            name, _ = rng.choice(PRODUCT_CATALOGUE)
            lead.products = [ProductInterest(name, Decimal(1), None)]
        if lead.budget_amount is None:
            lead.budget_amount = Decimal(rng.randint(5, 500) * 100).quantize(AMOUNT_PLACES)
        if lead.purchase_timeframe is None:
            lead.purchase_timeframe = lead.created_at.date() + timedelta(days=rng.randint(0, 365))


def snapshot(target: Target, url: str) -> Snapshot:
    """Every row of every table, in the driver's own types, by primary key."""
    tables: Snapshot = {}
    with closing(target.connect(url)) as connection:
        for table in TABLES:
            key = primary_key(table)
            tables[table] = {tuple(row[i] for i in key): tuple(row) for row in connection.execute(select_all(table))}
    return tables


def written_rows(before: Snapshot, after: Snapshot) -> tuple[dict[str, list[Row]], list[str], list[Row]]:
    """What the conversion wrote: new rows per table, and the changed columns of the leads it
    updated (as UPDATE parameters: the new values, then the id). Anything else stops the script."""
    inserts: dict[str, list[Row]] = {}
    for table in TABLES:
        old, new = before[table], after[table]
        if set(old) - set(new):
            raise SystemExit(f"the conversion deleted rows of {table}")
        inserts[table] = [row for key, row in new.items() if key not in old]
        if table != "leads" and any(old[key] != row for key, row in new.items() if key in old):
            raise SystemExit(f"the conversion changed existing rows of {table}")
    names = column_names("leads")
    changed = [(key, old, after["leads"][key]) for key, old in before["leads"].items() if after["leads"][key] != old]
    columns = sorted({i for _, old, new in changed for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b})
    id_index = names.index("id")
    updates = [tuple(new[i] for i in columns) + (new[id_index],) for _, _, new in changed]
    return inserts, [names[i] for i in columns], updates


def time_conversion(url: str, admin_id: int, lead_ids: list[int]) -> float:
    """Seconds to convert every lead, ``MAX_BULK`` per call (one call for 10,000 leads)."""
    app = build_application(Settings(database_url=url, currency=CURRENCY))
    try:
        options = conversion_options(opportunity="create", qualification_override_reason="a benchmark: every lead")
        outcomes = []
        gc.collect()
        gc.freeze()  # as `leadline` does once its application is built (cli/common.py)
        started = time.perf_counter()
        for start in range(0, len(lead_ids), MAX_BULK):
            outcomes.append(convert_leads(app.context, admin_id, lead_ids[start:start + MAX_BULK], options))
        seconds = time.perf_counter() - started
    finally:
        gc.unfreeze()
        app.engine.dispose()  # type: ignore[attr-defined]
    items = [item for outcome in outcomes for item in outcome.items]
    failed = [item for item in items if not item.ok]
    if len(items) != len(lead_ids) or failed or not all(outcome.committed for outcome in outcomes):
        raise SystemExit(f"converted {len(items) - len(failed)} of {len(lead_ids)} leads; first failure: {failed[:1]}")
    if any(item.result and item.result.skipped for item in items):
        raise SystemExit("a product line was skipped: every line should become a line item")
    return seconds


def time_raw(target: Target, url: str, inserts: dict[str, list[Row]], lead_columns: list[str],
             updates: list[Row]) -> float:
    mark = target.placeholder
    statements = []
    for table in TABLES:
        if inserts[table]:
            names = column_names(table)
            columns = ", ".join(f'"{name}"' for name in names)
            values = ", ".join(mark for _ in names)
            statements.append((f'INSERT INTO "{table}" ({columns}) VALUES ({values})', inserts[table]))
    setters = ", ".join(f'"{name}" = {mark}' for name in lead_columns)
    statements.append((f'UPDATE "leads" SET {setters} WHERE "id" = {mark}', updates))
    connection = target.connect(url)
    try:
        gc.collect()
        started = time.perf_counter()
        target.begin(connection)
        cursor = connection.cursor()
        for sql, rows in statements:
            cursor.executemany(sql, rows)
        target.commit(connection)
        return time.perf_counter() - started
    finally:
        connection.close()


def run_once(target: Target, run: int, args: argparse.Namespace) -> dict[str, Any]:
    """One run: conversion seconds, raw seconds, and the rows written per table."""
    converted_url = target.create(f"{run}_convert")
    raw_url = None
    try:
        engine, admin_id, statuses, sources, owners = seed(converted_url)
        leads = generate_leads(args.leads, seed=run, status_ids=statuses, source_ids=sources, owner_ids=owners,
                               now=datetime.now(UTC).replace(microsecond=0), currency=CURRENCY)
        meet_opportunity_criteria(leads, seed=run)
        with SqlUnitOfWork(engine) as uow:
            uow.leads.add_many(leads)
            uow.commit()
        engine.dispose()
        lead_ids = [lead.id for lead in leads]
        del leads  # the generated leads are the benchmark's, not the converting process's
        raw_url = target.copy(converted_url, f"{run}_raw")
        converted = time_conversion(converted_url, admin_id, lead_ids)
        # the copy is untouched until the raw path runs: its "before" is read after the
        # conversion, so the timed call does not run beside a snapshot of the whole database
        before = snapshot(target, raw_url)
        inserts, lead_columns, updates = written_rows(before, snapshot(target, converted_url))
        if len(updates) != args.leads:
            raise SystemExit(f"{len(updates)} leads changed, wanted {args.leads}")
        raw = time_raw(target, raw_url, inserts, lead_columns, updates)
        if snapshot(target, raw_url) != snapshot(target, converted_url):
            raise SystemExit("the raw path left a different database from the conversion")
        rows = {table: len(rows) for table, rows in inserts.items() if rows}
        return {"conversion": converted, "raw": raw, "rows": rows, "lead_columns": lead_columns}
    finally:
        target.drop(converted_url)
        if raw_url:
            target.drop(raw_url)


def bench(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    conversions, raws = [], []
    for run in range(args.runs):
        result = run_once(target, run, args)
        conversions.append(result["conversion"])
        raws.append(result["raw"])
        written = sum(result["rows"].values())
        print(f"  {target.name} run {run + 1}: conversion {result['conversion']:.2f} s "
              f"({args.leads / result['conversion']:,.0f} conversions/s), raw {result['raw']:.2f} s "
              f"({args.leads / result['raw']:,.0f} leads/s); {written:,} rows inserted + {args.leads:,} leads "
              f"updated, databases identical", flush=True)
        if run == 0:
            print("    rows inserted: " + ", ".join(f"{table} {count:,}" for table, count in result["rows"].items()))
            print("    lead columns updated: " + ", ".join(result["lead_columns"]), flush=True)
    conversion_rate = args.leads / statistics.median(conversions)
    raw_rate = args.leads / statistics.median(raws)
    return {"database": target.version(), "conversion": conversion_rate, "raw": raw_rate,
            "ratio": conversion_rate / raw_rate}


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    return [
        f"date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"machine: nproc {len(os.sched_getaffinity(0))}, CPU {cpu}, {platform.system()} {platform.release()}",
        f"software: Python {platform.python_version()}, SQLAlchemy {version('sqlalchemy')}, "
        f"psycopg {version('psycopg')}, SQLite {sqlite3.sqlite_version}",
    ]


def report(results: list[dict[str, Any]]) -> None:
    print("\n| database | convert_leads (conversions/s) | raw executemany (leads/s) | ratio | goal >= 1/3 x raw |")
    print("|---|---:|---:|---:|---|")
    for result in results:
        met = "met" if result["ratio"] >= GOAL else "NOT met"
        print(f"| {result['database']} | {result['conversion']:,.0f} | {result['raw']:,.0f} | "
              f"{result['ratio']:.2f} | {met} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000, help="leads converted per run (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per database; the median is reported")
    parser.add_argument("--postgres", help="SQLAlchemy URL of a PostgreSQL server to create scratch databases on")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite (with --postgres)")
    args = parser.parse_args()
    print("\n".join(machine()))
    print(f"command: bench/bench_convert_leads.py --leads {args.leads} --runs {args.runs}"
          + (f" --postgres {make_url(args.postgres).render_as_string()}" if args.postgres else "")
          + (" --no-sqlite" if args.no_sqlite else ""))
    with tempfile.TemporaryDirectory(prefix="leadline-bench-") as folder:
        targets: list[Target] = [] if args.no_sqlite else [SqliteTarget(Path(folder))]
        if args.postgres:
            targets.append(PostgresTarget(args.postgres))
        report([bench(target, args) for target in targets])


if __name__ == "__main__":
    main()
