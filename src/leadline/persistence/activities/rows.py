"""Rows of activities and of the records each is linked to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.activities import ActivityKind
from leadline.domain.configuration.custom_fields import RecordType
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, UtcDateTime


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
