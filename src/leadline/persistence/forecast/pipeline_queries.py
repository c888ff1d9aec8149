"""Read-only aggregate queries behind the pipeline summary and the home dashboard. Computed in
the database: each is one statement returning one row per group, whatever the number of records."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, case, extract, func, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session

from leadline.domain.opportunities.opportunity import Outcome
from leadline.persistence.accounts.rows import AccountRow
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.opportunities.rows import OpportunityRow
from leadline.persistence.reports.scope import live_conditions
from leadline.persistence.types import ExactDecimal


class PipelineQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def leads_by_status(self, visible_owner_ids: Iterable[int] | None = None) -> dict[int, int]:
        """Live lead count per status id (tombstones left out, as in the reports)."""
        query = select(LeadRow.status_id, func.count()).where(*live_conditions(LeadRow)).group_by(LeadRow.status_id)
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
        """Live lead count per source id (None: no source; tombstones left out, as in the reports)."""
        query = select(LeadRow.source_id, func.count()).where(*live_conditions(LeadRow)).group_by(LeadRow.source_id)
        if visible_owner_ids is not None:
            query = query.where(LeadRow.owner_id.in_(list(visible_owner_ids)))
        return {source_id: count for source_id, count in self.session.execute(query)}

    def lead_funnel(self, qualified_status_ids: Iterable[int], visible_owner_ids: Iterable[int] | None = None,
                    opportunity_owner_ids: Iterable[int] | None = None) -> tuple[int, int, int, int, int]:
        """(leads, qualified, converted, with an opportunity, whose opportunity was won) in one
        statement, over live leads (tombstones left out, as in the reports). A lead counts as
        qualified when its status is one of ``qualified_status_ids`` or it was converted; its
        opportunity counts only when its owner is in ``opportunity_owner_ids`` (None: any)."""
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
        ).select_from(LeadRow).outerjoin(OpportunityRow, joined).where(*live_conditions(LeadRow))
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

    def board_sums(self, open_stage_ids: Iterable[int], closed_stage_ids: Iterable[int], closed_since: date,
                   visible_owner_ids: Iterable[int] | None = None) -> list[tuple[int, str, int, Decimal, Decimal]]:
        """(stage id, currency, count, amount, weighted amount) per stage and currency, summed from
        the board's covering indexes. An open stage holds only open opportunities (the outcome
        follows the stage), so the stage alone picks them; the open and the closed stages are two
        range searches (one OR of both would scan the whole index)."""
        parameters = {"open": list(open_stage_ids) or [0], "closed": list(closed_stage_ids) or [0],
                      "since": closed_since}
        if visible_owner_ids is not None:
            parameters["owners"] = list(visible_owner_ids)
        rows = self.session.execute(_sums_statement(visible_owner_ids is not None), parameters)
        return [(stage_id, currency, count, amount, (weight / 100).quantize(Decimal("0.0001")))
                for stage_id, currency, count, amount, weight in rows]

    def board_cards(self, open_stage_ids: Iterable[int], closed_stage_ids: Iterable[int], closed_since: date,
                    limits: tuple[int, int], visible_owner_ids: Iterable[int] | None = None) -> list[Any]:
        """One UNION ALL of small ordered queries, each reading its first rows (``limits``: open,
        closed) in the order of a board index instead of sorting a whole stage: per open stage
        those with a close date (closest first) and those without (as many more, trimmed by the
        caller); per closed stage the latest closes."""
        opened, closed = list(open_stage_ids), list(closed_stage_ids)
        if not opened and not closed:
            return []
        parameters: dict[str, Any] = {f"open_{n}": stage_id for n, stage_id in enumerate(opened)}
        parameters |= {f"closed_{n}": stage_id for n, stage_id in enumerate(closed)}
        parameters |= {"limit": limits[0], "closed_limit": limits[1], "since": closed_since}
        if visible_owner_ids is not None:
            parameters["owners"] = list(visible_owner_ids)
        statement = _cards_statement(len(opened), len(closed), visible_owner_ids is not None)
        return [tuple(row) for row in self.session.execute(statement, parameters)]


# The board's statements are built once per shape (how many stages, whether owners are filtered)
# and bound per request: building a UNION of subqueries costs SQLAlchemy far more than running it.

@functools.cache
def _sums_statement(filtered: bool) -> Any:
    opp = OpportunityRow
    owners = [opp.owner_id.in_(bindparam("owners", expanding=True))] if filtered else []
    total = type_coerce(func.coalesce(func.sum(opp.amount), 0), ExactDecimal)
    weighted = type_coerce(func.coalesce(func.sum(opp.amount * opp.probability), 0), ExactDecimal)
    parts = [select(opp.stage_id, opp.currency, func.count(), total, weighted).where(*where, *owners)
             .group_by(opp.stage_id, opp.currency)
             for where in ([opp.stage_id.in_(bindparam("open", expanding=True))],
                           [opp.stage_id.in_(bindparam("closed", expanding=True)),
                            opp.close_date >= bindparam("since", type_=Date)])]
    return union_all(*(select(*part.subquery().c) for part in parts))


@functools.cache
def _cards_statement(open_count: int, closed_count: int, filtered: bool) -> Any:
    opp = OpportunityRow
    columns = (opp.id, opp.stage_id, opp.name, opp.account_id, AccountRow.name.label("account_name"),
               AccountRow.owner_id.label("account_owner_id"), opp.amount, opp.currency, opp.close_date,
               opp.owner_id, opp.version)
    owners = [opp.owner_id.in_(bindparam("owners", expanding=True))] if filtered else []

    def part(*where: Any) -> Any:
        return select(*columns).join(AccountRow, AccountRow.id == opp.account_id).where(*where, *owners)

    limit, closed_limit = bindparam("limit", type_=Integer), bindparam("closed_limit", type_=Integer)
    parts = []
    for n in range(open_count):
        stage = bindparam(f"open_{n}", type_=opp.stage_id.type)
        parts.append(part(opp.stage_id == stage, opp.close_date.is_not(None)).order_by(opp.close_date, opp.id)
                     .limit(limit))
        parts.append(part(opp.stage_id == stage, opp.close_date.is_(None)).order_by(opp.id).limit(limit))
    for n in range(closed_count):
        parts.append(part(opp.stage_id == bindparam(f"closed_{n}", type_=opp.stage_id.type),
                          opp.close_date >= bindparam("since", type_=Date))
                     .order_by(opp.close_date.desc(), opp.id.desc()).limit(closed_limit))
    # SQLite takes no ORDER BY or LIMIT in a compound member: each part is a subquery
    return union_all(*(select(*p.subquery().c) for p in parts))
