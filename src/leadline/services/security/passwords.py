"""Password hashing with argon2 (a slow, salted hash: passwords are guessable, tokens are not),
at most ``limit`` hashes at once per process.

An argon2 hash takes tens of milliseconds of CPU and 64 MiB; a burst of sign-ins must not take
every core and thread from the other requests. ``PasswordHashing`` bounds how many hashes run at
once (more wait their turn); the API runs sign-ins in threads of their own, so waiting ones never
hold a write thread (api/configuration/admin.py, docs/adr/0010).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from leadline.domain.errors import ValidationError

MIN_PASSWORD_LENGTH = 12
_T = TypeVar("_T")
DUMMY_PASSWORD = "leadline-dummy-password"


class Hasher(Protocol):
    """What ``PasswordHashing`` needs of argon2's ``PasswordHasher``."""

    def hash(self, password: str) -> str: ...

    def verify(self, hash: str, password: str) -> bool: ...


class PasswordHashing:
    """Hashes and checks passwords, at most ``limit`` at a time (the rest wait)."""

    def __init__(self, limit: int = 1, hasher: Hasher | None = None) -> None:
        if limit < 1:
            raise ValueError("at least one password hash must be allowed at a time")
        self.limit = limit
        self._hasher: Hasher = hasher or PasswordHasher()
        self._slots = threading.BoundedSemaphore(limit)
        self._dummy: str | None = None
        #: hashes running now, and callers waiting for a slot; ``changed`` is notified as they move
        self.running = 0
        self.waiting = 0
        self.changed = threading.Condition()

    def hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationError(f"must be at least {MIN_PASSWORD_LENGTH} characters", field="password")
        return self._bounded(lambda: self._hasher.hash(password))

    def matches(self, stored: str | None, password: str) -> bool:
        """Checks against a dummy hash when there is none, so a missing user takes as long as a wrong password."""
        def check() -> bool:
            try:
                self._hasher.verify(stored or self._dummy_hash(), password)
            except (VerificationError, InvalidHashError):
                return False
            return stored is not None

        return self._bounded(check)

    def _dummy_hash(self) -> str:
        """Made on first sign-in, not at start: every CLI start would otherwise pay for one hash."""
        if self._dummy is None:
            self._dummy = self._hasher.hash(DUMMY_PASSWORD)
        return self._dummy

    def _bounded(self, work: Callable[[], _T]) -> _T:
        self._count(waiting=1)
        self._slots.acquire()
        self._count(waiting=-1, running=1)
        try:
            return work()
        finally:
            self._count(running=-1)
            self._slots.release()

    def _count(self, *, waiting: int = 0, running: int = 0) -> None:
        with self.changed:
            self.waiting += waiting
            self.running += running
            self.changed.notify_all()

