"""Rows of configuration and of the cross-cutting records: users, statuses, sources, custom
fields, field history and activities."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.activities import ActivityKind
from leadline.domain.custom_fields import CustomFieldType, RecordType
from leadline.domain.statuses import StatusKind
from leadline.domain.users import Role
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, ExactDecimal, UtcDateTime


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


class LeadStatusRow(Base):
    __tablename__ = "lead_statuses"
    id: Mapped[int] = id_column()
    label: Mapped[str] = mapped_column(String(80), unique=True)
    order: Mapped[int] = mapped_column("sort_order", Integer)
    kind: Mapped[StatusKind] = mapped_column(EnumText(StatusKind))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class LeadSourceRow(Base):
    __tablename__ = "lead_sources"
    id: Mapped[int] = id_column()
    label: Mapped[str] = mapped_column(String(80), unique=True)
    order: Mapped[int] = mapped_column("sort_order", Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class CustomFieldDefinitionRow(Base):
    __tablename__ = "custom_field_definitions"
    __table_args__ = (UniqueConstraint("record_type", "name"),)
    id: Mapped[int] = id_column()
    record_type: Mapped[RecordType] = mapped_column(EnumText(RecordType))
    name: Mapped[str] = mapped_column(String(63))
    label: Mapped[str] = mapped_column(String(80))
    type: Mapped[CustomFieldType] = mapped_column(EnumText(CustomFieldType))
    options: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of pick-list labels
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class CustomFieldValueRow(Base):
    """One typed value: exactly one of the value columns is used, by the definition's type."""

    __tablename__ = "custom_field_values"
    field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_field_definitions.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    text_value: Mapped[str | None] = mapped_column(Text)
    number_value: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    date_value: Mapped[date | None] = mapped_column(Date)
    bool_value: Mapped[bool | None] = mapped_column(Boolean)


class ActivityRow(Base):
    __tablename__ = "activities"
    id: Mapped[int] = id_column()
    kind: Mapped[ActivityKind] = mapped_column(EnumText(ActivityKind))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ActivityLinkRow(Base):
    __tablename__ = "activity_links"
    __table_args__ = (Index("ix_activity_links_record", "record_type", "record_id"),)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    record_type: Mapped[RecordType] = mapped_column(EnumText(RecordType), primary_key=True)
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
