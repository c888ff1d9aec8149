"""The pipeline summary: leads by status, and opportunities by stage with their weighted value.

Leads never count towards pipeline money; only opportunities do. Each user sees the figures of
the records they may read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from leadline.domain.configuration.custom_fields import RecordType
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer


@dataclass(frozen=True)
class StageLine:
    stage: str
    order: int
    process: str
    outcome: str
    currency: str
    count: int
    amount: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class PipelineSummary:
    leads_by_status: list[tuple[str, str, int]]
    stages: list[StageLine] = field(default_factory=list)

    @property
    def lead_total(self) -> int:
        return sum(count for _, _, count in self.leads_by_status)

    def open_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Open pipeline per currency: (total amount, weighted amount)."""
        totals: dict[str, tuple[Decimal, Decimal]] = {}
        for line in self.stages:
            if line.outcome == "open":
                amount, weighted = totals.get(line.currency, (Decimal(0), Decimal(0)))
                totals[line.currency] = (amount + line.amount, weighted + line.weighted)
        return totals


def pipeline_summary(ctx: ServiceContext, actor_id: int) -> PipelineSummary:
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        statuses = uow.statuses.list()
        counts = uow.pipeline.leads_by_status(viewer.readable_owner_ids(RecordType.LEAD))
        stages = {s.id: s for s in uow.stages.stages()}
        processes = {p.id: p.name for p in uow.stages.processes()}
        lines = [
            StageLine(stages[sid].label, stages[sid].order, processes[stages[sid].process_id], outcome,
                      currency, count, amount, weighted)
            for sid, outcome, currency, count, amount, weighted
            in uow.pipeline.opportunities_by_stage(viewer.readable_owner_ids(RecordType.OPPORTUNITY))
        ]
        lines.sort(key=lambda line: (line.process, line.order, line.currency))
        return PipelineSummary(
            [(s.label, s.kind.value, counts.get(s.id, 0)) for s in statuses],
            lines,
        )
