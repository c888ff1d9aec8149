"""Issue 14 benchmark: create-lead p50/p99 while 8 clients sign in with passwords at the same time.

Starts the server as bench/bench_api.py does (uvicorn, 2 workers, rate limit off) on a fresh
database and runs wrk twice per round: create-lead alone (8 connections), then create-lead (8
connections) while a second wrk signs in with e-mail and password on 8 more connections (each
sign-in an argon2 check and a new token). Prints create-lead p50/p99 and sign-ins per second.

    .venv/bin/python bench/bench_sign_in.py [--runs 5] [--duration 10] [--postgres URL] [--skip-sqlite]
        [--before DIR]

Before and after in one run: ``--before DIR`` names a checkout of the code before the change with
its own virtual environment (``DIR/.venv``). Its database is prepared and its server started by
that environment's Python (this script and bench_api.py use only functions both versions have);
both servers stay up and the rounds alternate which code goes first, so both see the same load:

    git worktree add ../before 69f96ed && (cd ../before && make setup)
    .venv/bin/python bench/bench_sign_in.py --before ../before --postgres postgresql+psycopg://...

Needs wrk. The machine's load average is printed at each round: other jobs on the cores move
the figures, the paired rounds less so.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import (  # noqa: E402
    drop_postgres,
    free_port,
    lua_scripts,
    on_each_database,
    prepare,
    scratch_postgres,
    serve,
    wrk,
)

EMAIL, PASSWORD = "bench@example.com", "bench password of some length"
Run = dict[str, float]


@dataclass
class Code:
    """One version of the application: its name in the results and its virtual environment."""

    name: str
    bin_dir: Path
    alone: list[Run] = field(default_factory=list)
    contended: list[Run] = field(default_factory=list)
    sign_ins: list[Run] = field(default_factory=list)


def sign_in_script(folder: Path) -> Path:
    body = '{"email":"%s","password":"%s"}' % (EMAIL, PASSWORD)  # noqa: UP031 - Lua source
    path = folder / "sign-in.lua"
    path.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                    f"wrk.body = '{body}'\n")
    return path


def with_password(url: str) -> tuple[str, list[int]]:
    """The database of bench_api.prepare (1,000 leads), the admin given a password."""
    from leadline.bootstrap import build_application
    from leadline.config import Settings
    from leadline.services.security.auth import set_password

    token, ids = prepare(url, 1000)
    app = build_application(Settings(database_url=url))
    with app.context.reader() as uow:
        admin = uow.users.get_by_email(EMAIL)
    set_password(app.context, admin.id, admin.id, PASSWORD)
    app.engine.dispose()  # type: ignore[attr-defined]
    return token, ids


def prepared_by(code: Code, url: str) -> tuple[str, list[int]]:
    """``with_password`` run by the code's own Python (its schema, its defaults)."""
    done = subprocess.run([str(code.bin_dir / "python"), __file__, "--prepare", url], capture_output=True,
                          text=True, check=True, timeout=300)
    answer = json.loads(done.stdout.splitlines()[-1])
    return answer["token"], answer["ids"]


@contextlib.contextmanager
def database_for(code: Code, url: str, args: argparse.Namespace, folder: Path) -> Iterator[str]:
    """``url`` for the code under test; for the code before, a second database of the same kind."""
    if code.name == "after":
        yield url
    elif url.startswith("sqlite"):
        yield f"sqlite:///{folder / 'before.db'}"
    else:
        second, name = scratch_postgres(args.postgres)
        try:
            yield second
        finally:
            drop_postgres(args.postgres, name)


def one_round(code: Code, port: int, create: Path, signing: Path, duration: int) -> None:
    """wrk gives up on a request after ``duration`` seconds (not wrk's 2 s: a create held up behind
    the hashes must count in the latencies, not vanish as a timeout)."""
    code.alone.append(wrk(port, create, "/", duration, timeout=duration))
    with ThreadPoolExecutor(1) as background:  # wrk signing in, beside wrk creating leads
        signing_in = background.submit(wrk, port, signing, "/api/v1/auth/token", duration + 2, duration)
        code.contended.append(wrk(port, create, "/", duration, timeout=duration))
        code.sign_ins.append(signing_in.result())


def run_database(label: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    codes = [Code("after", Path(sys.executable).parent)]
    if args.before:
        codes.append(Code("before", Path(args.before).resolve() / ".venv" / "bin"))
    loads: list[float] = []
    with contextlib.ExitStack() as stack:
        servers = {}
        for code in codes:
            own = folder / code.name
            own.mkdir(exist_ok=True)
            database = stack.enter_context(database_for(code, url, args, folder))
            token, ids = prepared_by(code, database)
            create, port = lua_scripts(own, token, ids)["create-lead"], free_port()
            server = serve(database, port, code.bin_dir)
            stack.callback(server.wait, timeout=15)
            stack.callback(server.terminate)
            servers[code.name] = (port, create)
        for round_ in range(args.runs):
            loads.append(os.getloadavg()[0])
            for code in codes if round_ % 2 == 0 else codes[::-1]:
                port, create = servers[code.name]
                one_round(code, port, create, sign_in_script(folder), args.duration)
    report(label, args, codes, loads)


def report(label: str, args: argparse.Namespace, codes: list[Code], loads: list[float]) -> None:
    print(f"\n{label} ({args.runs} rounds of {args.duration}s, median; create-lead wrk -t1 -c8; "
          f"load average {min(loads):.1f}-{max(loads):.1f} at the rounds' starts)")
    print("| code | create-lead | req/s | p50 ms | p99 ms | non-2xx, timeouts | sign-ins/s | sign-in non-2xx |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for code in codes:
        for name, rows, signed in (("alone", code.alone, None), ("8 clients signing in", code.contended,
                                                                  code.sign_ins)):
            median = {k: statistics.median(r[k] for r in rows) for k in ("rps", "p50", "p99")}
            errors, timeouts = (sum(r[k] for r in rows) for k in ("errors", "timeouts"))
            rate = f"{statistics.median(r['rps'] for r in signed):,.0f}" if signed else "-"
            refused = f"{sum(r['errors'] for r in signed):.0f}" if signed else "-"
            print(f"| {code.name} | {name} | {median['rps']:,.0f} | {median['p50']:.2f} | {median['p99']:.2f} "
                  f"| {errors:.0f}, {timeouts:.0f} | {rate} | {refused} |")
    for code in codes:
        p50s = ", ".join(f"{r['p50']:.1f}" for r in code.contended)
        p99s = ", ".join(f"{r['p99']:.1f}" for r in code.contended)
        rates = ", ".join(f"{r['rps']:.0f}" for r in code.contended)
        print(f"{code.name}, signing in, per round: req/s {rates}; p50 {p50s} ms; p99 {p99s} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--postgres", help="also run on this PostgreSQL server (a scratch database is made)")
    parser.add_argument("--skip-sqlite", action="store_true", help="only the PostgreSQL run")
    parser.add_argument("--before", help="a checkout of the code before the change, with its .venv")
    parser.add_argument("--prepare", metavar="URL", help=argparse.SUPPRESS)  # used by prepared_by
    args = parser.parse_args()
    if args.prepare:
        token, ids = with_password(args.prepare)
        print(json.dumps({"token": token, "ids": ids}))
        return
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores · Python {platform.python_version()}")
    on_each_database(run_database, args)


if __name__ == "__main__":
    main()
