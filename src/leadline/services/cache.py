"""A per-process cache of what nearly every request reads and rarely changes: statuses,
sources, custom-field definitions, sharing defaults, the users and their hierarchy, and API
tokens.

Writes made in this process clear it at once; other worker processes see a change after at
most ``ttl`` seconds (one second by default). That bound is the price of not asking the
database for the configuration on every request (docs/adr/0006-configuration-cache.md).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def private_copy(item: T) -> T:
    """A shallow copy of a cached configuration object (a status, a source, a user) for a caller
    that may change it without changing what every other request sees: ``copy.copy``, made
    directly from the slots of the slotted dataclasses these are, at a fraction of its cost.
    Anything else (a class with a ``__dict__``, a slot left unset) is copied by ``copy.copy``."""
    kind = type(item)
    names = _SLOTS.get(kind)
    if names is None:
        names = _SLOTS[kind] = _slot_names(kind)
    if not names:
        return copy.copy(item)
    made = object.__new__(kind)
    try:
        for name in names:
            object.__setattr__(made, name, getattr(item, name))
    except AttributeError:  # a slot without a value
        return copy.copy(item)
    return made


def _slot_names(kind: type) -> tuple[str, ...]:
    """Every slot of ``kind``; empty when its instances also have a ``__dict__`` (a class of its
    line without ``__slots__``, or ``__dict__`` among them) or a ``__slots__`` is one string."""
    names: list[str] = []
    for klass in kind.__mro__[:-1]:
        slots = vars(klass).get("__slots__")
        if slots is None or isinstance(slots, str) or "__dict__" in slots:
            return ()
        names.extend(name for name in slots if name != "__weakref__")
    return tuple(dict.fromkeys(names))


_SLOTS: dict[type, tuple[str, ...]] = {}


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
