"""Forecast maths: fiscal periods, Salesforce's cumulative forecast categories, weighted pipeline,
quotas and attainment, roll-up through the role hierarchy, manager adjustments, and the accuracy
of a past forecast. Pure functions over sums the database computed; leads never appear here.

Categories are cumulative: *closed* (won in the period) is within *commit*, commit within *best
case*, best case within *pipeline*. *Omitted* opportunities, and lost ones, count nowhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import MAXYEAR, MINYEAR, date, timedelta
from decimal import Decimal
from enum import StrEnum

from leadline.domain.common import EARLIEST_YEAR, LATEST_YEAR
from leadline.domain.errors import ValidationError
from leadline.domain.money import AMOUNT_PLACES, TOO_LARGE, ensure_storable
from leadline.domain.opportunities.opportunity import ForecastCategory, Outcome
from leadline.domain.security.access import subordinates_of

ZERO = Decimal(0)
#: The categories a forecast shows, narrowest first (each includes the ones before it).
CUMULATIVE = (ForecastCategory.CLOSED, ForecastCategory.COMMIT, ForecastCategory.BEST_CASE, ForecastCategory.PIPELINE)


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class Period:
    """A forecast period ``[start, end)``; quarters and years follow the fiscal year."""

    kind: PeriodKind
    start: date
    end: date
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _first_of(month_index: int) -> date:
    """The first day of month ``year * 12 + month - 1``, clamped to the calendar's ends, so that
    a period around a stored 9999-12-31 still has bounds (a report never fails on one record)."""
    year = month_index // 12
    if year > MAXYEAR:
        return date.max
    return date(year, month_index % 12 + 1, 1) if year >= MINYEAR else date.min


def fiscal_year_start(year: int, fiscal_start_month: int) -> date:
    """Fiscal year ``year`` starts on the first of ``fiscal_start_month`` of calendar year ``year``
    (a fiscal year is named by the calendar year it starts in)."""
    return _first_of(year * 12 + fiscal_start_month - 1)


_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{1,2})))?$", re.IGNORECASE)


_RELATIVE = re.compile(r"^(this|last|next)-(month|quarter|year)$", re.IGNORECASE)


def parse_period(text: str, fiscal_start_month: int = 1, today: date | None = None) -> Period:
    """``2026`` (fiscal year), ``2026-Q4`` (fiscal quarter) or ``2026-11`` (calendar month); with
    ``today`` also ``this-quarter``, ``last-month``, ``next-year`` and the like (what a scheduled
    snapshot names, so one cron line serves every quarter)."""
    ensure_fiscal_start(fiscal_start_month)
    relative = _RELATIVE.match(str(text).strip())
    if relative and today is not None:
        current = period_containing(today, PeriodKind(relative[2].lower()), fiscal_start_month)
        step = relative[1].lower()
        if step == "this":
            return current
        day = current.start - timedelta(days=1) if step == "last" else current.end
        return period_containing(day, current.kind, fiscal_start_month)
    match = _PERIOD.match(str(text).strip())
    if not match:
        raise ValidationError(f"{text!r} is not a period; use 2026, 2026-Q4, 2026-11 or this-quarter "
                              "(this, last or next; month, quarter or year)", field="period")
    year, quarter, month = int(match[1]), match[2], match[3]
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(f"{text!r} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}", field="period")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValidationError(f"{text!r} has no month {month}", field="period")
    return _period_of(year, quarter, month, fiscal_start_month)


def _period_of(year: int, quarter: str | None, month: str | None, fiscal_start_month: int) -> Period:
    """The period named by its year and quarter or month (both None: the fiscal year), of any
    year the calendar holds (its bounds clamped: ``_first_of``)."""
    if month is not None:
        index, span, kind, label = year * 12 + int(month) - 1, 1, PeriodKind.MONTH, f"{year}-{int(month):02d}"
    elif quarter is None:
        index, span, kind, label = year * 12 + fiscal_start_month - 1, 12, PeriodKind.YEAR, f"{year}"
    else:
        index = year * 12 + fiscal_start_month - 1 + 3 * (int(quarter) - 1)
        span, kind, label = 3, PeriodKind.QUARTER, f"{year}-Q{quarter}"
    return Period(kind, _first_of(index), _first_of(index + span), label)


def period_containing(day: date, kind: PeriodKind, fiscal_start_month: int = 1) -> Period:
    """The month, fiscal quarter or fiscal year holding ``day``."""
    ensure_fiscal_start(fiscal_start_month)
    if kind is PeriodKind.MONTH:
        return _period_of(day.year, None, str(day.month), 1)
    year = day.year if day.month >= fiscal_start_month else day.year - 1
    if kind is PeriodKind.YEAR:
        return _period_of(year, None, None, fiscal_start_month)
    months_in = (day.year * 12 + day.month) - (year * 12 + fiscal_start_month)
    return _period_of(year, str(months_in // 3 + 1), None, fiscal_start_month)


def ensure_fiscal_start(month: int) -> None:
    if not 1 <= month <= 12:
        raise ValidationError("the fiscal year starts in a month from 1 to 12", field="fiscal_year_start")


@dataclass(frozen=True, slots=True)
class CategorySums:
    """What the database sums for one owner in one period, in the organisation's currency."""

    owner_id: int | None
    outcome: Outcome
    category: ForecastCategory
    amount: Decimal
    weighted: Decimal
    count: int


@dataclass
class Forecast:
    """One user's forecast for one period: the cumulative categories, the weighted pipeline, the
    quota and attainment; with ``adjusted`` holding a manager's figures beside the original."""

    user_id: int | None
    period: Period
    totals: dict[ForecastCategory, Decimal] = field(default_factory=lambda: {c: ZERO for c in CUMULATIVE})
    weighted: Decimal = ZERO
    open_count: int = 0
    won_count: int = 0
    quota: Decimal | None = None
    adjusted: dict[ForecastCategory, Decimal] = field(default_factory=dict)

    def total(self, category: ForecastCategory) -> Decimal:
        """The figure that counts: the adjustment if a manager made one, else the computed total."""
        return self.adjusted.get(category, self.totals[category])

    @property
    def attainment(self) -> Decimal | None:
        """Closed (won) as a share of quota, in percent; ``None`` without a quota."""
        if not self.quota:
            return None
        return (self.totals[ForecastCategory.CLOSED] * 100 / self.quota).quantize(Decimal("0.1"))


def forecast_of(user_id: int | None, period: Period, sums: Iterable[CategorySums]) -> Forecast:
    """Fold per-category sums into the cumulative categories. Won counts as closed; open
    opportunities count in their category and every wider one; lost and omitted count nowhere."""
    own = dict.fromkeys(CUMULATIVE, ZERO)
    weighted, open_count, won_count = ZERO, 0, 0
    for row in sums:
        if row.outcome is Outcome.WON:
            own[ForecastCategory.CLOSED] += row.amount
            won_count += row.count
        elif row.outcome is Outcome.OPEN and row.category in _OPEN_CATEGORIES:
            own[row.category] += row.amount
            weighted += row.weighted
            open_count += row.count
    totals, running = {}, ZERO
    for category in CUMULATIVE:
        running += own[category]
        totals[category] = running.quantize(AMOUNT_PLACES)
    return Forecast(user_id, period, totals, weighted.quantize(AMOUNT_PLACES), open_count, won_count)


#: The categories an open opportunity counts in (closed is what was won).
_OPEN_CATEGORIES = frozenset(CUMULATIVE) - {ForecastCategory.CLOSED}


def roll_up(user_id: int, period: Period, sums: Iterable[CategorySums], manager_of: Mapping[int, int | None],
            *, visible_owner_ids: frozenset[int] | None = None) -> Forecast:
    """A user's forecast is their team's: their own opportunities and those of everyone below them
    in the role hierarchy (only those ``visible_owner_ids`` holds, when given)."""
    team = subordinates_of(user_id, manager_of) | {user_id}
    if visible_owner_ids is not None:
        team &= visible_owner_ids
    return forecast_of(user_id, period, [row for row in sums if row.owner_id in team])


def roll_up_many(user_ids: Iterable[int], period: Period, sums: Iterable[CategorySums],
                 manager_of: Mapping[int, int | None]) -> dict[int, Forecast]:
    """``roll_up`` for many users at once: the hierarchy walked once, each owner's rows read once
    per level above them (a snapshot of a thousand users stays linear, not quadratic)."""
    rows_of: dict[int | None, list[CategorySums]] = {}
    for row in sums:
        rows_of.setdefault(row.owner_id, []).append(row)
    reports: dict[int, list[int]] = {}
    for member, manager in manager_of.items():
        if manager is not None and manager != member:
            reports.setdefault(manager, []).append(member)
    teams: dict[int, frozenset[int]] = {}

    def team_of(user_id: int) -> frozenset[int]:
        stack, order, seen = [user_id], [], set()
        while stack:  # iterative post-order: deep hierarchies do not hit the recursion limit
            member = stack.pop()
            if member in teams or member in seen:
                continue
            seen.add(member)
            order.append(member)
            stack.extend(reports.get(member, []))
        for member in reversed(order):
            if member not in teams:
                below = (teams.get(r, frozenset({r})) for r in reports.get(member, []) if r != user_id)
                teams[member] = frozenset({member}).union(*below)
        return teams[user_id]

    return {uid: forecast_of(uid, period, [row for member in team_of(uid) for row in rows_of.get(member, [])])
            for uid in user_ids}


def top_of_hierarchy(manager_of: Mapping[int, int | None], sums: Iterable[CategorySums]) -> list[int]:
    """The users who report to nobody and have a team or figures of their own: the breakdown of the
    organisation's forecast (their roll-ups hold every owned opportunity exactly once)."""
    managers = {manager for member, manager in manager_of.items() if manager is not None and manager != member}
    owners = {row.owner_id for row in sums}
    return sorted(uid for uid, manager in manager_of.items() if manager is None and (uid in managers or uid in owners))


def by_owner(period: Period, sums: Iterable[CategorySums]) -> dict[int | None, Forecast]:
    """Each owner's own forecast (no roll-up): the ``--by owner`` view."""
    grouped: dict[int | None, list[CategorySums]] = {}
    for row in sums:
        grouped.setdefault(row.owner_id, []).append(row)
    return {owner: forecast_of(owner, period, rows) for owner, rows in grouped.items()}


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A manager's figure for one category of a user's forecast; the computed one is kept beside it."""

    id: int
    user_id: int
    period_label: str
    category: ForecastCategory
    amount: Decimal
    original: Decimal
    adjusted_by: int
    note: str | None = None

    def __post_init__(self) -> None:
        ensure_figure_kept(self.original, self.category)


def ensure_figure_kept(figure: Decimal, category: ForecastCategory) -> None:
    """A computed figure an adjustment or a snapshot keeps fits an amount (``ensure_storable``):
    a team's pipeline of several near-10^14 deals is refused (naming ``category``), never cut."""
    ensure_storable(figure, field="category", message=f"the computed {category.value} figure ({figure}) "
                    f"{TOO_LARGE}; it cannot be kept")


def ensure_adjustable(category: ForecastCategory, amount: Decimal) -> None:
    if category not in CUMULATIVE or category is ForecastCategory.CLOSED:
        raise ValidationError("only commit, best case and pipeline can be adjusted; closed is what was won",
                              field="category")
    if amount < 0:
        raise ValidationError("must not be negative", field="amount")


def apply_adjustments(forecast: Forecast, adjustments: Iterable[Adjustment]) -> Forecast:
    """The forecast with the latest adjustment of each category (``adjustments`` oldest first)."""
    adjusted = dict(forecast.adjusted)
    for adjustment in adjustments:
        if adjustment.user_id == forecast.user_id and adjustment.period_label == forecast.period.label:
            adjusted[adjustment.category] = adjustment.amount
    return replace(forecast, adjusted=adjusted)


class AccuracyBasis(StrEnum):
    """What a snapshot's line puts beside what was won: a category's total (closed, commit, best
    case), or for the pipeline the weighted pipeline (closed plus each open amount x probability):
    the whole pipeline is never expected to close, so compared as it is it always missed by more
    than what was won (0 %)."""

    TOTAL = "total"
    WEIGHTED = "weighted"


@dataclass(frozen=True, slots=True)
class AccuracyLine:
    user_id: int | None
    category: ForecastCategory
    #: the figure compared with ``actual``: the category's total, or the weighted pipeline
    forecast: Decimal
    actual: Decimal
    basis: AccuracyBasis = AccuracyBasis.TOTAL

    @property
    def difference(self) -> Decimal:
        return self.actual - self.forecast

    @property
    def accuracy(self) -> Decimal | None:
        """How close the forecast came, in percent: 100 - |actual - forecast| / actual x 100 (floored at 0)."""
        if self.actual == 0:
            return None if self.forecast == 0 else Decimal(0)
        miss = abs(self.difference) * 100 / self.actual
        return max(Decimal(0), (100 - miss)).quantize(Decimal("0.1"))


def accuracy(snapshot: Mapping[tuple[int | None, ForecastCategory], Decimal],
             actual_won: Mapping[int | None, Decimal],
             weighted: Mapping[int | None, Decimal] | None = None) -> list[AccuracyLine]:
    """Compare a snapshot per user with what those users actually won in the period: one line per
    user and category. Closed, commit and best case compare their totals; the pipeline compares
    what it was expected to bring, the snapshot's closed plus its ``weighted`` open pipeline (a
    user without a weighted figure is compared on the pipeline total, as before)."""
    lines = []
    for (user, category), amount in sorted(snapshot.items(), key=lambda kv: (str(kv[0][0]), kv[0][1].value)):
        won = actual_won.get(user, ZERO)
        if category is ForecastCategory.PIPELINE and weighted is not None and user in weighted:
            expected = snapshot.get((user, ForecastCategory.CLOSED), ZERO) + weighted[user]
            lines.append(AccuracyLine(user, category, expected.quantize(AMOUNT_PLACES), won, AccuracyBasis.WEIGHTED))
        else:
            lines.append(AccuracyLine(user, category, amount, won))
    return lines
