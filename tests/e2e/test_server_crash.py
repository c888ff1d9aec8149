"""A real server killed with SIGKILL in the middle of a burst of keyed writes, restarted, and every
request left unanswered retried at once: each retry answers 2xx and each key made exactly one
record (issue 14). Keys once went "in flight" when the server died between committing a record
and storing its response: retries got 409 for two minutes, then created second copies."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from tests.e2e.conftest import Cli
from tests.e2e.test_server import serve, stop

CONVERT = {"override_reason": "crash test", "qualification_override_reason": "crash test"}


@dataclass
class Keyed:
    """One keyed POST, and the names of the records it makes: one lead, account or activity per
    create, one contact per converted lead (named after the lead)."""

    key: str
    path: str
    body: dict[str, Any]
    makes: dict[str, list[str]] = field(default_factory=dict)
    status: int | None = None  # None: no answer reached the client


def lead(name: str) -> dict[str, str]:
    return {"last_name": name, "company": f"{name} Co"}


def burst_of(client: httpx.Client) -> list[Keyed]:
    """Creates of leads, accounts and activities, single and bulk conversions of leads made
    beforehand, mixed."""
    anchor = client.post("/leads", json=lead("anchor")).json()["id"]  # what the activities are logged on
    targets = {}
    for n in range(20):
        name = f"convert-{n}"
        created = client.post("/leads", json=lead(name))
        assert created.status_code == 201, created.text
        targets[name] = created.json()["id"]
    names = list(targets)
    calls = [Keyed(f"lead-{n}", "/leads", lead(f"lead-{n}"), {"leads": [f"lead-{n}"]}) for n in range(30)]
    calls += [Keyed(f"account-{n}", "/accounts", {"name": f"account-{n}"}, {"accounts": [f"account-{n}"]})
              for n in range(10)]
    calls += [Keyed(f"activity-{n}", "/activities", {"kind": "note", "subject": f"activity-{n}", "links": [
        {"record_type": "lead", "record_id": anchor}]}, {"activities": [f"activity-{n}"]}) for n in range(10)]
    calls += [Keyed(f"k-{name}", f"/leads/{targets[name]}/convert", CONVERT, {"contacts": [name]})
              for name in names[:12]]
    calls += [Keyed(f"k-bulk-{n}", "/leads/convert", {"lead_ids": [targets[a], targets[b]], **CONVERT},
                    {"contacts": [a, b]}) for n, (a, b) in enumerate(zip(names[12::2], names[13::2], strict=True))]
    random.Random(14).shuffle(calls)
    return calls


def send(client: httpx.Client, call: Keyed) -> None:
    try:
        call.status = client.post(call.path, json=call.body, headers={"Idempotency-Key": call.key}).status_code
    except httpx.TransportError:
        call.status = None


def run_burst(base: str, token: str, calls: list[Keyed], server: subprocess.Popen[bytes]) -> None:
    """Six clients send ``calls``; once a third are answered, the server and its workers get SIGKILL."""
    answered = threading.Semaphore(0)
    pending = iter(calls)
    lock = threading.Lock()

    def client_loop() -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            while True:
                with lock:
                    call = next(pending, None)
                if call is None:
                    return
                send(client, call)
                answered.release()

    clients = [threading.Thread(target=client_loop) for _ in range(6)]
    for thread in clients:
        thread.start()
    for _ in range(len(calls) // 3):
        answered.acquire()
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=15)
    for thread in clients:
        thread.join(60)


def records_named(database_url: str) -> Counter[tuple[str, str]]:
    """How many leads, accounts, contacts and activities bear each name (or subject)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            found: Counter[tuple[str, str]] = Counter()
            for table, column in (("leads", "last_name"), ("accounts", "name"), ("contacts", "last_name"),
                                  ("activities", "subject")):
                counted = text(f"SELECT {column}, COUNT(*) FROM {table} GROUP BY {column}")
                found.update({(table, name): count for name, count in connection.execute(counted)})
            return found
    finally:
        engine.dispose()


def test_after_a_kill_mid_burst_every_retry_succeeds_and_every_key_made_one_record(
        cli: Cli, database_url: str, tmp_path: Path) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada")
    token = cli("token", "create", "--name", "crash").out.strip().splitlines()[-1]
    server, base = serve(cli, tmp_path, threads=2)
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            calls = burst_of(client)
        run_burst(base, token, calls, server)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    unanswered = [c for c in calls if c.status is None]
    assert [c.key for c in calls if c.status is not None and not 200 <= c.status < 300] == []
    assert unanswered, "the kill came after the burst: nothing was left to retry"

    server, base = serve(cli, tmp_path, threads=2)
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client, \
                ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda call: send(client, call), unanswered))
    finally:
        stop(server)
    assert [(c.key, c.status) for c in unanswered if c.status is None or not 200 <= c.status < 300] == []
    found = records_named(database_url)
    made = {(table, name): found[(table, name)] for c in calls for table, names in c.makes.items() for name in names}
    assert {where: count for where, count in made.items() if count != 1} == {}
