"""Repositories of users, the audit trail, API tokens, sharing defaults, object rights, idempotency keys and
sign-in throttles. They never commit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import groupby
from types import MappingProxyType
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.history import FieldChange
from leadline.domain.ids import new_id
from leadline.domain.security.access import DEFAULT_SHARING, SharingDefault
from leadline.domain.security.rights import Action, ObjectRights
from leadline.domain.security.sign_in import RULES, SignInThrottle, ThrottleKind
from leadline.domain.security.users import Role, User
from leadline.persistence.bulk_rows import insert_rows
from leadline.persistence.json_columns import json_encoder
from leadline.persistence.mapping import copy_onto, to_domain, to_row
from leadline.persistence.security.rows import (
    ApiTokenRow,
    AuditEventRow,
    IdempotencyKeyRow,
    ObjectRightRow,
    SharingDefaultRow,
    SignInThrottleRow,
    UserRow,
)


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User, *, created_at: object, password_hash: str | None = None) -> None:
        row = to_row(UserRow, user)
        row.created_at = created_at  # type: ignore[assignment]
        row.password_hash = password_hash
        self.session.add(row)

    def get(self, user_id: int) -> User | None:
        row = self.session.get(UserRow, user_id)
        return to_domain(User, row) if row else None

    def get_many(self, user_ids: Iterable[int]) -> dict[int, User]:
        ids = list(user_ids)
        rows = self.session.scalars(select(UserRow).where(UserRow.id.in_(ids))) if ids else []
        return {r.id: to_domain(User, r) for r in rows}

    def get_by_email(self, email: str) -> User | None:
        row = self.session.scalar(select(UserRow).where(func.lower(UserRow.email) == email.lower()))
        return to_domain(User, row) if row else None

    def list(self) -> list[User]:
        rows = self.session.scalars(select(UserRow).order_by(UserRow.name))
        return [to_domain(User, r) for r in rows]

    def hierarchy(self) -> dict[int, int | None]:
        """Every user's manager: the role hierarchy in one query."""
        return {uid: manager for uid, manager in self.session.execute(select(UserRow.id, UserRow.manager_id))}

    def manager_of(self, user_id: int) -> int | None:
        return self.session.scalar(select(UserRow.manager_id).where(UserRow.id == user_id))

    def save(self, user: User) -> None:
        row = self.session.get(UserRow, user.id)
        assert row is not None
        copy_onto(row, user)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        row = self.session.get(UserRow, user_id)
        assert row is not None
        row.password_hash = password_hash

    def password_hash(self, user_id: int) -> str | None:
        return self.session.scalar(select(UserRow.password_hash).where(UserRow.id == user_id))


_INSERT_EVENT = insert(AuditEventRow.__table__)  # built once; values go as parameters
_CHANGES_JSON = json_encoder()  # json.dumps of an event's changes, its C encoder made once


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, action: str, record_type: str, record_id: int | None, actor_id: int | None, at: datetime,
               changes: Mapping[str, tuple[str | None, str | None]] | None = None) -> None:
        """One audit event; ``changes`` maps each field to its (before, after) rendered values."""
        event = self.event_values(action, record_type, record_id, actor_id, at, changes)
        self.session.connection().execute(_INSERT_EVENT, event)

    @staticmethod
    def event_values(action: str, record_type: str, record_id: int | None, actor_id: int | None, at: datetime,
                     changes: Mapping[str, tuple[str | None, str | None]] | None = None) -> dict[str, Any]:
        """The row ``record`` writes (with a new id), for ``record_many``; each (before, after) is a JSON list."""
        return {"id": new_id(), "at": at, "actor_id": actor_id, "action": action, "record_type": record_type,
                "record_id": record_id, "changes": _CHANGES_JSON(dict(changes or {}))}

    def record_many(self, events: Sequence[dict[str, Any]]) -> None:
        """Insert many audit events (rows of ``event_values``) with one executemany."""
        insert_rows(self.session, AuditEventRow.__table__, events)

    def record_changes(self, changes: Iterable[FieldChange], action: str = "update") -> None:
        """Field changes as audit events: one event per record, actor and moment."""
        for event in self.change_events(changes, action):
            self.session.connection().execute(_INSERT_EVENT, event)

    @classmethod
    def change_events(cls, changes: Iterable[FieldChange], action: str = "update") -> list[dict[str, Any]]:
        """The rows ``record_changes`` writes: one event per record, actor and moment."""
        def key(change: FieldChange) -> tuple[Any, ...]:
            return change.record_type.value, change.record_id, change.actor_id, change.changed_at

        return [cls.event_values(action, record_type, record_id, actor_id, at,
                                 {c.field: (c.old_value, c.new_value) for c in group})
                for (record_type, record_id, actor_id, at), group in groupby(changes, key=key)]

    def history(self, record_type: RecordType, record_id: int) -> list[FieldChange]:
        """The record's field history, oldest first, expanded from its audit events."""
        query = (
            select(AuditEventRow)
            .where(AuditEventRow.record_type == record_type.value, AuditEventRow.record_id == record_id)
            .order_by(AuditEventRow.at, AuditEventRow.id)
        )
        return [
            FieldChange(record_type, record_id, name, before, after, row.actor_id, row.at)
            for row in self.session.scalars(query)
            for name, (before, after) in json.loads(row.changes).items()
        ]

    def events(self, record_type: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        query = select(AuditEventRow).order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc()).limit(limit)
        if record_type:
            query = query.where(AuditEventRow.record_type == record_type)
        return [{"id": r.id, "at": r.at, "actor_id": r.actor_id, "action": r.action, "record_type": r.record_type,
                 "record_id": r.record_id, "changes": json.loads(r.changes)} for r in self.session.scalars(query)]


class TokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token_id: int, user_id: int, name: str, token_hash: str, prefix: str, created_at: datetime,
            expires_at: datetime | None) -> None:
        self.session.add(ApiTokenRow(id=token_id, user_id=user_id, name=name, token_hash=token_hash, prefix=prefix,
                                     created_at=created_at, expires_at=expires_at))

    def find_by_hash(self, token_hash: str) -> ApiTokenRow | None:
        return self.session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash))

    def get(self, token_id: int) -> ApiTokenRow | None:
        return self.session.get(ApiTokenRow, token_id)

    def list_for(self, user_id: int | None) -> list[ApiTokenRow]:
        query = select(ApiTokenRow).order_by(ApiTokenRow.created_at.desc(), ApiTokenRow.id.desc())
        if user_id is not None:
            query = query.where(ApiTokenRow.user_id == user_id)
        return list(self.session.scalars(query))

    def revoke(self, token_id: int, at: datetime) -> None:
        self.session.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(revoked_at=at))


class SharingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> dict[RecordType, SharingDefault]:
        stored = {r.record_type: r.access for r in self.session.scalars(select(SharingDefaultRow))}
        return {kind: stored.get(kind, default) for kind, default in DEFAULT_SHARING.items()}

    def set(self, record_type: RecordType, access: SharingDefault) -> None:
        row = self.session.get(SharingDefaultRow, record_type)
        if row is None:
            self.session.add(SharingDefaultRow(record_type=record_type, access=access))
        else:
            row.access = access


class ObjectRightsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> ObjectRights:
        """The rights as stored (what has no row is granted)."""
        rows = self.session.scalars(select(ObjectRightRow))
        return ObjectRights(MappingProxyType({(r.role, r.action, r.record_type): r.granted for r in rows}))

    def set(self, role: Role, action: Action, record_type: RecordType, granted: bool) -> None:
        row = self.session.get(ObjectRightRow, (role, record_type, action))
        if row is None:
            self.session.add(ObjectRightRow(role=role, record_type=record_type, action=action, granted=granted))
        else:
            row.granted = granted


class IdempotencyRepository:
    """Keys and the responses they replay, written in the transaction of the use case they
    answer (services/security/idempotency.py), so a key is stored exactly when its records are."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, actor_id: int, key: str, fingerprint: str, at: datetime, *, status_code: int, body: str,
            headers: Mapping[str, str]) -> None:
        """Keep the response for ``key``, sent now: a key another transaction holds makes this
        one wait for it (PostgreSQL) and then breaks the unique rule, an ``IntegrityError``."""
        self.session.add(IdempotencyKeyRow(id=new_id(), actor_id=actor_id, key=key, fingerprint=fingerprint,
                                           status_code=status_code, response=body,
                                           response_headers=json.dumps(dict(headers)) if headers else None,
                                           created_at=at))
        self.session.flush()

    def find(self, actor_id: int, key: str) -> IdempotencyKeyRow | None:
        query = select(IdempotencyKeyRow).where(IdempotencyKeyRow.actor_id == actor_id, IdempotencyKeyRow.key == key)
        return self.session.scalar(query)


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
