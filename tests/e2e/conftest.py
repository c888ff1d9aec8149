"""Run the installed ``leadline`` command as a user would, against a database of the test's own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import DATABASES, POSTGRES_URL

LEADLINE = Path(sys.executable).parent / "leadline"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


class Cli:
    def __init__(self, database_url: str, workdir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLINE_")}
        self.env.update(LEADLINE_DATABASE_URL=database_url, COLUMNS="200")
        self.workdir = workdir

    def __call__(self, *args: str, stdin: str | None = None, ok: bool = True) -> Result:
        done = subprocess.run([str(LEADLINE), *args], capture_output=True, text=True, env=self.env,
                              cwd=self.workdir, input=stdin, timeout=120)
        result = Result(done.returncode, done.stdout, done.stderr)
        if ok and result.code != 0:
            raise AssertionError(f"leadline {' '.join(args)} exited {result.code}: {result.err}{result.out}")
        return result


def misreported(cli: Cli, cases: list[tuple[list[str], int, str]]) -> list[tuple[list[str], int, str]]:
    """The bad-input ``cases`` (arguments, exit code, field) that did not end with that exit code
    and one line naming that field, or that printed a traceback: empty when every one did."""
    wrong = []
    for args, code, field in cases:
        result = cli(*args, ok=False)
        lines = result.err.strip().splitlines()
        if result.code != code or len(lines) != 1 or not lines[0].startswith(f"error: {field}:") \
                or "Traceback" in result.err + result.out:
            wrong.append((args, result.code, result.err))
    return wrong


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli.db'}"
        return
    name = f"leadline_cli_{uuid.uuid4().hex[:10]}"
    admin_url = make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, tmp_path)


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> Cli:
    """For tests of the command line itself, where the database does not matter."""
    return Cli(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path)


@pytest.fixture
def ready_cli(sqlite_cli: Cli) -> Cli:
    sqlite_cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    return sqlite_cli


@pytest.fixture
def client(ctx: Any, engine: Any, admin_id: int) -> Iterator[Any]:
    """A test client of the API app on the test's database (rate limit off)."""
    from litestar.testing import TestClient

    from tests.e2e.api_support import make_app

    with TestClient(make_app(ctx, engine)) as test_client:
        yield test_client


@pytest.fixture
def admin(client: Any, ctx: Any, admin_id: int) -> Any:
    """Calls the API as the first admin."""
    from tests.e2e.api_support import Caller, token_for

    return Caller(client, token_for(ctx, admin_id, admin_id))
