"""Bulk conversion, get-lead and create-lead, in-process: this checkout against another, in one run.

Each measurement runs in a fresh child process (``python bench/bench_core_paths.py --worker ...``)
whose ``PYTHONPATH`` is the ``src`` of the code measured: this checkout's, or ``--baseline-src``'s
(for example a worktree of main before a change). The children of the two codes alternate, run
by run, the first side swapping each run, so a machine that slows down for a while slows both.
Each child prints the ``leadline`` package it imported, so a run shows which code it measured.

Per child (nothing of the set-up is timed): a fresh database (SQLite: a temp file; PostgreSQL: a
scratch database, dropped afterwards) with the newest schema, the default configuration, an admin
and nine reps, the catalogue with a standard price book (``bench_convert_leads.seed``), and
``--leads`` + 2,000 generated leads, completed to meet the default opportunity criteria. Then:

* **get-lead**: ``get_lead(ctx, admin, id)`` ``--gets`` times over the 2,000 extra leads in a
  fixed random order; wall and CPU µs per call;
* **create-lead**: ``create_lead(ctx, admin, values)`` ``--creates`` times, the values of
  bench_api.py's create-lead (name, company, e-mail, source, budget); µs per call;
* **bulk conversion**: ``convert_leads`` of the ``--leads`` leads (``MAX_BULK`` per call) with
  ``opportunity="create"``, in a process prepared as the ``leadline`` command's (start-up objects
  frozen out of the collector); seconds and conversions per second. Every lead must convert.

The report gives, per database and path, each side's median over the runs and the ratio
current / baseline of the medians (time: above 1 is slower), and the ratio run by run.
Example (the lead's before/after of a redesign)::

    .venv/bin/python bench/bench_core_paths.py --runs 5 --baseline-src /work/wt/before/src \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

Without ``--baseline-src`` only this checkout is measured. The worker finds the use cases by name
in the modules listed in ``USE_CASES`` (the first that has it), so that code whose modules moved
can still be measured: add the new module there.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
THIS_SRC = HERE.parent / "src"
EXTRA_LEADS = 2_000  # leads kept unconverted for get-lead
PATHS = ("convert", "get", "create")

#: where each use case may live, first match wins (add a module when one moves)
USE_CASES = {
    # the layout by area first, then the flat layout before it (a baseline checkout may have either)
    "convert_leads": ("leadline.services.conversion.bulk", "leadline.services.conversion.convert",
                      "leadline.services.conversion_bulk", "leadline.services.conversion"),
    "conversion_options": ("leadline.services.conversion.convert", "leadline.domain.conversion.rules",
                           "leadline.services.conversion", "leadline.domain.conversion"),
    "get_lead": ("leadline.services.leads.records", "leadline.services.leads"),
    "create_lead": ("leadline.services.leads.records", "leadline.services.leads"),
    "MAX_BULK": ("leadline.services.conversion.bulk", "leadline.services.conversion.convert",
                 "leadline.services.conversion_bulk", "leadline.services.conversion"),
}


def use_case(name: str) -> Any:
    for module in USE_CASES[name]:
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    raise SystemExit(f"{name} is in none of {USE_CASES[name]}: add its module to USE_CASES")


# ----------------------------------------------------------------------------------------------- the child


def _timed(call: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU seconds of ``call()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """One child: set up one database with the imported code, measure the chosen paths."""
    import leadline
    from bench_convert_leads import CURRENCY, PostgresTarget, SqliteTarget, meet_opportunity_criteria, seed
    from leadline.bootstrap import build_application
    from leadline.config import Settings
    from leadline.persistence.unit_of_work import SqlUnitOfWork
    from leadline.synthetic import generate_leads

    result: dict[str, Any] = {"leadline": str(Path(leadline.__file__).parent)}
    with tempfile.TemporaryDirectory(prefix="leadline-core-") as folder:
        target = PostgresTarget(args.postgres) if args.database == "postgresql" else SqliteTarget(Path(folder))
        url = target.create(f"{args.run}_core")
        try:
            engine, admin_id, statuses, sources, owners = seed(url)
            leads = generate_leads(args.leads + EXTRA_LEADS, seed=args.run, status_ids=statuses, source_ids=sources,
                                   owner_ids=owners, now=datetime.now(UTC).replace(microsecond=0), currency=CURRENCY)
            meet_opportunity_criteria(leads, seed=args.run)
            with SqlUnitOfWork(engine) as uow:
                uow.leads.add_many(leads)
                uow.commit()
            engine.dispose()
            to_convert, to_read = [lead.id for lead in leads[:args.leads]], [lead.id for lead in leads[args.leads:]]
            del leads
            app = build_application(Settings(database_url=url, currency=CURRENCY))
            try:
                gc.collect()
                gc.freeze()  # as `leadline` does once its application is built (cli/common.py)
                if "get" in args.paths:
                    result["get"] = _get_leads(app.context, admin_id, to_read, args.gets)
                if "create" in args.paths:
                    result["create"] = _create_leads(app.context, admin_id, args.creates)
                if "convert" in args.paths:
                    result["convert"] = _convert(app.context, admin_id, to_convert)
            finally:
                gc.unfreeze()
                app.engine.dispose()  # type: ignore[attr-defined]
        finally:
            target.drop(url)
    return result


def _per_call(calls: int, seconds: tuple[float, float]) -> dict[str, float]:
    return {"us": seconds[0] / calls * 1e6, "cpu_us": seconds[1] / calls * 1e6}


def _get_leads(ctx: Any, admin_id: int, ids: list[int], calls: int) -> dict[str, float]:
    get_lead = use_case("get_lead")
    order = [random.Random(7).choice(ids) for _ in range(calls)]
    for lead_id in order[:200]:  # warm: compiled statements, configuration cache
        get_lead(ctx, admin_id, lead_id)

    def run() -> None:
        for lead_id in order:
            get_lead(ctx, admin_id, lead_id)
    return _per_call(calls, _timed(run))


def _create_leads(ctx: Any, admin_id: int, calls: int) -> dict[str, float]:
    create_lead = use_case("create_lead")
    rng = random.Random(11)

    def values(n: int) -> dict[str, object]:
        return {"last_name": f"Bench{n}", "company": "Bench Co", "email": f"b{n}.{rng.randrange(10**6)}@bench.example",
                "source": "Website form", "budget_amount": "5000"}
    for n in range(50):  # warm
        create_lead(ctx, admin_id, values(-n))

    def run() -> None:
        for n in range(calls):
            create_lead(ctx, admin_id, values(n))
    return _per_call(calls, _timed(run))


def _convert(ctx: Any, admin_id: int, ids: list[int]) -> dict[str, float]:
    convert_leads, max_bulk = use_case("convert_leads"), use_case("MAX_BULK")
    options = use_case("conversion_options")(opportunity="create",
                                             qualification_override_reason="a benchmark: every lead")
    outcomes: list[Any] = []

    def run() -> None:
        for start in range(0, len(ids), max_bulk):
            outcomes.append(convert_leads(ctx, admin_id, ids[start:start + max_bulk], options))
    wall, cpu = _timed(run)
    converted = sum(1 for outcome in outcomes for item in outcome.items if item.ok)
    if converted != len(ids) or not all(outcome.committed for outcome in outcomes):
        raise SystemExit(f"converted {converted} of {len(ids)} leads")
    return {"s": wall, "cpu_s": cpu, "per_s": len(ids) / wall}


# ----------------------------------------------------------------------------------------------- the parent


def child(src: Path, database: str, run: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run one measurement in a new process importing ``leadline`` from ``src``."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--database", database, "--run", str(run),
               "--leads", str(args.leads), "--gets", str(args.gets), "--creates", str(args.creates),
               "--paths", ",".join(args.paths)]
    if args.postgres:
        command += ["--postgres", args.postgres]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(HERE)]), "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"the child for {src} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


FIGURES = {"convert": ("s", "cpu_s", "per_s"), "get": ("us", "cpu_us"), "create": ("us", "cpu_us")}
MAIN_FIGURE = {"convert": "s", "get": "us", "create": "us"}


def compare(database: str, sides: dict[str, Path], args: argparse.Namespace) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label in sides}
    labels = list(sides)
    for run in range(args.runs):
        for label in labels if run % 2 == 0 else labels[::-1]:
            load = os.getloadavg()[0]
            result = child(sides[label], database, run, args)
            result["load"] = load
            runs[label].append(result)
            shown = "; ".join(f"{path} " + ", ".join(f"{name} {result[path][name]:,.2f}" for name in FIGURES[path])
                              for path in args.paths)
            print(f"  {database} run {run + 1} {label} ({result['leadline']}, load {load:.1f}): {shown}", flush=True)
    return runs


def report(database: str, runs: dict[str, list[dict[str, Any]]], paths: list[str]) -> None:
    labels = list(runs)
    print(f"\n{database}: medians of {len(runs[labels[0]])} runs")
    compared = " | current / baseline | per run |" if len(labels) > 1 else " |"
    print("| path | figure | " + " | ".join(labels) + compared)
    print("|---|---|" + "---:|" * len(labels) + ("---:|---|" if len(labels) > 1 else ""))
    for path in paths:
        for name in FIGURES[path]:
            medians = [statistics.median(r[path][name] for r in runs[label]) for label in labels]
            line = f"| {path} | {name} | " + " | ".join(f"{m:,.2f}" for m in medians)
            if len(labels) > 1:
                pairs = [c[path][name] / b[path][name] for c, b in zip(runs[labels[0]], runs[labels[1]], strict=True)]
                line += f" | {medians[0] / medians[1]:.3f} | " + ", ".join(f"{p:.2f}" for p in pairs)
            print(line + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000, help="leads converted per run (default 10000)")
    parser.add_argument("--gets", type=int, default=5_000, help="get-lead calls per run (default 5000)")
    parser.add_argument("--creates", type=int, default=1_000, help="create-lead calls per run (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per code and database; medians are reported")
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated subset of convert,get,create")
    parser.add_argument("--postgres", help="SQLAlchemy URL of a PostgreSQL server to create scratch databases on")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite (with --postgres)")
    parser.add_argument("--baseline-src", type=Path, help="the src folder of the code to compare with")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.paths = [path for path in args.paths.split(",") if path]
    if set(args.paths) - set(PATHS):
        parser.error(f"--paths takes {', '.join(PATHS)}")
    if args.worker:
        print(json.dumps(measure(args)))
        return
    sides = {"current": THIS_SRC}
    if args.baseline_src:
        sides["baseline"] = args.baseline_src.resolve()
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}, nproc {len(os.sched_getaffinity(0))}, "
          f"load {os.getloadavg()}")
    print("command: " + " ".join(sys.argv))
    databases = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.postgres else [])
    for database in databases:
        report(database, compare(database, sides, args), args.paths)


if __name__ == "__main__":
    main()
