"""Read-only aggregate queries behind the pipeline summary. Computed in the database."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from leadline.domain.opportunities.opportunity import Outcome
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.opportunities.rows import OpportunityRow
from leadline.persistence.types import ExactDecimal


class PipelineQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def leads_by_status(self, visible_owner_ids: Iterable[int] | None = None) -> dict[int, int]:
        query = select(LeadRow.status_id, func.count()).group_by(LeadRow.status_id)
        if visible_owner_ids is not None:
            query = query.where(LeadRow.owner_id.in_(list(visible_owner_ids)))
        return {status_id: count for status_id, count in self.session.execute(query)}

    def opportunities_by_stage(
        self, visible_owner_ids: Iterable[int] | None = None
    ) -> list[tuple[int, str, str, int, Decimal, Decimal]]:
        """(stage id, outcome, currency, count, total amount, amount x probability) per group."""
        total = type_coerce(func.coalesce(func.sum(OpportunityRow.amount), 0), ExactDecimal)
        weighted = type_coerce(
            func.coalesce(func.sum(OpportunityRow.amount * OpportunityRow.probability), 0), ExactDecimal
        )
        query = (
            select(OpportunityRow.stage_id, OpportunityRow.outcome, OpportunityRow.currency,
                   func.count(), total, weighted)
            .group_by(OpportunityRow.stage_id, OpportunityRow.outcome, OpportunityRow.currency)
        )
        if visible_owner_ids is not None:
            query = query.where(OpportunityRow.owner_id.in_(list(visible_owner_ids)))
        rows: list[Any] = list(self.session.execute(query))
        return [
            (stage_id, Outcome(outcome).value, currency, count, amount, (weight / 100).quantize(Decimal("0.01")))
            for stage_id, outcome, currency, count, amount, weight in rows
        ]
