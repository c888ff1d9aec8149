"""Issue 18: what one web-to-lead submission costs, in process (no HTTP): the SQL statements it
sends (and its transactions), then the CPU per submission over a few hundred, on SQLite and
PostgreSQL. Every spam layer on, the default assignment, as bench_capture.py posts them.

    .venv/bin/python bench/profile_capture.py [--submissions 300] [--postgres URL] [--skip-sqlite] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import on_each_database  # noqa: E402
from bench_capture import prepare  # noqa: E402
from leadline.bootstrap import build_application  # noqa: E402
from leadline.config import DEV_SECRET, Settings  # noqa: E402
from leadline.domain.capture.spam import issue_token  # noqa: E402
from leadline.services.capture.submissions import Outcome, submit_form  # noqa: E402


def _posted(form_id: int, n: int, issued: datetime) -> dict[str, object]:
    return {"first_name": "Bench", "last_name": f"Lead{n}", "company": "Bench Co", "email": f"lead{n}@bench.example",
            "_lt": issue_token(DEV_SECRET, form_id, issued), "utm_source": "bench"}


def run_database(label: str, url: str, args: argparse.Namespace, _folder: Path) -> None:
    key, form_id = prepare(url)
    app = build_application(Settings(database_url=url))
    ctx, engine = app.context, app.engine
    issued = datetime.now(UTC) - timedelta(seconds=10)

    def submit(n: int) -> Any:
        result = submit_form(ctx, key, _posted(form_id, n, issued), secret=DEV_SECRET, client_address="192.0.2.1",
                             body_size=200)
        assert result.outcome is Outcome.CREATED, result
        return result

    for n in range(5):  # warm: caches filled, connections open
        submit(n)
    statements: list[str] = []
    commits = [0]

    def seen(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split())[:150])

    def committed(_c: Any) -> None:
        commits[0] += 1

    event.listen(engine, "before_cursor_execute", seen)
    event.listen(engine, "commit", committed)
    submit(5)
    event.remove(engine, "before_cursor_execute", seen)
    event.remove(engine, "commit", committed)
    print(f"\n{label}: one submission sends {len([s for s in statements if not s.startswith('BEGIN')])} "
          f"statements in {commits[0]} transactions")
    for number, sql in enumerate(statements, 1):
        print(f"  {number:2}. {sql}")
    profiler = cProfile.Profile() if args.profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for n in range(6, 6 + args.submissions):
        submit(n)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"  {args.submissions} submissions, one after another: {wall / args.submissions * 1000:.2f} ms wall, "
          f"{cpu / args.submissions * 1000:.2f} ms CPU of this process each (load average "
          f"{os.getloadavg()[0]:.1f})")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    engine.dispose()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--postgres")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--profile", action="store_true")
    on_each_database(run_database, parser.parse_args())


if __name__ == "__main__":
    main()
