"""What the report queries share: the dimension columns, the scope as SQL conditions, whole days
between two moments and the month of a moment on either database, and the dated exchange rates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer, and_, cast, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from leadline.domain.reports import ReportScope
from leadline.persistence.forecast.rows import ExchangeRateRow
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.opportunities.rows import OpportunityRow


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def month_of(column: Any, dialect: str) -> Any:
    """``YYYY-MM`` of a stored moment, in UTC."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")


def days_between(start: Any, end: Any, dialect: str) -> Any:
    """Whole days (rounded down) from ``start`` to ``end``."""
    if dialect == "sqlite":
        return type_coerce(cast(func.julianday(end) - func.julianday(start), Integer), Integer)
    return type_coerce(cast(func.floor(func.extract("epoch", end - start) / 86400), Integer), Integer)


def dimension_columns(record: Any, dialect: str, owner: Any = None) -> dict[str, Any]:
    """The column each dimension (``domain.reports.DIMENSIONS``' ``column``) groups and filters by,
    for leads (``LeadRow``) or opportunities (``OpportunityRow``). The campaign is the record's
    own (a lead's campaign on capture, an opportunity's primary campaign), not every membership.
    ``owner``: the column holding the owner in place of the record's own (a report as of a past
    date groups and filters by the owner then: the history's ``owner_id``)."""
    if record is LeadRow:
        columns = {"source": LeadRow.source_id, "owner": LeadRow.owner_id,
                   "month": month_of(LeadRow.created_at, dialect), "campaign": LeadRow.campaign_id}
    else:
        columns = {"source": OpportunityRow.lead_source_id, "owner": OpportunityRow.owner_id,
                   "month": month_of(OpportunityRow.created_at, dialect), "campaign": OpportunityRow.campaign_id}
    return columns if owner is None else columns | {"owner": owner}


def live_conditions(record: Any) -> list[Any]:
    """Live records only: a merged lead (a tombstone) counts once, as its survivor, in the reports
    and the home dashboard alike (ADR 0065), as the lists show it. None for a record that is never
    merged (an opportunity)."""
    return [record.merged_into_id.is_(None)] if hasattr(record, "merged_into_id") else []


def scope_conditions(record: Any, scope: ReportScope, dialect: str, owner: Any = None) -> list[Any]:
    """The scope as conditions on ``record``'s table: live records only (``live_conditions``),
    readable owners (record-level security, as the lists apply it: by the owner now, always), the
    filters (an owner or team filter on ``owner`` when given: ``dimension_columns``), the creation
    range."""
    columns = dimension_columns(record, dialect, owner)
    where = live_conditions(record)
    if scope.readable is not None:
        where.append(record.owner_id.in_(sorted(scope.readable)))
    for name, keys in scope.filters:
        where.append(columns[name].in_(sorted(keys)))
    if scope.created_from is not None:
        where.append(record.created_at >= scope.created_from)
    if scope.created_to is not None:
        where.append(record.created_at < scope.created_to)
    return where


def group_keys(record: Any, column: str | None, dialect: str, owner: Any = None) -> list[Any]:
    """The grouping key as a list of one column (none when the report is not cut: see ``keyed``);
    ``owner`` as in ``dimension_columns``."""
    return [] if column is None else [dimension_columns(record, dialect, owner)[column].label("key")]


def keyed(rows: Any, keys: list[Any]) -> list[tuple[Any, ...]]:
    """Rows with their key first (None when the report is not cut)."""
    return [tuple(row) if keys else (None, *row) for row in rows]


def rate_periods() -> Any:
    """Each dated rate with the date the next one of its currency starts (the first of a currency
    also covers every earlier date), as the forecast converts."""
    r = ExchangeRateRow
    order = {"partition_by": r.currency, "order_by": r.valid_from}
    next_from = func.lead(r.valid_from, type_=Date).over(**order)
    return select(r.currency, r.valid_from.label("rate_from"), next_from.label("rate_to"),
                  func.row_number().over(**order).label("n")).cte("report_rate_periods")


def rate_on(periods: Any, currency: Any, day: Any) -> Any:
    """The join condition picking the rate of ``currency`` valid on ``day``."""
    return and_(periods.c.currency == currency,
                or_(periods.c.n == 1, day >= periods.c.rate_from),
                or_(periods.c.rate_to.is_(None), day < periods.c.rate_to))
