"""In-memory audit trail, API tokens, sharing defaults, idempotency keys and sign-in throttles."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import groupby
from types import MappingProxyType
from typing import Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ConflictError
from leadline.domain.history import Deletion, FieldChange
from leadline.domain.ids import new_id
from leadline.domain.security.access import DEFAULT_SHARING, SharingDefault
from leadline.domain.security.rights import Action, ObjectRights
from leadline.domain.security.sign_in import SignInThrottle, ThrottleKind
from leadline.domain.security.users import Role
from tests.fakes.tables import Tables, copied


class DeletionRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, deletion: Deletion) -> None:
        self.tables.deletions.append(deletion)

    def remove(self, record_type: str, record_ids: Iterable[int]) -> None:
        ids = set(record_ids)
        self.tables.deletions[:] = [d for d in self.tables.deletions
                                    if d.record_type != record_type or d.record_id not in ids]

    def _owned(self, record_type: str, owner_ids: Iterable[int] | None,
               contact_owner_ids: Iterable[int] | None) -> list[Deletion]:
        owners = None if owner_ids is None else set(owner_ids)
        contacts = None if contact_owner_ids is None else set(contact_owner_ids)
        return [d for d in self.tables.deletions if d.record_type == record_type
                and (owners is None or d.owner_id in owners) and (contacts is None or d.contact_owner_id in contacts)]

    def between(self, record_type: str, start: datetime, end: datetime, owner_ids: Iterable[int] | None,
                contact_owner_ids: Iterable[int] | None = None) -> list[Deletion]:
        return sorted((d for d in self._owned(record_type, owner_ids, contact_owner_ids)
                       if start <= d.deleted_at < end), key=lambda d: (d.deleted_at, d.record_id))

    def earliest(self, record_type: str, owner_ids: Iterable[int] | None = None,
                 contact_owner_ids: Iterable[int] | None = None) -> datetime | None:
        return min((d.deleted_at for d in self._owned(record_type, owner_ids, contact_owner_ids)), default=None)


class AuditRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def record(self, action: str, record_type: str, record_id: int | None, actor_id: int | None, at: datetime,
               changes: Mapping[str, tuple[str | None, str | None]] | None = None) -> None:
        self.tables.audit.append({"id": new_id(), "at": at, "actor_id": actor_id, "action": action,
                                  "record_type": record_type, "record_id": record_id,
                                  "changes": json.loads(json.dumps(dict(changes or {})))})

    @staticmethod
    def event_values(action: str, record_type: str, record_id: int | None, actor_id: int | None, at: datetime,
                     changes: Mapping[str, tuple[str | None, str | None]] | None = None) -> dict[str, Any]:
        return {"id": new_id(), "at": at, "actor_id": actor_id, "action": action, "record_type": record_type,
                "record_id": record_id, "changes": json.dumps(dict(changes or {}))}

    def record_many(self, events: Sequence[dict[str, Any]]) -> None:
        self.tables.audit.extend({**event, "changes": json.loads(event["changes"])} for event in events)

    def record_changes(self, changes: Iterable[FieldChange], action: str = "update") -> None:
        def key(change: FieldChange) -> tuple[Any, ...]:
            return change.record_type.value, change.record_id, change.actor_id, change.changed_at

        for (record_type, record_id, actor_id, at), group in groupby(changes, key=key):
            self.record(action, record_type, record_id, actor_id, at,
                        {c.field: (c.old_value, c.new_value) for c in group})

    def history(self, record_type: RecordType, record_id: int) -> list[FieldChange]:
        events = sorted((e for e in self.tables.audit
                         if (e["record_type"], e["record_id"]) == (record_type.value, record_id)),
                        key=lambda e: (e["at"], e["id"]))
        return [FieldChange(record_type, record_id, name, before, after, e["actor_id"], e["at"])
                for e in events for name, (before, after) in e["changes"].items()]

    def events(self, record_type: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Newest first, as the SQL repository's (tests read the audit trail through it)."""
        chosen = [e for e in self.tables.audit if not record_type or e["record_type"] == record_type]
        return [copied(e) for e in sorted(chosen, key=lambda e: (e["at"], e["id"]), reverse=True)[:limit]]


@dataclass
class StoredToken:
    id: int
    user_id: int
    name: str
    token_hash: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None = None


class TokenRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, token_id: int, user_id: int, name: str, token_hash: str, prefix: str, created_at: datetime,
            expires_at: datetime | None) -> None:
        self.tables.tokens[token_id] = StoredToken(token_id, user_id, name, token_hash, prefix, created_at, expires_at)

    def find_by_hash(self, token_hash: str) -> StoredToken | None:
        return next((copied(t) for t in self.tables.tokens.values() if t.token_hash == token_hash), None)

    def get(self, token_id: int) -> StoredToken | None:
        return copied(self.tables.tokens.get(token_id))

    def list_for(self, user_id: int | None) -> list[StoredToken]:
        chosen = (t for t in self.tables.tokens.values() if user_id is None or t.user_id == user_id)
        return [copied(t) for t in sorted(chosen, key=lambda t: t.created_at, reverse=True)]

    def revoke(self, token_id: int, at: datetime) -> None:
        self.tables.tokens[token_id].revoked_at = at


class SharingRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def all(self) -> dict[RecordType, SharingDefault]:
        return {kind: self.tables.sharing.get(kind, default) for kind, default in DEFAULT_SHARING.items()}

    def set(self, record_type: RecordType, access: SharingDefault) -> None:
        self.tables.sharing[record_type] = access


class ObjectRightsRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def all(self) -> ObjectRights:
        return ObjectRights(MappingProxyType(dict(self.tables.rights)))

    def set(self, role: Role, action: Action, record_type: RecordType, granted: bool) -> None:
        self.tables.rights[(role, action, record_type)] = granted


@dataclass
class StoredIdempotencyKey:
    fingerprint: str
    created_at: datetime
    status_code: int
    response: str
    response_headers: str | None = None


class IdempotencyRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, actor_id: int, key: str, fingerprint: str, at: datetime, *, status_code: int, body: str,
            headers: Mapping[str, str]) -> None:
        if (actor_id, key) in self.tables.idempotency:
            raise ConflictError(f"the idempotency key {key!r} is already stored")
        self.tables.idempotency[actor_id, key] = StoredIdempotencyKey(
            fingerprint, at, status_code, body, json.dumps(dict(headers)) if headers else None)

    def find(self, actor_id: int, key: str) -> StoredIdempotencyKey | None:
        return copied(self.tables.idempotency.get((actor_id, key)))


class SignInThrottleRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def find(self, kind: ThrottleKind, key: str) -> SignInThrottle:
        return replace(self.tables.throttles.get((kind, key), SignInThrottle(kind, key)))

    def lock_for_update(self, kind: ThrottleKind, key: str) -> SignInThrottle:
        return self.find(kind, key)

    def save(self, throttle: SignInThrottle) -> None:
        self.tables.throttles[throttle.kind, throttle.key] = replace(throttle)

    def forget(self, kind: ThrottleKind, key: str) -> None:
        self.tables.throttles.pop((kind, key), None)

    def blocked(self, now: datetime) -> list[SignInThrottle]:
        chosen = [t for t in self.tables.throttles.values() if t.blocked_until is not None and t.blocked_until > now]
        return sorted(chosen, key=lambda t: (not t.locked, -(t.blocked_until or now).timestamp(), t.kind, t.key))

    def purge(self, now: datetime) -> None:
        """Nothing to keep small in memory: every key is kept."""
