"""The failed sign-ins of accounts and addresses (rows_sign_in.py), as ``SignInThrottle`` values."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadline.domain.sign_in import RULES, SignInThrottle, ThrottleKind
from leadline.persistence.rows_sign_in import SignInThrottleRow

#: Rows whose last failure is older than every rule's memory, and no longer blocked, are purged.
_KEPT_FOR = max(rule.forget_after for rule in RULES.values())


class SignInThrottleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, kind: ThrottleKind, key: str) -> SignInThrottle:
        """The key's throttle (no failures if none is stored)."""
        row = self.session.get(SignInThrottleRow, (kind, key))
        return _throttle(row) if row is not None else SignInThrottle(kind, key)

    def lock_for_update(self, kind: ThrottleKind, key: str) -> SignInThrottle:
        """The key's throttle, its row created if missing and locked until the transaction ends
        (PostgreSQL; on SQLite the writing transaction holds the database's write lock), so that
        concurrent failures of one key each count."""
        try:
            with self.session.begin_nested():
                self.session.add(SignInThrottleRow(kind=kind, key=key, failures=0, locked=False))
        except IntegrityError:
            pass
        query = (select(SignInThrottleRow).where(SignInThrottleRow.kind == kind, SignInThrottleRow.key == key)
                 .with_for_update().execution_options(populate_existing=True))
        return _throttle(self.session.scalars(query).one())

    def save(self, throttle: SignInThrottle) -> None:
        row = self.session.get(SignInThrottleRow, (throttle.kind, throttle.key))
        if row is None:
            row = SignInThrottleRow(kind=throttle.kind, key=throttle.key)
            self.session.add(row)
        row.failures, row.last_failure_at = throttle.failures, throttle.last_failure_at
        row.blocked_until, row.locked = throttle.blocked_until, throttle.locked
        self.session.flush()

    def forget(self, kind: ThrottleKind, key: str) -> None:
        self.session.execute(delete(SignInThrottleRow).where(SignInThrottleRow.kind == kind,
                                                             SignInThrottleRow.key == key))

    def blocked(self, now: datetime) -> list[SignInThrottle]:
        """Every key that waits or is locked at ``now``, locks first, then by when they end."""
        query = (select(SignInThrottleRow).where(SignInThrottleRow.blocked_until > now)
                 .order_by(SignInThrottleRow.locked.desc(), SignInThrottleRow.blocked_until.desc(),
                           SignInThrottleRow.kind, SignInThrottleRow.key))
        return [_throttle(row) for row in self.session.scalars(query)]

    def purge(self, now: datetime) -> None:
        """Drop what no rule remembers any more (keeps the table as small as the recent failures)."""
        old = now - _KEPT_FOR - timedelta(seconds=1)
        self.session.execute(delete(SignInThrottleRow).where(
            SignInThrottleRow.last_failure_at < old,
            or_(SignInThrottleRow.blocked_until.is_(None), SignInThrottleRow.blocked_until < now)))


def _throttle(row: SignInThrottleRow) -> SignInThrottle:
    return SignInThrottle(ThrottleKind(row.kind), row.key, row.failures, row.last_failure_at, row.blocked_until,
                          bool(row.locked))
