"""Issue 3 benchmark: HTTP requests per second and p50/p99 latency on loopback.

Starts `uvicorn` (2 workers, as `leadline serve` does) on a fresh database holding generated
leads, and drives it with wrk (1 thread, 8 connections) for get-lead, list-leads (page of 50),
create-lead, and a bare constant-JSON endpoint of the same stack (the ceiling), in one run.

    .venv/bin/python bench/bench_api.py [--leads 10000] [--runs 3] [--duration 10] [--postgres URL]
        [--endpoints get-lead,list-leads,create-lead] [--skip-sqlite]

Needs wrk (Debian package `wrk`). Every request goes to 127.0.0.1 and every wrk run is bounded.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.security.auth import create_token
from leadline.synthetic import generate_leads

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def prepare(url: str, leads: int) -> tuple[str, list[int]]:
    """Schema, defaults, an admin, ``leads`` generated leads owned by the admin; returns (token, ids)."""
    app = build_application(Settings(database_url=url))
    app.upgrade_database()
    admin = initialise_organisation(app.context, admin_name="Bench Admin", admin_email="bench@example.com").admin
    assert admin is not None
    with app.context.reader() as uow:
        statuses, sources = uow.statuses.list(), uow.sources.list()
    batch = generate_leads(leads, seed=3, status_ids=[s.id for s in statuses], source_ids=[s.id for s in sources],
                           owner_ids=[admin.id], now=datetime.now(UTC))
    with app.context.uow_factory() as uow:
        uow.leads.add_many(batch)
        uow.commit()
    token, _ = create_token(app.context, admin.id, name="bench")
    app.engine.dispose()  # type: ignore[attr-defined]
    return token, [lead.id for lead in batch]


def lua_scripts(folder: Path, token: str, ids: list[int]) -> dict[str, Path]:
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"\nwrk.headers["Content-Type"] = "application/json"\n'
    sample = ", ".join(f'"{i}"' for i in random.Random(1).sample(ids, min(len(ids), 2000)))
    scripts = {
        "ceiling": auth,
        "get-lead": auth + f"ids = {{{sample}}}\nrequest = function()\n"
                           "  return wrk.format('GET', '/api/v1/leads/' .. ids[math.random(#ids)])\nend\n",
        "list-leads": auth + "request = function() return wrk.format('GET', '/api/v1/leads?limit=50') end\n",
        "create-lead": auth + "counter = 0\nrequest = function()\n  counter = counter + 1\n"
                              "  local body = string.format('{\"last_name\":\"Bench%d\",\"company\":\"Bench Co\","
                              "\"email\":\"b%d.%d@bench.example\",\"source\":\"Website form\",\"budget_amount\":"
                              "\"5000\"}', counter, counter, math.random(1000000))\n"
                              "  return wrk.format('POST', '/api/v1/leads', nil, body)\nend\n",
    }
    paths = {}
    for name, text in scripts.items():
        paths[name] = folder / f"{name}.lua"
        paths[name].write_text(text)
    return paths


def wrk(port: int, script: Path, path: str, duration: int, timeout: int = 2) -> dict[str, float]:
    """One wrk run: req/s, p50 and p99 ms of the answered requests, non-2xx answers and the
    requests given up after ``timeout`` seconds (not in the latencies: keep it above the slowest)."""
    out = subprocess.run(["wrk", "-t1", "-c8", f"-d{duration}s", f"--timeout={timeout}s", "--latency", "-s",
                          str(script), f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         timeout=duration + timeout + 30).stdout
    def latency(label: str) -> float:
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert found, out
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", out)
    assert rps, out
    return {"rps": float(rps.group(1)), "p50": latency("50"), "p99": latency("99"),
            "errors": float(errors.group(1)) if errors else 0.0,
            "timeouts": float(timeouts.group(1)) if timeouts else 0.0}


def serve(url: str, port: int, bin_dir: Path = BIN) -> subprocess.Popen[bytes]:
    """uvicorn of ``bin_dir`` (another checkout's virtual environment serves that checkout's code)."""
    env = {**os.environ, "LEADLINE_DATABASE_URL": url, "LEADLINE_RATE_LIMIT_PER_MINUTE": "0",
           "PYTHONPATH": f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    process = subprocess.Popen([str(bin_dir / "uvicorn"), "api_server:create", "--factory", "--host", "127.0.0.1",
                                "--port", str(port), "--workers", "2", "--log-level", "warning",
                                "--no-access-log"], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_database(label: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    token, ids = prepare(url, args.leads)
    scripts = lua_scripts(folder, token, ids)
    endpoints = [(name, path) for name, path in (("ceiling", "/api/v1/bench/ceiling"), ("get-lead", "/"),
                                                 ("list-leads", "/"), ("create-lead", "/"))
                 if name == "ceiling" or name in args.endpoints]
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in endpoints}
    port = free_port()
    server = serve(url, port)
    try:
        for _ in range(args.runs):
            for name, path in endpoints:
                results[name].append(wrk(port, scripts[name], path, args.duration))
    finally:
        server.terminate()
        server.wait(timeout=15)
    ceiling = statistics.median(r["rps"] for r in results["ceiling"])
    print(f"\n{label} ({args.leads:,} leads, {args.runs} runs of {args.duration}s, median; wrk -t1 -c8)")
    print("| endpoint | req/s | p50 ms | p99 ms | of ceiling | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _ in endpoints:
        rps = statistics.median(r["rps"] for r in results[name])
        p50 = statistics.median(r["p50"] for r in results[name])
        p99 = statistics.median(r["p99"] for r in results[name])
        errors = sum(r["errors"] for r in results[name])
        print(f"| {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {rps / ceiling:.0%} | {errors:.0f} |")


def scratch_postgres(url: str) -> tuple[str, str]:
    name = f"bench_api_{uuid.uuid4().hex[:8]}"
    admin = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(url).set(database=name).render_as_string(hide_password=False), name


def on_each_database(run: Any, args: argparse.Namespace) -> None:
    """``run(label, url, args, folder)`` on a fresh SQLite file (unless ``--skip-sqlite``) and on a
    scratch database of ``--postgres`` (dropped afterwards), each with a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_sqlite:
            run("SQLite", f"sqlite:///{folder / 'bench.db'}", args, folder)
        if args.postgres:
            url, name = scratch_postgres(args.postgres)
            try:
                run("PostgreSQL", url, args, folder)
            finally:
                drop_postgres(args.postgres, name)


def drop_postgres(url: str, name: str) -> None:
    admin = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--postgres", help="also run on this PostgreSQL server (a scratch database is made)")
    parser.add_argument("--endpoints", type=lambda text: text.split(","), default=["get-lead", "list-leads",
                        "create-lead"], help="comma-separated subset (the ceiling always runs)")
    parser.add_argument("--skip-sqlite", action="store_true", help="only the PostgreSQL run")
    args = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    now = datetime.now(UTC)
    print(f"{now:%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores · {cpu} · Python {platform.python_version()}")
    on_each_database(run_database, args)


if __name__ == "__main__":
    main()
