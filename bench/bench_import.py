"""Issue 17 benchmark: importing generated leads from a CSV file, beside the raw driver.

One CSV of ``--rows`` leads (about 3 % duplicates of an earlier row by e-mail or phone, about 1 %
invalid: a bad e-mail address or no last name; an ``owner`` column naming one of five users) is
written once. Then, per database, each in a process of its own (so ``ru_maxrss`` is its own peak):

(a) import: ``leadline.services.imports.leads.import_leads`` with full validation (the rules of
    create-lead), the duplicate check by e-mail and phone against stored leads and the file,
    owner assignment, blocks of ``--block-size`` rows, each with its status entries, audit events
    and the job's progress in one transaction;
(b) raw: the same file's clean rows (the rows the import created, read back from its database
    and converted beforehand to what the database stores) into a fresh database of the same
    schema: ``executemany`` on SQLite, ``COPY`` on PostgreSQL, in one transaction.

The rate of (a) is rows read per second; of (b), leads written per second. Each phase also
reports its process's CPU time: on a shared machine the wall time says more about the others'
load than about the code. Example::

    .venv/bin/python bench/bench_import.py --rows 100000 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

Paired runs, this checkout against another's code in the same run (alternating who goes first,
medians of ``--repeat``)::

    git archive main src | tar -x -C /tmp/base
    .venv/bin/python bench/bench_import.py --rows 20000 --repeat 3 --baseline /tmp/base/src
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

GOALS = {"seconds": 60.0, "raw_share": 1 / 3, "peak_mb": 500.0}
OWNERS = [f"rep{i}@example.com" for i in range(5)]
RAW_COLUMNS = ("id", "first_name", "last_name", "company", "email", "phone", "title", "city", "country",
               "status_id", "owner_id", "currency", "is_decision_maker", "version", "created_at", "updated_at")


def write_file(path: Path, rows: int, seed: int = 17) -> dict[str, int]:
    """The CSV, and how many rows of each kind it holds."""
    pick = random.Random(seed)
    kinds = {"valid": 0, "duplicate": 0, "invalid": 0}
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["FirstName", "LastName", "Company", "Email", "Phone", "Title", "City", "Country", "owner"])
        for i in range(rows):
            roll = pick.random()
            n = i
            if roll < 0.03 and i > 10:
                n, kind = pick.randrange(i), "duplicate"  # an earlier row's e-mail and phone
            elif roll < 0.04:
                kind = "invalid"
            else:
                kind = "valid"
            kinds[kind] += 1
            email = f"person{n}@company{n % 5000}.example"
            phone = f"+1 415 {200 + n // 10000 % 800:03d} {n % 10000:04d}"
            last = f"Last{n}"
            if kind == "invalid":
                email, last = (f"person{n}-at-nowhere", last) if i % 2 else (email + "x", "")
            writer.writerow([f"First{n}", last, f"Company {n % 5000}", email, phone, "Buyer", "Springfield", "US",
                             OWNERS[n % len(OWNERS)]])
    return kinds


def fresh_database(kind: str, postgres: str | None, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    import psycopg
    from sqlalchemy.engine import make_url

    assert postgres
    name = f"bench_import_{uuid.uuid4().hex[:8]}"
    admin = make_url(postgres).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(postgres).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def organisation(url: str) -> Any:
    from leadline.bootstrap import build_application
    from leadline.config import Settings
    from leadline.persistence.schema import upgrade_to_head
    from leadline.services.configuration.setup import initialise_organisation
    from leadline.services.security.users import add_user

    application = build_application(Settings(database_url=url))
    upgrade_to_head(application.engine)
    ctx = application.context
    admin = initialise_organisation(ctx, admin_name="Ada Admin", admin_email="ada@example.com").admin
    assert admin is not None
    for email in OWNERS:
        add_user(ctx, admin.id, name=email.split("@")[0], email=email)
    return application, admin.id


def phase_import(url: str, path: Path, block_size: int, inline: bool = False) -> dict[str, Any]:
    from leadline.domain.imports.job import ImportOptions

    if inline:  # rows checked in the block, never ahead in a worker (services/imports/ahead.py)
        from leadline.services.imports import ahead

        ahead.WORKER_FROM_ROWS = sys.maxsize
    from leadline.services.imports.files import inspect_file
    from leadline.services.imports.leads import import_leads

    application, admin_id = organisation(url)
    # the start-up's objects kept out of the collector's full passes, as the CLI and the API server
    # keep them (cli/common.py, asgi.py): without it the import's CPU counted ~20 % more than theirs
    gc.freeze()
    started, cpu, worker = time.perf_counter(), time.process_time(), children_cpu()
    job = import_leads(application.context, admin_id, inspect_file(path), options=ImportOptions(block_size=block_size))
    seconds, cpu, worker = time.perf_counter() - started, time.process_time() - cpu, children_cpu() - worker
    c = job.counts
    return {"seconds": seconds, "cpu": cpu, "worker_cpu": worker,
            "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "rows": c.read,
 "imported": c.imported, "skipped": c.skipped,
            "failed": c.failed, "updated": c.updated, "adds_up": c.adds_up()}


def children_cpu() -> float:
    """CPU seconds of this process's finished children (the import's worker, once it is shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean_rows(url: str) -> list[tuple[Any, ...]]:
    """The leads an import wrote, as the driver stores them (the raw path's input)."""
    from sqlalchemy import text

    from leadline.persistence.database import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.exec_driver_sql(
            f"SELECT {', '.join(RAW_COLUMNS)} FROM leads ORDER BY created_at, id")]
        connection.execute(text("SELECT 1"))
    engine.dispose()
    return rows


def phase_raw(url: str, source_url: str) -> dict[str, Any]:
    import itertools

    from leadline.persistence.database import make_engine

    application, _ = organisation(url)
    rows = clean_rows(source_url)
    engine = make_engine(url)
    with engine.connect() as connection:
        status_id, owner_id = connection.exec_driver_sql(
            "SELECT (SELECT id FROM lead_statuses ORDER BY id LIMIT 1), (SELECT id FROM users LIMIT 1)").one()
    ids = itertools.count(10**15)
    index_status, index_owner = RAW_COLUMNS.index("status_id"), RAW_COLUMNS.index("owner_id")

    def fixed(row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        values[0], values[index_status], values[index_owner] = next(ids), status_id, owner_id
        return tuple(values)

    prepared = [fixed(r) for r in rows]
    started, cpu = time.perf_counter(), time.process_time()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if url.startswith("sqlite"):
            marks = ", ".join("?" for _ in RAW_COLUMNS)
            # the connection is in autocommit mode (make_engine leaves transactions to SQLAlchemy's
            # "begin"): without BEGIN each row would be a transaction of its own
            cursor.execute("BEGIN IMMEDIATE")
            cursor.executemany(f"INSERT INTO leads ({', '.join(RAW_COLUMNS)}) VALUES ({marks})", prepared)
        else:
            with cursor.copy(f"COPY leads ({', '.join(RAW_COLUMNS)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in prepared:
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    application.engine.dispose()
    return {"seconds": seconds, "cpu": cpu, "rows": len(prepared)}


def child(args: argparse.Namespace) -> None:
    if args.phase == "import":
        result = phase_import(args.url, Path(args.file), args.block_size, args.inline)
    else:
        result = phase_raw(args.url, args.source)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_child(*arguments: str, source: str | None = None) -> dict[str, Any]:
    """A phase in a process of its own; ``source``: the ``src`` folder to import leadline from
    instead of this checkout's (a baseline of the paired runs)."""
    env = dict(os.environ)
    if source:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True, check=False,
                          env=env)
    if done.returncode:
        raise SystemExit(done.stderr)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def import_once(kind: str, args: argparse.Namespace, workdir: Path, path: Path, source: str | None,
                inline: bool = False) -> dict[str, Any]:
    """One import of the file into a fresh database (dropped after)."""
    url = fresh_database(kind, args.postgres, workdir)
    try:
        return run_child("--phase", "import", "--url", url, "--file", str(path), "--block-size",
                         str(args.block_size), *(["--inline"] if inline else []), source=source)
    finally:
        drop_database(url)


def raw_once(kind: str, args: argparse.Namespace, workdir: Path, path: Path) -> dict[str, Any]:
    """The raw driver's write of the clean rows an import of the file stores."""
    imported_url, raw_url = fresh_database(kind, args.postgres, workdir), fresh_database(kind, args.postgres, workdir)
    try:
        run_child("--phase", "import", "--url", imported_url, "--file", str(path), "--block-size",
                  str(args.block_size))
        return run_child("--phase", "raw", "--url", raw_url, "--source", imported_url)
    finally:
        drop_database(imported_url)
        drop_database(raw_url)


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs (the counts of the first)."""
    middle = dict(runs[0])
    for key in ("seconds", "cpu", "peak_mb", "worker_cpu", "worker_peak_mb"):
        if key in middle:
            middle[key] = statistics.median(run[key] for run in runs)
    return middle


def report(kind: str, label: str, imported: dict[str, Any], raw: dict[str, Any], rows: int) -> None:
    rate, raw_rate = imported["rows"] / imported["seconds"], raw["rows"] / raw["seconds"]
    print(f"{kind} {label}: import {imported['rows']:,} rows in {imported['seconds']:.1f} s "
          f"(CPU {imported['cpu']:.1f} s + worker {imported.get('worker_cpu', 0):.1f} s; {rate:,.0f} rows/s; "
          f"imported {imported['imported']:,}, skipped {imported['skipped']:,}, failed {imported['failed']:,}, "
          f"adds up: {imported['adds_up']}), peak {imported['peak_mb']:.0f} MB "
          f"(worker {imported.get('worker_peak_mb', 0):.0f} MB) | raw "
          f"{'executemany' if kind == 'sqlite' else 'COPY'} {raw['rows']:,} rows in {raw['seconds']:.2f} s "
          f"(CPU {raw['cpu']:.2f} s; {raw_rate:,.0f} rows/s), peak {raw['peak_mb']:.0f} MB | "
          f"import/raw {rate / raw_rate:.3f}; goals: < {GOALS['seconds']:.0f} s per 1M rows -> "
          f"{imported['seconds'] * 1e6 / rows:.0f} s scaled, >= {GOALS['raw_share']:.2f} of raw, "
          f"< {GOALS['peak_mb']:.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--block-size", type=int, default=1000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=os.environ.get("LEADLINE_TEST_POSTGRES_URL"))
    parser.add_argument("--repeat", type=int, default=1, help="runs of each import (medians are reported)")
    parser.add_argument("--baseline", help="a src folder to import leadline from for paired runs beside this "
                        "checkout's, e.g. from: git archive main src | tar -x -C /tmp/base")
    parser.add_argument("--inline-too", action="store_true",
                        help="also run this checkout with every row checked in its block (no worker process)")
    parser.add_argument("--inline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=["import", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        workdir = Path(folder)
        path = workdir / "leads.csv"
        kinds = write_file(path, args.rows)
        print(f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB, {kinds}", flush=True)
        print(f"load average before: {os.getloadavg()}", flush=True)
        sources: dict[str, tuple[str | None, bool]] = {"this checkout": (None, False)}
        if args.inline_too:
            sources["this checkout, rows checked in the block"] = (None, True)
        if args.baseline:
            sources["baseline"] = (args.baseline, False)
        for kind in args.databases.split(","):
            runs: dict[str, list[dict[str, Any]]] = {label: [] for label in sources}
            raws = [raw_once(kind, args, workdir, path)]  # once: the reference, not what is compared
            for attempt in range(args.repeat):
                order = list(sources) if attempt % 2 == 0 else list(reversed(sources))  # alternate who goes first
                for label in order:
                    runs[label].append(import_once(kind, args, workdir, path, *sources[label]))
                    last = runs[label][-1]
                    print(f"  {kind} {label} #{attempt + 1}: {last['seconds']:.1f} s wall, {last['cpu']:.1f} + "
                          f"{last.get('worker_cpu', 0):.1f} s CPU, load {os.getloadavg()[0]:.1f}", flush=True)
            for label in sources:
                report(kind, f"{label} (median of {args.repeat})", median_of(runs[label]), median_of(raws), args.rows)
        print(f"load average after: {os.getloadavg()}", flush=True)

if __name__ == "__main__":
    main()
