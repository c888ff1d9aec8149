"""Rows of conversion: each lead conversion, its result and its undo record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.persistence.base import Base, id_column
from leadline.persistence.types import UtcDateTime


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
