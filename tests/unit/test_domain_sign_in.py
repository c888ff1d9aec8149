"""Sign-in throttling rules: free failures, doubling waits, a lockout, forgetting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadline.domain.security.sign_in import (
    ACCOUNT_RULE,
    ADDRESS_RULE,
    SignInThrottle,
    SignInThrottledError,
    ThrottleKind,
    account_key,
    can_sign_in,
    ensure_can_sign_in,
)
from tests.unit.builders import raises_error

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def failed(times: int, kind: ThrottleKind = ThrottleKind.ACCOUNT, step: timedelta | None = None) -> SignInThrottle:
    """A key after ``times`` failures, each tried as soon as it was allowed (or ``step`` apart)."""
    throttle, now = SignInThrottle(kind, "sam@example.com"), T0
    for _ in range(times):
        now = max(now, throttle.blocked_until or now) + (step or timedelta(0))
        throttle = throttle.fail(now)
    return throttle


def test_the_first_three_account_failures_cost_no_wait_then_waits_double_up_to_the_cap() -> None:
    waits = [ACCOUNT_RULE.delay_after(n).total_seconds() for n in range(1, 10)]
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32]
    assert ACCOUNT_RULE.delay_after(40) == ACCOUNT_RULE.max_delay


def test_a_key_that_must_wait_refuses_with_the_whole_seconds_left() -> None:
    throttle = failed(5)  # waits 2 s after its fifth failure
    assert throttle.blocked_until is not None and not throttle.locked
    assert not throttle.can_attempt(throttle.blocked_until - timedelta(milliseconds=1500))
    with raises_error(SignInThrottledError, code="SIGN_IN_THROTTLED", field="email") as caught:
        throttle.ensure_can_attempt(throttle.blocked_until - timedelta(milliseconds=1500))
    assert caught.value.retry_after == 2
    assert throttle.can_attempt(throttle.blocked_until)


def test_the_tenth_account_failure_locks_it_for_fifteen_minutes() -> None:
    nine, ten = failed(9), failed(10)
    assert not nine.locked
    assert ten.locked and ten.failures == 10
    assert ten.blocked_until == ten.last_failure_at + timedelta(minutes=15)


def test_an_address_gets_ten_free_failures_and_locks_at_thirty() -> None:
    assert failed(10, ThrottleKind.ADDRESS).blocked_until is None
    assert failed(11, ThrottleKind.ADDRESS).blocked_until is not None
    assert not failed(29, ThrottleKind.ADDRESS).locked and failed(30, ThrottleKind.ADDRESS).locked
    assert ADDRESS_RULE.lockout == timedelta(minutes=15)


def test_failures_are_forgotten_an_hour_after_the_last_and_when_a_lock_ends() -> None:
    three = failed(3)
    assert three.fail(three.last_failure_at + timedelta(minutes=59)).failures == 4
    assert three.fail(three.last_failure_at + timedelta(hours=1)).failures == 1
    locked = failed(10)
    assert locked.fail(locked.blocked_until).failures == 1


def test_a_sign_in_waits_for_the_longest_of_its_throttles() -> None:
    account, address = failed(5), failed(25, ThrottleKind.ADDRESS)
    now = account.last_failure_at
    assert not can_sign_in([account, address], now)
    with raises_error(SignInThrottledError, code="SIGN_IN_THROTTLED", field="email") as caught:
        ensure_can_sign_in([account, address], now)
    assert caught.value.retry_after == int((max(account.blocked_until, address.blocked_until) - now).total_seconds())
    assert can_sign_in([SignInThrottle(ThrottleKind.ACCOUNT, "x")], now)


def test_an_account_key_is_the_trimmed_lower_cased_email_known_or_not() -> None:
    assert account_key("  Sam@Example.COM ") == "sam@example.com"


def test_a_failure_checked_concurrently_still_counts_and_never_shortens_a_wait() -> None:
    # given a key locked by its tenth failure, when an attempt checked just before the lock fails too
    locked = failed(10)
    later = locked.fail(locked.last_failure_at + timedelta(seconds=1))
    # then it counts, and the key stays locked at least as long
    assert later.failures == 11 and later.is_locked(later.last_failure_at)
    assert later.blocked_until >= locked.blocked_until
    waiting = failed(8)  # waits 16 s
    counted = waiting.fail(waiting.last_failure_at)
    assert counted.failures == 9 and counted.blocked_until == waiting.last_failure_at + timedelta(seconds=32)
