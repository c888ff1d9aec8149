"""SOQL query throughput beside the native lead list (issue 20), in-process, same run, same data.

Per database (nothing of the set-up is timed): a fresh database with the newest schema, the
default configuration, an admin and nine reps (``bench_convert_leads.seed``) and ``--leads``
generated leads spread over the ten owners. Then, alternating the two sides call by call, for a
rep (visibility filtered: their own tenth of the leads) and for the admin (every lead):

* **page**: the newest 200 leads. Native: ``list_leads(ctx, actor, LeadQuery(), Page(limit=200,
  sort="created_at"))`` (full lead details). SOQL: ``run_query`` of
  ``SELECT Id, FirstName, LastName, Company, Email, Status, LeadSource, OwnerId FROM Lead
  ORDER BY CreatedDate DESC LIMIT 200``;
* **drain**: every readable lead. Native: keyset pages of 200 (its largest page) until the
  end; SOQL: the same query without LIMIT, pages of 2,000 through the page token.

Prints wall and CPU milliseconds per call (medians of ``--calls``), the SOQL/native ratio and the
load average. Example::

    .venv/bin/python bench/bench_soql.py --leads 20000 --calls 30 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

SOQL = "SELECT Id, FirstName, LastName, Company, Email, Status, LeadSource, OwnerId FROM Lead ORDER BY CreatedDate DESC"


def timed(call: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def measure(ctx: Any, actor: int, calls: int) -> dict[str, dict[str, tuple[float, float]]]:
    from leadline.domain.queries import LeadQuery, Page
    from leadline.services.leads.records import list_leads
    from leadline.services.salesforce.query import run_query

    def native_page() -> int:
        return len(list_leads(ctx, actor, LeadQuery(), Page(limit=200, sort="created_at")))

    def soql_page() -> int:
        return len(run_query(ctx, actor, SOQL + " LIMIT 200").records)

    def native_drain() -> int:
        seen, page = 0, Page(limit=200, sort="created_at")
        while rows := list_leads(ctx, actor, LeadQuery(), page):
            seen += len(rows)
            last = rows[-1].lead
            page = Page(limit=200, sort="created_at", after=(last.created_at, last.id))
        return seen

    def soql_drain() -> int:
        result = run_query(ctx, actor, SOQL)
        seen = len(result.records)
        while result.next_token:
            result = run_query(ctx, actor, page_token=result.next_token)
            seen += len(result.records)
        return seen

    figures: dict[str, dict[str, tuple[float, float]]] = {}
    for name, native, soql, count in (("page", native_page, soql_page, calls),
                                      ("drain", native_drain, soql_drain, max(3, calls // 10))):
        native(), soql()  # warm: the configuration cache, statement caches
        runs: dict[str, list[tuple[float, float]]] = {"native": [], "soql": []}
        sizes = set()
        for number in range(count):
            for side, call in (("native", native), ("soql", soql))[:: 1 if number % 2 == 0 else -1]:
                wall, cpu, size = timed(call)
                runs[side].append((wall, cpu))
                sizes.add((side, size))
        assert len({size for _, size in sizes}) == 1, f"the two sides read different row counts: {sizes}"
        figures[name] = {side: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
                         for side, r in runs.items()}
    return figures


def run(database: str, args: argparse.Namespace) -> None:
    from bench_convert_leads import CURRENCY, PostgresTarget, SqliteTarget, seed
    from leadline.bootstrap import build_application
    from leadline.config import Settings
    from leadline.persistence.unit_of_work import SqlUnitOfWork
    from leadline.synthetic import generate_leads

    with tempfile.TemporaryDirectory(prefix="leadline-soql-") as folder:
        target = PostgresTarget(args.postgres) if database == "postgresql" else SqliteTarget(Path(folder))
        url = target.create("soql")
        try:
            engine, admin_id, statuses, sources, owners = seed(url)
            leads = generate_leads(args.leads, seed=1, status_ids=statuses, source_ids=sources, owner_ids=owners,
                                   now=datetime.now(UTC).replace(microsecond=0), currency=CURRENCY)
            with SqlUnitOfWork(engine) as uow:
                uow.leads.add_many(leads)
                uow.commit()
            engine.dispose()
            rep = next(owner for owner in owners if owner != admin_id)
            app = build_application(Settings(database_url=url, currency=CURRENCY))
            for who, actor in (("rep", rep), ("admin", admin_id)):
                for name, sides in measure(app.context, actor, args.calls).items():
                    (nw, nc), (sw, sc) = sides["native"], sides["soql"]
                    print(f"{target.name:10} {who:5} {name:5}  native {nw:8.1f} ms (cpu {nc:7.1f})  "
                          f"soql {sw:8.1f} ms (cpu {sc:7.1f})  soql/native {sw / nw:4.2f}", flush=True)
            app.engine.dispose()  # type: ignore[attr-defined]
        finally:
            target.drop(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--postgres", help="PostgreSQL URL; without it, SQLite only")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}  leads: {args.leads}  calls: {args.calls}", flush=True)
    for database in ["sqlite"] + (["postgresql"] if args.postgres else []):
        run(database, args)
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
