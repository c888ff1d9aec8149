"""The pipeline as of any past date, rebuilt from the opportunities' recorded history (each
change of stage, amount or close date is a row with the figures after it), and how it changed
between two dates: new, moved (another stage), pushed (a later close date), won, lost.

A date counts whole: the pipeline "as of 2026-03-31" is every opportunity's latest figures
recorded before 2026-04-01 00:00 UTC. Amounts are in the organisation's currency at the rate
valid on the close date then (``analytics.deals.Money``). Each viewer sees what they may read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from leadline.analytics.deals import Money
from leadline.analytics.scope import group_key, report_scope
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.reports import pipeline_day, start_of_day
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer

#: How many of the largest open opportunities a pipeline report lists.
LISTED = 50
CHANGE_KINDS = ("new", "moved", "pushed", "won", "lost", "handed_in", "handed_out")


@dataclass(frozen=True)
class PipelineLine:
    group: str
    stage: str
    order: int
    count: int
    amount: Decimal


@dataclass(frozen=True)
class PipelineChange:
    kind: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class PipelineReport:
    as_of: date
    currency: str
    by: str | None
    lines: list[PipelineLine]
    #: the largest open opportunities then: id, name, owner id, stage, amount, currency, close date
    largest: list[dict[str, Any]]
    since: date | None = None
    changes: list[PipelineChange] = field(default_factory=list)
    unconverted: dict[str, int] = field(default_factory=dict)

    @property
    def open_count(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def open_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def pipeline_report(ctx: ServiceContext, actor_id: int, *, as_of: date | None = None, since: date | None = None,
                    filters: Mapping[str, object] | None = None, by: str | None = None,
                    to: date | None = None) -> PipelineReport:
    """The open pipeline at the end of ``as_of``, or of the period ending ``to`` (default: today),
    per stage (and group of ``by``); with ``since``, what changed from the end of ``since`` to
    then. An ``as_of`` after today is ``VALIDATION_FAILED`` naming ``as_of``; a ``to`` after today
    is today (``domain.reports.pipeline_day``)."""
    day = pipeline_day(as_of, to, ctx.now().date())
    if since is not None and since > day:
        raise ValidationError("the start date is after the end date", field="from")
    moment = start_of_day(day + timedelta(days=1))
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        chosen = report_scope(ctx, uow, viewer, RecordType.OPPORTUNITY, filters or {}, by)
        rows = uow.deal_reports.open_at(chosen.scope, chosen.column, moment)
        largest = uow.deal_reports.open_list_at(chosen.scope, moment, LISTED)
        changed = [] if since is None else uow.deal_reports.changes(
            chosen.scope, start_of_day(since + timedelta(days=1)), moment)
        money, config = Money(ctx, uow.exchange_rates.list()), ctx.config(uow)
    stages = {s.id: s for s in config.stages}
    totals: dict[tuple[str, int], list[Any]] = {}
    for key, stage_id, currency, rate_from, count, amount in rows:
        label = chosen.label(group_key(config, chosen.dimension, key))
        converted = money.convert(currency, rate_from, amount, count)
        if converted is None:
            continue
        entry = totals.setdefault((label, stage_id), [0, Decimal(0)])
        entry[0] += count
        entry[1] += converted
    lines = sorted((PipelineLine(label, stages[sid].label, stages[sid].order, n, a)
                    for (label, sid), (n, a) in totals.items()), key=lambda line: (line.group, line.order))
    listed = [{"id": i, "name": name, "owner_id": owner, "stage": stages[sid].label, "amount": amount,
               "currency": currency, "close_date": close} for i, name, owner, sid, amount, currency, close in largest]
    return PipelineReport(day, ctx.currency, chosen.dimension.name if chosen.dimension else None, lines, listed,
                          since, _changes(money, changed) if since is not None else [], money.unconverted)


def _changes(money: Money, rows: list[tuple[Any, ...]]) -> list[PipelineChange]:
    sums = {kind: [0, Decimal(0)] for kind in CHANGE_KINDS}
    for *flags, currency, rate_from, count, amount in rows:
        converted = money.convert(currency, rate_from, amount, count)
        for kind, flag in zip(CHANGE_KINDS, flags, strict=True):
            if flag:
                sums[kind][0] += count
                sums[kind][1] += converted if converted is not None else Decimal(0)
    return [PipelineChange(kind, n, a) for kind, (n, a) in sums.items()]
