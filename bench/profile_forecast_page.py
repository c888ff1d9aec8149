"""Where the admin's forecast page spends its CPU: per round, one page request through the ASGI
application (in this thread, ``httpx.ASGITransport``) then the use case ``predicted_forecast``
alone, alternating; prints the medians (CPU ms of the process, and wall-clock ms: on PostgreSQL
the statements' work is the server's, outside the process's CPU). With ``--profile``, a cProfile
of the page requests instead. On a database ``bench/bench_forecast.py --keep`` built.

Example::

    .venv/bin/python bench/profile_forecast_page.py sqlite:////tmp/leadline-forecast-xxxx/forecast.db --rounds 40
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import pstats
import statistics
import time

import httpx
from sqlalchemy import text

from leadline.asgi import create_app, freeze_start_up_objects
from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.services.scoring.opportunity_reads import predicted_forecast
from leadline.services.security.auth import create_token

PAGE = "/forecast?period=2026-Q4"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    application = build_application(Settings(database_url=args.url, rate_limit_per_minute=0))
    with application.engine.connect() as connection:
        admin = connection.execute(text("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")).scalar()
    served = create_app(application)
    freeze_start_up_objects()
    token, info = create_token(application.context, admin, name="bench", expires_in_days=None, hours=1)
    asyncio.run(_measure(served, application.context, admin, f"{info.id}.{token}", args))


async def _measure(served: object, ctx: object, admin: int, session: str, args: argparse.Namespace) -> None:
    transport = httpx.ASGITransport(app=served)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                 cookies={"leadline_session": session}) as client:
        for _ in range(args.warmup):
            assert (await client.get(PAGE)).status_code == 200
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.rounds):
                await client.get(PAGE)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
            return
        page: list[tuple[float, float]] = []
        use_case: list[tuple[float, float]] = []
        for _ in range(args.rounds):
            started = time.process_time(), time.perf_counter()
            assert (await client.get(PAGE)).status_code == 200
            between = time.process_time(), time.perf_counter()
            predicted_forecast(ctx, admin, "2026-Q4")  # type: ignore[arg-type]
            done = time.process_time(), time.perf_counter()
            page.append((between[0] - started[0], between[1] - started[1]))
            use_case.append((done[0] - between[0], done[1] - between[1]))
    for label, times in (("page", page), ("predicted_forecast alone", use_case)):
        print(f"{label}: median of {args.rounds}, CPU {statistics.median(t[0] for t in times) * 1000:.0f} ms, "
              f"wall {statistics.median(t[1] for t in times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
