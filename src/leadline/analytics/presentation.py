"""The funnel and sales reports as documents (JSON-safe: the CLI's ``--json`` and the API give
the same) and as tables (the CLI's tables and ``--csv``), so every transport shows the same
figures under the same names."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from leadline.analytics.deals import ProcessStages, VelocityReport
from leadline.analytics.funnel import ConversionTimeReport, FunnelReport
from leadline.analytics.pipeline_history import PipelineReport
from leadline.domain.reports import FUNNEL_STEPS, ConvertedWithin, Velocity

#: Figures computed from the fields, shown beside them.
_DERIVED: dict[type, tuple[str, ...]] = {
    ConvertedWithin: ("share",),
    Velocity: ("win_rate", "average_deal", "per_day"),
    PipelineReport: ("open_count", "open_amount"),
}


def document(value: Any) -> Any:
    """``value`` JSON-safe: Decimals as exact strings, dates ISO 8601, group keys (ids) as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        fields.update({name: getattr(value, name) for name in _DERIVED.get(type(value), ())})
        return {name: str(v) if name == "key" and v is not None else document(v) for name, v in fields.items()}
    if isinstance(value, dict):
        return {str(k): document(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [document(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ReportTable:
    title: str
    headers: list[str]
    rows: list[list[Any]]


def tables_of(report: Any) -> list[ReportTable]:
    """The report as one or more tables."""
    if isinstance(report, FunnelReport):
        return _funnel(report)
    if isinstance(report, ConversionTimeReport):
        return _conversion_time(report)
    if isinstance(report, VelocityReport):
        return _velocity(report)
    if isinstance(report, PipelineReport):
        return _pipeline(report)
    return [_stages(process) for process in report]


def _funnel(report: FunnelReport) -> list[ReportTable]:
    headers = ["group", *(f"{name}" for name in FUNNEL_STEPS), *(f"{name} %" for name in FUNNEL_STEPS[1:])]
    rows = [[line.label, *(s.count for s in line.steps), *(s.step_rate for s in line.steps[1:])]
            for line in [*report.groups, report.total]]
    return [ReportTable("Lead funnel (counts; % of the step before)", headers, rows)]


def _conversion_time(report: ConversionTimeReport) -> list[ReportTable]:
    lines = [*report.groups, report.total]
    days = ReportTable("Days from lead to conversion",
                       ["group", "converted", "mean", "median", "min", "max",
                        *(label for label, _ in report.total.days.buckets)],
                       [[g.label, g.days.count, g.days.mean, g.days.median, g.days.minimum, g.days.maximum,
                         *(n for _, n in g.days.buckets)] for g in lines])
    within = ReportTable("Converted within (of the leads old enough)",
                         ["group", *(f"{w.days} d" for w in report.total.within)],
                         [[g.label, *(f"{w.converted}/{w.eligible} ({w.share} %)" if w.eligible else "-"
                                      for w in g.within)] for g in lines])
    return [days, within]


def _stages(process: ProcessStages) -> ReportTable:
    return ReportTable(f"{process.process}: {process.opportunities} opportunities, {process.won} won",
                       ["stage", "reached", "to next %", "left (timed)", "median days", "mean days"],
                       [[s.stage, s.reached, s.to_next, s.days.count, s.days.median, s.days.mean]
                        for s in process.steps])


def _velocity(report: VelocityReport) -> list[ReportTable]:
    rows = [[g.label, g.velocity.open_count, g.velocity.won_count, g.velocity.lost_count, g.velocity.win_rate,
             g.velocity.average_deal, g.velocity.cycle_days, g.velocity.per_day]
            for g in [*report.groups, report.total]]
    return [ReportTable(f"Velocity, closed {report.start} to {report.end}, open at the end of {report.open_as_of}, "
                        f"in {report.currency}",
                        ["group", "open", "won", "lost", "win rate %", "average deal", "cycle days", "per day"],
                        rows)]


def _pipeline(report: PipelineReport) -> list[ReportTable]:
    found = [ReportTable(f"Pipeline as of {report.as_of}, in {report.currency}", ["group", "stage", "open", "amount"],
                         [[line.group, line.stage, line.count, line.amount] for line in report.lines]
                         + [["all", "", report.open_count, report.open_amount]])]
    if report.since is not None:
        found.append(ReportTable(f"Changes from {report.since} to {report.as_of}", ["change", "count", "amount"],
                                 [[c.kind, c.count, c.amount] for c in report.changes]))
    return found
