"""Shared fixtures: real databases (SQLite and PostgreSQL), a pinned clock, a seeded organisation.

Every storage test takes the ``engine`` fixture and so runs once per database. PostgreSQL is
the server named by LEADLINE_TEST_POSTGRES_URL (the Makefile and CI point it at the local one);
each test session works in a scratch database of its own, dropped at the end. Set
LEADLINE_TEST_POSTGRES=off to run without PostgreSQL (the PostgreSQL cases are then deselected
and reported, never silently passed).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from leadline.persistence.configuration.writes import configuration_version
from leadline.persistence.database import make_engine, write_gate
from leadline.persistence.rows import metadata
from leadline.persistence.schema import upgrade_to_head
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.cache import ConfigCache
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.contact_points import LibraryContactPointChecker
from leadline.services.context import ServiceContext
from leadline.services.security.passwords import PasswordHashing

POSTGRES_URL = os.environ.get("LEADLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
POSTGRES_ENABLED = os.environ.get("LEADLINE_TEST_POSTGRES", "on").lower() not in ("off", "0", "no")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_ENABLED else ["sqlite"]

#: Hypothesis times each example (200 ms by default) and its data generation, and fails a test
#: that runs over: a speed assertion, which tests never make (speed is measured in bench/). On a
#: loaded CI box (two cores, two test processes, browsers) an example of the forecast roll-up
#: property, 0-92 ms measured under a load average of 13, runs over at random. Every property
#: test runs under this profile; a test's own ``@settings`` still chooses its examples.
settings.register_profile("leadline", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("leadline")


def pytest_report_header(config: pytest.Config) -> str:
    where = make_url(POSTGRES_URL).set(password="***") if POSTGRES_ENABLED else "off"
    return f"leadline databases: {', '.join(DATABASES)} (PostgreSQL: {where})"


class FakeClock:
    """A clock tests move by hand: ``clock.advance(days=3)``."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file upgraded to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    with closing(sqlite3.connect(path)) as connection:  # fold the WAL into the file we copy
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A scratch PostgreSQL database for this session, upgraded to head, dropped afterwards."""
    name = f"leadline_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(_admin_url(POSTGRES_URL), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} does not answer ({error}); start it or set "
                    "LEADLINE_TEST_POSTGRES=off", pytrace=False)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    yield url
    with psycopg.connect(_admin_url(POSTGRES_URL), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=DATABASES)
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A database at schema head with no rows, on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "leadline.db"
        shutil.copy(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        gate = write_gate(engine)
        engine.dispose()
        assert gate is not None and not gate.held, "a unit of work left the SQLite write gate held"
        return
    url = request.getfixturevalue("postgres_database")
    engine = make_engine(url)
    yield engine
    truncate_every_table(engine)
    engine.dispose()


def truncate_every_table(engine: Engine) -> None:
    """Empty every table of the schema (the scratch PostgreSQL database is shared by the tests of a
    session, one after the other), leaving Alembic's version: the database is at head, with no rows."""
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} CASCADE"))
        # the one row migration 0022 seeds, as a database just migrated has it
        connection.execute(text("INSERT INTO configuration_version (id, version) VALUES (1, 0)"))


#: Where the ``clock`` fixture starts.
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


#: argon2 at its lowest cost, for the tests' contexts: the same hashing and checks (a hash names
#: its own parameters), at about 1 ms of CPU a hash and check instead of 0.4 s with the defaults,
#: which every sign-in and password of the tests paid. The defaults' own tests:
#: tests/unit/test_passwords.py; a server or an installed command still hashes with them.
QUICK_ARGON2 = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def service_context(engine: Engine, clock: FakeClock) -> ServiceContext:
    """The ``ctx`` fixture's context on ``engine``, for a fixture of a wider scope that needs one."""
    return ServiceContext(
        uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only), clock=clock,
        currency="USD", phone_region="US", contact_points=LibraryContactPointChecker("US"),
        cache=ConfigCache(version=partial(configuration_version, engine)),  # as bootstrap builds it
        passwords=PasswordHashing(hasher=QUICK_ARGON2),
    )


@pytest.fixture
def ctx(engine: Engine, clock: FakeClock) -> ServiceContext:
    return service_context(engine, clock)


@pytest.fixture
def admin_id(ctx: ServiceContext) -> int:
    """The organisation seeded with its defaults and a first admin; returns the admin's id."""
    result = initialise_organisation(ctx, admin_name="Ada Admin", admin_email="ada@example.com")
    assert result.admin is not None
    return result.admin.id
