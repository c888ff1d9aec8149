"""Issue 19, item 5: the plans and times of the leads list sorted and filtered by score over
``--leads`` leads (default 1,000,000), on SQLite and PostgreSQL.

Set-up (not timed): a scratch database at head, an organisation, the leads written by one SQL
statement (generated ids, five statuses, 1,000 owners), a stored model, and a score for
``--scored`` of them (default 60 %; skewed to low scores, as real ones are), then ANALYZE. Each
case runs the repository's own statements (``uow.leads.list``, captured as sent), prints each
statement's plan (PostgreSQL ``EXPLAIN (ANALYZE, BUFFERS)``, SQLite ``EXPLAIN QUERY PLAN``) and the
median wall time of five runs of the whole list call.

Example::

    .venv/bin/python bench/explain_score_order.py --database both --leads 1000000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from sqlalchemy import Engine, event, make_url, text

from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.ids import new_id
from leadline.domain.queries import LEAD_SORTS, LeadQuery, Page
from leadline.persistence.database import make_engine
from leadline.persistence.schema import upgrade_to_head
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.contact_points import LibraryContactPointChecker
from leadline.services.context import ServiceContext

NAME = "scorepaths_explain"


def scratch(kind: str, postgres: str, folder: str, name: str = NAME) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder}/explain.db"
    url = make_url(postgres)
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def load(engine: Engine, leads: int, scored: float) -> ServiceContext:
    upgrade_to_head(engine)
    ctx = ServiceContext(uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only),
                         clock=lambda: datetime.now(UTC), currency="USD", phone_region="US",
                         contact_points=LibraryContactPointChecker("US"))
    admin = initialise_organisation(ctx, admin_name="Ada", admin_email="ada@example.com").admin
    assert admin is not None
    with ctx.reader() as uow:
        statuses = [s.id for s in ctx.config(uow).statuses if s.kind is not StatusKind.CONVERTED]
    sqlite = engine.dialect.name == "sqlite"
    numbers = ("WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < :n) SELECT x FROM g"
               if sqlite else "SELECT x FROM generate_series(1, :n) AS g(x)")
    status = "CASE x % 5 " + " ".join(f"WHEN {i} THEN {s}" for i, s in enumerate(statuses)) + f" ELSE {statuses[0]} END"
    moment = ("datetime('2026-01-01', '-' || (x % 100000) || ' minutes')" if sqlite
              else "timestamptz '2026-01-01 00:00+00' - (x % 100000) * interval '1 minute'")
    model_id, started = new_id(), time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO leads (id, last_name, company, status_id, owner_id, currency, is_decision_maker, "
            f"created_at, updated_at, version) SELECT x, 'L' || x, 'C' || x, {status}, {admin.id}, 'USD', "
            f"{'0' if sqlite else 'false'}, {moment}, {moment}, 1 FROM ({numbers}) AS numbers"), {"n": leads})
        connection.execute(text(
            "INSERT INTO scoring_models (id, subject, kind, number, trained_at, outcomes, positives, summary, "
            "payload) VALUES (:id, 'lead', 'frequency', 1, :at, 100, 20, '{}', :payload)"),
            {"id": model_id, "at": datetime.now(UTC).replace(tzinfo=None) if sqlite else datetime.now(UTC),
             "payload": b"{}"})
        share = int(scored * 100)
        connection.execute(text(
            "INSERT INTO lead_scores (lead_id, score, probability, confident, model_id, model_version, scored_at, "
            f"reasons) SELECT id, ((id * 7919) % 1000) * ((id * 7919) % 1000) / 10000, 0.5, "
            f"{'0' if sqlite else 'false'}, {model_id}, 'frequency@1', created_at, '{{\"up\": [], \"down\": []}}' "
            f"FROM leads WHERE (id * 31) % 100 < {share}"))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(f"  loaded {leads:,} leads ({share} % scored) in {time.perf_counter() - started:.0f} s", flush=True)
    return ctx


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def keep(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def cases(ctx: ServiceContext) -> dict[str, tuple[LeadQuery, Page]]:
    with ctx.reader() as uow:
        contacted = next(s.id for s in ctx.config(uow).statuses if s.label == "Contacted")
    deep = Page.parse(50, "-score", Page.parse(50, "-score").cursor_of(20, 500_000), allowed=LEAD_SORTS)
    unscored = Page.parse(50, "-score", Page.parse(50, "-score").cursor_of(None, 500_000), allowed=LEAD_SORTS)
    return {
        "-score, first page": (LeadQuery(), Page.parse(50, "-score")),
        "score (ascending), first page": (LeadQuery(), Page.parse(50, "score")),
        "-score, deep (after score 20)": (LeadQuery(), deep),
        "-score, in the unscored part": (LeadQuery(), unscored),
        "-score, min_score 80": (LeadQuery(min_score=80), Page.parse(50, "-score")),
        "-score, status Contacted": (LeadQuery(status_ids=(contacted,)), Page.parse(50, "-score")),
        "-created_at, min_score 80": (LeadQuery(min_score=80), Page.parse(50, "-created_at")),
        "-created_at, min_score 99": (LeadQuery(min_score=99), Page.parse(50, "-created_at")),
    }


def explain(engine: Engine, statement: str, parameters: Any) -> str:
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(prefix + statement, parameters)
        rows = cursor.fetchall()
    finally:
        raw.close()
    return "\n".join("      " + (str(r[-1]) if sqlite else str(r[0])) for r in rows)


def run(kind: str, url: str, leads: int, scored: float, *, loaded: bool = False) -> None:
    print(f"{kind}: {leads:,} leads", flush=True)
    engine = make_engine(url)
    ctx = ServiceContext(uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only),
                         clock=lambda: datetime.now(UTC), currency="USD", phone_region="US",
                         contact_points=LibraryContactPointChecker("US")) if loaded else load(engine, leads, scored)
    wanted = cases(ctx)
    with ctx.reader() as uow:
        for name, (query, page) in wanted.items():
            times = []
            for _ in range(5):
                with captured(engine) as seen:
                    start = time.perf_counter()
                    rows = uow.leads.list(query, page)
                    times.append((time.perf_counter() - start) * 1000)
            print(f"  {name}: {len(rows)} rows, median {statistics.median(times):.1f} ms, "
                  f"{len(seen)} statement(s)", flush=True)
            for statement, parameters in seen:
                print(explain(engine, statement, parameters), flush=True)
    engine.dispose()


def main_for(run: Callable[..., None], records: str, name: str = NAME) -> None:
    """The command line of a score-order EXPLAIN script: ``run(kind, url, count, scored, loaded=)``
    over ``--<records>`` generated records, on a scratch database of each kind or a loaded one."""
    parser = argparse.ArgumentParser(description=(sys.modules["__main__"].__doc__ or "").split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument(f"--{records}", dest="count", type=int, default=1_000_000)
    parser.add_argument("--scored", type=float, default=0.6)
    parser.add_argument("--measure", metavar="URL", help="Measure a database this script loaded before.")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}; nproc {os.cpu_count()}")
    if args.measure:
        run(make_url(args.measure).get_backend_name(), args.measure, args.count, args.scored, loaded=True)
        return
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
            run(kind, scratch(kind, args.postgres, folder, name), args.count, args.scored)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main_for(run, "leads")
