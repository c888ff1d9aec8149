"""Rows of the sales side: processes and stages, opportunities, products and price books."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.opportunities.opportunity import ContactRoleKind, ForecastCategory, OpportunityType, Outcome
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, ExactDecimal, UtcDateTime


class SalesProcessRow(Base):
    __tablename__ = "sales_processes"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(80), unique=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    opportunity_type: Mapped[OpportunityType | None] = mapped_column(EnumText(OpportunityType))


class OpportunityStageRow(Base):
    __tablename__ = "opportunity_stages"
    __table_args__ = (UniqueConstraint("process_id", "label"),)
    id: Mapped[int] = id_column()
    process_id: Mapped[int] = mapped_column(ForeignKey("sales_processes.id"))
    label: Mapped[str] = mapped_column(String(80))
    order: Mapped[int] = mapped_column("sort_order", Integer)
    probability: Mapped[int] = mapped_column(Integer)
    forecast_category: Mapped[ForecastCategory] = mapped_column(EnumText(ForecastCategory))
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    is_won: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class OpportunityRow(Base):
    __tablename__ = "opportunities"
    __table_args__ = (
        Index("ix_opportunities_owner_close", "owner_id", "close_date"),
        # covers the forecast queries: a period's opportunities summed without reading the table, and
        # (with the id, to join each to its stored score) the "predicted" figure's open ones
        Index("ix_opportunities_forecast", "close_date", "owner_id", "outcome", "forecast_category", "currency",
              "amount", "probability", "id"),
        # cover the pipeline board: a stage's first cards by close date, its sums from the index alone;
        # for everyone's opportunities, and for a team's (its owners first)
        Index("ix_opportunities_board", "stage_id", "close_date", "owner_id", "currency", "amount", "probability"),
        Index("ix_opportunities_board_owner", "owner_id", "stage_id", "close_date", "currency", "amount",
              "probability"),
        # the lists' default order (newest first), walked with a score floor too (ADR 0048's list)
        Index("ix_opportunities_created_at", "created_at", "id"),
    )
    id: Mapped[int] = id_column()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    close_date: Mapped[date | None] = mapped_column(Date, index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("opportunity_stages.id"), index=True)
    probability: Mapped[int] = mapped_column(Integer)
    forecast_category: Mapped[ForecastCategory] = mapped_column(EnumText(ForecastCategory))
    type: Mapped[OpportunityType | None] = mapped_column(EnumText(OpportunityType))
    lead_source_id: Mapped[int | None] = mapped_column(ForeignKey("lead_sources.id"))
    next_step: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    originating_lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(EnumText(Outcome))
    loss_reason: Mapped[str | None] = mapped_column(String(255))
    loss_reason_id: Mapped[int | None] = mapped_column(ForeignKey("reasons.id"))
    probability_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    category_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class OpportunityStageChangeRow(Base):
    """Every change of stage, figures or owner with the figures and owner after it: the pipeline
    as of any past date, by the owner then."""

    __tablename__ = "opportunity_stage_changes"
    #: the history in the order the pipeline-as-of reports read it, with the figures they keep
    __table_args__ = (Index("ix_opportunity_stage_changes_state", "opportunity_id", "changed_at", "id",
                            "to_stage_id", "close_date", "currency", "amount", "owner_id"),)
    id: Mapped[int] = id_column()
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity_stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("opportunity_stages.id"))
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    currency: Mapped[str] = mapped_column(String(3))
    probability: Mapped[int] = mapped_column(Integer)
    forecast_category: Mapped[ForecastCategory] = mapped_column(EnumText(ForecastCategory))
    close_date: Mapped[date | None] = mapped_column(Date)
    #: the opportunity's owner after the change (docs/adr/0079-pipeline-as-of-by-the-owner-then.md)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ProductRow(Base):
    __tablename__ = "products"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(255), index=True)
    code: Mapped[str | None] = mapped_column(String(80), unique=True)
    family: Mapped[str | None] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class PriceBookRow(Base):
    __tablename__ = "price_books"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_standard: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class PriceBookEntryRow(Base):
    __tablename__ = "price_book_entries"
    __table_args__ = (UniqueConstraint("price_book_id", "product_id", "currency"),)
    id: Mapped[int] = id_column()
    price_book_id: Mapped[int] = mapped_column(ForeignKey("price_books.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class LineItemRow(Base):
    __tablename__ = "opportunity_line_items"
    id: Mapped[int] = id_column()
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    product_name: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal)
    discount_percent: Mapped[Decimal] = mapped_column(ExactDecimal)


class ContactRoleRow(Base):
    __tablename__ = "opportunity_contact_roles"
    __table_args__ = (UniqueConstraint("opportunity_id", "contact_id", "role"),)
    id: Mapped[int] = id_column()
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    role: Mapped[ContactRoleKind] = mapped_column(EnumText(ContactRoleKind))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
