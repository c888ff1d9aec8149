"""Read-only aggregate queries behind the forecast, deals and pipeline hygiene. Computed in the
database: Python receives sums per group, never the opportunities themselves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from leadline.domain.opportunities import Outcome
from leadline.persistence.rows import (
    AccountRow,
    ExchangeRateRow,
    LineItemRow,
    OpportunityRow,
    OpportunityStageChangeRow,
    ProductRow,
)
from leadline.persistence.types import ExactDecimal

Opp = OpportunityRow


def _rate_periods() -> Any:
    """Each dated rate with the date the next one of its currency starts; the first rate of a
    currency also covers every earlier date."""
    r = ExchangeRateRow
    order = {"partition_by": r.currency, "order_by": r.valid_from}
    next_from = func.lead(r.valid_from, type_=Date).over(**order)
    return select(r.currency, r.valid_from.label("rate_from"), next_from.label("rate_to"),
                  func.row_number().over(**order).label("n")).cte("rate_periods")


def _with_rate(query: Any, periods: Any, day: Any) -> Any:
    return query.outerjoin(periods, and_(
        periods.c.currency == Opp.currency,
        or_(periods.c.n == 1, day >= periods.c.rate_from),
        or_(periods.c.rate_to.is_(None), day < periods.c.rate_to)))


#: ExactDecimal keeps ten-thousandths as integers on SQLite: a product of two is in 10^-8.
_SQLITE_PRODUCT_SCALE = Decimal(10) ** 8


def _won_in(query: Any, start: date, end: date, owner_ids: Iterable[int] | None) -> Any:
    query = query.where(Opp.outcome == Outcome.WON.value, Opp.close_date >= start, Opp.close_date < end)
    return query if owner_ids is None else query.where(Opp.owner_id.in_(list(owner_ids)))


class ForecastQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def category_sums(self, start: date, end: date, owner_ids: Iterable[int] | None = None) -> list[tuple[Any, ...]]:
        """(owner, outcome, category, currency, rate valid from, count, amount, amount x probability / 100)
        for opportunities closing in ``[start, end)``, grouped; amounts in their own currency."""
        periods = _rate_periods()
        amount = type_coerce(func.coalesce(func.sum(Opp.amount), 0), ExactDecimal)
        weighted = type_coerce(func.coalesce(func.sum(Opp.amount * Opp.probability), 0), ExactDecimal)
        keys = (Opp.owner_id, Opp.outcome, Opp.forecast_category, Opp.currency, periods.c.rate_from)
        query = _with_rate(select(*keys, func.count(), amount, weighted).select_from(Opp), periods, Opp.close_date)
        query = query.where(Opp.close_date >= start, Opp.close_date < end, Opp.amount.is_not(None)).group_by(*keys)
        if owner_ids is not None:
            query = query.where(Opp.owner_id.in_(list(owner_ids)))
        return [(owner, Outcome(outcome), category, currency, rate_from, count, total, weight / 100)
                for owner, outcome, category, currency, rate_from, count, total, weight in self.session.execute(query)]

    def deals(self, start: date, end: date, by: str, owner_ids: Iterable[int] | None = None) -> list[tuple[Any, ...]]:
        """Won opportunities closing in ``[start, end)`` summed by ``by`` (owner, account, source or
        product): (key, currency, rate valid from, count, amount). By product, the amount is the
        line items' (quantity x unit price less discount)."""
        periods = _rate_periods()
        if by == "product":
            return self._deals_by_product(periods, start, end, owner_ids)
        column = {"owner": Opp.owner_id, "account": AccountRow.name, "source": Opp.lead_source_id}[by]
        keys = (column, Opp.currency, periods.c.rate_from)
        query = select(*keys, func.count(), type_coerce(func.coalesce(func.sum(Opp.amount), 0), ExactDecimal))
        query = query.select_from(Opp).join(AccountRow, AccountRow.id == Opp.account_id) if by == "account" \
            else query.select_from(Opp)
        query = _won_in(_with_rate(query, periods, Opp.close_date), start, end, owner_ids).group_by(*keys)
        return [tuple(row) for row in self.session.execute(query)]

    def _deals_by_product(self, periods: Any, start: date, end: date,
                          owner_ids: Iterable[int] | None) -> list[tuple[Any, ...]]:
        """Summed per product as quantity x unit price, grouped by discount (few distinct values) so
        the discount applies exactly here; on SQLite the product of two scaled integers is scaled back."""
        item = LineItemRow
        keys = (ProductRow.name, Opp.currency, periods.c.rate_from, item.discount_percent)
        query = (select(*keys, func.count(func.distinct(Opp.id)), func.sum(item.quantity * item.unit_price))
                 .select_from(Opp).join(item, item.opportunity_id == Opp.id)
                 .join(ProductRow, ProductRow.id == item.product_id))
        query = _won_in(_with_rate(query, periods, Opp.close_date), start, end, owner_ids).group_by(*keys)
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        sums: dict[tuple[Any, ...], list[Any]] = {}
        for name, currency, rate_from, discount, count, gross in self.session.execute(query):
            gross = Decimal(gross) / _SQLITE_PRODUCT_SCALE if sqlite else Decimal(gross)
            net = (gross * (100 - discount) / 100).quantize(Decimal("0.0001"))
            entry = sums.setdefault((name, currency, rate_from), [0, Decimal(0)])
            entry[0] += count
            entry[1] += net
        return [(*key, count, total) for key, (count, total) in sums.items()]

    def overdue(self, today: date, owner_ids: Iterable[int] | None = None, limit: int = 500) -> list[tuple[Any, ...]]:
        """Open opportunities whose close date has passed: (id, name, owner, close date, amount, currency)."""
        query = (select(Opp.id, Opp.name, Opp.owner_id, Opp.close_date, Opp.amount, Opp.currency)
                 .where(Opp.outcome == Outcome.OPEN.value, Opp.close_date < today)
                 .order_by(Opp.close_date, Opp.id).limit(limit))
        if owner_ids is not None:
            query = query.where(Opp.owner_id.in_(list(owner_ids)))
        return [tuple(row) for row in self.session.execute(query)]

    def close_date_moves(self, owner_ids: Iterable[int] | None = None) -> list[tuple[int, date, date]]:
        """Every later-dated close date of an open opportunity: (id, previous close date, new one)."""
        h = OpportunityStageChangeRow
        previous = func.lag(h.close_date, type_=Date).over(partition_by=h.opportunity_id, order_by=(h.changed_at, h.id))
        history = select(h.opportunity_id, h.close_date, previous.label("before")).subquery()
        query = (select(history.c.opportunity_id, history.c.before, history.c.close_date)
                 .join(Opp, Opp.id == history.c.opportunity_id)
                 .where(Opp.outcome == Outcome.OPEN.value, history.c.close_date > history.c.before))
        if owner_ids is not None:
            query = query.where(Opp.owner_id.in_(list(owner_ids)))
        return [tuple(row) for row in self.session.execute(query)]  # type: ignore[misc]

    def stage_entered(self, before: datetime, owner_ids: Iterable[int] | None = None,
                      limit: int = 500) -> list[tuple[Any, ...]]:
        """Open opportunities that entered their current stage before ``before``:
        (id, name, owner, stage id, entered at)."""
        h = OpportunityStageChangeRow
        entered = (select(h.opportunity_id, func.max(h.changed_at).label("entered_at"))
                   .where(or_(h.from_stage_id.is_(None), h.from_stage_id != h.to_stage_id))
                   .group_by(h.opportunity_id).subquery())
        query = (select(Opp.id, Opp.name, Opp.owner_id, Opp.stage_id, entered.c.entered_at)
                 .join(entered, entered.c.opportunity_id == Opp.id)
                 .where(Opp.outcome == Outcome.OPEN.value, entered.c.entered_at < before)
                 .order_by(entered.c.entered_at, Opp.id).limit(limit))
        if owner_ids is not None:
            query = query.where(Opp.owner_id.in_(list(owner_ids)))
        return [tuple(row) for row in self.session.execute(query)]


