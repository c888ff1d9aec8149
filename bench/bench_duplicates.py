"""Issue 17 benchmark: the duplicate-group job (``find_duplicate_groups``) over generated leads.

A fresh SQLite database (or PostgreSQL with ``--postgres URL``) gets the newest schema, the
default configuration and ``--rows`` leads from ``leadline.synthetic`` (which makes about 3 %
duplicates: the same person again with a changed e-mail case, phone or company spelling). Only
the job is timed, as a user runs it (``leadline duplicates scan --kind lead``): read every live
lead in batches, compare within blocks, store the groups. Reported: seconds, leads per second,
groups found, and the process's peak memory. Example::

    .venv/bin/python bench/bench_duplicates.py --rows 100000
"""

from __future__ import annotations

import argparse
import platform
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.persistence.schema import upgrade_to_head
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.duplicates.groups import find_duplicate_groups
from leadline.synthetic import generate_leads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL to use instead of a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.postgres or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = build_application(Settings(database_url=url))
        upgrade_to_head(app.engine)  # type: ignore[arg-type]
        admin = initialise_organisation(app.context, admin_name="Bench Admin",
                                        admin_email="admin@leadline-bench.com").admin
        assert admin is not None
        with SqlUnitOfWork(app.engine) as uow:  # type: ignore[arg-type]
            statuses = [s.id for s in uow.statuses.list()]
            sources = [s.id for s in uow.sources.list()]
        leads = generate_leads(args.rows, seed=1, status_ids=statuses, source_ids=sources, owner_ids=[admin.id],
                               now=datetime.now(UTC).replace(microsecond=0))
        started = time.perf_counter()
        with SqlUnitOfWork(app.engine) as uow:  # type: ignore[arg-type]
            for start in range(0, len(leads), 5_000):
                uow.leads.add_many(leads[start:start + 5_000])
            uow.commit()
        loaded = time.perf_counter() - started
        del leads
        started = time.perf_counter()
        found = find_duplicate_groups(app.context, admin.id, ["lead"])
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{platform.python_version()} {url.split(':')[0]}: {args.rows} leads loaded in {loaded:.1f} s; "
              f"duplicate-group job {seconds:.1f} s ({args.rows / seconds:,.0f} leads/s), "
              f"{sum(found.values())} groups; peak memory {peak:.0f} MB")
        app.engine.dispose()  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
