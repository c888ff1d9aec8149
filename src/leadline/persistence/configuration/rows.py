"""Rows of configuration: statuses, sources, custom fields and their values, the status
transition graph, reason lists, qualification criteria and conversion field mappings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.configuration.custom_fields import CustomFieldType, RecordType
from leadline.domain.configuration.reasons import ReasonKind
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.leads.qualification import Purpose
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, ExactDecimal


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


class LeadStatusTransitionRow(Base):
    __tablename__ = "lead_status_transitions"
    from_status_id: Mapped[int] = mapped_column(
        ForeignKey("lead_statuses.id", ondelete="CASCADE"), primary_key=True)
    to_status_id: Mapped[int] = mapped_column(
        ForeignKey("lead_statuses.id", ondelete="CASCADE"), primary_key=True)


class ReasonRow(Base):
    __tablename__ = "reasons"
    __table_args__ = (UniqueConstraint("kind", "label"),)
    id: Mapped[int] = id_column()
    kind: Mapped[ReasonKind] = mapped_column(EnumText(ReasonKind))
    label: Mapped[str] = mapped_column(String(80))
    order: Mapped[int] = mapped_column("sort_order", Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class CriterionRow(Base):
    __tablename__ = "criteria"
    __table_args__ = (UniqueConstraint("framework", "name"),)
    id: Mapped[int] = id_column()
    purpose: Mapped[Purpose] = mapped_column(EnumText(Purpose))
    framework: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(63))
    label: Mapped[str] = mapped_column(String(120))
    conditions: Mapped[str] = mapped_column(Text)  # JSON list of {field, operator, value}
    order: Mapped[int] = mapped_column("sort_order", Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ConversionFieldMappingRow(Base):
    __tablename__ = "conversion_field_mappings"
    id: Mapped[int] = id_column()
    source_field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_field_definitions.id", ondelete="CASCADE"), index=True)
    target_field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_field_definitions.id", ondelete="CASCADE"), unique=True)


class ConfigurationVersionRow(Base):
    """One row counting the commits that wrote configuration (persistence/configuration/writes.py):
    a worker's cache, once its second is up, reads this number and reloads only when it moved."""

    __tablename__ = "configuration_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
