"""Read-only aggregate queries behind the pipeline summary and the home dashboard. Computed in
the database: each is one statement returning one row per group, whatever the number of records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, extract, func, or_, select, type_coerce
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

    def leads_by_source(self, visible_owner_ids: Iterable[int] | None = None) -> dict[int | None, int]:
        """Lead count per source id (None: no source)."""
        query = select(LeadRow.source_id, func.count()).group_by(LeadRow.source_id)
        if visible_owner_ids is not None:
            query = query.where(LeadRow.owner_id.in_(list(visible_owner_ids)))
        return {source_id: count for source_id, count in self.session.execute(query)}

    def lead_funnel(self, qualified_status_ids: Iterable[int], visible_owner_ids: Iterable[int] | None = None,
                    opportunity_owner_ids: Iterable[int] | None = None) -> tuple[int, int, int, int, int]:
        """(leads, qualified, converted, with an opportunity, whose opportunity was won) in one
        statement. A lead counts as qualified when its status is one of ``qualified_status_ids`` or
        it was converted; its opportunity counts only when its owner is in ``opportunity_owner_ids``
        (None: any)."""
        joined = OpportunityRow.id == LeadRow.converted_opportunity_id
        if opportunity_owner_ids is not None:
            joined = and_(joined, OpportunityRow.owner_id.in_(list(opportunity_owner_ids)))

        def counted(condition: Any) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        query = select(
            func.count(LeadRow.id),
            counted(or_(LeadRow.status_id.in_(list(qualified_status_ids)), LeadRow.converted_at.is_not(None))),
            counted(LeadRow.converted_at.is_not(None)),
            counted(OpportunityRow.id.is_not(None)),
            counted(OpportunityRow.outcome == Outcome.WON.value),
        ).select_from(LeadRow).outerjoin(OpportunityRow, joined)
        if visible_owner_ids is not None:
            query = query.where(LeadRow.owner_id.in_(list(visible_owner_ids)))
        leads, qualified, converted, with_opportunity, won = self.session.execute(query).one()
        return int(leads), int(qualified), int(converted), int(with_opportunity), int(won)

    def outcomes_by_month(self, since: date, visible_owner_ids: Iterable[int] | None = None,
                          ) -> list[tuple[int, int, str, int]]:
        """(year, month, outcome, count) of the opportunities won or lost with a close date on or
        after ``since``, one row per month and outcome."""
        year = extract("year", OpportunityRow.close_date)
        month = extract("month", OpportunityRow.close_date)
        query = (
            select(year, month, OpportunityRow.outcome, func.count())
            .where(OpportunityRow.outcome.in_([Outcome.WON, Outcome.LOST]), OpportunityRow.close_date >= since)
            .group_by(year, month, OpportunityRow.outcome)
        )
        if visible_owner_ids is not None:
            query = query.where(OpportunityRow.owner_id.in_(list(visible_owner_ids)))
        return [(int(y), int(m), Outcome(outcome).value, count) for y, m, outcome, count in self.session.execute(query)]
