"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine tuned for its database.

    SQLite gets WAL, foreign keys, a busy timeout and ``BEGIN IMMEDIATE`` for every
    transaction, so two writers queue instead of failing half-way; its folder is created.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        _tune_sqlite(engine)
        if fcntl is not None and parsed.database and parsed.database != ":memory:":
            _GATES[engine] = WriteGate(parsed.database)
        return engine
    # No pre-ping: it costs a round trip per request; connections are recycled every 30 minutes.
    return create_engine(url, echo=echo, pool_recycle=1800, pool_size=10, max_overflow=10)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event decide
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # writers take the lock up front; a read-only unit of work reads a snapshot without it
        read_only = connection.get_execution_options().get("leadline_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class WriteGate:
    """One SQLite writer at a time across the threads and processes of this machine, queued on a
    lock file. SQLite alone makes a waiting writer poll with sleeps of up to 100 ms, which shows
    as long latency tails under concurrent writes; a blocking file lock hands over at once."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}.writelock"
        self._thread_lock = threading.Lock()
        self._file: Any = None

    def __enter__(self) -> WriteGate:
        self._thread_lock.acquire()
        try:
            if self._file is None:
                self._file = open(self.path, "a+b")  # noqa: SIM115 - held open for the process's life
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


_GATES: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()


def write_gate(engine: Engine) -> WriteGate | None:
    """The gate of an SQLite file database (None for PostgreSQL, memory databases, or no fcntl)."""
    return _GATES.get(engine)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
