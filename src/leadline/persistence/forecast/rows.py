"""Rows of money over time: organisation settings (fiscal year start), dated exchange rates,
quotas, forecast adjustments and forecast snapshots."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.opportunities.opportunity import ForecastCategory
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, ExactDecimal, ExactRate, UtcDateTime


class OrgSettingRow(Base):
    __tablename__ = "org_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ExchangeRateRow(Base):
    """From ``valid_from`` on (until the next rate of the currency), one unit of ``currency`` is
    worth ``rate`` units of the organisation's currency."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("currency", "valid_from"),)
    id: Mapped[int] = id_column()
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(ExactRate)
    valid_from: Mapped[date] = mapped_column(Date)


class QuotaRow(Base):
    __tablename__ = "quotas"
    __table_args__ = (UniqueConstraint("user_id", "period_label"),)
    id: Mapped[int] = id_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    period_label: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)


class ForecastAdjustmentRow(Base):
    __tablename__ = "forecast_adjustments"
    __table_args__ = (Index("ix_forecast_adjustments_user_period", "user_id", "period_label"),)
    id: Mapped[int] = id_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    period_label: Mapped[str] = mapped_column(String(16))
    category: Mapped[ForecastCategory] = mapped_column(EnumText(ForecastCategory))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    original: Mapped[Decimal] = mapped_column(ExactDecimal)
    adjusted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    adjusted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)


class ForecastSnapshotRow(Base):
    """One figure of a snapshot: a user's rolled-up total of one category for one period."""

    __tablename__ = "forecast_snapshots"
    id: Mapped[int] = id_column()
    snapshot_id: Mapped[int] = mapped_column(BigInteger, index=True)
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    period_label: Mapped[str] = mapped_column(String(16), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[ForecastCategory] = mapped_column(EnumText(ForecastCategory))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    weighted: Mapped[Decimal] = mapped_column(ExactDecimal)
