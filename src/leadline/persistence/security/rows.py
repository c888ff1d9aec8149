"""Rows of users, access control and the audit trail: users, API tokens, sharing defaults, object rights,
idempotency keys, audit events, and the failed sign-ins of each account and client address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.security.access import SharingDefault
from leadline.domain.security.rights import Action
from leadline.domain.security.sign_in import ThrottleKind
from leadline.domain.security.users import Role
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, UtcDateTime


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[Role] = mapped_column(EnumText(Role))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiTokenRow(Base):
    """Only a SHA-256 of the token is kept (tokens are 256-bit random, so a slow hash adds nothing)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = id_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SharingDefaultRow(Base):
    __tablename__ = "sharing_defaults"
    record_type: Mapped[RecordType] = mapped_column(EnumText(RecordType), primary_key=True)
    access: Mapped[SharingDefault] = mapped_column(EnumText(SharingDefault))


class ObjectRightRow(Base):
    """One object right an admin set for a role (granted or not); a right with no row is granted."""

    __tablename__ = "object_rights"
    role: Mapped[Role] = mapped_column(EnumText(Role), primary_key=True)
    record_type: Mapped[RecordType] = mapped_column(EnumText(RecordType), primary_key=True)
    action: Mapped[Action] = mapped_column(EnumText(Action), primary_key=True)
    granted: Mapped[bool] = mapped_column(Boolean)


class IdempotencyKeyRow(Base):
    """A POST's first outcome, replayed to retries with the same key from the same user; written
    in the transaction of the records it answers for (services/security/idempotency.py)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("actor_id", "key"),)
    id: Mapped[int] = id_column()
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)
    #: JSON object of the response headers a replay repeats (ETag, Location)
    response_headers: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class AuditEventRow(Base):
    """Every write: who, when, what action on which record, and each changed field's before and
    after (JSON ``{"field": [before, after]}``). Field history of a record is read from here."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_record", "record_type", "record_id", "at"),)
    id: Mapped[int] = id_column()
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    changes: Mapped[str] = mapped_column(Text)


class DeletedRecordRow(Base):
    """A record deleted outright, kept for Salesforce's ``deleted/`` (docs/adr/0047): its type,
    id, owner (whose records a reader may see) and moment, written in the deleting transaction;
    for a contact role, its contact's owner too (``contact_owner_id``: its readers must read both)."""

    __tablename__ = "deleted_records"
    __table_args__ = (Index("ix_deleted_records_window", "record_type", "deleted_at"),)
    record_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(BigInteger)
    deleted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    contact_owner_id: Mapped[int | None] = mapped_column(BigInteger)


class SignInThrottleRow(Base):
    __tablename__ = "sign_in_throttles"
    kind: Mapped[ThrottleKind] = mapped_column(EnumText(ThrottleKind), primary_key=True)
    key: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
