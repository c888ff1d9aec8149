"""`leadline serve` as a real server on loopback: it starts, answers, documents itself, and two
clients racing to update one record with the same ETag get exactly one success."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import LEADLINE, Cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(cli: Cli, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A running server on a fresh database; yields (base URL, admin token)."""
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada")
    token = cli("token", "create", "--name", "e2e").out.strip().splitlines()[-1]
    port = free_port()
    env = {**cli.env, "LEADLINE_RATE_LIMIT_PER_MINUTE": "0"}
    command = [str(LEADLINE), "serve", "--port", str(port), "--workers", "2", "--threads", "1"]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the server did not answer: {process.stdout.read(2000) if process.stdout else ''}")
        yield base, token
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_server_answers_and_serves_its_openapi_document(server: tuple[str, str]) -> None:
    base, token = server
    document = httpx.get(f"{base}/openapi.json").json()
    assert document["openapi"].startswith("3.") and "/api/v1/leads" in document["paths"]
    assert httpx.get(f"{base}/docs").status_code == 200
    me = httpx.get(f"{base}/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == "ada@example.com"


def test_two_clients_updating_with_the_same_etag_exactly_one_wins(server: tuple[str, str]) -> None:
    base, token = server
    headers = {"Authorization": f"Bearer {token}"}
    for round_ in range(5):
        lead = httpx.post(f"{base}/leads", json={"last_name": f"Race{round_}", "company": "Race Co"},
                          headers=headers).json()
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def update(title: str, lead_id: str = lead["id"], barrier: threading.Barrier = barrier,
                   statuses: list[int] = statuses) -> None:
            with httpx.Client(headers={**headers, "If-Match": '"v1"'}, timeout=30) as client:
                barrier.wait()
                statuses.append(client.patch(f"{base}/leads/{lead_id}", json={"title": title}).status_code)

        threads = [threading.Thread(target=update, args=(t,)) for t in ("first", "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200, 412], statuses
        final = httpx.get(f"{base}/leads/{lead['id']}", headers=headers)
        assert final.headers["etag"] == '"v2"' and final.json()["title"] in ("first", "second")


def test_the_app_runs_writes_in_as_many_threads_as_configured(tmp_path: Path) -> None:
    import asyncio

    from leadline.api.app import create_app
    from leadline.bootstrap import build_application
    from leadline.config import Settings

    application = build_application(Settings(database_url=f"sqlite:///{tmp_path / 'threads.db'}", threads=3))

    def blocking_call() -> str:  # as a synchronous handler is run
        time.sleep(0.05)
        return threading.current_thread().name

    async def start_and_run_eight() -> set[str]:
        app = create_app(application)
        for hook in app.on_startup:
            hook()  # type: ignore[call-arg]
        loop = asyncio.get_running_loop()
        return set(await asyncio.gather(*(loop.run_in_executor(None, blocking_call) for _ in range(8))))

    names = asyncio.run(start_and_run_eight())
    assert len(names) == 3 and all(name.startswith("leadline") for name in names)
