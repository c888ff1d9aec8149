"""Branch ``sfbulk`` benchmark: the cost of looking a Bulk upsert block's external ids up under
record-level security (``records_with_value`` joined to the record's table, owners filtered,
tombstones left out) beside the look-up it replaces (the custom values alone, every record).

Per database: ``--leads`` leads (imported from a generated CSV, owners spread over six users),
each given the text custom field ``erp_key`` = ``E-<n>``; then ``--repeat`` rounds, each timing
both statements, alternating which goes first, for a block of 1,000 values (half held by a lead,
half new): "before" is the old statement, "after (admin)" the new one for an admin (no owner
filter), "after (owners)" the new one for a user who reads one owner's leads (the owner filter).
Median wall and CPU milliseconds per block. Example::

    .venv/bin/python bench/bench_salesforce_upsert_lookup.py --leads 20000 --repeat 21 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_import import drop_database, fresh_database, organisation
from bench_salesforce_bulk import write_file


def scratch_database(kind: str, postgres: str | None, workdir: Path) -> str:
    """A fresh database named after this branch (``sfbulk_bench``), as the shared host asks."""
    if kind == "sqlite":
        return fresh_database(kind, postgres, workdir)
    import psycopg
    from sqlalchemy.engine import make_url

    assert postgres
    admin = make_url(postgres).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute('DROP DATABASE IF EXISTS "sfbulk_bench" WITH (FORCE)')
        connection.execute('CREATE DATABASE "sfbulk_bench"')
    return make_url(postgres).set(database="sfbulk_bench").render_as_string(hide_password=False)


def _old_lookup(session: Any, field_id: int, values: list[str]) -> dict[str, list[int]]:
    """The statement before this branch: the custom values alone, whoever owns the record."""
    from sqlalchemy import func, select

    from leadline.persistence.salesforce.bulk import VALUES

    wanted = [value.lower() for value in values]
    found: dict[str, list[int]] = {}
    query = select(VALUES.c.record_id, func.lower(VALUES.c.text_value)).where(
        VALUES.c.field_id == field_id, func.lower(VALUES.c.text_value).in_(wanted))
    for record_id, value in session.execute(query):
        found.setdefault(value, []).append(record_id)
    return found


def _timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000, result


def run(url: str, csv_path: Path, leads: int, repeat: int, analyze: bool) -> dict[str, Any]:
    from sqlalchemy import insert, select, text

    from leadline.domain.configuration.custom_fields import RecordType
    from leadline.domain.imports.job import DuplicatePolicy, ImportOptions
    from leadline.persistence.leads.rows import LeadRow
    from leadline.persistence.salesforce.bulk import VALUES
    from leadline.services.configuration.sales import add_custom_field
    from leadline.services.imports.files import inspect_file
    from leadline.services.imports.leads import import_leads

    application, admin_id = organisation(url)
    ctx = application.context
    field = add_custom_field(ctx, admin_id, "lead", "erp_key", "ERP key", "text")
    import_leads(ctx, admin_id, inspect_file(csv_path), options=ImportOptions(on_duplicate=DuplicatePolicy.CREATE))
    with application.engine.begin() as connection:
        rows = connection.execute(select(LeadRow.id, LeadRow.owner_id).order_by(LeadRow.id)).all()
        connection.execute(insert(VALUES), [{"field_id": field.id, "record_id": record_id, "text_value": f"E-{n}"}
                                            for n, (record_id, _) in enumerate(rows)])
    if analyze:  # the planner's statistics, as autovacuum (PostgreSQL) would gather them in time
        with application.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    rep_owner = rows[1][1]
    values = [f"e-{n}" for n in range(0, len(rows), max(1, len(rows) // 500))][:500]
    values += [f"N-{n}" for n in range(1000 - len(values))]
    timings: dict[str, list[tuple[float, float]]] = {"before": [], "after (admin)": [], "after (owners)": []}
    counts: dict[str, int] = {}
    with ctx.reader() as uow:
        session = uow.salesforce_bulk.session  # type: ignore[attr-defined]
        paths: dict[str, Callable[[], Any]] = {
            "before": lambda: _old_lookup(session, field.id, values),
            "after (admin)": lambda: uow.salesforce_bulk.records_with_value(
                field.id, values, number=False, record_type=RecordType.LEAD, readable_owner_ids=None),
            "after (owners)": lambda: uow.salesforce_bulk.records_with_value(
                field.id, values, number=False, record_type=RecordType.LEAD, readable_owner_ids={rep_owner}),
        }
        for name, path in paths.items():  # warm the caches once
            counts[name] = sum(len(ids) for ids in path().values())
        order = list(paths)
        for round_ in range(repeat):
            for name in order if round_ % 2 == 0 else reversed(order):
                wall, cpu, _ = _timed(paths[name])
                timings[name].append((wall, cpu))
    application.engine.dispose()
    return {"leads": len(rows), "matched": counts,
            **{name: {"wall_ms": round(statistics.median(w for w, _ in found), 2),
                      "cpu_ms": round(statistics.median(c for _, c in found), 2)}
               for name, found in timings.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--postgres", help="a PostgreSQL URL; a scratch database is made beside it")
    parser.add_argument("--analyze", action="store_true", help="ANALYZE after loading (else fresh statistics)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        workdir = Path(work)
        csv_path = workdir / "leads.csv"
        write_file(csv_path, arguments.leads)
        for kind in ("sqlite", "postgresql") if arguments.postgres else ("sqlite",):
            url = scratch_database(kind, arguments.postgres, workdir)
            try:
                print(json.dumps({"database": kind, "analyzed": arguments.analyze,
                                  **run(url, csv_path, arguments.leads, arguments.repeat, arguments.analyze)}))
            finally:
                drop_database(url)


if __name__ == "__main__":
    main()
