"""Rows of campaigns: the campaign (with its parent) and its members, leads or contacts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.campaigns.campaign import CampaignStatus, CampaignType, MemberStatus
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, ExactDecimal, UtcDateTime


class CampaignRow(Base):
    __tablename__ = "campaigns"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(255), index=True)
    type: Mapped[CampaignType] = mapped_column(EnumText(CampaignType))
    status: Mapped[CampaignStatus] = mapped_column(EnumText(CampaignStatus))
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    budget_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    actual_cost_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CampaignMemberRow(Base):
    """A lead or a contact (exactly one) in a campaign; each at most once per campaign. A member
    goes with its lead or contact (deleting one, or undoing the conversion that made a contact)."""

    __tablename__ = "campaign_members"
    __table_args__ = (
        UniqueConstraint("campaign_id", "lead_id", name="uq_campaign_members_lead"),
        UniqueConstraint("campaign_id", "contact_id", name="uq_campaign_members_contact"),
        CheckConstraint("(lead_id IS NULL) <> (contact_id IS NULL)", name="one_record"),
        Index("ix_campaign_members_contact", "contact_id"),
        Index("ix_campaign_members_lead", "lead_id"),
    )
    id: Mapped[int] = id_column()
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    status: Mapped[MemberStatus] = mapped_column(EnumText(MemberStatus))
    first_responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
