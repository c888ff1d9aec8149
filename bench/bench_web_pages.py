"""Issue 16 benchmark: server time of the web pages over 1,000,000 leads and 100,000 open opportunities.

Per database, a fresh database gets the forecast benchmark's data (``bench_forecast.load``: the
default configuration, 1,000 users in a role hierarchy, accounts and generated opportunities, of
which about 43 % are open: ``--opportunities 235000`` gives about 100,000 open ones), then
``--leads`` generated leads (``leadline.synthetic.generate_leads``, owners spread over the 1,000
users) written through the persistence layer's bulk path (``uow.leads.add_many``) in chunks of
100,000, then ANALYZE. Nothing of that is timed.

The pages are then asked for **in process**, through Litestar's ``TestClient`` (the whole ASGI
application as ``leadline serve`` runs it: security headers, CSRF, session cookie, error pages,
templates; no socket and no HTTP parsing), signed in as the admin (who sees every lead): after
``--warmup`` requests, ``--requests`` timed requests per page (fewer for a page whose timed
requests took ``--page-seconds`` in all), the pages taken in turn, and the median and p99 of each. Pages:

* ``/leads`` (the first page of 50, newest first), ``/leads?status=...&source=...`` (a filter),
  ``/leads?q=...`` (a search: the longest word of the company of a lead in the middle of the data),
  ``/leads?status=...&q=...`` (both), and ``/leads?q=<that lead's e-mail>`` (a search only one
  lead matches: every lead is read);
* ``/leads/<id>`` (a lead's page, a random lead each time);
* ``/board`` and ``/forecast`` when the application has them (skipped, and said so, on a 404).

Example::

    .venv/bin/python bench/bench_web_pages.py --database both --leads 1000000 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from litestar.testing import TestClient

from bench_forecast import Scratch, load, machine, raw_connect  # bench/ is the script's folder
from leadline.asgi import create_app, freeze_start_up_objects
from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.services.security.auth import create_token
from leadline.synthetic import generate_leads

CHUNK = 100_000
GOAL_MEDIAN_MS, GOAL_P99_MS = 100.0, 300.0


def add_leads(url: str, count: int) -> float:
    """``count`` generated leads, owned across every user; returns the seconds it took."""
    started = time.perf_counter()
    app = build_application(Settings(database_url=url))
    with app.context.reader() as uow:
        statuses, sources = uow.statuses.list(), uow.sources.list()
        owners = [user.id for user in uow.users.list()]
    for number, start in enumerate(range(0, count, CHUNK)):
        batch = generate_leads(min(CHUNK, count - start), seed=16 + number, status_ids=[s.id for s in statuses],
                               source_ids=[s.id for s in sources], owner_ids=owners, now=datetime.now(UTC))
        with app.context.uow_factory() as uow:
            uow.leads.add_many(batch)
            uow.commit()
        print(f"  {start + len(batch):,} leads", flush=True)
    app.engine.dispose()  # type: ignore[attr-defined]
    with closing(raw_connect(url)) as connection:
        if hasattr(connection, "autocommit"):
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
        else:
            connection.execute("ANALYZE")
    return time.perf_counter() - started


def pages(connection: Any) -> dict[str, str]:
    """The paths to time, with a status, a source and a search word taken from the data."""
    count = connection.execute("SELECT count(*) FROM leads").fetchone()[0]
    company, email, status, source = connection.execute(
        "SELECT l.company, l.email, s.label, src.label FROM leads l JOIN lead_statuses s ON s.id = l.status_id "
        f"JOIN lead_sources src ON src.id = l.source_id ORDER BY l.id LIMIT 1 OFFSET {count // 2}").fetchone()
    word = max(company.split(), key=len).lower()
    return {"lead list": "/leads", "lead list, filtered": "/leads?" + urlencode({"status": status, "source": source}),
            "lead list, searched": "/leads?" + urlencode({"q": word}),
            "lead list, filtered and searched": "/leads?" + urlencode({"status": status, "q": word}),
            "lead list, searched for one lead": "/leads?" + urlencode({"q": email}),
            "lead page": "/leads/{id}", "board": "/board", "forecast": "/forecast"}


def measure(url: str, requests: int, warmup: int, budget_ms: float = 120_000, *, freeze: bool = True) -> dict[str, Any]:
    with closing(raw_connect(url)) as connection:
        paths = pages(connection)
        admin = connection.execute("SELECT id FROM users WHERE email = 'admin@leadline-bench.com'").fetchone()[0]
        ids = [row[0] for row in connection.execute("SELECT id FROM leads ORDER BY random() LIMIT 5000")]
    application = build_application(Settings(database_url=url, rate_limit_per_minute=0))
    token, info = create_token(application.context, admin, name="bench", expires_in_days=None, hours=8)
    rng = random.Random(16)
    results: dict[str, Any] = {"load average before": os.getloadavg()}
    served = create_app(application)
    if freeze:  # as `leadline serve` does once started
        freeze_start_up_objects()
    with TestClient(served) as client:
        client.cookies.set("leadline_session", f"{info.id}.{token}")
        timed: dict[str, list[float]] = {}
        for name, path in paths.items():
            answer = client.get(path.format(id=ids[0]))
            if answer.status_code == 404 and "{id}" not in path:
                results[name] = f"skipped: {path} answers 404 (no such page in this version)"
                continue
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
            timed[name] = []
        for round_number in range(warmup + requests):
            for name in timed:
                if sum(timed[name]) > budget_ms:
                    continue  # a slow page stops here: its median and p99 are over the requests made
                path = paths[name].format(id=rng.choice(ids))
                started = time.perf_counter()
                answer = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                assert answer.status_code == 200, (path, answer.status_code)
                if round_number >= warmup:
                    timed[name].append(elapsed)
    for name, samples in timed.items():
        samples.sort()
        results[name] = {"path": paths[name], "median_ms": statistics.median(samples),
                         "p99_ms": samples[min(len(samples) - 1, round(0.99 * len(samples)) - 1)],
                         "max_ms": samples[-1], "requests": len(samples)}
    results["load average after"] = os.getloadavg()
    application.engine.dispose()  # type: ignore[attr-defined]
    return results


def report(kind: str, loaded: dict[str, Any], lead_seconds: float, results: dict[str, Any]) -> None:
    before, after = results.pop("load average before"), results.pop("load average after")
    print(f"\n{kind}: {loaded['users']:,} users, {loaded['accounts']:,} accounts, {loaded['opportunities']:,} "
          f"opportunities loaded in {loaded['load_seconds']} s; leads added in {lead_seconds:.0f} s")
    print(f"load average (1/5/15 min) before {tuple(round(x, 2) for x in before)}, "
          f"after {tuple(round(x, 2) for x in after)}")
    print("| page | path | median ms | p99 ms | max ms | goal (median < 100, p99 < 300) |")
    print("|---|---|---:|---:|---:|---|")
    for name, r in results.items():
        if isinstance(r, str):
            print(f"| {name} | — | — | — | — | {r} |")
            continue
        met = "met" if r["median_ms"] < GOAL_MEDIAN_MS and r["p99_ms"] < GOAL_P99_MS else "**missed**"
        print(f"| {name} | `{r['path']}` | {r['median_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | {met} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="SQLAlchemy URL of a PostgreSQL server to create the scratch database on")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--opportunities", type=int, default=235_000, help="all outcomes; about 43 %% are open")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (median and p99)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--page-seconds", type=float, default=120,
                        help="stop timing a page once its timed requests took this long in all")
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    parser.add_argument("--measure", metavar="URL", help="measure an existing database only")
    parser.add_argument("--no-freeze", action="store_true",
                        help="skip the served app's gc.freeze after start-up (for comparison)")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    print("\n".join(machine()))
    print("command: bench/bench_web_pages.py " + " ".join(sys.argv[1:]))
    print("timing: in process, Litestar TestClient (the ASGI application; no socket, no HTTP server)")
    if args.measure:
        report("given database", {"users": 0, "accounts": 0, "opportunities": 0, "load_seconds": 0}, 0,
               measure(args.measure, args.requests, args.warmup, args.page_seconds * 1000,
                       freeze=not args.no_freeze))
        return
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    folder = Path(tempfile.mkdtemp(prefix="leadline-web-")) if args.keep and "sqlite" in kinds else None
    with tempfile.TemporaryDirectory(prefix="leadline-web-") as temporary:
        for kind in kinds:
            scratch = Scratch(kind, args.postgres, folder or Path(temporary))
            url = scratch.create()
            try:
                loaded = load(url, args.opportunities, args.accounts)
                with closing(raw_connect(url)) as connection:
                    loaded["open"] = connection.execute(
                        "SELECT count(*) FROM opportunities WHERE outcome = 'open'").fetchone()[0]
                print(f"{kind}: {loaded['open']:,} open opportunities loaded in {loaded['load_seconds']} s", flush=True)
                lead_seconds = add_leads(url, args.leads)
                report(kind, loaded, lead_seconds, measure(url, args.requests, args.warmup, args.page_seconds * 1000,
                                                               freeze=not args.no_freeze))
            finally:
                if args.keep:
                    print(f"kept: {url}")
                else:
                    scratch.drop(url)


if __name__ == "__main__":
    main()
