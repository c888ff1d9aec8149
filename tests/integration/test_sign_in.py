"""Signing in with a password, throttled per account and per address, on SQLite and PostgreSQL:
the state is in the database (another process sees it), locks are audited and an admin lifts them."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine

from leadline.domain.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from leadline.domain.security.sign_in import SignInThrottledError, ThrottleKind
from leadline.persistence.database import make_engine
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.context import ServiceContext
from leadline.services.security import auth, users
from leadline.services.security.passwords import PasswordHashing
from leadline.services.security.sign_in import authenticate_password, lift_sign_in_lock, list_sign_in_locks
from tests.conftest import FakeClock

RIGHT, WRONG = "correct horse battery", "wrong horse battery!"


class QuickHasher:
    """A fast stand-in for argon2 behind the same interface (argon2 itself: tests/unit/test_passwords.py)."""

    def hash(self, password: str) -> str:
        return hashlib.sha256(password.encode()).hexdigest()

    def verify(self, hash: str, password: str) -> bool:
        if hash != self.hash(password):
            from argon2.exceptions import VerifyMismatchError

            raise VerifyMismatchError
        return True


@pytest.fixture
def quick(ctx: ServiceContext, admin_id: int) -> ServiceContext:
    """The test's context with quick hashing, and Ada's password set."""
    fast = replace(ctx, passwords=PasswordHashing(1, QuickHasher()))
    auth.set_password(fast, admin_id, admin_id, RIGHT)
    return fast


def attempt(ctx: ServiceContext, password: str, email: str = "ada@example.com", address: str = "198.51.100.7") -> Any:
    """The user id, or the error the sign-in raised."""
    try:
        return authenticate_password(ctx, email, password, address=address)
    except (AuthenticationError, SignInThrottledError) as error:
        return error


def fail_until_locked(ctx: ServiceContext, clock: FakeClock, email: str = "ada@example.com",
                      address: str = "198.51.100.7") -> list[str]:
    """Wrong passwords, each as soon as allowed, until the account is locked (a wait longer than
    any delay); the codes answered on the way."""
    codes: list[str] = []
    while True:
        outcome = attempt(ctx, WRONG, email, address)
        codes.append(outcome.code)
        if isinstance(outcome, SignInThrottledError):
            if outcome.retry_after > 60:
                return codes
            clock.advance(seconds=outcome.retry_after)


def test_wrong_passwords_slow_then_lock_the_account_and_the_right_one_then_gets_the_same_answer(
        quick: ServiceContext, clock: FakeClock, admin_id: int) -> None:
    # given three free failures, the fourth makes the next attempt wait a second
    assert [attempt(quick, WRONG).code for _ in range(4)] == ["AUTHENTICATION_FAILED"] * 4
    refused = attempt(quick, RIGHT)
    assert (refused.code, refused.retry_after) == ("SIGN_IN_THROTTLED", 1)
    clock.advance(seconds=1)
    # when wrong passwords go on until the tenth failure
    codes = fail_until_locked(quick, clock)
    assert codes.count("AUTHENTICATION_FAILED") == 10 - 4
    # then the right password is answered exactly like a wrong one for 15 minutes
    right, wrong = attempt(quick, RIGHT), attempt(quick, WRONG)
    assert (right.code, right.retry_after, str(right)) == (wrong.code, wrong.retry_after, str(wrong))
    assert right.retry_after == 15 * 60
    clock.advance(minutes=15)
    assert attempt(quick, RIGHT) == admin_id


def test_a_lock_is_audited_listed_and_lifted_by_an_admin_only(quick: ServiceContext, clock: FakeClock,
                                                             admin_id: int) -> None:
    rep = users.add_user(quick, admin_id, name="Sam", email="sam@example.com")
    fail_until_locked(quick, clock)
    locks = list_sign_in_locks(quick, admin_id)
    assert [(t.kind, t.key, t.locked) for t in locks] == [(ThrottleKind.ACCOUNT, "ada@example.com", True)]
    with pytest.raises(PermissionDeniedError):
        lift_sign_in_lock(quick, rep.id, email="ada@example.com")
    lifted = lift_sign_in_lock(quick, admin_id, email="ADA@example.com ")
    assert [t.key for t in lifted] == ["ada@example.com"]
    assert attempt(quick, RIGHT) == admin_id
    with quick.reader() as uow:
        events = [(e["action"], e["actor_id"], e["record_id"]) for e in uow.audit.events("sign_in")]
    assert events == [("unlock", admin_id, admin_id), ("lock", None, admin_id)]
    with pytest.raises(NotFoundError):
        lift_sign_in_lock(quick, admin_id, email="ada@example.com")


def test_an_unknown_email_is_throttled_exactly_like_a_known_one(quick: ServiceContext, clock: FakeClock) -> None:
    known = fail_until_locked(quick, clock, email="ada@example.com", address="192.0.2.1")
    unknown = fail_until_locked(quick, clock, email="nobody@example.com", address="192.0.2.2")
    assert known == unknown
    assert attempt(quick, WRONG, "nobody@example.com", "192.0.2.2").retry_after == 15 * 60


def test_one_address_guessing_at_many_accounts_is_locked_while_others_still_sign_in(
        quick: ServiceContext, clock: FakeClock, admin_id: int) -> None:
    for n in range(30):  # one failure for each of thirty accounts, each as soon as the address may
        outcome = attempt(quick, WRONG, f"user{n}@example.com", "203.0.113.9")
        if isinstance(outcome, SignInThrottledError):
            assert outcome.retry_after <= 60
            clock.advance(seconds=outcome.retry_after)
            outcome = attempt(quick, WRONG, f"user{n}@example.com", "203.0.113.9")
        assert outcome.code == "AUTHENTICATION_FAILED"
    assert attempt(quick, RIGHT, address="203.0.113.9").retry_after == 15 * 60
    assert attempt(quick, RIGHT, address="203.0.113.10") == admin_id
    lift_sign_in_lock(quick, admin_id, address="203.0.113.9")
    assert attempt(quick, RIGHT, address="203.0.113.9") == admin_id


def test_a_success_forgets_the_accounts_failures_but_not_the_addresss(quick: ServiceContext, admin_id: int) -> None:
    for _ in range(3):
        attempt(quick, WRONG)
    assert attempt(quick, RIGHT) == admin_id
    with quick.reader() as uow:
        account = uow.sign_in_throttles.find(ThrottleKind.ACCOUNT, "ada@example.com")
        address = uow.sign_in_throttles.find(ThrottleKind.ADDRESS, "198.51.100.7")
    assert (account.failures, address.failures) == (0, 3)


def test_another_process_and_a_restart_see_the_same_lock(quick: ServiceContext, clock: FakeClock,
                                                         engine: Engine) -> None:
    fail_until_locked(quick, clock)
    # a second engine stands for another worker process, or the server after a restart
    other_engine = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        other = replace(quick, uow_factory=lambda read_only=False: SqlUnitOfWork(other_engine, read_only=read_only))
        assert attempt(other, RIGHT).code == "SIGN_IN_THROTTLED"
        clock.advance(minutes=15)
        assert attempt(other, RIGHT) == attempt(quick, RIGHT)
    finally:
        other_engine.dispose()


def test_old_failures_are_purged_from_the_table(quick: ServiceContext, clock: FakeClock) -> None:
    attempt(quick, WRONG, "old@example.com", "192.0.2.50")
    clock.advance(hours=2)
    attempt(quick, WRONG, "new@example.com", "192.0.2.51")
    with quick.reader() as uow:
        kept = {uow.sign_in_throttles.find(kind, key).failures for kind, key in [
            (ThrottleKind.ACCOUNT, "old@example.com"), (ThrottleKind.ADDRESS, "192.0.2.50")]}
    assert kept == {0}
