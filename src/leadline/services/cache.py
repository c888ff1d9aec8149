"""A per-process cache of what nearly every request reads and rarely changes: statuses,
sources, custom-field definitions, sharing defaults, the users and their hierarchy, and API
tokens.

What it holds is immutable (frozen records, tuples, read-only mappings): every request shares it
and none can change it. Writes committed in this process clear it at once (the unit of work runs the cache's
``invalidate`` after a commit that wrote configuration); other worker processes see a change after at
most ``ttl`` seconds (one second by default). That bound is the price of not asking the
database for the configuration on every request (docs/adr/0006-configuration-cache.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigCache:
    def __init__(self, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[Any, tuple[float, Any]] = {}
        self._generation = 0

    def get(self, key: Any, load: Callable[[], T]) -> T:
        """The cached value of ``key``, loaded with ``load()`` when missing or older than ``ttl``."""
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self.ttl:
            value: T = entry[1]
            return value
        generation = self._generation
        value = load()
        with self._lock:
            if generation == self._generation:  # not if a write cleared the cache while we loaded
                self._entries[key] = (now, value)
        return value

    def invalidate(self) -> None:
        """Forget everything: called after any write to configuration, users or tokens."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
