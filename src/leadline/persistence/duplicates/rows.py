"""Rows of duplicates: the rules admins changed, the groups the job found, and each merge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadline.persistence.base import Base, id_column
from leadline.persistence.types import UtcDateTime


class DuplicateRuleRow(Base):
    """A rule an admin changed (the others are the domain's defaults)."""

    __tablename__ = "duplicate_rules"
    __table_args__ = (UniqueConstraint("record_kind", "match"),)
    id: Mapped[int] = id_column()
    record_kind: Mapped[str] = mapped_column(String(16))
    match: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(8))
    threshold: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)


class DuplicateGroupRow(Base):
    """A group of records the duplicate-group job found alike (replaced by each run)."""

    __tablename__ = "duplicate_groups"
    id: Mapped[int] = id_column()
    record_kind: Mapped[str] = mapped_column(String(16), index=True)
    record_ids: Mapped[str] = mapped_column(Text)  # JSON list, lowest id first
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(Text)  # JSON list
    found_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MergeRow(Base):
    """One merge: who joined which records into which, the survivor's values before, what moved."""

    __tablename__ = "merges"
    id: Mapped[int] = id_column()
    record_kind: Mapped[str] = mapped_column(String(16))
    survivor_id: Mapped[int] = mapped_column(BigInteger, index=True)
    merged_ids: Mapped[str] = mapped_column(Text)  # JSON list
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(UtcDateTime)
    survivor_version: Mapped[int] = mapped_column(Integer)  # the survivor's version the merge left
    undo: Mapped[str] = mapped_column(Text)  # JSON: the survivor's values before, the references moved
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    undone_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
