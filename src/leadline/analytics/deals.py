"""Sales reports over opportunities and their recorded history: stage-to-stage conversion and
time in stage per sales process; velocity (win rate, average deal, sales cycle, pipeline
velocity); the pipeline as of any past date and its changes between two dates.

Amounts are in the organisation's currency at the rate valid on each opportunity's close date,
as the forecast converts (``analytics.forecast``); amounts in a currency without any rate are
left out and counted apart. Each viewer's report holds only the opportunities they may read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from leadline.analytics.funnel import Dates
from leadline.analytics.scope import group_key, report_scope
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.reports import Distribution, Velocity, distribution, percent, start_of_day
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer


class Money:
    """Sums in the organisation's currency; what has no rate is counted per currency apart."""

    def __init__(self, ctx: ServiceContext, rates: list[tuple[str, date, Decimal]]) -> None:
        self.currency = ctx.currency
        self.rates = {(code, day): rate for code, day, rate in rates}
        self.unconverted: dict[str, int] = {}

    def convert(self, currency: str, rate_from: date | None, amount: Decimal, count: int) -> Decimal | None:
        if currency == self.currency:
            return amount.quantize(Decimal("0.01"))
        rate = self.rates.get((currency, rate_from)) if rate_from is not None else None
        if rate is None:
            self.unconverted[currency] = self.unconverted.get(currency, 0) + count
            return None
        return (amount * rate).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class StageStep:
    stage: str
    order: int
    #: opportunities that reached this stage or a later one (or were won)
    reached: int
    #: of those, the share that reached the next stage (the last open one: won), in percent
    to_next: Decimal | None
    days: Distribution


@dataclass(frozen=True)
class ProcessStages:
    process: str
    opportunities: int
    won: int
    steps: list[StageStep]


def stages_report(ctx: ServiceContext, actor_id: int, *, filters: Mapping[str, object] | None = None,
                  created: Dates = (None, None)) -> list[ProcessStages]:
    """Per sales process, each open stage in order: how many opportunities reached it (or went
    further), the share going on to the next (the last: to won), and the days spent in it (stays
    that ended: the stage was left)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        chosen = report_scope(ctx, uow, viewer, RecordType.OPPORTUNITY, filters or {}, None, created=created)
        reach = uow.deal_reports.stage_reach(chosen.scope)
        stays = uow.deal_reports.stage_stays(chosen.scope)
        config = ctx.config(uow)
    days: dict[int, dict[int, int]] = {}
    for stage_id, elapsed, count in stays:
        days.setdefault(stage_id, {})[elapsed] = days.get(stage_id, {}).get(elapsed, 0) + count
    report = []
    for process in sorted(config.processes, key=lambda p: p.name):
        rows = [(furthest, won, n) for p, furthest, won, n in reach if p == process.id]
        if not rows:
            continue
        stages = sorted((s for s in config.stages if s.process_id == process.id and not s.is_closed),
                        key=lambda s: s.order)
        reached = [sum(n for furthest, won, n in rows if won or (furthest is not None and furthest >= s.order))
                   for s in stages]
        won = sum(n for _, was_won, n in rows if was_won)
        following = reached[1:] + [won]
        steps = [StageStep(s.label, s.order, r, percent(nxt, r), distribution(days.get(s.id, {})))
                 for s, r, nxt in zip(stages, reached, following, strict=True)]
        report.append(ProcessStages(process.name, sum(n for *_, n in rows), won, steps))
    return report


@dataclass(frozen=True)
class VelocityGroup:
    key: Any
    label: str
    velocity: Velocity


@dataclass(frozen=True)
class VelocityReport:
    start: date
    end: date
    currency: str
    by: str | None
    total: VelocityGroup
    groups: list[VelocityGroup]
    unconverted: dict[str, int] = field(default_factory=dict)
    #: the day whose end the open figures are as of: ``end``, or today while ``end`` is to come
    open_as_of: date | None = None


def period_of(ctx: ServiceContext, first: date | None, last: date | None) -> tuple[date, date]:
    """From ``first`` to ``last`` inclusive; default: the 365 days up to today."""
    last = last or ctx.now().date()
    first = first or last - timedelta(days=364)
    if last < first:
        raise ValidationError("the end date is before the start date", field="to")
    return first, last


def velocity_report(ctx: ServiceContext, actor_id: int, *, filters: Mapping[str, object] | None = None,
                    by: str | None = None, period: Dates = (None, None)) -> VelocityReport:
    """Of the opportunities closed in ``period`` (default: the last 365 days): win rate (won of
    won and lost), average won deal, sales cycle (mean days from created to closed won); with
    the opportunities open at the end of the period (rebuilt from the history, as the pipeline
    as of that date is; today's end while the period's end is to come), pipeline velocity =
    open x win rate x average deal / cycle, per day."""
    first, last = period_of(ctx, *period)
    end = start_of_day(last + timedelta(days=1))
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        chosen = report_scope(ctx, uow, viewer, RecordType.OPPORTUNITY, filters or {}, by)
        closed = uow.deal_reports.closed(chosen.scope, chosen.column, start_of_day(first), end)
        open_counts = uow.deal_reports.open_counts_at(chosen.scope, chosen.column, end)
        money, config = Money(ctx, uow.exchange_rates.list()), ctx.config(uow)
    sums: dict[Any, list[Any]] = {}

    def add(key: Any, at: int, value: Any) -> None:
        for target in (_TOTAL, group_key(config, chosen.dimension, key)) if chosen.dimension else (_TOTAL,):
            sums.setdefault(target, [0, 0, 0, Decimal(0), 0])[at] += value

    for key, count in open_counts:
        add(key, 0, count)
    for key, outcome, currency, rate_from, count, amount, days in closed:
        if outcome == "lost":
            add(key, 2, count)
            continue
        add(key, 1, count)
        add(key, 4, days)
        converted = money.convert(currency, rate_from, amount, count)
        add(key, 3, converted if converted is not None else Decimal(0))
    groups = {key: Velocity(o, w, lost, amount, (Decimal(d) / w).quantize(Decimal("0.1")) if w else None)
              for key, (o, w, lost, amount, d) in sums.items()}
    total = VelocityGroup(None, "all", groups.pop(_TOTAL, Velocity(0, 0, 0, Decimal(0), None)))
    lines = sorted((VelocityGroup(k, chosen.label(k), v) for k, v in groups.items()), key=lambda g: g.label)
    return VelocityReport(first, last, ctx.currency, chosen.dimension.name if chosen.dimension else None, total,
                          lines, money.unconverted, min(last, ctx.now().date()))


_TOTAL = object()
