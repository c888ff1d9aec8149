"""Ports of users, access control and its records: the users, the audit trail, API tokens, sharing defaults,
idempotency keys and sign-in throttles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.history import Deletion, FieldChange
from leadline.domain.security.access import SharingDefault
from leadline.domain.security.rights import Action, ObjectRights
from leadline.domain.security.sign_in import SignInThrottle, ThrottleKind
from leadline.domain.security.users import Role, User


class DeletionRepository(Protocol):
    """Records deleted outright (``Deletion``), written by the deleting use case (docs/adr/0047)."""

    def add(self, deletion: Deletion) -> None: ...

    def remove(self, record_type: str, record_ids: Iterable[int]) -> None:
        """Forget the deletions of records that live again (an undone merge's, docs/adr/0066)."""
        ...

    def between(self, record_type: str, start: datetime, end: datetime, owner_ids: Iterable[int] | None,
                contact_owner_ids: Iterable[int] | None = None) -> list[Deletion]:
        """Deletions of ``record_type`` in ``[start, end)``, oldest first, of records owned by
        ``owner_ids`` (None: any owner) and, when ``contact_owner_ids`` is given, whose
        ``contact_owner_id`` is one of them (a null one is none of them)."""
        ...

    def earliest(self, record_type: str, owner_ids: Iterable[int] | None = None,
                 contact_owner_ids: Iterable[int] | None = None) -> datetime | None:
        """The oldest moment among the deletions ``between`` answers for these owners, or None."""
        ...


class AuditRepository(Protocol):
    def record(self, action: str, record_type: str, record_id: int | None, actor_id: int | None, at: datetime,
               changes: Mapping[str, tuple[str | None, str | None]] | None = None) -> None: ...

    def record_changes(self, changes: Iterable[FieldChange], action: str = "update") -> None: ...

    def event_values(self, action: str, record_type: str, record_id: int | None, actor_id: int | None,
                     at: datetime, changes: Mapping[str, tuple[str | None, str | None]] | None = None,
                     ) -> dict[str, Any]:
        """The event ``record`` would write, for ``record_many``."""
        ...

    def record_many(self, events: Sequence[dict[str, Any]]) -> None: ...

    def history(self, record_type: RecordType, record_id: int) -> list[FieldChange]: ...


class StoredToken(Protocol):
    """An API token as stored: its hash only, never the token."""

    @property
    def id(self) -> int: ...
    @property
    def user_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def prefix(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def expires_at(self) -> datetime | None: ...
    @property
    def revoked_at(self) -> datetime | None: ...


class TokenRepository(Protocol):
    def add(self, token_id: int, user_id: int, name: str, token_hash: str, prefix: str, created_at: datetime,
            expires_at: datetime | None) -> None: ...

    def find_by_hash(self, token_hash: str) -> StoredToken | None: ...

    def get(self, token_id: int) -> StoredToken | None: ...

    def list_for(self, user_id: int | None) -> Sequence[StoredToken]:
        """The tokens of ``user_id``; everyone's for None."""
        ...

    def revoke(self, token_id: int, at: datetime) -> None: ...


class SharingRepository(Protocol):
    def all(self) -> dict[RecordType, SharingDefault]: ...

    def set(self, record_type: RecordType, access: SharingDefault) -> None: ...


class ObjectRightsRepository(Protocol):
    def all(self) -> ObjectRights: ...

    def set(self, role: Role, action: Action, record_type: RecordType, granted: bool) -> None: ...


class StoredIdempotencyKey(Protocol):
    """A POST's first outcome under a key: the request's fingerprint, then its response."""

    @property
    def fingerprint(self) -> str: ...
    @property
    def status_code(self) -> int: ...
    @property
    def response(self) -> str: ...
    @property
    def response_headers(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...


class IdempotencyRepository(Protocol):
    """Keys and the responses they replay, written in the transaction of the use case they answer."""

    def add(self, actor_id: int, key: str, fingerprint: str, at: datetime, *, status_code: int, body: str,
            headers: Mapping[str, str]) -> None:
        """Keep the response for ``key``, sent now: a key another transaction holds breaks the
        unique rule (a ``ConflictError`` once the unit of work names it)."""
        ...

    def find(self, actor_id: int, key: str) -> StoredIdempotencyKey | None: ...


class SignInThrottleRepository(Protocol):
    def find(self, kind: ThrottleKind, key: str) -> SignInThrottle: ...

    def lock_for_update(self, kind: ThrottleKind, key: str) -> SignInThrottle: ...

    def save(self, throttle: SignInThrottle) -> None: ...

    def forget(self, kind: ThrottleKind, key: str) -> None: ...

    def blocked(self, now: datetime) -> list[SignInThrottle]: ...

    def purge(self, now: datetime) -> None: ...


class UserRepository(Protocol):
    def add(self, user: User, *, created_at: object, password_hash: str | None = None) -> None: ...

    def get(self, user_id: int) -> User | None: ...

    def get_by_email(self, email: str) -> User | None: ...

    def list(self) -> list[User]: ...

    def hierarchy(self) -> dict[int, int | None]: ...

    def manager_of(self, user_id: int) -> int | None: ...

    def save(self, user: User) -> None: ...

    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...

    def password_hash(self, user_id: int) -> str | None: ...
