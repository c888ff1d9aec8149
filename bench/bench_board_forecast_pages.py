"""Server time of the pipeline board and the forecast page, in process (Litestar's test client,
the whole request: session, use cases, template), on a database ``bench/bench_forecast.py --keep``
built (its generated opportunities, users and rates).

For the admin (everything, no owner filter), a third-level manager (a team of about 40 owners)
and a rep, after ``--warmup`` requests, ``--runs`` requests of each page: median and p99 in ms,
the same two of the CPU time of the process (the app runs in its threads), the statements each
page ran and the page's size.

Example::

    .venv/bin/python bench/bench_forecast.py --database sqlite --opportunities 250000 --keep
    .venv/bin/python bench/bench_board_forecast_pages.py sqlite:////tmp/leadline-forecast-xxxx/forecast.db
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import event, text

from leadline.asgi import create_app, freeze_start_up_objects
from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.services.security.auth import create_token

PAGES = ("/board", "/forecast?period=2026-Q4")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-freeze", action="store_true",
                        help="skip the served app's gc.freeze after start-up (for comparison)")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build_application(Settings(database_url=args.url, rate_limit_per_minute=0))
    engine: Any = application.engine
    statements = [0]
    event.listen(engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    with engine.connect() as connection:
        admin = connection.execute(text("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")).scalar()
        manager = connection.execute(text(
            "SELECT u.id FROM users u JOIN users m ON u.manager_id = m.id JOIN users t ON m.manager_id = t.id "
            "WHERE t.manager_id = :admin AND u.role = 'manager' ORDER BY u.id LIMIT 1"), {"admin": admin}).scalar()
        rep = connection.execute(text("SELECT owner_id FROM opportunities WHERE owner_id IN "
                                      "(SELECT id FROM users WHERE role = 'rep') LIMIT 1")).scalar()
        open_count = connection.execute(text("SELECT count(*) FROM opportunities WHERE outcome = 'open'")).scalar()
    print(f"database: {engine.url.get_backend_name()}, {open_count:,} open opportunities")
    print("| user | page | median ms | p99 ms | CPU median ms | CPU p99 ms | statements | KB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    served = create_app(application)
    if not args.no_freeze:  # as `leadline serve` does once started
        freeze_start_up_objects()
    with TestClient(served) as client:
        for label, user in (("admin", admin), ("manager (level 3)", manager), ("rep", rep)):
            token, info = create_token(application.context, user, name="bench", expires_in_days=None, hours=1)
            client.cookies.set("leadline_session", f"{info.id}.{token}")
            for page in PAGES:
                for _ in range(args.warmup):
                    assert client.get(page).status_code == 200
                times, cpu, size = [], [], 0
                for _ in range(args.runs):
                    statements[0] = 0
                    started, cpu_started = time.perf_counter(), time.process_time()
                    answer = client.get(page)
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - cpu_started) * 1000)
                    size = len(answer.content)
                    assert answer.status_code == 200, answer.text[:500]
                print(f"| {label} | {page} | {statistics.median(times):.0f} | {_p99(times):.0f} "
                      f"| {statistics.median(cpu):.0f} | {_p99(cpu):.0f} | {statements[0]} "
                      f"| {size / 1024:.0f} |")


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(len(ordered) * 0.99) - 1)]


if __name__ == "__main__":
    main()
