"""A database that cannot be reached answers 503 DATABASE_UNAVAILABLE with Retry-After on every API
call (not 500), and a one-line error with exit code 7 on the command line; the API answers again,
with nothing restarted, once the database is back. Real databases, really out of reach: a closed
local port (PostgreSQL), a path no database file can be opened at (SQLite), and a TCP proxy to the
test's PostgreSQL that is stopped and started again."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from leadline.api.app import create_app
from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.security.auth import TOKEN_PREFIX
from tests.conftest import DATABASES
from tests.e2e.api_support import token_for
from tests.e2e.conftest import Cli
from tests.e2e.tcp_proxy import TcpProxy

LEAD = {"last_name": "Byron", "company": "Poems"}


def unreachable_url(engine: Engine, tmp_path: Path) -> str:
    """A URL of the engine's kind where no database can be reached."""
    if engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path}"  # a directory: SQLite cannot open it as a database file
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return engine.url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


def client_on(url: str) -> TestClient[Any]:
    return TestClient(create_app(build_application(Settings(database_url=url, rate_limit_per_minute=0))))


def assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "DATABASE_UNAVAILABLE"
    assert response.headers["retry-after"] == "5"
    assert "127.0.0.1" not in response.text  # the driver's words, naming the server, stay in the log


def test_every_call_answers_503_with_retry_after_when_the_database_cannot_be_reached(
        engine: Engine, tmp_path: Path) -> None:
    auth = {"Authorization": f"Bearer {TOKEN_PREFIX}some-token"}
    with client_on(unreachable_url(engine, tmp_path)) as client:
        assert_unavailable(client.get("/api/v1/leads", headers=auth))
        assert_unavailable(client.get("/api/v1/leads/1", headers=auth))
        assert_unavailable(client.post("/api/v1/leads", json=LEAD, headers=auth))
        assert_unavailable(client.post("/api/v1/auth/token", json={"email": "a@example.com", "password": "x"}))
        health = client.get("/api/v1/health")
        assert health.status_code == 503 and health.headers["retry-after"] == "5"
        assert health.json() == {"status": "unavailable", "database": "DATABASE_UNAVAILABLE"}


def test_the_command_line_says_so_in_one_line_with_exit_code_7(engine: Engine, tmp_path: Path) -> None:
    cli = Cli(unreachable_url(engine, tmp_path), tmp_path)
    for command in (["lead", "list"], ["serve"]):
        result = cli(*command, ok=False)
        lines = result.err.strip().splitlines()
        assert result.code == 7 and len(lines) == 1, result.err
        assert lines[0].startswith("error: the database cannot be reached") and "[DATABASE_UNAVAILABLE]" in lines[0]
        assert "Traceback" not in result.err + result.out


@pytest.mark.parametrize("engine", [d for d in DATABASES if d == "postgresql"], indirect=True)
def test_the_api_answers_again_once_the_database_is_back(
        engine: Engine, ctx: ServiceContext, admin_id: int) -> None:
    proxy = TcpProxy((engine.url.host or "127.0.0.1", engine.url.port or 5432))
    proxy.start()
    url = engine.url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    application = build_application(Settings(database_url=url, rate_limit_per_minute=0))
    served = application.context  # the real clock: the token is valid now
    lead = leads.create_lead(served, admin_id, {"last_name": "Lovelace", "company": "Engines"}).lead.id
    auth = {"Authorization": f"Bearer {token_for(served, admin_id, admin_id)}"}
    try:
        with TestClient(create_app(application)) as client:
            assert client.get(f"/api/v1/leads/{lead}", headers=auth).status_code == 200
            assert client.get("/api/v1/leads", headers=auth).status_code == 200

            proxy.stop()  # the connections the app holds are cut, and new ones refused
            assert_unavailable(client.get(f"/api/v1/leads/{lead}", headers=auth))
            assert_unavailable(client.get("/api/v1/leads", headers=auth))
            assert_unavailable(client.post("/api/v1/leads", json=LEAD, headers=auth))
            assert client.get("/api/v1/health").status_code == 503

            proxy.start()
            assert client.get(f"/api/v1/leads/{lead}", headers=auth).status_code == 200
            assert client.post("/api/v1/leads", json=LEAD, headers=auth).status_code == 201
            assert client.get("/api/v1/health").status_code == 200
    finally:
        proxy.stop()
