"""Issue 20 benchmark: a Bulk API 2.0 insert of ``--rows`` leads beside the native import of the
same rows, in the same run, on SQLite and PostgreSQL.

One CSV with Salesforce's headers (FirstName, LastName, Company, Email, Phone, Title, City,
Country; about 1 % of rows without a LastName, which fail) is written once. Then, per database
and per repetition, each phase in a process of its own on a fresh database:

(a) native: ``import_leads`` of the file (policy ``create``, the same as a Bulk insert: every row
    is a new lead unless a blocking duplicate rule refuses it), blocks of 1,000 rows;
(b) bulk: the Salesforce-compatible API in process (Litestar's test client, no network):
    ``POST jobs/ingest``, ``PUT .../batches`` with the file, ``PATCH`` UploadComplete, then
    ``GET`` the job every 0.2 s until ``JobComplete``; the rows run in the job's thread on the
    same importer, plus the Salesforce mapping of each cell and the successful rows' outcomes.

Rates are rows per second of wall time; each phase also reports its process's CPU seconds (the
machine is shared: wall time says more about the others' load). Example::

    .venv/bin/python bench/bench_salesforce_bulk.py --rows 100000 --repeat 3 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_import import drop_database, fresh_database, organisation

HEADERS = ["FirstName", "LastName", "Company", "Email", "Phone", "Title", "City", "Country"]


def write_file(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(HEADERS)
        for n in range(rows):
            writer.writerow([f"First{n}", "" if n % 97 == 0 else f"Last{n}", f"Company {n % 5000}",
                             f"person{n}@company{n % 5000}.example", f"+1 415 {200 + n // 10000 % 800:03d} "
                             f"{n % 10000:04d}", "Buyer", "Springfield", "US"])


def phase_native(url: str, path: Path) -> dict[str, Any]:
    from leadline.domain.imports.job import DuplicatePolicy, ImportOptions
    from leadline.services.imports.files import inspect_file
    from leadline.services.imports.leads import import_leads

    application, admin_id = organisation(url)
    started, cpu = time.perf_counter(), time.process_time()
    job = import_leads(application.context, admin_id, inspect_file(path),
                       options=ImportOptions(on_duplicate=DuplicatePolicy.CREATE))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": job.counts.read, "failed": job.counts.failed}


def phase_bulk(url: str, path: Path) -> dict[str, Any]:
    import logging

    from litestar.testing import TestClient

    from leadline.asgi import create_app
    from leadline.services.security.auth import create_token

    logging.getLogger("httpx").setLevel(logging.WARNING)
    application, admin_id = organisation(url)
    token, _ = create_token(application.context, admin_id, name="bench")
    headers = {"Authorization": f"Bearer {token}"}
    base = "/services/data/v59.0/jobs/ingest"
    with TestClient(create_app(application)) as client:
        started, cpu = time.perf_counter(), time.process_time()
        job = client.post(f"{base}/", json={"object": "Lead", "operation": "insert"}, headers=headers).json()
        with path.open("rb") as data:
            answer = client.put(f"{base}/{job['id']}/batches", content=data.read(),
                                headers={**headers, "Content-Type": "text/csv"})
        assert answer.status_code == 201, answer.text
        client.patch(f"{base}/{job['id']}", json={"state": "UploadComplete"}, headers=headers)
        while (info := client.get(f"{base}/{job['id']}", headers=headers).json())["state"] not in (
                "JobComplete", "Failed", "Aborted"):
            time.sleep(0.2)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert info["state"] == "JobComplete", info
    return {"seconds": seconds, "cpu": cpu, "rows": info["numberRecordsProcessed"],
            "failed": info["numberRecordsFailed"]}


def run_child(*arguments: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="also run on PostgreSQL (a database is created per phase)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase = phase_native if args.phase == "native" else phase_bulk
        print(json.dumps(phase(args.url, Path(args.file))))
        return
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        path = workdir / "leads.csv"
        write_file(path, args.rows)
        for kind in ("sqlite", *(("postgresql",) if args.postgres else ())):
            results: dict[str, list[dict[str, Any]]] = {"native": [], "bulk": []}
            for _ in range(args.repeat):
                for phase in ("native", "bulk"):
                    url = fresh_database(kind, args.postgres, workdir)
                    try:
                        results[phase].append(run_child("--phase", phase, "--url", url, "--file", str(path)))
                    finally:
                        drop_database(url)
            for phase, runs in results.items():
                seconds = statistics.median(r["seconds"] for r in runs)
                cpu = statistics.median(r["cpu"] for r in runs)
                each = ", ".join(f"{r['seconds']:.1f}" for r in runs)
                print(f"{kind:<10} {phase:<6} rows {runs[0]['rows']:>7} failed {runs[0]['failed']:>5}  "
                      f"median {args.rows / seconds:8.0f} rows/s ({seconds:6.1f} s wall, {cpu:6.1f} s CPU)  "
                      f"runs: {each} s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
