"""Compare SQL statements on one PostgreSQL connection, alternated run by run: each file's
statement (its last; earlier ones, split on ";\n", are settings such as ``SET jit = off``) is run,
timed in wall and in the backend's CPU (``/proc``, same host; parallel workers not counted), then
run again under ``EXPLAIN (ANALYZE, TIMING OFF)`` for the server's execution time. Medians.

The files hold the statement with literals and the marker ``EXPLAIN_PREFIX`` before it (where
the EXPLAIN goes). Used for bench/RESULTS.md, issue 19 (the funnel and pipeline statements).

Example::

    .venv/bin/python bench/compare_statements.py --database reports_1m --runs 5 old.sql new.sql
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--database", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    statements = {name: open(name).read().strip().rstrip(";").split(";\n") for name in args.files}
    samples = {name: {"wall_s": [], "cpu_s": [], "exec_s": []} for name in args.files}
    with psycopg.connect(f"postgresql://postgres@{args.host}/{args.database}", autocommit=True) as connection:
        pid = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        for *_, statement in statements.values():  # warm the cache
            connection.execute(statement.replace("EXPLAIN_PREFIX", "")).fetchall()
        for _ in range(args.runs):
            for name, (*settings, statement) in statements.items():
                connection.execute("RESET ALL")
                for setting in settings:
                    connection.execute(setting)
                cpu, started = backend_cpu(pid), time.perf_counter()
                connection.execute(statement.replace("EXPLAIN_PREFIX", "")).fetchall()
                samples[name]["wall_s"].append(time.perf_counter() - started)
                samples[name]["cpu_s"].append(backend_cpu(pid) - cpu)
                explain = statement.replace("EXPLAIN_PREFIX", "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON)")
                plan = connection.execute(explain).fetchone()[0]
                samples[name]["exec_s"].append(plan[0]["Execution Time"] / 1000)
    print("load average", os.getloadavg())
    for name, measures in samples.items():
        print(name, {key: round(statistics.median(values), 3) for key, values in measures.items()})


if __name__ == "__main__":
    main()
