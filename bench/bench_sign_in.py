"""Issue 14 benchmark: create-lead p50/p99 while 8 clients sign in with passwords at the same time.

Starts the server as bench/bench_api.py does (uvicorn, 2 workers, rate limit off) on a fresh
database and runs wrk twice per round: create-lead alone (8 connections), then create-lead (8
connections) while a second wrk signs in with e-mail and password on 8 more connections (each
sign-in an argon2 check and a new token). Prints create-lead p50/p99 and sign-ins per second.

    .venv/bin/python bench/bench_sign_in.py [--runs 3] [--duration 10] [--postgres URL] [--skip-sqlite]

Before and after: run the same script on the code before the change, from a worktree of its own
(it uses only functions both versions have):

    git worktree add ../before 69f96ed && cp bench/bench_sign_in.py ../before/bench/
    (cd ../before && make setup && .venv/bin/python bench/bench_sign_in.py)
    .venv/bin/python bench/bench_sign_in.py

Needs wrk. Run it on a quiet machine: with other jobs on the cores the figures mean nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import free_port, lua_scripts, on_each_database, prepare, serve, wrk  # noqa: E402
from leadline.bootstrap import build_application  # noqa: E402
from leadline.config import Settings  # noqa: E402
from leadline.services.auth import set_password  # noqa: E402

EMAIL, PASSWORD = "bench@example.com", "bench password of some length"


def sign_in_script(folder: Path) -> Path:
    body = '{"email":"%s","password":"%s"}' % (EMAIL, PASSWORD)  # noqa: UP031 - Lua source
    path = folder / "sign-in.lua"
    path.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                    f"wrk.body = '{body}'\n")
    return path


def with_password(url: str) -> tuple[str, list[int]]:
    """The database of bench_api.prepare (1,000 leads), the admin given a password."""
    token, ids = prepare(url, 1000)
    app = build_application(Settings(database_url=url))
    with app.context.reader() as uow:
        admin = uow.users.get_by_email(EMAIL)
    set_password(app.context, admin.id, admin.id, PASSWORD)
    app.engine.dispose()  # type: ignore[attr-defined]
    return token, ids


def run_database(label: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    token, ids = with_password(url)
    create, signing = lua_scripts(folder, token, ids)["create-lead"], sign_in_script(folder)
    alone: list[dict[str, float]] = []
    contended: list[dict[str, float]] = []
    sign_ins: list[dict[str, float]] = []
    port = free_port()
    server = serve(url, port)
    try:
        for _ in range(args.runs):
            alone.append(wrk(port, create, "/", args.duration))
            with ThreadPoolExecutor(1) as background:  # wrk signing in, beside wrk creating leads
                signing_in = background.submit(wrk, port, signing, "/api/v1/auth/token", args.duration + 2)
                contended.append(wrk(port, create, "/", args.duration))
                sign_ins.append(signing_in.result())
    finally:
        server.terminate()
        server.wait(timeout=15)
    print(f"\n{label} ({args.runs} runs of {args.duration}s, median; create-lead wrk -t1 -c8)")
    print("| create-lead | req/s | p50 ms | p99 ms | non-2xx | sign-ins/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, rows, signed in (("alone", alone, None), ("8 clients signing in", contended, sign_ins)):
        median = {k: statistics.median(r[k] for r in rows) for k in ("rps", "p50", "p99")}
        errors = sum(r["errors"] for r in rows)
        rate = f"{statistics.median(r['rps'] for r in signed):,.0f}" if signed else "-"
        print(f"| {name} | {median['rps']:,.0f} | {median['p50']:.2f} | {median['p99']:.2f} | {errors:.0f} | {rate} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--postgres", help="also run on this PostgreSQL server (a scratch database is made)")
    parser.add_argument("--skip-sqlite", action="store_true", help="only the PostgreSQL run")
    args = parser.parse_args()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores · Python {platform.python_version()}")
    on_each_database(run_database, args)


if __name__ == "__main__":
    main()
