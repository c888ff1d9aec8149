"""The maths of the funnel and sales reports: which records a report counts (its scope and its
dimensions), and how the sums the database returns fold into steps, rates, distributions and
velocity. Pure: the database counts, this module divides.

A report is cut by one dimension (``--by``) and filtered by any of them. The dimensions are data:
``DIMENSIONS`` names each, the column of the database it groups by, and how its keys are folded
(``team`` groups by owner then folds owners into their manager's team; ``quarter`` groups by the
creation month then folds months into quarters). A new dimension is one entry here and its column
in the persistence layer's ``dimension_columns`` (``campaign`` was added so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from leadline.domain.common import EARLIEST_YEAR, LATEST_YEAR, date_field
from leadline.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Dimension:
    """A way to cut a report: ``name`` as the user writes it, ``column`` the database groups by."""

    name: str
    column: str
    help: str


#: Every dimension a report is cut or filtered by.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("source", "source", "the lead source (an opportunity's own lead source)"),
    Dimension("owner", "owner", "the record's owner"),
    Dimension("team", "owner", "a manager's team: the manager and everyone below them in the role hierarchy"),
    Dimension("cohort", "month", "the month the lead (or opportunity) was created"),
    Dimension("quarter", "month", "the calendar quarter the lead (or opportunity) was created"),
    Dimension("campaign", "campaign", "the campaign the lead came from (an opportunity's own primary campaign)"),
)


def dimension_named(name: str | None) -> Dimension | None:
    """The dimension called ``name`` (None for none); ``VALIDATION_FAILED`` on ``by`` otherwise."""
    if name in (None, ""):
        return None
    for dimension in DIMENSIONS:
        if dimension.name == str(name).strip().lower():
            return dimension
    raise ValidationError(f"{name!r} is not one of {', '.join(d.name for d in DIMENSIONS)}", field="by")


@dataclass(frozen=True, slots=True)
class ReportScope:
    """The records a report counts: those of ``owner_ids`` (None: every owner the viewer may read,
    ``readable``), limited by ``filters`` (a dimension column -> the keys kept) and created in
    ``[created_from, created_to)``. Record-level security is ``readable``: the owners whose
    records the viewer may read (None: all), applied in the database as the lists apply it."""

    readable: frozenset[int] | None
    filters: tuple[tuple[str, frozenset[int]], ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None


def start_of_day(day: date) -> datetime:
    """The first moment of ``day``, in UTC: reports count a date as the whole day."""
    return datetime.combine(day, time(), UTC)


def report_day(value: object, field: str) -> date | None:
    """The date ``value`` names (``2026-03-31``), None for none: ``domain.common.date_field``,
    the one parser of every date input (``VALIDATION_FAILED`` naming ``field`` for anything but
    ``YYYY-MM-DD``, a day that does not exist, or one outside the business years)."""
    return date_field(value, field)


def ensure_known_day(day: date, today: date, field: str) -> date:
    """``day`` itself, or ``VALIDATION_FAILED`` naming ``field`` when it is after ``today``: the
    pipeline as of a day to come is not known yet (a forecast is another report), and answering
    with today's figures under a future date would mislead."""
    if day > today:
        raise ValidationError(f"{day.isoformat()} is after today ({today.isoformat()}): a report as of a day "
                              "to come is not known yet", field=field)
    return day


def pipeline_day(as_of: date | None, period_end: date | None, today: date) -> date:
    """The day at whose end a pipeline report is read, the same on every transport: ``as_of``,
    a pipeline date the user chose, refused naming ``as_of`` when after today
    (``ensure_known_day``); else the end of the period (``to``), today at the latest: a period
    that ends later (this quarter) shows the pipeline so far, as velocity counts its open deals;
    else today."""
    if as_of is not None:
        return ensure_known_day(as_of, today, "as_of")
    return today if period_end is None else min(period_end, today)


def month_key(day: date | datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def quarter_of(month: str) -> str:
    """``2026-05`` -> ``2026-Q2`` (calendar quarters)."""
    year, number = month.split("-")
    return f"{year}-Q{(int(number) - 1) // 3 + 1}"


#: A cohort as its inputs accept it (the API's parameter states the same pattern, anchored).
COHORT_PATTERN = "[0-9]{4}-(0[1-9]|1[0-2]|[Qq][1-4])"
_COHORT = re.compile(COHORT_PATTERN, re.ASCII)


def cohort_bounds(text: str) -> tuple[date, date]:
    """The first day of a cohort month (``2026-03``) or quarter (``2026-Q1``) and of the next one;
    written so and nothing else (not ``2026-3`` nor ``202603``), as the API's pattern says."""
    cleaned = str(text).strip()
    try:
        if not _COHORT.fullmatch(cleaned):
            raise ValueError(cleaned)
        cleaned = cleaned.upper()
        year, part = cleaned.split("-")
        first = (int(part[1:]) - 1) * 3 + 1 if part.startswith("Q") else int(part)
        months = 3 if part.startswith("Q") else 1
        if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
            raise ValueError(part)
        start = date(int(year), first, 1)
    except ValueError:
        raise ValidationError(f"{text!r} is not a month (2026-03) or quarter (2026-Q1)", field="cohort") from None
    end_month = start.month - 1 + months
    return start, date(start.year + end_month // 12, end_month % 12 + 1, 1)


#: The steps of the lead funnel, in order; a lead counts at every step up to the furthest it reached.
FUNNEL_STEPS = ("leads", "working", "qualified", "converted", "opportunity", "won")


@dataclass(frozen=True, slots=True)
class FunnelStep:
    name: str
    count: int
    #: of the step before (None for the first, or when the step before is empty), in percent
    step_rate: Decimal | None
    #: of all leads, in percent
    overall_rate: Decimal | None


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def funnel_steps(reached: Mapping[int, int]) -> list[FunnelStep]:
    """From how many leads reached each furthest step (index into ``FUNNEL_STEPS``) to the counts
    at every step (cumulative: a won lead was also working, qualified, converted, an opportunity)."""
    counts = [sum(n for furthest, n in reached.items() if furthest >= index) for index in range(len(FUNNEL_STEPS))]
    return [FunnelStep(name, count, percent(count, counts[i - 1]) if i else None, percent(count, counts[0]))
            for i, (name, count) in enumerate(zip(FUNNEL_STEPS, counts, strict=True))]


@dataclass(frozen=True, slots=True)
class Distribution:
    """Whole days, each with how many records took that long."""

    count: int
    mean: Decimal | None
    median: Decimal | None
    minimum: int | None
    maximum: int | None
    buckets: tuple[tuple[str, int], ...] = field(default=())


#: The buckets a distribution of days is shown in: (label, upper bound in days, inclusive).
DAY_BUCKETS = (("0-7", 7), ("8-30", 30), ("31-90", 90), ("91-180", 180), ("181-365", 365), ("366+", None))


def distribution(days: Mapping[int, int]) -> Distribution:
    """The mean, median, range and buckets of ``days`` (days -> how many)."""
    total = sum(days.values())
    if not total:
        return Distribution(0, None, None, None, None, tuple((label, 0) for label, _ in DAY_BUCKETS))
    mean = (Decimal(sum(d * n for d, n in days.items())) / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
    middle = Decimal(str(median(_expanded_middle(days, total)))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    buckets, low = [], 0
    for label, high in DAY_BUCKETS:
        buckets.append((label, sum(n for d, n in days.items() if d >= low and (high is None or d <= high))))
        low = (high or 0) + 1
    return Distribution(total, mean, middle, min(days), max(days), tuple(buckets))


def _expanded_middle(days: Mapping[int, int], total: int) -> list[int]:
    """The one or two middle values of the sorted days, without expanding every record."""
    wanted = {(total - 1) // 2, total // 2}
    found, seen = [], 0
    for value in sorted(days):
        for position in wanted:
            if seen <= position < seen + days[value]:
                found.append(value)
        seen += days[value]
    return found


#: The windows of the "converted within" shares, in days.
CONVERSION_WINDOWS = (30, 90, 180, 365)


@dataclass(frozen=True, slots=True)
class ConvertedWithin:
    days: int
    #: leads created at least ``days`` ago (the only ones that had that long)
    eligible: int
    converted: int

    @property
    def share(self) -> Decimal | None:
        return percent(self.converted, self.eligible)


@dataclass(frozen=True, slots=True)
class Velocity:
    open_count: int
    won_count: int
    lost_count: int
    won_amount: Decimal
    #: mean days from created to closed won
    cycle_days: Decimal | None

    @property
    def win_rate(self) -> Decimal | None:
        return percent(self.won_count, self.won_count + self.lost_count)

    @property
    def average_deal(self) -> Decimal | None:
        return (self.won_amount / self.won_count).quantize(Decimal("0.01")) if self.won_count else None

    @property
    def per_day(self) -> Decimal | None:
        """Pipeline velocity: open opportunities x win rate x average deal / cycle length, per day,
        from the exact rate and average (won / closed x won amount / won = won amount / closed),
        not from the rounded figures shown beside it."""
        if not self.cycle_days or not self.won_count:
            return None
        value = Decimal(self.open_count) * self.won_amount / (self.won_count + self.lost_count) / self.cycle_days
        return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def mean_days(total_days: int, count: int) -> Decimal | None:
    return (Decimal(total_days) / count).quantize(Decimal("0.1"), ROUND_HALF_UP) if count else None


def summed(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for key, count in pairs:
        totals[key] = totals.get(key, 0) + count
    return totals
