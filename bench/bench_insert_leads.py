"""Issue 2 benchmark: bulk-inserting generated leads through the persistence layer vs the raw driver.

Per database and run, two fresh databases get the newest schema and the same configuration rows.
(a) persistence: ``SqlUnitOfWork``, ``uow.leads.add_many(batch)`` per ``--batch`` leads, one commit;
(b) raw: the driver's ``executemany`` of the same lead and product rows, converted beforehand to
    what the database stores (SQLite: ``ExactDecimal`` as integer ten-thousandths, naive-UTC text
    datetimes, the PRAGMAs of ``make_engine``; PostgreSQL: NUMERIC, timestamptz), one transaction.
Only insert + commit is timed; the paths alternate in order; after each run both databases must
hold N leads and identical lead and product rows. Example::

    .venv/bin/python bench/bench_insert_leads.py --rows 100000 --runs 3 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import make_url

from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.domain.ids import new_ids
from leadline.domain.leads.lead import Lead
from leadline.persistence.database import make_engine
from leadline.persistence.rows import LeadProductInterestRow, LeadRow, metadata
from leadline.persistence.schema import upgrade_to_head
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.security.users import add_user
from leadline.synthetic import generate_leads

GOAL = 0.5  # persistence must reach at least half the raw driver's rate
LEAD_KEYS = tuple(column.key for column in LeadRow.__table__.columns)
PRODUCT_KEYS = tuple(column.key for column in LeadProductInterestRow.__table__.columns)
CONFIGURATION_TABLES = ("users", "lead_statuses", "lead_sources", "sales_processes", "opportunity_stages")
LEADS_SQL = "SELECT * FROM leads ORDER BY id"
PRODUCTS_SQL = ("SELECT lead_id, position, product_id, product_name, quantity, estimated_unit_price "
                "FROM lead_product_interests ORDER BY lead_id, position")
Row = tuple[Any, ...]


def insert_sql(table: str, keys: Sequence[str], placeholder: str) -> str:
    columns = ", ".join(f'"{key}"' for key in keys)
    return f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join(placeholder for _ in keys)})'


def sqlite_value(value: Any) -> Any:
    """What SQLAlchemy and ``leadline.persistence.types`` send to SQLite for ``value``."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int((value * 10_000).to_integral_value())
    return value


def postgres_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


class SqliteTarget:
    name = "SQLite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def create(self, label: str) -> str:
        return f"sqlite:///{self.folder / f'bench_{label}.db'}"

    def drop(self, url: str) -> None:
        path = make_url(url).database or ""
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)

    def connect(self, url: str) -> Any:
        connection = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-65536"):
            connection.execute(f"PRAGMA {pragma}")
        return connection

    def raw_insert(self, connection: Any, leads: list[Row], products: list[Row]) -> None:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(insert_sql("leads", LEAD_KEYS, "?"), leads)
        connection.executemany(insert_sql("lead_product_interests", PRODUCT_KEYS, "?"), products)
        connection.execute("COMMIT")

    def fetch(self, url: str, sql: str) -> list[Row]:
        with closing(sqlite3.connect(make_url(url).database or "")) as connection:
            return [tuple(row) for row in connection.execute(sql)]

    def version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"

    convert = staticmethod(sqlite_value)


class PostgresTarget:
    name = "PostgreSQL"

    def __init__(self, url: str) -> None:
        self.url = make_url(url)

    def _conninfo(self, url: Any) -> dict[str, Any]:
        return {"host": url.host, "port": url.port, "user": url.username, "password": url.password,
                "dbname": url.database}

    def create(self, label: str) -> str:
        name = f"bench_{os.getpid()}_{label}"
        with psycopg.connect(**self._conninfo(self.url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        with psycopg.connect(**self._conninfo(self.url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def connect(self, url: str) -> Any:
        return psycopg.connect(**self._conninfo(make_url(url)))

    def raw_insert(self, connection: Any, leads: list[Row], products: list[Row]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(insert_sql("leads", LEAD_KEYS, "%s"), leads)
            cursor.executemany(insert_sql("lead_product_interests", PRODUCT_KEYS, "%s"), products)
        connection.commit()

    def fetch(self, url: str, sql: str) -> list[Row]:
        with psycopg.connect(**self._conninfo(make_url(url))) as connection:
            return [tuple(row) for row in connection.execute(sql)]

    def version(self) -> str:
        with psycopg.connect(**self._conninfo(self.url)) as connection:
            return f"PostgreSQL {connection.execute('SHOW server_version').fetchone()[0]}"  # type: ignore[index]

    convert = staticmethod(postgres_value)


Target = SqliteTarget | PostgresTarget


def seed(url: str, owners: int = 10) -> tuple[Engine, list[int], list[int], list[int]]:
    """Upgrade, seed the default configuration, an admin and reps; returns (engine, statuses, sources, owners)."""
    app = build_application(Settings(database_url=url))
    engine: Engine = app.engine  # type: ignore[assignment]
    upgrade_to_head(engine)
    admin = initialise_organisation(app.context, admin_name="Bench Admin", admin_email="admin@leadline-bench.com").admin
    assert admin is not None
    for number in range(1, owners):
        add_user(app.context, admin.id, name=f"Rep {number}", email=f"rep{number}@leadline-bench.com")
    with SqlUnitOfWork(engine) as uow:
        statuses = [status.id for status in uow.statuses.list()]
        sources = [source.id for source in uow.sources.list()]
        users = [user.id for user in uow.users.list()]
    return engine, statuses, sources, users


def copy_configuration(source: Engine, url: str) -> None:
    """Give a second fresh database, upgraded the same way, the same configuration rows (same ids)."""
    target = make_engine(url)
    upgrade_to_head(target)
    with source.connect() as reading, target.begin() as writing:
        for name in CONFIGURATION_TABLES:
            table = metadata.tables[name]
            rows = [dict(row._mapping) for row in reading.execute(select(table).order_by(table.c.id))]
            if rows:
                writing.execute(insert(table), rows)
    target.dispose()


def raw_rows(leads: list[Lead], convert: Callable[[Any], Any]) -> tuple[list[Row], list[Row]]:
    lead_rows = [tuple(convert(getattr(lead, key)) for key in LEAD_KEYS) for lead in leads]
    lines = [(lead.id, position, line) for lead in leads for position, line in enumerate(lead.products)]
    product_rows = [
        tuple(convert(value) for value in (product_id, lead_id, position, line.product_id, line.product_name,
                                           line.quantity, line.estimated_unit_price))
        for product_id, (lead_id, position, line) in zip(new_ids(len(lines)), lines, strict=True)
    ]
    return lead_rows, product_rows


def time_persistence(engine: Engine, leads: list[Lead], batch: int) -> float:
    gc.collect()
    started = time.perf_counter()
    with SqlUnitOfWork(engine) as uow:
        for start in range(0, len(leads), batch):
            uow.leads.add_many(leads[start:start + batch])
        uow.commit()
    return time.perf_counter() - started


def time_raw(target: Target, url: str, rows: tuple[list[Row], list[Row]]) -> float:
    connection = target.connect(url)
    try:
        gc.collect()
        started = time.perf_counter()
        target.raw_insert(connection, *rows)
        return time.perf_counter() - started
    finally:
        connection.close()


def verify(target: Target, persisted_url: str, raw_url: str, count: int, product_count: int) -> None:
    """Both databases hold ``count`` identical lead rows and the same ``product_count`` product lines."""
    persisted_leads, raw_leads = target.fetch(persisted_url, LEADS_SQL), target.fetch(raw_url, LEADS_SQL)
    persisted_products, raw_products = target.fetch(persisted_url, PRODUCTS_SQL), target.fetch(raw_url, PRODUCTS_SQL)
    if not (len(persisted_leads) == len(raw_leads) == count):
        raise SystemExit(f"lead rows: persistence {len(persisted_leads)}, raw {len(raw_leads)}, wanted {count}")
    if not (len(persisted_products) == len(raw_products) == product_count):
        raise SystemExit(f"product rows: persistence {len(persisted_products)}, raw {len(raw_products)}, "
                         f"wanted {product_count}")
    if persisted_leads != raw_leads or persisted_products != raw_products:
        raise SystemExit("the raw path stored different values from the persistence path")


def run_once(target: Target, run: int, args: argparse.Namespace) -> tuple[float, float, int]:
    """One run: (persistence seconds, raw seconds, product rows)."""
    persisted_url, raw_url = target.create(f"{run}_orm"), target.create(f"{run}_raw")
    engine = None
    try:
        engine, statuses, sources, owners = seed(persisted_url)
        copy_configuration(engine, raw_url)
        leads = generate_leads(args.rows, seed=run, status_ids=statuses, source_ids=sources, owner_ids=owners,
                               now=datetime.now(UTC).replace(microsecond=0))
        rows = raw_rows(leads, target.convert)
        if run % 2 == 0:
            persisted = time_persistence(engine, leads, args.batch)
            raw = time_raw(target, raw_url, rows)
        else:
            raw = time_raw(target, raw_url, rows)
            persisted = time_persistence(engine, leads, args.batch)
        verify(target, persisted_url, raw_url, args.rows, len(rows[1]))
        return persisted, raw, len(rows[1])
    finally:
        if engine is not None:
            engine.dispose()
        target.drop(persisted_url)
        target.drop(raw_url)


def bench(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    persisted, raw = [], []
    for run in range(args.runs):
        seconds, raw_seconds, products = run_once(target, run, args)
        persisted.append(seconds)
        raw.append(raw_seconds)
        print(f"  {target.name} run {run + 1}: persistence {seconds:.2f} s ({args.rows / seconds:,.0f} leads/s), "
              f"raw {raw_seconds:.2f} s ({args.rows / raw_seconds:,.0f} leads/s); "
              f"{args.rows:,} leads + {products:,} product rows verified", flush=True)
    persistence_rate, raw_rate = args.rows / statistics.median(persisted), args.rows / statistics.median(raw)
    return {"database": target.version(), "persistence": persistence_rate, "raw": raw_rate,
            "ratio": persistence_rate / raw_rate}


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
    print("\n| database | persistence (leads/s) | raw executemany (leads/s) | ratio | goal >= 0.5 x raw |")
    print("|---|---:|---:|---:|---|")
    for result in results:
        met = "met" if result["ratio"] >= GOAL else "NOT met"
        print(f"| {result['database']} | {result['persistence']:,.0f} | {result['raw']:,.0f} | "
              f"{result['ratio']:.2f} | {met} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="leads per run (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per database; the median is reported")
    parser.add_argument("--batch", type=int, default=5_000, help="leads per add_many call (default 5000)")
    parser.add_argument("--postgres", help="SQLAlchemy URL of a PostgreSQL server to create scratch databases on")
    args = parser.parse_args()
    print("\n".join(machine()))
    print(f"command: bench/bench_insert_leads.py --rows {args.rows} --runs {args.runs} --batch {args.batch}"
          + (f" --postgres {make_url(args.postgres).render_as_string()}" if args.postgres else ""))
    with tempfile.TemporaryDirectory(prefix="leadline-bench-") as folder:
        targets: list[Target] = [SqliteTarget(Path(folder))]
        if args.postgres:
            targets.append(PostgresTarget(args.postgres))
        report([bench(target, args) for target in targets])


if __name__ == "__main__":
    main()
