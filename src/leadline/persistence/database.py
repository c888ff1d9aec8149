"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import sqlite3
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

from leadline.persistence.availability import name_unavailability


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine tuned for its database.

    SQLite gets WAL, foreign keys, a busy timeout and ``BEGIN IMMEDIATE`` for every
    transaction, so two writers queue instead of failing half-way; its folder is created.
    On both, a database that cannot be reached raises ``DatabaseUnavailableError``
    (persistence/availability.py).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        ensure_sqlite_version()
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        _tune_sqlite(engine)
        name_unavailability(engine)
        if fcntl is not None and parsed.database and parsed.database != ":memory:":
            _GATES[engine] = WriteGate(parsed.database)
        return engine
    # No pre-ping: it costs a round trip per request; connections are recycled every 30 minutes.
    engine = create_engine(url, echo=echo, pool_recycle=1800, pool_size=10, max_overflow=10)
    name_unavailability(engine)
    return engine


#: 3.32 raised the bound parameters of one statement from 999 to 32,766: a bulk conversion reads
#: 2,000 leads with one IN list (services/conversion/bulk.py)
SQLITE_MINIMUM = (3, 32, 0)


def ensure_sqlite_version(version: tuple[int, int, int] = sqlite3.sqlite_version_info) -> None:
    """Refuse an SQLite library older than ``SQLITE_MINIMUM``, with what to do."""
    if version < SQLITE_MINIMUM:
        found, needed = ".".join(map(str, version)), ".".join(map(str, SQLITE_MINIMUM))
        raise RuntimeError(f"Leadline needs SQLite {needed} or later; this Python's sqlite3 module has {found}: "
                           "use a Python built with a newer SQLite, or PostgreSQL (LEADLINE_DATABASE_URL)")


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
        options = connection.get_execution_options()
        if options.get("leadline_read_only", False):
            connection.exec_driver_sql("BEGIN")
            return
        gate = options.get("leadline_gate")
        if gate is not None:  # a unit of work's transaction
            if gate.finished:  # it has committed: what it still reads needs no write lock
                connection.exec_driver_sql("BEGIN")
                return
            gate.acquire()  # queue behind the other writers first
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class WriteGate:
    """One SQLite writer at a time across the threads and processes of this machine, queued on a
    lock file. SQLite alone makes a waiting writer poll with sleeps of up to 100 ms, which shows
    as long latency tails under concurrent writes; a blocking file lock hands over at once.

    A unit of work takes the gate when its transaction begins (its first statement, after the
    input is validated) and gives it back when it has committed (``finish``) or when it closes,
    so the work done before and after the transaction never holds up the other writers; what it
    reads after its commit runs in a plain deferred transaction. ``acquire`` and ``release`` do
    nothing when the calling thread already holds, or does not hold, the gate."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}.writelock"
        self._thread_lock = threading.Lock()
        self._file: Any = None
        self._holder: int | None = None
        self._finished: set[int] = set()  # threads whose unit of work has committed

    def acquire(self) -> None:
        me = threading.get_ident()
        if self._holder == me:
            return
        self._thread_lock.acquire()
        try:
            if self._file is None:
                self._file = open(self.path, "a+b")  # noqa: SIM115 - held open for the process's life
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        self._holder = me

    def release(self) -> None:
        if self._holder != threading.get_ident():
            return
        self._holder = None
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def finish(self) -> None:
        """The calling thread's unit of work has committed: give the gate back, and begin what
        that unit of work still runs without it."""
        self._finished.add(threading.get_ident())
        self.release()

    def reset(self) -> None:
        """Give the gate back if held, and forget ``finish``: the calling thread's unit of work
        has closed (or a new one opens)."""
        self._finished.discard(threading.get_ident())
        self.release()

    @property
    def finished(self) -> bool:
        return threading.get_ident() in self._finished

    @property
    def held(self) -> bool:
        """Whether the calling thread holds the gate."""
        return self._holder == threading.get_ident()


_GATES: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()


def write_gate(engine: Engine) -> WriteGate | None:
    """The gate of an SQLite file database (None for PostgreSQL, memory databases, or no fcntl)."""
    return _GATES.get(engine)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions of units of work. On an SQLite file their writing transactions take the engine's
    write gate as they begin (the ``leadline_gate`` option the ``begin`` hook reads); the unit of
    work gives it back (persistence/unit_of_work.py). Same pool, same connections."""
    gate = _GATES.get(engine)
    bind = engine if gate is None else engine.execution_options(leadline_gate=gate)
    factory = sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)
    event.listen(factory, "before_flush", _map_every_row)
    return factory


def _map_every_row(*_: object) -> None:
    """A flush orders its tables by their foreign keys, and so needs every table they name: the
    unit of work imports an area's rows only when it first uses the area (unit_of_work.py)."""
    import leadline.persistence.rows  # noqa: F401 - mapped as a side effect
