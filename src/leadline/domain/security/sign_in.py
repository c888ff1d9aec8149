"""Sign-in throttling: failed password sign-ins slow down, then lock, an account and an address.

Each failed sign-in counts against two keys: the account (the e-mail as typed, lower-cased, so an
unknown address is throttled exactly like a known one and throttling reveals nothing) and the
client address. Per key, and by a ``ThrottleRule``:

* the first ``free_failures`` failures cost nothing;
* each further one makes the key wait before its next attempt: ``first_delay``, then twice as long
  each time, at most ``max_delay``;
* the ``lockout_after``-th failure locks the key for ``lockout``; the lock is audited, and an admin
  may lift it early;
* failures are forgotten ``forget_after`` the last one, and when a lock ends.

While a key waits or is locked, no password is checked for it: the right password gets the same
answer as a wrong one (429 with ``Retry-After``), so a locked account does not confirm a guess. An
attempt refused this way does not count as a failure. A successful sign-in forgets the account's
failures (not the address's: one good account must not wash an address's guesses at others).

Example (the account rule): failures 1-3 free, 4 waits 1 s, 5 waits 2 s, ... 9 waits 32 s, the
10th locks for 15 minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from leadline.domain.errors import LeadlineError


class ThrottleKind(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True)
class ThrottleRule:
    free_failures: int
    first_delay: timedelta
    max_delay: timedelta
    lockout_after: int
    lockout: timedelta
    forget_after: timedelta

    def delay_after(self, failures: int) -> timedelta:
        """How long a key waits after its ``failures``-th failure (before any lockout)."""
        if failures <= self.free_failures:
            return timedelta(0)
        doublings = min(failures - self.free_failures - 1, 30)
        delay: timedelta = self.first_delay * (2 ** doublings)
        return min(delay, self.max_delay)


#: Per account: ten guesses, then a 15-minute lock.
ACCOUNT_RULE = ThrottleRule(free_failures=3, first_delay=timedelta(seconds=1), max_delay=timedelta(seconds=60),
                            lockout_after=10, lockout=timedelta(minutes=15), forget_after=timedelta(hours=1))
#: Per address: looser, since an office shares one address; it stops one client guessing at many accounts.
ADDRESS_RULE = ThrottleRule(free_failures=10, first_delay=timedelta(seconds=1), max_delay=timedelta(seconds=60),
                            lockout_after=30, lockout=timedelta(minutes=15), forget_after=timedelta(hours=1))
RULES = {ThrottleKind.ACCOUNT: ACCOUNT_RULE, ThrottleKind.ADDRESS: ADDRESS_RULE}


class SignInThrottledError(LeadlineError):
    """Too many failed sign-ins for this account or from this address: wait ``retry_after`` seconds
    (or for an admin to lift the lock). Carries no hint whether the password was right."""

    code = "SIGN_IN_THROTTLED"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s", field="email")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignInThrottle:
    """The failures of one key (an account or an address) and until when it must wait."""

    kind: ThrottleKind
    key: str
    failures: int = 0
    last_failure_at: datetime | None = None
    blocked_until: datetime | None = None
    locked: bool = False

    @property
    def rule(self) -> ThrottleRule:
        return RULES[self.kind]

    def can_attempt(self, now: datetime) -> bool:
        """Whether a password may be checked for this key now."""
        return self.blocked_until is None or now >= self.blocked_until

    def ensure_can_attempt(self, now: datetime) -> None:
        """Raise ``SignInThrottledError`` with the whole seconds left while the key waits or is locked."""
        ensure_can_sign_in([self], now)

    def is_stale(self, now: datetime) -> bool:
        """Nothing left to remember: the lock or wait is over and the failures are forgotten."""
        if not self.can_attempt(now):
            return False
        if self.locked:
            return True
        return self.last_failure_at is None or now - self.last_failure_at >= self.rule.forget_after

    def fail(self, now: datetime) -> SignInThrottle:
        """The key after one more failed sign-in at ``now`` (starting afresh if its past is forgotten).
        A failure never shortens a wait already running (one checked concurrently, before the key
        had to wait, still counts)."""
        stale = self.is_stale(now)
        failures = 1 if stale else self.failures + 1
        rule = self.rule
        locked = failures >= rule.lockout_after or (self.locked and not stale)
        delay = rule.lockout if failures >= rule.lockout_after else rule.delay_after(failures)
        until = [moment for moment in (now + delay if delay else None, None if stale else self.blocked_until)
                 if moment is not None]
        return replace(self, failures=failures, last_failure_at=now, blocked_until=max(until, default=None),
                       locked=locked)

    def is_locked(self, now: datetime) -> bool:
        """Whether the key is locked (not merely waiting) at ``now``."""
        return self.locked and not self.can_attempt(now)


def account_key(email: str) -> str:
    """The account key of an e-mail as typed: trimmed and lower-cased, known user or not."""
    return email.strip().lower()[:254]


def can_sign_in(throttles: list[SignInThrottle], now: datetime) -> bool:
    """Whether a password may be checked now for a sign-in that counts against all ``throttles``."""
    return all(throttle.can_attempt(now) for throttle in throttles)


def ensure_can_sign_in(throttles: list[SignInThrottle], now: datetime) -> None:
    """Raise ``SignInThrottledError`` with the longest wait of ``throttles`` if any must wait."""
    waits = [t.blocked_until for t in throttles if not t.can_attempt(now) and t.blocked_until is not None]
    if waits:
        raise SignInThrottledError(max(1, math.ceil((max(waits) - now).total_seconds())))
