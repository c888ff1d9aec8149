"""Issue 20 benchmark: creating and reading a lead through the Salesforce-compatible API beside
the native API's equivalent, in the same run, on one in-process application (Litestar's test
client, no network: the figures compare the two transports' own cost over the same use cases).

    .venv/bin/python bench/bench_salesforce_api.py [--records 500] [--postgres URL]

Prints requests per second (wall) and CPU seconds for each, with the load average: on a shared
machine the wall figures are upper bounds of the cost.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from leadline.asgi import create_app
from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.security.auth import create_token


def timed(label: str, count: int, step: Callable[[int], Any]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(count):
        step(n)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<34} {count / wall:8.0f} req/s  {cpu:6.2f} s CPU  ({wall:.2f} s wall)")


def run(url: str, records: int) -> None:
    application = build_application(Settings(database_url=url, rate_limit_per_minute=0))
    application.upgrade_database()
    admin = initialise_organisation(application.context, admin_name="Bench Admin",
                                    admin_email="bench@example.com").admin
    assert admin is not None
    token, _ = create_token(application.context, admin.id, name="bench")
    headers = {"Authorization": f"Bearer {token}"}
    native_ids: list[str] = []
    salesforce_ids: list[str] = []
    with TestClient(create_app(application)) as client:
        def native_create(n: int) -> None:
            answer = client.post("/api/v1/leads", json={"last_name": f"Lee {n}", "company": "Acme"}, headers=headers)
            native_ids.append(answer.json()["id"])

        def salesforce_create(n: int) -> None:
            answer = client.post("/services/data/v59.0/sobjects/Lead/", json={"LastName": f"Lee {n}",
                                                                                "Company": "Acme"}, headers=headers)
            salesforce_ids.append(answer.json()["id"])

        timed("native create lead", records, native_create)
        timed("salesforce create lead", records, salesforce_create)
        timed("native read lead", records, lambda n: client.get(f"/api/v1/leads/{native_ids[n]}", headers=headers))
        timed("salesforce read lead", records,
              lambda n: client.get(f"/services/data/v59.0/sobjects/Lead/{salesforce_ids[n]}", headers=headers))
    application.engine.dispose()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--postgres", help="also run on this PostgreSQL database (its tables are created)")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        run(f"sqlite:///{Path(folder) / 'bench.db'}", args.records)
    if args.postgres:
        print("PostgreSQL")
        run(args.postgres, args.records)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
