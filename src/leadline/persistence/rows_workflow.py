"""Rows of the lead workflow and of conversion: the status transition graph, reason lists,
qualification and opportunity criteria, custom field mappings, and one row per conversion
(its result, for idempotent retries, and what it changed, for undo)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.qualification import Purpose
from leadline.domain.reasons import ReasonKind
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, UtcDateTime


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


class LeadConversionRow(Base):
    """One conversion of a lead: its result (replayed to a retry with the same idempotency key)
    and its undo record (what it created, linked, filled and moved)."""

    __tablename__ = "lead_conversions"
    id: Mapped[int] = id_column()
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    converted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    result: Mapped[str] = mapped_column(Text)
    undo: Mapped[str] = mapped_column(Text)
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    undone_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
