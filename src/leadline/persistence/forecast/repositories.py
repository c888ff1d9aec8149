"""Repositories of organisation settings, exchange rates, quotas, forecast adjustments and
forecast snapshots. They never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from leadline.domain.forecast import Adjustment
from leadline.domain.ids import new_id
from leadline.domain.opportunities.opportunity import ForecastCategory
from leadline.persistence.forecast.rows import (
    ExchangeRateRow,
    ForecastAdjustmentRow,
    ForecastSnapshotRow,
    OrgSettingRow,
    QuotaRow,
)


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> str | None:
        return self.session.scalar(select(OrgSettingRow.value).where(OrgSettingRow.key == key))

    def all(self) -> dict[str, str]:
        return {key: value for key, value in self.session.execute(select(OrgSettingRow.key, OrgSettingRow.value))}

    def set(self, key: str, value: str) -> None:
        if self.get(key) is None:
            self.session.execute(insert(OrgSettingRow.__table__).values(key=key, value=value))
        else:
            self.session.execute(update(OrgSettingRow).where(OrgSettingRow.key == key).values(value=value))


class ExchangeRateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> list[tuple[str, date, Decimal]]:
        """(currency, valid from, rate), by currency then date."""
        rows = self.session.execute(select(ExchangeRateRow.currency, ExchangeRateRow.valid_from, ExchangeRateRow.rate)
                                    .order_by(ExchangeRateRow.currency, ExchangeRateRow.valid_from))
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def set(self, currency: str, valid_from: date, rate: Decimal) -> bool:
        """Add or replace the rate of ``currency`` from ``valid_from``; True when it replaced one."""
        row = ExchangeRateRow
        result = self.session.execute(update(row).where(row.currency == currency, row.valid_from == valid_from)
                                      .values(rate=rate))
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        self.session.execute(insert(row.__table__).values(id=new_id(), currency=currency, valid_from=valid_from,
                                                          rate=rate))
        return False

    def delete(self, currency: str, valid_from: date) -> bool:
        result = self.session.execute(delete(ExchangeRateRow).where(
            ExchangeRateRow.currency == currency, ExchangeRateRow.valid_from == valid_from))
        return bool(result.rowcount)  # type: ignore[attr-defined]


class QuotaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def for_period(self, period_label: str) -> dict[int, Decimal]:
        query = select(QuotaRow.user_id, QuotaRow.amount).where(QuotaRow.period_label == period_label)
        rows = self.session.execute(query)
        return {user_id: amount for user_id, amount in rows}

    def set(self, user_id: int, period_label: str, amount: Decimal) -> Decimal | None:
        """Set a quota; returns the one it replaced."""
        previous = self.for_period(period_label).get(user_id)
        if previous is None:
            self.session.execute(insert(QuotaRow.__table__).values(id=new_id(), user_id=user_id,
                                                                   period_label=period_label, amount=amount))
        else:
            self.session.execute(update(QuotaRow).where(QuotaRow.user_id == user_id,
                                                        QuotaRow.period_label == period_label).values(amount=amount))
        return previous


class AdjustmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, adjustment: Adjustment, at: datetime) -> None:
        self.session.execute(insert(ForecastAdjustmentRow.__table__).values(
            id=adjustment.id, user_id=adjustment.user_id, period_label=adjustment.period_label,
            category=adjustment.category, amount=adjustment.amount, original=adjustment.original,
            adjusted_by=adjustment.adjusted_by, adjusted_at=at, note=adjustment.note))

    def for_period(self, period_label: str, user_ids: Iterable[int] | None = None) -> list[Adjustment]:
        """Every adjustment of the period, oldest first (the latest of each category applies)."""
        row = ForecastAdjustmentRow
        query = select(row).where(row.period_label == period_label).order_by(row.adjusted_at, row.id)
        if user_ids is not None:
            query = query.where(row.user_id.in_(list(user_ids)))
        return [Adjustment(r.id, r.user_id, r.period_label, r.category, r.amount, r.original, r.adjusted_by, r.note)
                for r in self.session.scalars(query)]


class SnapshotRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, snapshot_id: int, taken_at: datetime, taken_by: int | None, period: Any,
            figures: Iterable[tuple[int, ForecastCategory, Decimal, Decimal]]) -> int:
        """Store one snapshot: for each (user, category) its amount and the user's weighted pipeline."""
        rows = [{"id": new_id(), "snapshot_id": snapshot_id, "taken_at": taken_at, "taken_by": taken_by,
                 "period_label": period.label, "period_start": period.start, "period_end": period.end,
                 "user_id": user_id, "category": category, "amount": amount, "weighted": weighted}
                for user_id, category, amount, weighted in figures]
        if rows:
            self.session.execute(insert(ForecastSnapshotRow.__table__), rows)
        return len(rows)

    def figures(self, snapshot_id: int) -> list[tuple[int, ForecastCategory, Decimal, Decimal]]:
        row = ForecastSnapshotRow
        query = select(row.user_id, row.category, row.amount, row.weighted).where(row.snapshot_id == snapshot_id)
        return [tuple(r) for r in self.session.execute(query)]  # type: ignore[misc]

    def header(self, snapshot_id: int) -> dict[str, Any] | None:
        row = ForecastSnapshotRow
        found = self.session.execute(select(row.snapshot_id, row.taken_at, row.taken_by, row.period_label,
                                            row.period_start, row.period_end)
                                     .where(row.snapshot_id == snapshot_id).limit(1)).first()
        return dict(found._mapping) if found else None

    def list(self, period_label: str | None = None, user_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
        """Snapshots (oldest first) with how many figures each holds; with ``user_ids``, only the
        snapshots holding figures of those users, counting only theirs."""
        row = ForecastSnapshotRow
        query = (select(row.snapshot_id, func.min(row.taken_at).label("taken_at"), row.period_label,
                        func.count().label("figures"))
                 .group_by(row.snapshot_id, row.period_label).order_by(func.min(row.taken_at)))
        if period_label:
            query = query.where(row.period_label == period_label)
        if user_ids is not None:
            query = query.where(row.user_id.in_(sorted(user_ids)))
        return [dict(r._mapping) for r in self.session.execute(query)]
