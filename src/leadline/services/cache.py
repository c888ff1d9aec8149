"""A per-process cache of what nearly every request reads and rarely changes: statuses,
sources, custom-field definitions, sharing defaults, the users and their hierarchy, and API
tokens.

What it holds is immutable (frozen records, tuples, read-only mappings): every request shares it
and none can change it. Writes committed in this process clear it at once (the unit of work runs the cache's
``invalidate`` after a commit that wrote configuration); other worker processes see a change after at
most ``ttl`` seconds (one second by default). That bound is the price of not asking the
database for the configuration on every request (docs/adr/0006-configuration-cache-and-sqlite-writes.md). Once the
second is up, a cache given the stored configuration version asks for that one number and keeps
what it holds unless it moved (ADR 0045).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigCache:
    """``version``, when given, reads the stored configuration version (one short query): once
    ``ttl`` seconds have passed since the last look, the cache asks it and keeps what it holds when
    the number has not moved. Without it, or when it answers None (unknown), everything is
    forgotten every ``ttl`` seconds."""

    def __init__(self, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 version: Callable[[], int | None] | None = None) -> None:
        self.ttl = ttl
        self._clock = clock
        self._version = version
        self._lock = threading.Lock()
        self._entries: dict[Any, Any] = {}
        self._generation = 0
        self._checked_at = -math.inf
        self._seen: int | None = None

    def get(self, key: Any, load: Callable[[], T], version: Callable[[], int | None] | None = None) -> T:
        """The cached value of ``key``, loaded with ``load()`` when missing or possibly stale;
        ``version``, when given, reads the stored version in place of the cache's own reader (in
        the transaction ``load`` reads in, so that both see the same moment)."""
        self._revalidate(version)
        if key in self._entries:
            value: T = self._entries[key]
            return value
        generation = self._generation
        value = load()
        with self._lock:
            if generation == self._generation:  # not if a write cleared the cache while we loaded
                self._entries[key] = value
        return value

    def invalidate(self) -> None:
        """Forget everything: called after any write to configuration, users or tokens."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._checked_at = -math.inf  # and read the version again before the next load

    def _revalidate(self, version: Callable[[], int | None] | None) -> None:
        now = self._clock()
        if now - self._checked_at < self.ttl:
            return
        # read before anything is loaded, so what is kept is never older than the number seen
        version = version if version is not None and self._version is not None else self._version
        seen = version() if version is not None else None
        with self._lock:
            if seen is None or seen != self._seen:
                self._generation += 1
                self._entries.clear()
            self._seen, self._checked_at = seen, now
