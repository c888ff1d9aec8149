"""Run the ``leadline`` command as a user would, against a database of the test's own.

A command runs in this process through Typer's test runner by default: the same command tree, the
same settings from the same environment, the same exit codes and output, without paying for a new
interpreter and its imports each time (about a second a command). What only a real process shows
(the installed entry point, a closed output pipe, ``make run``, the server) runs the installed
command: ``Cli(..., installed=True)`` or the ``installed_cli`` fixture.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
import typer
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from leadline.persistence.database import make_engine
from leadline.services.context import ServiceContext
from tests.conftest import DATABASES, POSTGRES_URL, START, FakeClock, truncate_every_table

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

LEADLINE = Path(sys.executable).parent / "leadline"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


class Cli:
    """``cli("lead", "list", "--json")`` runs ``leadline lead list --json`` in ``workdir`` with the
    environment ``env`` (this process's, without its LEADLINE_ settings, plus the database URL)."""

    def __init__(self, database_url: str, workdir: Path, *, installed: bool = False) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLINE_")}
        self.env.update(LEADLINE_DATABASE_URL=database_url, COLUMNS="200")
        self.workdir = workdir
        self.installed = installed

    def __call__(self, *args: str, stdin: str | None = None, ok: bool = True) -> Result:
        run = run_installed if self.installed else run_in_process
        result = run(args, self.env, self.workdir, stdin)
        if ok and result.code != 0:
            raise AssertionError(f"leadline {' '.join(args)} exited {result.code}: {result.err}{result.out}")
        return result


def run_installed(args: Sequence[str], env: Mapping[str, str], workdir: Path, stdin: str | None) -> Result:
    done = subprocess.run([str(LEADLINE), *args], capture_output=True, text=True, env=dict(env), cwd=workdir,
                          input=stdin, timeout=120)
    return Result(done.returncode, done.stdout, done.stderr)


def run_in_process(args: Sequence[str], env: Mapping[str, str], workdir: Path, stdin: str | None) -> Result:
    """The command run in this process with Typer's runner's streams (``stdin`` as its input), with
    exactly ``env`` as its environment and ``workdir`` as its directory, and everything it cached
    forgotten afterwards (its settings, its application and engine, the objects it froze out of
    the collector's reach). An exception that escaped the command shows as the traceback the
    installed command would print."""
    with _process_state(workdir), CliRunner().isolation(input=stdin, env=_changes_to(env)) as (out, err, _):
        try:
            leadline_command().main(args=list(args), prog_name="leadline")
        except SystemExit as exit:
            code, escaped = exit.code if isinstance(exit.code, int) else 1, ""
        except Exception as error:  # noqa: BLE001 - reported as the process would report it
            code, escaped = 1, "".join(traceback.format_exception(error))
        else:
            code, escaped = 0, ""
        sys.stdout.flush()
        sys.stderr.flush()
        return Result(code, out.getvalue().decode(), err.getvalue().decode() + escaped)


@cache
def leadline_command() -> Any:
    """The ``leadline`` command tree, built once (Typer builds it anew for each run otherwise)."""
    from leadline.cli.main import app

    return typer.main.get_command(app)


def _changes_to(env: Mapping[str, str]) -> dict[str, str | None]:
    """What to set (a value) and unset (None) in ``os.environ`` to make it ``env``."""
    changes: dict[str, str | None] = {k: None for k in os.environ if k not in env}
    changes.update({k: v for k, v in env.items() if os.environ.get(k) != v})
    return changes


@contextmanager
def _process_state(workdir: Path) -> Iterator[None]:
    """Run in ``workdir`` with nothing a command caches left over from before (another test may
    have run one in this process too) and nothing it changed left behind."""
    environment, directory = dict(os.environ), Path.cwd()
    _forget_commands_cache()
    os.chdir(workdir)
    try:
        yield
    finally:
        os.chdir(directory)
        _forget_commands_cache()
        gc.unfreeze()  # what the command froze may be collected again
        os.environ.clear()  # a command that set a variable for its workers (serve) leaves none behind
        os.environ.update(environment)


def _forget_commands_cache() -> None:
    """Forget the settings and the application (its engine closed) a command cached."""
    from leadline.cli.common import application
    from leadline.config import get_settings

    if application.cache_info().currsize:
        application().engine.dispose()  # type: ignore[attr-defined]
    application.cache_clear()
    get_settings.cache_clear()


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
    """A database of the test's own at schema head with no rows, as ``leadline init`` finds one it
    upgraded before: SQLite, a copy of the session's migrated file; PostgreSQL, the session's
    migrated scratch database, emptied (TRUNCATE) when the test is done, as the ``engine`` fixture
    does. Migrating per test cost about a second of each CLI test; creating and dropping a
    PostgreSQL database per test a few more (a DROP DATABASE waits for a checkpoint). What only a
    database never upgraded shows (``init`` from nothing) takes ``fresh_database_url``."""
    with database_at_head(request, request.param, tmp_path) as url:
        yield url


@contextmanager
def database_at_head(request: pytest.FixtureRequest, kind: str, workdir: Path) -> Iterator[str]:
    """``database_url``'s database, for a fixture of any scope: a copy of the migrated SQLite file
    in ``workdir``, or the session's PostgreSQL database, emptied when the block ends."""
    if kind == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), workdir / "cli.db")
        yield f"sqlite:///{workdir / 'cli.db'}"
        return
    url = request.getfixturevalue("postgres_database")
    yield url
    engine = make_engine(url)
    try:
        truncate_every_table(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=DATABASES)
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database never upgraded (no schema at all), of the test's own: for ``init`` from nothing."""
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
    """The command on a database at schema head with no rows (``database_url``)."""
    return Cli(database_url, tmp_path)


@pytest.fixture
def fresh_cli(fresh_database_url: str, tmp_path: Path) -> Cli:
    """The command on a database never upgraded, on SQLite and PostgreSQL."""
    return Cli(fresh_database_url, tmp_path)


@pytest.fixture
def command_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The command's clock, pinned and moved by hand (the command runs in this process): for
    deals closed days after they were opened, as the general reading needs
    (``tests.integration.opportunity_scoring_support.lives_that_teach``)."""
    pinned = FakeClock(START)
    monkeypatch.setattr(ServiceContext, "now", lambda self: pinned())
    return pinned


def pin_command_day(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """Let the command's clock (the command runs in this process) run in real time from noon UTC
    of ``day``, for a test that compares the dates a command writes with ``day`` (a module's
    ``TODAY``, read once at collection): a run collected before midnight UTC and reaching the test
    after it would otherwise see the command write tomorrow's date."""
    noon, started = datetime.combine(day, time_of_day(12), tzinfo=UTC), time.monotonic()
    monkeypatch.setattr(ServiceContext, "now", lambda self: noon + timedelta(seconds=time.monotonic() - started))


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> Cli:
    """For tests of the command line itself, where the database does not matter."""
    return Cli(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path)


@pytest.fixture
def installed_cli(tmp_path: Path) -> Cli:
    """The installed ``leadline`` command in a process of its own, on SQLite."""
    return Cli(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path, installed=True)


@pytest.fixture(scope="session")
def ready_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file ``leadline init`` set up once: the default configuration and Ada Admin, the
    first admin. Each ``ready_cli`` works on a copy of its own."""
    workdir = tmp_path_factory.mktemp("ready")
    Cli(f"sqlite:///{workdir / 'cli.db'}", workdir)(
        "init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    with closing(sqlite3.connect(workdir / "cli.db")) as connection:  # fold the WAL into the file we copy
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return workdir / "cli.db"


@pytest.fixture
def ready_cli(sqlite_cli: Cli, ready_database: Path) -> Cli:
    """The command on an SQLite database ``init`` set up, as ``ready_database`` says."""
    shutil.copy(ready_database, sqlite_cli.workdir / "cli.db")
    return sqlite_cli


@pytest.fixture
def client(ctx: Any, engine: Any, admin_id: int) -> Iterator[Any]:
    """A test client of the API app on the test's database (rate limit off)."""
    from litestar.testing import TestClient

    from leadline.bootstrap import Application
    from leadline.config import Settings
    from tests.e2e.api_support import lent_app

    with lent_app(Application(Settings(rate_limit_per_minute=0), ctx, engine)) as app, TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def admin(client: Any, ctx: Any, admin_id: int) -> Any:
    """Calls the API as the first admin."""
    from tests.e2e.api_support import Caller, token_for

    return Caller(client, token_for(ctx, admin_id, admin_id))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The test process's headless Chromium (tests/e2e/web_support.py), shared by every web test."""
    from tests.e2e.web_support import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture
def wide_page(browser: Browser) -> Iterator[Page]:
    """A fresh page in a window wide enough for every column of the pipeline board."""
    from tests.e2e.pipeline_support import WIDE
    from tests.e2e.web_support import new_context

    context = new_context(browser, viewport=WIDE)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe_page(browser: Browser) -> Iterator[Page]:
    """As ``page``, in a context that lets axe-core be injected past the CSP
    (``web_support.assert_accessible``)."""
    from tests.e2e.web_support import new_context

    context = new_context(browser, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) and its page (tests/e2e/web_support.py: ``new_context``)."""
    from tests.e2e.web_support import new_context

    context = new_context(browser)
    yield context.new_page()
    context.close()
