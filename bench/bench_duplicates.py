"""Issue 17 benchmark: the duplicate-group job (``leadline duplicates scan --kind lead``) over
generated leads.

A scratch database (a temporary SQLite file, or with ``--postgres URL`` a scratch PostgreSQL
database, dropped afterwards) gets the newest schema, the default configuration and ``--rows``
leads from ``leadline.synthetic`` (about 3 % of them the same person again with a changed e-mail
case, phone or company spelling), loaded as ``bench_export.py`` loads them (batches of 50,000,
then ``ANALYZE``; untimed). Timed, ``--runs`` times: the real command as a user runs it, as a
child process (interpreter start, reading every live lead in batches, comparing within blocks,
storing the groups). Reported per run: wall time, the child's CPU time (user + system) and peak
memory (``os.wait4``), the groups found and the load average before and after; then medians.
``--database-url`` times a database this script (or ``bench_export.py``) loaded before;
``--baseline /work/main/src`` times another checkout's code too, run by run. Example::

    .venv/bin/python bench/bench_duplicates.py --rows 1000000 --runs 2
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench_export import create_postgres, drop_postgres, load, load_average, run_cli

SCAN = ["duplicates", "scan", "--kind", "lead"]


def bench(url: str, rows: int, runs: int, baseline: str | None) -> None:
    codes = [("baseline", baseline), ("this", None)] if baseline else [("this", None)]
    results: dict[str, list[dict[str, float]]] = {label: [] for label, _ in codes}
    for run in range(runs):
        for label, source in codes:
            before = load_average()
            result = run_cli(url, SCAN, source)
            after = load_average()
            results[label].append(result)
            print(f"  {label} run {run + 1}: wall {result['wall']:.1f} s, cpu {result['cpu']:.1f} s, "
                  f"peak {result['rss_mb']:.0f} MB, {result['output'].strip()}, load {before} -> {after}",
                  flush=True)
    for label, timed in results.items():
        wall = statistics.median(r["wall"] for r in timed)
        cpu = statistics.median(r["cpu"] for r in timed)
        print(f"RESULT {url.split(':')[0]} {label} {rows:,} leads: median wall {wall:.1f} s "
              f"({rows / wall:,.0f} leads/s), median cpu {cpu:.1f} s ({rows / cpu:,.0f} leads/s), "
              f"peak memory {max(r['rss_mb'] for r in timed):.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--postgres", help="a PostgreSQL URL to use instead of a temporary SQLite file")
    parser.add_argument("--database-url", help="time this database, already loaded with --rows leads")
    parser.add_argument("--baseline", help="another checkout's src folder: each run times its job first")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, load {load_average()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
          flush=True)
    if args.database_url:
        bench(args.database_url, args.rows, args.runs, args.baseline)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = create_postgres(args.postgres, "duplicates") if args.postgres else f"sqlite:///{Path(folder) / 'b.db'}"
        try:
            print(f"{args.rows:,} leads loaded in {load(url, args.rows):.1f} s (untimed)", flush=True)
            bench(url, args.rows, args.runs, args.baseline)
        finally:
            if args.postgres:
                drop_postgres(args.postgres, url)


if __name__ == "__main__":
    main()
