"""`leadline serve` as a real server on loopback: it starts, answers, documents itself, and two
clients racing to update one record with the same ETag get exactly one success."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATABASES
from tests.e2e.conftest import LEADLINE, Cli, database_at_head


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


#: How long a server started by a test has to answer its first request: two workers each import
#: the application (about 6 s of CPU together), on a CI box whose two cores two test processes
#: and their browsers share; under a load average of 20 a start took 40 s.
START_TIMEOUT_S = 120
#: How long a request to it may take (httpx waits 5 s by default): a worker's first OpenAPI
#: document builds the schema of every route, which took over 5 s under a load average of 20.
REQUEST_TIMEOUT_S = 60


def serve(cli: Cli, workdir: Path, *, threads: int = 1, rate_limit: int = 0) -> tuple[subprocess.Popen[bytes], str]:
    """``leadline serve`` (two workers, by default with the rate limit off) on a free port of
    loopback, in a process group of its own (so all of it can be killed at once), answering: the
    process and its base URL."""
    port = free_port()
    env = {**cli.env, "LEADLINE_RATE_LIMIT_PER_MINUTE": str(rate_limit)}
    command = [str(LEADLINE), "serve", "--port", str(port), "--workers", "2", "--threads", str(threads)]
    log = workdir / f"serve-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, cwd=workdir, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail(f"the server did not answer: {log.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=15)


@pytest.fixture(scope="module", params=DATABASES)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A running server on a database of its own, started once for the module's tests (each only
    reads or adds records of its own: each start of two workers costs about 6 s of CPU); yields
    (base URL, admin token)."""
    workdir = tmp_path_factory.mktemp("server")
    with database_at_head(request, request.param, workdir) as url:
        cli = Cli(url, workdir)
        cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada")
        token = cli("token", "create", "--name", "e2e").out.strip().splitlines()[-1]
        process, base = serve(cli, workdir)
        try:
            yield base, token
        finally:
            stop(process)


def test_the_server_answers_and_serves_its_openapi_document(server: tuple[str, str]) -> None:
    base, token = server
    document = httpx.get(f"{base}/openapi.json", timeout=REQUEST_TIMEOUT_S).json()
    assert document["openapi"].startswith("3.") and "/api/v1/leads" in document["paths"]
    assert httpx.get(f"{base}/docs", timeout=REQUEST_TIMEOUT_S).status_code == 200
    me = httpx.get(f"{base}/me", headers={"Authorization": f"Bearer {token}"}, timeout=REQUEST_TIMEOUT_S)
    assert me.json()["email"] == "ada@example.com"


def test_two_clients_updating_with_the_same_etag_exactly_one_wins(server: tuple[str, str]) -> None:
    base, token = server
    headers = {"Authorization": f"Bearer {token}"}
    for round_ in range(5):
        lead = httpx.post(f"{base}/leads", json={"last_name": f"Race{round_}", "company": "Race Co"},
                          headers=headers, timeout=REQUEST_TIMEOUT_S).json()
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
        final = httpx.get(f"{base}/leads/{lead['id']}", headers=headers, timeout=REQUEST_TIMEOUT_S)
        assert final.headers["etag"] == '"v2"' and final.json()["title"] in ("first", "second")


def test_the_app_runs_writes_in_as_many_threads_as_configured(tmp_path: Path) -> None:
    import asyncio

    from litestar import post

    from leadline.api.app import create_app
    from leadline.bootstrap import build_application
    from leadline.config import Settings

    application = build_application(Settings(database_url=f"sqlite:///{tmp_path / 'threads.db'}", threads=3))

    three_at_once = threading.Barrier(3)  # the first three calls wait for one another: three threads exist
    passed = threading.Event()

    @post("/probe", sync_to_thread=True)
    def probe() -> str:  # a synchronous handler, as every write of the API is
        if not passed.is_set():
            three_at_once.wait(timeout=10)
            passed.set()
        return threading.current_thread().name

    async def call(app: object) -> str:  # one request straight into the ASGI app
        sent: list[dict[str, object]] = []

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "scheme": "http", "path": "/probe", "raw_path": b"/probe", "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1), "server": ("test", 80), "state": {}}
        await app(scope, receive, send)  # type: ignore[operator]
        return bytes(sent[-1]["body"]).decode()  # type: ignore[arg-type]

    async def eight_at_once() -> set[str]:
        app = create_app(application)
        app.register(probe)
        # start-up and requests on one event loop, as uvicorn runs them
        events: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        started = asyncio.Event()

        async def lifespan_send(message: dict[str, str]) -> None:
            if message["type"] == "lifespan.startup.complete":
                started.set()

        await events.put({"type": "lifespan.startup"})
        lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                           events.get, lifespan_send))
        await asyncio.wait_for(started.wait(), 10)
        try:
            return set(await asyncio.gather(*(call(app) for _ in range(8))))
        finally:
            await events.put({"type": "lifespan.shutdown"})
            await asyncio.wait_for(lifespan, 10)

    # in a thread of its own: a browser test before this one on the worker leaves Playwright's loop
    # running in the main thread, where asyncio.run() refuses to start another
    with ThreadPoolExecutor(1) as own_thread:
        names = own_thread.submit(asyncio.run, eight_at_once()).result(timeout=60)
    assert len(names) == 3 and all(name.startswith("leadline") for name in names)


def test_serve_threads_reaches_the_app_factory_of_a_single_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With one worker uvicorn builds the app in the `leadline serve` process itself, whose
    settings were read before the flag: the flag must still reach the factory. uvicorn's own
    serving is left out (the other tests here serve for real); the factory runs as it would."""
    import uvicorn
    from typer.testing import CliRunner

    from leadline.asgi import create_app_from_environment
    from leadline.bootstrap import build_application
    from leadline.cli.main import app as cli_app
    from leadline.config import Settings, get_settings

    url = f"sqlite:///{tmp_path / 'one.db'}"
    build_application(Settings(database_url=url)).upgrade_database()
    monkeypatch.setenv("LEADLINE_DATABASE_URL", url)
    monkeypatch.delenv("LEADLINE_THREADS", raising=False)
    get_settings.cache_clear()
    seen: list[int] = []

    def run_factory_once(target: str, **options: object) -> None:
        assert target == "leadline.asgi:create_app_from_environment" and options["workers"] == 1
        app = create_app_from_environment()
        seen.append(app.state.application.settings.threads)

    monkeypatch.setattr(uvicorn, "run", run_factory_once)
    try:
        result = CliRunner().invoke(cli_app, ["serve", "--workers", "1", "--threads", "3"])
        assert result.exit_code == 0, result.output
        assert seen == [3]
    finally:
        os.environ.pop("LEADLINE_THREADS", None)  # set by the command itself
        get_settings.cache_clear()
        import gc

        gc.unfreeze()
