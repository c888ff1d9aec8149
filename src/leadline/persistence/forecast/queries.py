"""Read-only aggregate queries behind the forecast, deals and pipeline hygiene. Computed in the
database: Python receives sums per group, never the opportunities themselves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Numeric,
    String,
    and_,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from leadline.domain.forecast import CategorySums
from leadline.domain.opportunities.opportunity import ForecastCategory, Outcome
from leadline.persistence.accounts.rows import AccountRow
from leadline.persistence.forecast.rows import ExchangeRateRow
from leadline.persistence.opportunities.rows import LineItemRow, OpportunityRow, OpportunityStageChangeRow, ProductRow
from leadline.persistence.types import ExactDecimal, ExactRate

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


def _rate_on_close_date(rates: Iterable[tuple[str, date, Decimal]], start: date, end: date, currency: str) -> Any:
    """The rate converting each opportunity closing in ``[start, end)`` into ``currency``: 1 for
    ``currency`` itself; for another, its latest rate on or before the close date, else its first
    rate; NULL for a currency without any rate. One CASE over the few rates that apply within the
    period, in place of joining every opportunity to every rate period: on a quarter of 1,000,000
    opportunities that join took most of the query's time on SQLite and a third on PostgreSQL."""
    dated: dict[str, list[tuple[date, Decimal]]] = {}
    for code, valid_from, rate in sorted(rates):
        if code != currency:
            dated.setdefault(code, []).append((valid_from, rate))
    whens: dict[str, Any] = {currency: literal(Decimal(1), ExactRate)}
    for code, steps in dated.items():
        first = max((step for step in steps if step[0] <= start), default=steps[0])
        later = [step for step in steps if start < step[0] < end]
        whens[code] = case(*((Opp.close_date >= day, literal(rate, ExactRate)) for day, rate in reversed(later)),
                           else_=literal(first[1], ExactRate)) if later else literal(first[1], ExactRate)
    return case(whens, value=Opp.currency)


def _converted_sums(connection: Any, where: list[Any], rate: Any, missing: Any
                    ) -> tuple[list[CategorySums], dict[str, int]]:
    """PostgreSQL: converted in NUMERIC (exact) and grouped by owner, outcome and category only, so
    that the planner estimates the groups well and aggregates in memory. Opportunities in a
    currency without rates are counted per group, and per currency only when there are any."""
    exact = Numeric(asdecimal=True)  # not ExactDecimal: these sums carry 14 decimal places
    query = select(Opp.owner_id, type_coerce(Opp.outcome, String), type_coerce(Opp.forecast_category, String),
                   func.count(), type_coerce(func.sum(Opp.amount * rate), exact),
                   type_coerce(func.sum(Opp.amount * Opp.probability * rate), exact), func.count().filter(missing))
    query = query.where(*where).group_by(Opp.owner_id, Opp.outcome, Opp.forecast_category)
    sums, left_out = [], 0
    for owner, outcome, category, count, amount, weighted, unconverted in connection.execute(query).all():
        left_out += unconverted
        if count > unconverted:
            sums.append(CategorySums(owner, _OUTCOMES[outcome], _CATEGORIES[category], amount, weighted / 100,
                                     count - unconverted))
    if not left_out:
        return sums, {}
    per_currency = select(Opp.currency, func.count()).where(*where, missing).group_by(Opp.currency)
    return sums, dict(connection.execute(per_currency).all())  # type: ignore[arg-type]


def _sums_per_rate(connection: Any, where: list[Any], rate: Any) -> tuple[list[CategorySums], dict[str, int]]:
    """SQLite: summed per currency and rate in the database, converted and added up here in
    Python integers (amounts in 10^-4 times rates in 10^-10: exact, never overflowing).

    Grouped by ``owner_id + 0`` rather than the bare column: grouping by the owner first makes
    SQLite's sort for the GROUP BY about a third cheaper, but on the bare column SQLite skip-scans
    the (owner, close date) index for its order and reads every row from the table (0.8 s of CPU
    instead of 0.3 s on a quarter of 1,000,000); the expression keeps it on the covering index.

    SQLite's integers have 64 bits: a SUM past them fails, a product past them (amount x
    probability) becomes an inexact float. Then the sums are taken again in two halves of each
    amount, which never overflow, so that a few records near 10^14 never break the forecast."""
    rows = _exact_rows(connection, _per_rate_query(where, rate, 1), sums=2)
    if rows is not None:
        return _merged_sums(rows, 1)
    return _merged_sums(connection.execute(_per_rate_query(where, rate, _SPLIT)).all(), _SPLIT)


def _exact_rows(connection: Any, query: Any, sums: int) -> list[Any] | None:
    """The rows of ``query``; None when one of its sums overflowed SQLite's 64-bit integers (a SUM
    fails; a product past them becomes a float). Only the last ``sums`` columns are looked at for a
    float: the group's keys and its count never hold one, and that look is over every value read."""
    try:
        rows = connection.execute(query).all()
    except OperationalError as error:
        if "integer overflow" not in str(error):
            raise
        return None
    return None if any(isinstance(value, float) for row in rows for value in row[-sums:]) else rows


_SPLIT = 10**8  # amounts in 10^-4 are below 10^18: each half below 10^10, its sums far below 2^63


def _per_rate_query(where: list[Any], rate: Any, split: int) -> Any:
    """Per owner, outcome, category, currency and rate: the count, then the sums of the amounts and
    of amount x probability, each whole (``split`` 1) or as its quotient and remainder by ``split``."""
    amount = type_coerce(Opp.amount, Integer)
    parts = [amount] if split == 1 else [amount // literal(split, Integer), amount % literal(split, Integer)]
    sums = [type_coerce(func.sum(part), Integer) for part in parts]
    sums += [type_coerce(func.sum(part * Opp.probability), Integer) for part in parts]
    query = select((Opp.owner_id + 0).label("owner"), type_coerce(Opp.outcome, String),
                   type_coerce(Opp.forecast_category, String), Opp.currency,
                   type_coerce(rate, Integer).label("rate"), func.count(), *sums)
    return query.where(*where).group_by(literal_column("owner"), Opp.outcome, Opp.forecast_category, Opp.currency,
                                        literal_column("rate"))


def _merged_sums(rows: Iterable[Any], split: int) -> tuple[list[CategorySums], dict[str, int]]:
    merged: dict[tuple[Any, ...], list[int]] = {}
    unconverted: dict[str, int] = {}
    for owner, outcome, category, code, factor, count, *sums in rows:
        if factor is None:
            unconverted[code] = unconverted.get(code, 0) + count
            continue
        total, weight = (sums if split == 1 else (sums[0] * split + sums[1], sums[2] * split + sums[3]))
        entry = merged.setdefault((owner, outcome, category), [0, 0, 0])
        entry[0] += count
        entry[1] += total * factor
        entry[2] += weight * factor
    return [CategorySums(owner, _OUTCOMES[outcome], _CATEGORIES[category], Decimal(total).scaleb(-14),
                         Decimal(weight).scaleb(-16), count)
            for (owner, outcome, category), (count, total, weight) in merged.items()], unconverted


_OUTCOMES = {outcome.value: outcome for outcome in Outcome}
_CATEGORIES = {category.value: category for category in ForecastCategory}

#: ExactDecimal keeps ten-thousandths as integers on SQLite: a product of two is in 10^-8.
_SQLITE_PRODUCT_SCALE = Decimal(10) ** 8


#: What a forecast counts: won, and open in a category (not omitted). Lost and omitted
#: opportunities are left out in the database: a third of a quarter's rows never reach the grouping.
_COUNTED = or_(Opp.outcome == Outcome.WON.value,
               and_(Opp.outcome == Outcome.OPEN.value,
                    Opp.forecast_category.in_([ForecastCategory.PIPELINE, ForecastCategory.BEST_CASE,
                                               ForecastCategory.COMMIT])))


def _won_in(query: Any, start: date, end: date, owner_ids: Iterable[int] | None) -> Any:
    query = query.where(Opp.outcome == Outcome.WON.value, Opp.close_date >= start, Opp.close_date < end)
    return query if owner_ids is None else query.where(Opp.owner_id.in_(list(owner_ids)))


class ForecastQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def category_sums(self, start: date, end: date, currency: str, owner_ids: Iterable[int] | None = None
                      ) -> tuple[list[CategorySums], dict[str, int]]:
        """What opportunities closing in ``[start, end)`` add up to per owner, outcome and category,
        in ``currency`` at the rate valid on each close date (see ``_rate_on_close_date``); and, per
        currency without any rate, how many opportunities were left out. Exact on both databases."""
        rates = self.session.execute(select(ExchangeRateRow.currency, ExchangeRateRow.valid_from,
                                            ExchangeRateRow.rate)).all()
        rate = _rate_on_close_date(rates, start, end, currency)  # type: ignore[arg-type]
        where = [Opp.close_date >= start, Opp.close_date < end, Opp.amount.is_not(None), _COUNTED]
        if owner_ids is not None:
            where.append(Opp.owner_id.in_(list(owner_ids)))
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            return _sums_per_rate(connection, where, rate)
        known = [currency] + sorted({code for code, _, _ in rates} - {currency})  # the most common first
        return _converted_sums(connection, where, rate, Opp.currency.not_in(known))

    def deals(self, start: date, end: date, by: str, owner_ids: Iterable[int] | None = None) -> list[tuple[Any, ...]]:
        """Won opportunities closing in ``[start, end)`` summed by ``by`` (owner, account, source or
        product): (key, currency, rate valid from, count, amount); an account's key is (id, name).
        By product, the amount is the line items' (quantity x unit price less discount)."""
        periods = _rate_periods()
        if by == "product":
            return self._deals_by_product(periods, start, end, owner_ids)
        if by == "account":  # by id (two accounts may share a name), named in the same query
            keys: tuple[Any, ...] = (Opp.account_id, AccountRow.name, Opp.currency, periods.c.rate_from)
            query = select(*keys, func.count(), type_coerce(func.coalesce(func.sum(Opp.amount), 0), ExactDecimal))
            query = query.select_from(Opp).join(AccountRow, AccountRow.id == Opp.account_id)
            query = _won_in(_with_rate(query, periods, Opp.close_date), start, end, owner_ids).group_by(*keys)
            return [((key, name), *rest) for key, name, *rest in self.session.execute(query)]
        column = {"owner": Opp.owner_id, "source": Opp.lead_source_id}[by]
        keys = (column, Opp.currency, periods.c.rate_from)
        query = select(*keys, func.count(), type_coerce(func.coalesce(func.sum(Opp.amount), 0), ExactDecimal))
        query = _won_in(_with_rate(query.select_from(Opp), periods, Opp.close_date), start, end, owner_ids)
        return [tuple(row) for row in self.session.execute(query.group_by(*keys))]

    def _deals_by_product(self, periods: Any, start: date, end: date,
                          owner_ids: Iterable[int] | None) -> list[tuple[Any, ...]]:
        """Summed per product as quantity x unit price, grouped by discount (few distinct values) so
        the discount applies exactly here; on SQLite the product of two scaled integers is scaled back
        (the sum is typed plainly: as ExactDecimal it would be unscaled once more on the way out)."""
        item = LineItemRow  # a line outside the catalogue counts under its own product name
        keys = (func.coalesce(ProductRow.name, item.product_name), Opp.currency, periods.c.rate_from,
                item.discount_percent)
        query = (select(*keys, func.count(func.distinct(Opp.id)),
                        type_coerce(func.sum(item.quantity * item.unit_price), Numeric(asdecimal=True)))
                 .select_from(Opp).join(item, item.opportunity_id == Opp.id)
                 .outerjoin(ProductRow, ProductRow.id == item.product_id))
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

    def names_and_owners(self, opportunity_ids: list[int]) -> list[tuple[int, str, int | None]]:
        """(id, name, owner) of the given opportunities."""
        if not opportunity_ids:
            return []
        query = select(Opp.id, Opp.name, Opp.owner_id).where(Opp.id.in_(opportunity_ids))
        return [tuple(row) for row in self.session.execute(query)]  # type: ignore[misc]

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


