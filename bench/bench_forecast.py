"""Issue 5 benchmark: one quarter's forecast over 1,000,000 generated opportunities, warm.

Per database, a fresh database at schema head gets the default configuration
(``initialise_organisation``), 1,000 users in a 5-level role hierarchy (1 admin -> 5 -> 25 -> 170
managers -> 799 reps), accounts, dated monthly EUR and GBP rates (``set_exchange_rate``) and the
opportunities, written with the raw driver (SQLite ``executemany`` in one transaction, PostgreSQL
``COPY``), then ANALYZE (PostgreSQL: VACUUM ANALYZE). Nothing of that is timed.

The measurement runs in a child process (so its peak RSS is the forecast's, not the loader's):
for the top of the hierarchy (admin, no owner filter) and for a third-level manager (their own
forecast: a team of about 40 owners, filtered by owner id), after ``--warmup`` calls, ``--runs``
alternating timings of

* **use case**: ``forecast_for(ctx, actor, "2026-Q4", user=...)``, from call to return;
* **query**: ``uow.forecast.category_sums`` alone, through SQLAlchemy (rows to Python values);
* **baseline**: the same GROUP BY statement with the same parameters (captured from the use case)
  run by the bare driver (sqlite3 / psycopg) and fetched, with no Python folding.

Example::

    .venv/bin/python bench/bench_forecast.py --database both \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url

from leadline.analytics.forecast import forecast_for
from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.forecast import parse_period
from leadline.domain.ids import new_ids
from leadline.domain.opportunities.opportunity import DEFAULT_STAGES, ForecastCategory, OpportunityType
from leadline.domain.security.access import subordinates_of
from leadline.persistence.schema import upgrade_to_head
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.forecast.settings import set_exchange_rate
from leadline.services.security.access import load_viewer

PERIOD = "2026-Q4"
TODAY = date(2026, 11, 27)  # before it most opportunities are closed, after it most are open
FIRST_CLOSE, CLOSE_DAYS = date(2025, 7, 1), 730  # two years: a quarter holds about 1/8
LEVELS = (1, 5, 25, 170, 799)  # 1,000 users
OWNER_WEIGHT = (0.02, 0.05, 0.1, 0.25, 1.0)  # reps own most opportunities, managers a few
OPEN_STAGE_MIX = (25, 20, 18, 15, 12, 10)  # Prospecting ... Order, in DEFAULT_STAGES order
CURRENCIES = (("USD", 80.0), ("EUR", 12.0), ("GBP", 8.0))
RATES = {"EUR": 1.08, "GBP": 1.27}
CHUNK = 100_000
OPP_COLUMNS = ("id", "account_id", "name", "currency", "amount", "close_date", "stage_id", "probability",
               "forecast_category", "type", "lead_source_id", "owner_id", "outcome", "loss_reason_id",
               "probability_overridden", "category_overridden", "closed_at", "created_at", "updated_at", "version")


def insert_sql(table: str, columns: tuple[str, ...], mark: str) -> str:
    return f'INSERT INTO {table} ({", ".join(columns)}) VALUES ({", ".join(mark for _ in columns)})'


def stamp(moment: datetime, sqlite: bool) -> str:
    """A UTC datetime as the column stores it (SQLite: naive text; PostgreSQL: timestamptz text)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment.strftime("%Y-%m-%d %H:%M:%S+00")



def hierarchy(admin_id: int) -> list[tuple[int, int, int | None]]:
    """(level, user id, manager id) for the 999 users below the admin, managers assigned in turn."""
    levels, users = [[admin_id]], []
    for depth, size in enumerate(LEVELS[1:], start=1):
        ids = new_ids(size)
        users += [(depth, uid, levels[-1][i % len(levels[-1])]) for i, uid in enumerate(ids)]
        levels.append(ids)
    return users


def user_rows(users: list[tuple[int, int, int | None]], sqlite: bool) -> list[tuple[Any, ...]]:
    created = stamp(datetime(2025, 1, 1, tzinfo=UTC), sqlite)
    return [(uid, f"User {n}", f"user{n}@leadline-bench.com", "rep" if level == 4 else "manager", manager,
             1 if sqlite else True, created) for n, (level, uid, manager) in enumerate(users, start=1)]


class OpportunityMaker:
    """Generated opportunities in the stored form (see persistence/types.py: on SQLite money as
    integer ten-thousandths, naive-UTC datetime text, booleans 0/1; enums as their values)."""

    def __init__(self, owners: list[tuple[int, float]], accounts: list[int], stages: list[tuple[int, int, str]],
                 reasons: list[int], sources: list[int], sqlite: bool, seed: int = 5) -> None:
        self.rng, self.sqlite = random.Random(seed), sqlite
        self.owners, self.accounts, self.reasons, self.sources = owners, accounts, reasons, sources
        self.open_stages, self.won, self.lost = stages[:6], stages[6], stages[7]  # DEFAULT_STAGES order
        self.days = [FIRST_CLOSE + timedelta(days=d) for d in range(CLOSE_DAYS)]
        self.types = [t.value for t in OpportunityType]
        self.categories = [c.value for c in ForecastCategory if c is not ForecastCategory.CLOSED]
        self.true, self.false = (1, 0) if sqlite else (True, False)
        self.made = 0

    def chunks(self, count: int) -> Iterator[list[tuple[Any, ...]]]:
        rng = self.rng
        owner_ids, owner_weights = zip(*self.owners, strict=True)
        currencies, currency_weights = zip(*CURRENCIES, strict=True)
        for start in range(0, count, CHUNK):
            size = min(CHUNK, count - start)
            picks = zip(new_ids(size), rng.choices(owner_ids, owner_weights, k=size),
                        rng.choices(self.accounts, k=size), rng.choices(currencies, currency_weights, k=size),
                        rng.choices(self.open_stages, OPEN_STAGE_MIX, k=size), strict=True)
            yield [self.row(*pick) for pick in picks]

    def row(self, oid: int, owner: int, account: int, currency: str,
            open_stage: tuple[int, int, str]) -> tuple[Any, ...]:
        rng, self.made = self.rng, self.made + 1
        close, u = self.days[rng.randrange(CLOSE_DAYS)], rng.random()
        if close < TODAY:
            outcome = "won" if u < 0.30 else "lost" if u < 0.80 else "open"
        else:
            outcome = "open" if u < 0.96 else "won" if u < 0.985 else "lost"
        stage_id, probability, category = {"open": open_stage, "won": self.won, "lost": self.lost}[outcome]
        p_over = c_over = self.false
        if outcome == "open" and rng.random() < 0.06:
            probability, p_over = rng.randrange(5, 100, 5), self.true
        if outcome == "open" and rng.random() < 0.04:
            category, c_over = rng.choice(self.categories), self.true
        cents = min(max(int(rng.lognormvariate(9.6, 1.0) * 100), 10_000), 200_000_000)  # median ~15,000
        amount: Any = cents * 100 if self.sqlite else f"{cents // 100}.{cents % 100:02d}"
        if outcome == "open" and rng.random() < 0.02:
            amount = None  # not yet estimated
        created = datetime(close.year, close.month, close.day, 9, tzinfo=UTC) \
            - timedelta(days=rng.randrange(20, 200), minutes=rng.randrange(600))
        closed = stamp(created + timedelta(days=rng.randrange(10, 20)), self.sqlite) if outcome != "open" else None
        return (oid, account, f"Deal {self.made}", currency, amount, close.isoformat(), stage_id, probability, category,
                rng.choice(self.types), rng.choice(self.sources) if u < 0.7 else None, owner, outcome,
                rng.choice(self.reasons) if outcome == "lost" else None, p_over, c_over, closed,
                stamp(created, self.sqlite), closed or stamp(created, self.sqlite), 1)


def load(url: str, opportunities: int, accounts: int) -> dict[str, Any]:
    """Build the database (untimed): schema, configuration, users, rates, accounts, opportunities."""
    started = time.perf_counter()
    app = build_application(Settings(database_url=url))
    upgrade_to_head(app.engine)  # type: ignore[arg-type]
    admin = initialise_organisation(app.context, admin_name="Bench Admin", admin_email="admin@leadline-bench.com")
    assert admin.admin is not None
    admin_id = admin.admin.id
    for currency, base in RATES.items():
        for month in range(31):  # monthly from 2025-01 to 2027-07
            first = date(2025 + month // 12, month % 12 + 1, 1)
            set_exchange_rate(app.context, admin_id, currency, f"{base * (1 + 0.03 * ((month % 7) - 3) / 3):.4f}",
                              first.isoformat())
    app.engine.dispose()  # type: ignore[attr-defined]
    sqlite = make_url(url).get_backend_name() == "sqlite"
    users = hierarchy(admin_id)
    weights = [(admin_id, OWNER_WEIGHT[0])] + [(uid, OWNER_WEIGHT[level]) for level, uid, _ in users]
    connection = raw_connect(url)
    with closing(connection):
        stages = [tuple(row) for row in connection.execute(
            "SELECT id, probability, forecast_category FROM opportunity_stages ORDER BY sort_order").fetchall()]
        assert [s[1:] for s in stages] == [(p, c.value) for _, p, c, _, _ in DEFAULT_STAGES], stages
        reasons = [r[0] for r in connection.execute("SELECT id FROM reasons WHERE kind = 'opportunity_lost'")]
        sources = [r[0] for r in connection.execute("SELECT id FROM lead_sources")]
        account_ids = new_ids(accounts)
        created = stamp(datetime(2025, 1, 1, tzinfo=UTC), sqlite)
        account_rows = [(aid, f"Account {n}", weights[n % len(weights)][0], created, created, 1)
                        for n, aid in enumerate(account_ids)]
        chunks = OpportunityMaker(weights, account_ids, stages, reasons, sources, sqlite).chunks(opportunities)  # type: ignore[arg-type]
        (load_sqlite if sqlite else load_postgres)(connection, user_rows(users, sqlite), account_rows, chunks)
        shape = data_shape(connection)
    return {"load_seconds": round(time.perf_counter() - started), "users": len(users) + 1, "accounts": accounts,
            "opportunities": opportunities, PERIOD: shape}


def data_shape(connection: Any) -> dict[str, Any]:
    """How the period's opportunities are spread: by outcome, currency, and open ones by category."""
    period = parse_period(PERIOD)
    where = f"close_date >= '{period.start}' AND close_date < '{period.end}'"

    def count(by: str, more: str = "") -> dict[str, int]:
        rows = connection.execute(f"SELECT {by}, count(*) FROM opportunities WHERE {where}{more} GROUP BY {by}")
        return {str(key): number for key, number in rows}

    return {"outcome": count("outcome"), "currency": count("currency"),
            "open by category": count("forecast_category", " AND outcome = 'open'"),
            "no amount": sum(count("outcome", " AND amount IS NULL").values()),
            "owners": len(count("owner_id"))}


ACCOUNT_COLUMNS = ("id", "name", "owner_id", "created_at", "updated_at", "version")
USER_COLUMNS = ("id", "name", "email", "role", "manager_id", "active", "created_at")


def load_sqlite(connection: Any, users: list[Any], accounts: list[Any], chunks: Iterator[list[Any]]) -> None:
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(insert_sql("users", USER_COLUMNS, "?"), users)
    connection.executemany(insert_sql("accounts", ACCOUNT_COLUMNS, "?"), accounts)
    for rows in chunks:
        connection.executemany(insert_sql("opportunities", OPP_COLUMNS, "?"), rows)
    connection.execute("COMMIT")
    connection.execute("ANALYZE")


def load_postgres(connection: Any, users: list[Any], accounts: list[Any], chunks: Iterator[list[Any]]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(insert_sql("users", USER_COLUMNS, "%s"), users)
        for table, columns, batches in (("accounts", ACCOUNT_COLUMNS, iter([accounts])),
                                        ("opportunities", OPP_COLUMNS, chunks)):
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for rows in batches:
                    for row in rows:
                        copy.write_row(row)
    connection.commit()
    connection.autocommit = True
    connection.execute("VACUUM ANALYZE")


def raw_connect(url: str) -> Any:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connection = sqlite3.connect(parsed.database or "", isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-65536"):
            connection.execute(f"PRAGMA {pragma}")
        return connection
    return psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
                           dbname=parsed.database)



class Clocks:
    """Wall time, and CPU time of this process plus the database server's backends serving the
    benchmark database (read from /proc/<pid>/schedstat): the work itself, which other load on a
    shared machine stretches less than the wall clock."""

    def __init__(self, raw: Any) -> None:
        self.pids: list[int] = []
        if not isinstance(raw, sqlite3.Connection):
            self.pids = [row[0] for row in raw.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")]

    def cpu(self) -> float:
        server = 0
        for pid in self.pids:
            with open(f"/proc/{pid}/schedstat") as stat:
                server += int(stat.read().split()[0])
        return time.process_time() + server / 1e9

    def timed(self, function: Callable[[], Any]) -> tuple[float, float]:
        cpu, started = self.cpu(), time.perf_counter()
        function()
        return time.perf_counter() - started, self.cpu() - cpu


def summary(samples: list[tuple[float, float]]) -> dict[str, float]:
    wall = sorted(w for w, _ in samples)
    return {"median_ms": statistics.median(wall) * 1000, "p95_ms": wall[round(0.95 * (len(wall) - 1))] * 1000,
            "min_ms": wall[0] * 1000, "cpu_median_ms": statistics.median(c for _, c in samples) * 1000}


def measure(url: str, runs: int, warmup: int, explain: bool) -> dict[str, Any]:
    app = build_application(Settings(database_url=url))
    ctx, engine = app.context, app.engine
    captured: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "GROUP BY" in statement and "sum(opportunities.amount" in statement:  # category_sums
            captured.append((statement, parameters))

    with ctx.reader() as uow:
        config = ctx.config(uow)
    gc.collect()
    gc.freeze()  # as the API server does after start-up (leadline.api.app)
    rss_ready = _status_mb("VmRSS")
    depth = {uid: _depth(uid, config.hierarchy) for uid in config.hierarchy}
    top = next(uid for uid, d in depth.items() if d == 0 and config.users[uid].role.value == "admin")
    middle = sorted(uid for uid, d in depth.items() if d == 2)[0]
    raw = raw_connect(url)
    if not isinstance(raw, sqlite3.Connection):
        raw.autocommit = True  # each statement on its own, as each use case reads in its own transaction
    results: dict[str, Any] = {"load average before": os.getloadavg(), "rss_ready_mb": rss_ready}
    for label, actor, user in (("top (admin, 1,000 owners)", top, top), ("third-level manager", middle, None)):
        results[label] = measure_user(ctx, raw, captured, actor, user, runs, warmup)
        if explain:
            results[label]["plan"] = _plan(raw, *captured[-1])
    raw.close()
    results["load average after"] = os.getloadavg()
    # VmHWM, not getrusage's ru_maxrss: Linux carries the latter over from the parent across
    # fork and exec, so it would show the loader's peak
    results["max_rss_mb"] = _status_mb("VmHWM")
    return results


def measure_user(ctx: Any, raw: Any, captured: list[tuple[str, Any]], actor: int, user: int | None, runs: int,
                 warmup: int) -> dict[str, Any]:
    """Warm up, then time the use case, the query alone and the bare statement, alternating."""
    period = parse_period(PERIOD)

    def use_case() -> Any:
        return forecast_for(ctx, actor, PERIOD, user=user)

    def query() -> Any:
        with ctx.reader() as uow:
            return uow.forecast.category_sums(period.start, period.end, ctx.currency, _wanted(ctx, uow, actor, user))

    captured.clear()
    report = use_case()
    statement, parameters = captured[-1]

    def baseline() -> Any:
        if isinstance(raw, sqlite3.Connection):
            return raw.execute(statement, parameters).fetchall()
        # unprepared, as in the application: each unit of work ends with ROLLBACK, on which psycopg
        # drops its prepared statements. Prepared (after 5 runs), PostgreSQL soon switches to a
        # generic plan, 4 times slower for the manager's owner filter.
        return raw.execute(statement, parameters, prepare=False).fetchall()

    groups = len(baseline())
    for _ in range(warmup):
        use_case(), query(), baseline()
    clocks = Clocks(raw)
    order = [("use case", use_case), ("query", query), ("baseline", baseline)]
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in order}
    gc.collect()
    for run in range(runs):
        for name, function in (order if run % 2 == 0 else order[::-1]):
            samples[name].append(clocks.timed(function))
    tracemalloc.start()
    use_case()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "actor": actor, "owners in the report": len(report.owners), "groups": groups,
        "opportunities": report.forecast.open_count + report.forecast.won_count,
        "unconverted": report.unconverted, "tracemalloc_peak_mb": peak / 2**20,
        "totals": {c.value: str(v) for c, v in report.forecast.totals.items()},
        "weighted": str(report.forecast.weighted),
        **{name: summary(values) for name, values in samples.items()},
    }


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS: now; VmHWM: peak), in MB."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(f"{field}:"))) / 1024


def _depth(uid: int, manager_of: dict[int, int | None]) -> int:
    depth = 0
    while manager_of.get(uid) is not None:
        uid, depth = manager_of[uid], depth + 1  # type: ignore[assignment]
    return depth


def _wanted(ctx: Any, uow: Any, actor: int, user: int | None) -> frozenset[int] | None:
    """The owner filter ``forecast_for`` passes for this actor and user (see analytics.forecast)."""
    config, viewer = ctx.config(uow), load_viewer(uow, actor, ctx)
    root = user or actor
    members = subordinates_of(root, config.hierarchy) | {root}
    visible = viewer.readable_owner_ids(RecordType.OPPORTUNITY)
    owners = members if visible is None else members & visible
    return None if visible is None and len(owners) >= len(config.users) else owners


def _plan(raw: Any, statement: str, parameters: Any) -> list[str]:
    if isinstance(raw, sqlite3.Connection):
        return [str(row[-1]) for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
    return [row[0] for row in raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)]



class Scratch:
    """A scratch database: an SQLite file in a temp folder, or a PostgreSQL database dropped after."""

    def __init__(self, kind: str, postgres: str | None, folder: Path) -> None:
        self.kind, self.folder = kind, folder
        self.admin = make_url(postgres) if postgres else None

    def create(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.folder / 'forecast.db'}"
        assert self.admin is not None
        name = f"bench_forecast_{os.getpid()}"
        with psycopg.connect(**self._conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.admin.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        if self.kind == "sqlite":
            return  # the temp folder goes
        with psycopg.connect(**self._conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def _conninfo(self) -> dict[str, Any]:
        assert self.admin is not None
        return {"host": self.admin.host, "port": self.admin.port, "user": self.admin.username,
                "password": self.admin.password, "dbname": self.admin.database}


def measure_in_child(url: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", url, "--runs", str(args.runs), "--warmup", str(args.warmup)]
    output = subprocess.run(command + (["--explain"] if args.explain else []), check=True, capture_output=True,
                            text=True).stdout
    return json.loads(output.splitlines()[-1])  # type: ignore[no-any-return]


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    return [f"date: {datetime.now(UTC).isoformat(timespec='seconds')}",
            f"machine: nproc {len(os.sched_getaffinity(0))}, CPU {cpu}, {platform.system()} {platform.release()}",
            f"software: Python {platform.python_version()}, SQLAlchemy {version('sqlalchemy')}, "
            f"psycopg {version('psycopg')}, SQLite {sqlite3.sqlite_version}"]


def report(kind: str, loaded: dict[str, Any], results: dict[str, Any]) -> None:
    load = results.pop("load average before"), results.pop("load average after")
    print(f"\n{kind}: {loaded}")
    print(f"measuring process: RSS {results.pop('rss_ready_mb'):.0f} MB when ready (application and configuration "
          f"loaded), peak RSS {results.pop('max_rss_mb'):.0f} MB; load average (1/5/15 min) before "
          f"{tuple(round(x, 2) for x in load[0])}, after {tuple(round(x, 2) for x in load[1])}")
    print("| user | owners | groups | opportunities counted | use case | query (SQLAlchemy) | baseline (driver) "
          "| tracemalloc peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, r in results.items():
        cells = " | ".join(f"{r[n]['median_ms']:.0f} / {r[n]['p95_ms']:.0f} ({r[n]['cpu_median_ms']:.0f})"
                           for n in ("use case", "query", "baseline"))
        print(f"| {label} | {r['owners in the report']} | {r['groups']:,} | {r['opportunities']:,} | {cells} "
              f"| {r['tracemalloc_peak_mb']:.1f} |")
    print("(wall-clock median / p95 ms; in brackets the median CPU ms of this process plus the server backends "
          "of the database, PostgreSQL's parallel workers not counted)")
    for label, r in results.items():
        print(f"{label}: totals {r['totals']} weighted {r['weighted']} unconverted {r['unconverted']}")
        for line in r.get("plan", []):
            print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="SQLAlchemy URL of a PostgreSQL server to create the scratch database on")
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per user and path (median and p95)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print the query plans (EXPLAIN ANALYZE on PostgreSQL)")
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL (for --measure)")
    parser.add_argument("--measure", metavar="URL", help="measure an existing database only (prints JSON)")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs, args.warmup, args.explain)))
        return
    print("\n".join(machine()))
    print("command: bench/bench_forecast.py " + " ".join(sys.argv[1:]))
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    folder = Path(tempfile.mkdtemp(prefix="leadline-forecast-")) if args.keep and "sqlite" in kinds else None
    answers = []
    with tempfile.TemporaryDirectory(prefix="leadline-forecast-") as temporary:
        for kind in kinds:
            scratch = Scratch(kind, args.postgres, folder or Path(temporary))
            url = scratch.create()
            try:
                loaded = load(url, args.opportunities, args.accounts)
                print(f"{kind}: loaded in {loaded['load_seconds']:.0f} s", flush=True)
                results = measure_in_child(url, args)
                answers.append({label: (r["totals"], r["weighted"]) for label, r in results.items()
                                if isinstance(r, dict)})
                report(kind, loaded, results)
            finally:
                if args.keep:
                    print(f"kept: {url}")
                else:
                    scratch.drop(url)
    if len(answers) == 2:  # the same generated data (same seed) on both databases
        print("\nSQLite and PostgreSQL give the same forecasts:", answers[0] == answers[1])


if __name__ == "__main__":
    main()
