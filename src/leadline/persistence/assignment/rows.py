"""Rows of assignment: the ordered rule entries, round-robin groups with their stored counters,
and the log of every assignment with its reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.assignment import GroupMethod
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, UtcDateTime


class AssignmentGroupRow(Base):
    __tablename__ = "assignment_groups"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(120), unique=True)
    method: Mapped[GroupMethod] = mapped_column(EnumText(GroupMethod))


class AssignmentGroupMemberRow(Base):
    """A member of a group with its weight and the round-robin counter (``assigned``), updated in
    the transaction of each assignment with the member rows locked (docs/adr/0033-assignment-rules-as-data.md)."""

    __tablename__ = "assignment_group_members"
    group_id: Mapped[int] = mapped_column(ForeignKey("assignment_groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    weight: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)
    assigned: Mapped[int] = mapped_column(Integer, default=0)


class AssignmentRuleRow(Base):
    __tablename__ = "assignment_rules"
    id: Mapped[int] = id_column()
    position: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(120))
    #: the criteria as JSON (persistence/assignment/repositories.py)
    criteria: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_groups.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class AssignmentLogRow(Base):
    """One assignment: the lead, who it went to from whom, the entry that matched, the
    candidates weighed and the tie-break, as the decision said."""

    __tablename__ = "assignment_log"
    __table_args__ = (Index("ix_assignment_log_lead", "lead_id", "assigned_at"),)
    id: Mapped[int] = id_column()
    #: no foreign key: like the audit trail, the log outlives a deleted lead, and a capture channel
    #: may assign a lead before adding it in the same transaction
    lead_id: Mapped[int] = mapped_column(BigInteger)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    previous_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_rules.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_groups.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    #: JSON: [{"user_id", "weight", "assigned", "open_leads"}...], the tie-break and the entries passed over
    details: Mapped[str] = mapped_column(Text)
