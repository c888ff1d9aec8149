"""The home dashboard's figures: leads by source and by status, the conversion funnel, the open
pipeline by stage, this quarter's forecast against quota and the won/lost trend by month.

Read-only and bounded: each figure is one aggregate statement (one row per status, source,
stage, month), so the dashboard runs the same few statements whatever the number of records.
Each viewer counts only the records they may read, exactly as the lists show them (the owners
``Viewer.readable_owner_ids`` names); a converted lead's opportunity counts in the funnel only
when the viewer may read the opportunity too.

>>> figures = dashboard(ctx, rep_id)       # doctest: +SKIP
>>> [(bar.label, bar.value) for bar in figures.funnel]   # doctest: +SKIP
[('Leads', 12), ('Qualified', 5), ('Converted', 3), ('With opportunity', 2), ('Won', 1)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.forecast import CUMULATIVE
from leadline.services.context import ServiceContext
from leadline.services.forecast.figures import forecast_in
from leadline.services.security.access import load_viewer

if TYPE_CHECKING:
    from leadline.domain.security.access import Viewer
    from leadline.services.ports.unit_of_work import UnitOfWork

#: How many months the won/lost trend shows, the current one last.
TREND_MONTHS = 12
FUNNEL = ("Leads", "Qualified", "Converted", "With opportunity", "Won")
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Bar:
    """One labelled figure of a chart: a count or an amount."""

    label: str
    value: int | Decimal


@dataclass(frozen=True)
class MonthOutcomes:
    month: str  # "2026-03"
    won: int
    lost: int


@dataclass(frozen=True)
class QuotaFigures:
    """The period's cumulative forecast categories (closed, commit, best case, pipeline) and quota."""

    period: str
    categories: list[Bar]
    quota: Decimal | None
    attainment: Decimal | None


@dataclass(frozen=True)
class Dashboard:
    currency: str
    leads_by_status: list[Bar]
    leads_by_source: list[Bar]
    funnel: list[Bar]
    #: open opportunities' amount per stage, in the organisation's currency
    pipeline: list[Bar]
    forecast: QuotaFigures
    trend: list[MonthOutcomes]
    #: (currency, number of open opportunities) left out of the pipeline for want of a rate
    unconverted: list[tuple[str, int]] = field(default_factory=list)


def dashboard(ctx: ServiceContext, actor_id: int) -> Dashboard:
    """Every figure of the home dashboard as ``actor_id`` may see them, read in one transaction."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        pipeline, unconverted = pipeline_by_stage(ctx, uow, viewer)
        return Dashboard(ctx.currency, leads_by_status(uow, viewer), leads_by_source(uow, viewer),
                         conversion_funnel(uow, viewer), pipeline, forecast_against_quota(ctx, uow, viewer),
                         outcome_trend(ctx, uow, viewer), unconverted)


def leads_by_status(uow: UnitOfWork, viewer: Viewer) -> list[Bar]:
    """Lead count per status, in the statuses' order; statuses no readable lead has are left out."""
    counts = uow.pipeline.leads_by_status(viewer.readable_owner_ids(RecordType.LEAD))
    return [Bar(s.label, counts[s.id]) for s in uow.statuses.list() if counts.get(s.id)]


def leads_by_source(uow: UnitOfWork, viewer: Viewer) -> list[Bar]:
    """Lead count per source, largest first; leads without a source as "(none)"."""
    counts = uow.pipeline.leads_by_source(viewer.readable_owner_ids(RecordType.LEAD))
    names: dict[int | None, str] = {s.id: s.label for s in uow.sources.list()}
    bars = [Bar(names.get(source_id, "(none)"), count) for source_id, count in counts.items() if count]
    return sorted(bars, key=lambda bar: (-bar.value, bar.label))


def conversion_funnel(uow: UnitOfWork, viewer: Viewer) -> list[Bar]:
    """Leads, then those qualified (or converted), converted, converted with an opportunity the
    viewer may read, and those whose opportunity was won."""
    qualified = [s.id for s in uow.statuses.list() if s.kind in (StatusKind.QUALIFIED, StatusKind.CONVERTED)]
    counts = uow.pipeline.lead_funnel(qualified, viewer.readable_owner_ids(RecordType.LEAD),
                                      viewer.readable_owner_ids(RecordType.OPPORTUNITY))
    return [Bar(label, count) for label, count in zip(FUNNEL, counts, strict=True)]


def pipeline_by_stage(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer) -> tuple[list[Bar], list[tuple[str, int]]]:
    """Open opportunities' amount per stage (in stage order), converted to the organisation's
    currency at today's rate; currencies without a rate are counted apart, never guessed."""
    today = ctx.now().date()
    rates: dict[str, tuple[date, Decimal]] = {}
    for currency, valid_from, rate in uow.exchange_rates.list():
        if valid_from <= today and valid_from >= rates.get(currency, (date.min, rate))[0]:
            rates[currency] = (valid_from, rate)
    stages = {s.id: s for s in uow.stages.stages()}
    processes = {p.id: p.name for p in uow.stages.processes()}
    totals: dict[int, Decimal] = {}
    unconverted: dict[str, int] = {}
    for stage_id, outcome, currency, count, amount, _ in uow.pipeline.opportunities_by_stage(
            viewer.readable_owner_ids(RecordType.OPPORTUNITY)):
        if outcome != "open":
            continue
        rate = Decimal(1) if currency == ctx.currency else rates.get(currency, (today, None))[1]
        if rate is None:
            unconverted[currency] = unconverted.get(currency, 0) + count
            continue
        totals[stage_id] = totals.get(stage_id, Decimal(0)) + amount * rate
    several = len({stages[sid].process_id for sid in totals}) > 1
    ordered = sorted(totals, key=lambda sid: (processes[stages[sid].process_id], stages[sid].order))
    bars = [Bar(f"{stages[sid].label} ({processes[stages[sid].process_id]})" if several else stages[sid].label,
                totals[sid].quantize(CENTS)) for sid in ordered]
    return bars, sorted(unconverted.items())


def forecast_against_quota(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer) -> QuotaFigures:
    """This quarter's forecast of the viewer's team (an admin's: the organisation's, whose quota is
    the sum of the quotas of the users who report to nobody), with the quota and attainment."""
    report = forecast_in(ctx, uow, viewer, "this-quarter")
    forecast = report.forecast
    quota = forecast.quota
    if report.scope == "organisation":
        hierarchy = ctx.config(uow).hierarchy
        quotas = [amount for uid, amount in uow.quotas.for_period(report.period.label).items()
                  if hierarchy.get(uid) is None]
        quota = sum(quotas, Decimal(0)) if quotas else None
    quota = quota.quantize(CENTS) if quota is not None else None
    closed = forecast.total(CUMULATIVE[0])
    attainment = (closed * 100 / quota).quantize(Decimal("0.1")) if quota else None
    categories = [Bar(category.value.replace("_", " ").capitalize(), forecast.total(category).quantize(CENTS))
                  for category in CUMULATIVE]
    return QuotaFigures(report.period.label, categories, quota, attainment)


def outcome_trend(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, months: int = TREND_MONTHS,
                  ) -> list[MonthOutcomes]:
    """Opportunities won and lost per month of their close date, the last ``months`` months
    (this one included), oldest first; a month without any is zero."""
    today = ctx.now().date()
    index = today.year * 12 + today.month - 1 - (months - 1)
    since = date(index // 12, index % 12 + 1, 1)
    counts = {(year, month, outcome): count for year, month, outcome, count
              in uow.pipeline.outcomes_by_month(since, viewer.readable_owner_ids(RecordType.OPPORTUNITY))}
    trend = []
    for step in range(months):
        year, month = divmod(index + step, 12)
        trend.append(MonthOutcomes(f"{year}-{month + 1:02d}", counts.get((year, month + 1, "won"), 0),
                                   counts.get((year, month + 1, "lost"), 0)))
    return trend
