"""Issue 17 benchmark: ``leadline export leads`` of generated leads to CSV (and .xlsx).

A scratch database (a temporary SQLite file, and with ``--postgres URL`` also a scratch
PostgreSQL database ``bench_export_<pid>``, dropped afterwards) gets the newest schema, the
default configuration and ``--rows`` leads from ``leadline.synthetic``, written through the
bulk writer (``LeadRepository.add_many``) in batches, then ``ANALYZE`` (the test server runs
without autovacuum: unanalysed, PostgreSQL reads each 500-row page of the export by a full scan
and sort); four of the leads carry formula-like text so the neutralisation can be checked.
Loading is not timed.

Timed: the real command, ``leadline export leads --output FILE --format csv`` run as a child
process with ``LEADLINE_DATABASE_URL`` set (so interpreter start, the streaming export and the
file write are all inside), ``--runs`` times; reported are the median wall time, the child's
CPU time (user + system) and its peak memory (``ru_maxrss`` from ``os.wait4``), with the load
average before and after. The exported file must hold exactly ``--rows`` data rows and every
formula-like cell must start with an apostrophe, or the script stops. ``--xlsx-rows N`` also
times an .xlsx export of the first N leads' worth (a separate smaller database). ``--baseline
/work/main/src`` times another checkout's code too, run by run, on the same database, and each run's
two CSV files must hold the same bytes. Example::

    .venv/bin/python bench/bench_export.py --rows 1000000 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import filecmp
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.persistence.schema import upgrade_to_head
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.configuration.setup import initialise_organisation
from leadline.synthetic import generate_leads

BATCH = 50_000
FORMULAS = {"first_name": "=1+1", "company": "+Cmd Corp", "description": '=HYPERLINK("http://x")',
            "city": "@SUM(A1)"}
LEADLINE = str(Path(sys.executable).with_name("leadline"))


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _conninfo(url: Any) -> dict[str, Any]:
    return {"host": url.host, "port": url.port, "user": url.username, "password": url.password,
            "dbname": url.database}


def create_postgres(url: str, label: str) -> str:
    base = make_url(url)
    name = f"bench_export_{os.getpid()}_{label}"
    with psycopg.connect(**_conninfo(base), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)


def drop_postgres(base_url: str, url: str) -> None:
    with psycopg.connect(**_conninfo(make_url(base_url)), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def load(url: str, rows: int) -> float:
    """Schema, configuration and ``rows`` generated leads (the first four with formula text)."""
    started = time.perf_counter()
    app = build_application(Settings(database_url=url))
    upgrade_to_head(app.engine)  # type: ignore[arg-type]
    admin = initialise_organisation(app.context, admin_name="Bench Admin",
                                    admin_email="admin@leadline-bench.com").admin
    assert admin is not None
    with SqlUnitOfWork(app.engine) as uow:  # type: ignore[arg-type]
        statuses = [s.id for s in uow.statuses.list()]
        sources = [s.id for s in uow.sources.list()]
    now = datetime.now(UTC).replace(microsecond=0)
    for number, start in enumerate(range(0, rows, BATCH)):
        leads = generate_leads(min(BATCH, rows - start), seed=number + 1, status_ids=statuses,
                               source_ids=sources, owner_ids=[admin.id], now=now)
        if number == 0:
            leads[:4] = [dataclasses.replace(lead, **{field: value})
                         for lead, (field, value) in zip(leads[:4], FORMULAS.items(), strict=False)]
        with SqlUnitOfWork(app.engine) as uow:  # type: ignore[arg-type]
            uow.leads.add_many(leads)
            uow.commit()
    with app.engine.begin() as connection:  # type: ignore[union-attr]
        connection.exec_driver_sql("ANALYZE")  # fresh statistics, as autovacuum would give a live database
    app.engine.dispose()  # type: ignore[union-attr]
    return time.perf_counter() - started


def export_once(url: str, output: Path, file_format: str, source: str | None = None) -> dict[str, Any]:
    """One export by the CLI; with ``source`` (a checkout's ``src``), that checkout's code runs it."""
    return run_cli(url, ["export", "leads", "--output", str(output), "--format", file_format], source)


def run_cli(url: str, arguments: list[str], source: str | None = None) -> dict[str, Any]:
    """One ``leadline ARGUMENTS`` as a child process on the database at ``url``: its wall time, CPU
    time (user + system) and peak memory; with ``source`` (a checkout's ``src``) that code runs it."""
    env = {**os.environ, "LEADLINE_DATABASE_URL": url}
    command = [LEADLINE]
    if source:
        env["PYTHONPATH"] = source
        command = [sys.executable, "-c", "from leadline.cli.main import run; run()"]
    started = time.perf_counter()
    child = subprocess.Popen([*command, *arguments], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    out = (child.stdout.read() if child.stdout else b"") + (child.stderr.read() if child.stderr else b"")
    if child.returncode != 0:
        raise SystemExit(f"leadline {arguments[0]} failed ({child.returncode}): {out.decode(errors='replace')}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "output": out.decode(errors="replace")}


def check_csv(path: Path, rows: int) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        count, found = 0, {}
        columns = {name: header.index(name) for name in FORMULAS}
        for row in reader:
            count += 1
            for name, index in columns.items():
                if row[index] == FORMULAS[name] or row[index] == "'" + FORMULAS[name]:
                    found[name] = row[index]
    if count != rows:
        raise SystemExit(f"{path.name}: {count} data rows, expected {rows}")
    bad = {n: v for n, v in found.items() if not v.startswith("'")}
    if len(found) != len(FORMULAS) or bad:
        raise SystemExit(f"formula neutralisation check failed: found {found}")


def check_xlsx(path: Path, rows: int) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    count = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
    book.close()
    if count != rows:
        raise SystemExit(f"{path.name}: {count} data rows, expected {rows}")


def _same_as_baseline(output: Path, label: str, file_format: str) -> str:
    """A CSV of this checkout's code must hold the same bytes as the baseline's of the same run
    (kept until then); every file is deleted once checked."""
    baseline = output.with_name(output.name.replace("-this.", "-baseline."))
    if label == "baseline":
        return ""
    try:
        if file_format == "csv" and baseline.exists():
            if not filecmp.cmp(baseline, output, shallow=False):
                raise SystemExit(f"{output.name}: not the same bytes as the baseline's export")
            return ", same bytes as the baseline's"
        return ""
    finally:
        output.unlink()
        baseline.unlink(missing_ok=True)


def bench(name: str, url: str, rows: int, runs: int, file_format: str, folder: Path, *, loaded: bool = False,
          baseline: str | None = None) -> None:
    """``runs`` timed exports of the database at ``url``; with ``baseline`` (another checkout's
    ``src``) each run times that code first, then this one, on the same database."""
    if not loaded:
        seconds = load(url, rows)
        print(f"{name}: {rows:,} leads loaded in {seconds:.1f} s (untimed)", flush=True)
    codes = [("baseline", baseline), ("this", None)] if baseline else [("this", None)]
    results: dict[str, list[dict[str, float]]] = {label: [] for label, _ in codes}
    for run in range(runs):
        for label, source in codes:
            output = folder / f"export-{name}-{run}-{label}.{file_format}"
            before = load_average()
            result = export_once(url, output, file_format, source)
            after = load_average()
            (check_csv if file_format == "csv" else check_xlsx)(output, rows)
            size = output.stat().st_size / 1e6
            same = _same_as_baseline(output, label, file_format)
            results[label].append(result)
            print(f"  {name} {file_format} {label} run {run + 1}: wall {result['wall']:.1f} s, "
                  f"cpu {result['cpu']:.1f} s, peak {result['rss_mb']:.0f} MB, file {size:.0f} MB, "
                  f"load {before} -> {after}; {rows:,} rows and formula cells checked{same}", flush=True)
    for label, timed in results.items():
        wall = statistics.median(r["wall"] for r in timed)
        cpu = statistics.median(r["cpu"] for r in timed)
        peak = max(r["rss_mb"] for r in timed)
        print(f"RESULT {name} {file_format} {label} {rows:,} leads: median wall {wall:.1f} s "
              f"({rows / wall:,.0f} rows/s), median cpu {cpu:.1f} s ({rows / cpu:,.0f} rows/s), "
              f"peak memory {peak:.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--xlsx-rows", type=int, default=0, help="also time .xlsx at this size (0: no)")
    parser.add_argument("--postgres", help="a PostgreSQL URL: also run on a scratch database there")
    parser.add_argument("--only-postgres", action="store_true", help="skip SQLite")
    parser.add_argument("--baseline", help="another checkout's src folder (e.g. /work/main/src): each run "
                        "times its export first, then this checkout's, on the same database")
    parser.add_argument("--database-url", help="time the CSV export of this database, already loaded by this "
                        "script with --rows leads (and analysed), instead of loading new ones")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, nproc {os.cpu_count()}, load {load_average()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if args.database_url:
            bench(make_url(args.database_url).get_backend_name(), args.database_url, args.rows, args.runs, "csv",
                  folder, loaded=True, baseline=args.baseline)
            return
        sizes = [("csv", args.rows)] + ([("xlsx", args.xlsx_rows)] if args.xlsx_rows else [])
        for file_format, rows in sizes:
            if not args.only_postgres:
                bench("sqlite", f"sqlite:///{folder / f'bench-{file_format}.db'}", rows, args.runs, file_format,
                      folder, baseline=args.baseline)
            if args.postgres:
                url = create_postgres(args.postgres, file_format)
                try:
                    bench("postgresql", url, rows, args.runs, file_format, folder, baseline=args.baseline)
                finally:
                    drop_postgres(args.postgres, url)


if __name__ == "__main__":
    main()
