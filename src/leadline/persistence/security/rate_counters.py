"""Request counters of the rate limiter, shared by the worker processes of one server through a
small SQLite file of their own (docs/adr/0012): not the application's database, so counting a
request never takes that database's write lock nor costs a PostgreSQL round trip.

Each hit is one short transaction; writers queue on a lock file (as the application's SQLite
writers do, persistence/database.py) rather than on SQLite's sleeping busy handler. The file
holds nothing worth keeping (``synchronous=OFF``): a crash at worst forgets the current minute.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

MEMORY = ":memory:"
_SCHEMA = ("CREATE TABLE IF NOT EXISTS rate_counters (key TEXT NOT NULL, window INTEGER NOT NULL, "
           "hits INTEGER NOT NULL, PRIMARY KEY (key, window)) WITHOUT ROWID")
_HIT = ("INSERT INTO rate_counters (key, window, hits) VALUES (?, ?, 1) "
        "ON CONFLICT (key, window) DO UPDATE SET hits = hits + 1")


class RateCounters:
    """Hits per key and window, counted across every process that opens the same ``path``
    (``":memory:"``: this process alone).

    Example: ``RateCounters(Path("/tmp/x.db")).hit("user:42", window=29_500_000)`` -> 1, then 2...
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        shared = self.path != MEMORY
        if shared:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._thread_lock = threading.Lock()
        self._lock_file: Any = open(f"{self.path}.lock", "a+b") if shared and fcntl else None  # noqa: SIM115
        self._connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        with self._locked():
            if shared:
                self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=OFF")
            self._connection.execute(_SCHEMA)
        self._purged_before = 0

    def hit(self, key: str, window: int) -> int:
        """Count one hit of ``key`` in ``window`` (a number that grows with time, e.g. the minute);
        returns the hits of that key in that window, this one included. Windows before it are
        dropped the first time this process sees a later window."""
        with self._locked():
            connection = self._connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute(_HIT, (key, window))
                hits = connection.execute("SELECT hits FROM rate_counters WHERE key = ? AND window = ?",
                                          (key, window)).fetchone()[0]
                if window > self._purged_before:
                    connection.execute("DELETE FROM rate_counters WHERE window < ?", (window,))
                    self._purged_before = window
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return int(hits)

    def close(self) -> None:
        self._connection.close()
        if self._lock_file is not None:
            self._lock_file.close()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's threads one at a time, then the processes (a file lock)."""
        with self._thread_lock:
            if self._lock_file is None:
                yield
                return
            fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
