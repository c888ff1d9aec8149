"""Issue 18 benchmark: web-to-lead submissions per second through the public endpoint
(``POST /f/{key}``, JSON, every spam layer on and the default assignment), with p50/p99, beside
the same stack's constant-JSON endpoint (the ceiling), in one run.

    .venv/bin/python bench/bench_capture.py [--duration 10] [--connections 8] [--postgres URL] [--skip-sqlite]

The load comes from this script (wrk is installed now, but a token per request is simpler here):
``--connections`` threads, each with one keep-alive connection, as fast as answers come. The
driver shares the machine's cores with the server: the figures are a floor of what the server
alone would do. Every submission has its own timing token (issued ten seconds earlier, so none
is "too fast") and its own name and e-mail (so none is a repeat); the rate limits are on but set
above what the run sends. Every answer must be 200 and every submission must be a lead at the
end (none held), or the run fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text  # noqa: E402

from bench_api import free_port, on_each_database, serve  # noqa: E402
from leadline.bootstrap import build_application  # noqa: E402
from leadline.config import DEV_SECRET, Settings  # noqa: E402
from leadline.domain.capture.spam import issue_token  # noqa: E402
from leadline.services.capture import forms  # noqa: E402
from leadline.services.configuration.setup import initialise_organisation  # noqa: E402


def prepare(url: str) -> tuple[str, int]:
    app = build_application(Settings(database_url=url))
    app.upgrade_database()
    admin = initialise_organisation(app.context, admin_name="Bench Admin", admin_email="bench@example.com").admin
    assert admin is not None
    form = forms.add_form(app.context, admin.id, {
        "name": "Bench", "source": "Website form", "fields": ["first_name", "last_name", "company", "email"],
        "spam": {"per_address_limit": 10_000_000, "per_form_limit": 10_000_000, "window_seconds": 60}})
    app.engine.dispose()  # type: ignore[attr-defined]
    return form.key, form.id


def drive(port: int, path: str, bodies: list[bytes] | None, duration: float,
          connections: int) -> dict[str, float]:
    """``connections`` threads sending for ``duration`` seconds; req/s, p50/p99 ms, non-200s."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures = [0] * connections
    stop = time.monotonic() + duration
    cursor = iter(range(10**9))
    lock = threading.Lock()

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            if bodies is None:
                method, body, headers = "GET", None, {}
            else:
                with lock:
                    n = next(cursor)
                if n >= len(bodies):
                    return
                method, body, headers = "POST", bodies[n], {"Content-Type": "application/json"}
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            answer.read()
            latencies[index].append((time.perf_counter() - started) * 1000)
            if answer.status != 200:
                failures[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    every = sorted(x for part in latencies for x in part)
    return {"count": len(every), "rps": len(every) / elapsed, "p50": statistics.median(every),
            "p99": every[int(len(every) * 0.99) - 1], "errors": sum(failures)}


def run_database(label: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    key, form_id = prepare(url)
    issued = datetime.now(UTC) - timedelta(seconds=10)
    bodies = [json.dumps({"first_name": "Bench", "last_name": f"Lead{i}", "company": "Bench Co",
                          "email": f"lead{i}@bench.example", "_lt": issue_token(DEV_SECRET, form_id, issued),
                          "utm_source": "bench"}).encode() for i in range(args.max_submissions)]
    port = free_port()
    server = serve(url, port)
    try:
        drive(port, "/api/v1/bench/ceiling", None, 2, args.connections)  # warm up
        ceiling = drive(port, "/api/v1/bench/ceiling", None, args.duration, args.connections)
        submit = drive(port, f"/f/{key}", bodies, args.duration, args.connections)
    finally:
        server.terminate()
        server.wait(timeout=15)
    held, made = _outcome(url)
    print(f"\n{label} ({args.duration}s each, {args.connections} connections, driver in this process)")
    print("| endpoint | req/s | p50 ms | p99 ms | of ceiling | non-200 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, result in (("constant JSON (ceiling)", ceiling), ("POST /f/{key} (form submission)", submit)):
        print(f"| {name} | {result['rps']:,.0f} | {result['p50']:.2f} | {result['p99']:.2f} | "
              f"{result['rps'] / ceiling['rps']:.0%} | {result['errors']:.0f} |")
    print(f"submissions answered: {submit['count']:.0f}; leads made: {made}; held in quarantine: {held}")
    if submit["errors"] or held or made != submit["count"]:
        raise SystemExit("the run is not clean: every submission must be a lead")


def _outcome(url: str) -> tuple[int, int]:
    app = build_application(Settings(database_url=url))
    with app.context.reader() as uow:
        held = len(uow.captures.quarantine(None, limit=10_000_000))
    with app.engine.connect() as connection:  # type: ignore[attr-defined]
        made = int(connection.execute(text("SELECT count(*) FROM lead_captures")).scalar_one())
    app.engine.dispose()  # type: ignore[attr-defined]
    return held, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--max-submissions", type=int, default=50_000)
    parser.add_argument("--postgres", help="also run on this PostgreSQL server (a scratch database is made)")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores · {cpu} · "
          f"Python {platform.python_version()} · load average {os.getloadavg()[0]:.1f}")
    on_each_database(run_database, args)


if __name__ == "__main__":
    main()
