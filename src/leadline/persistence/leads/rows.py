"""Rows of leads: the lead, the products it is interested in, and its status changes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.leads.lead import Rating
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, ExactDecimal, UtcDateTime


class LeadRow(Base):
    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_owner_status", "owner_id", "status_id"),
        # the lists' default order (newest first) within a filter's status, source or owner: a page
        # of 50 reads 50 entries instead of sorting every match (0013_web_list_indexes)
        Index("ix_leads_status_created", "status_id", "created_at", "id"),
        Index("ix_leads_source_created", "source_id", "created_at", "id"),
        Index("ix_leads_owner_created", "owner_id", "created_at", "id"),
    )
    id: Mapped[int] = id_column()
    first_name: Mapped[str | None] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    company: Mapped[str] = mapped_column(String(255), index=True)
    title: Mapped[str | None] = mapped_column(String(128))
    industry: Mapped[str | None] = mapped_column(String(80))
    website: Mapped[str | None] = mapped_column(String(255))
    street: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(100))
    annual_revenue: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    number_of_employees: Mapped[int | None] = mapped_column(Integer)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("lead_sources.id"))
    status_id: Mapped[int] = mapped_column(ForeignKey("lead_statuses.id"))
    rating: Mapped[Rating | None] = mapped_column(EnumText(Rating))
    currency: Mapped[str] = mapped_column(String(3))
    budget_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    purchase_timeframe: Mapped[date | None] = mapped_column(Date)
    is_decision_maker: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    converted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    converted_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    converted_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    converted_opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", use_alter=True)
    )
    unqualified_reason_id: Mapped[int | None] = mapped_column(ForeignKey("reasons.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(BigInteger)
    #: the furthest funnel step the lead's status history reached (0 open, 1 working: it left the
    #: open statuses, 2 qualified: a qualified or converted status), kept by ``refresh_status_reach``
    #: whenever a status change is recorded, so that the funnel never aggregates the history (ADR 0039)
    status_reach: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)


# the duplicate rules' name keys (persistence/duplicates/candidates.py)
Index("ix_leads_last_name_key", func.lower(LeadRow.last_name))
Index("ix_leads_company_key", func.lower(LeadRow.company))


class LeadProductInterestRow(Base):
    __tablename__ = "lead_product_interests"
    id: Mapped[int] = id_column()
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    product_name: Mapped[str] = mapped_column(String(255))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    estimated_unit_price: Mapped[Decimal | None] = mapped_column(ExactDecimal)


class LeadStatusChangeRow(Base):
    """Every status change of every lead, from its first status on: the raw material of
    time-in-status and funnel analytics."""

    __tablename__ = "lead_status_changes"
    __table_args__ = (Index("ix_lead_status_changes_lead", "lead_id", "changed_at"),)
    id: Mapped[int] = id_column()
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    from_status_id: Mapped[int | None] = mapped_column(ForeignKey("lead_statuses.id"))
    to_status_id: Mapped[int] = mapped_column(ForeignKey("lead_statuses.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    #: the unqualified reason of a disqualification
    reason_id: Mapped[int | None] = mapped_column(ForeignKey("reasons.id"))
    #: the written reason of an override (qualified without the criteria met)
    note: Mapped[str | None] = mapped_column(Text)
