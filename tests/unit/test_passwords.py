"""Password hashing: argon2, at most ``limit`` hashes at once per process."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from leadline.domain.errors import ValidationError
from leadline.services.security.passwords import PasswordHashing
from tests.unit.builders import raises_error

WAIT = 30  # seconds: only a safety net against a hang, never a timing assertion


class HeldHasher:
    """A hasher of our interface that holds every hash until ``release`` and records the most
    hashes it ever ran at once."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.running = self.most_at_once = 0
        self.released = threading.Event()

    def hash(self, password: str) -> str:
        with self.changed:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.changed.notify_all()
        self.released.wait(WAIT)
        with self.changed:
            self.running -= 1
        return f"hashed:{password}"

    def verify(self, hash: str, password: str) -> bool:
        self.hash(password)
        return hash == f"hashed:{password}"


@pytest.mark.parametrize("limit", [1, 2])
def test_no_more_than_limit_hashes_run_at_once_and_the_rest_wait(limit: int) -> None:
    hasher = HeldHasher()
    hashing = PasswordHashing(limit, hasher)
    with ThreadPoolExecutor(6) as pool:
        # given six sign-ins checking passwords at once while hashes are held
        results = [pool.submit(hashing.matches, "hashed:correct horse battery", "correct horse battery")
                   for _ in range(6)]
        with hasher.changed:
            assert hasher.changed.wait_for(lambda: hasher.running == limit, WAIT)
        with hashing.changed:
            assert hashing.changed.wait_for(lambda: hashing.waiting == 6 - limit, WAIT)
        # then exactly `limit` run and the others wait for a slot
        assert (hashing.running, hasher.running) == (limit, limit)
        hasher.released.set()
        assert [r.result(WAIT) for r in results] == [True] * 6
    assert hasher.most_at_once == limit
    assert (hashing.running, hashing.waiting) == (0, 0)


def test_real_argon2_hashes_check_and_refuse_a_short_password() -> None:
    hashing = PasswordHashing(2)
    stored = hashing.hash("correct horse battery")
    assert stored.startswith("$argon2")
    assert hashing.matches(stored, "correct horse battery")
    assert not hashing.matches(stored, "wrong horse battery")
    assert not hashing.matches(None, "correct horse battery")  # no user: checked against a dummy, refused
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="password"):
        hashing.hash("short")


def test_at_least_one_hash_must_be_allowed() -> None:
    with pytest.raises(ValueError):
        PasswordHashing(0)
