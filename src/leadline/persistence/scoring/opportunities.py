"""Opportunity scoring's port in SQL: the facts an opportunity's features are read from (one
query for the opportunities with their source and campaign, one for their history, one for their
activity as of each one's moment), the owners' closings, and the scores, replaced per opportunity."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, delete, func, insert, literal, select, type_coerce
from sqlalchemy.orm import Session

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.opportunities.opportunity import Opportunity, Outcome
from leadline.domain.scoring.interface import Reason
from leadline.domain.scoring.opportunity import OpportunityFacts, OpportunityScore, OwnerRecord, StageChange
from leadline.domain.scoring.predicted import OpenDeals
from leadline.persistence.activities.rows import ActivityLinkRow, ActivityRow
from leadline.persistence.campaigns.rows import CampaignRow
from leadline.persistence.configuration.rows import LeadSourceRow
from leadline.persistence.mapping import FetchedRows, to_domain_many
from leadline.persistence.opportunities.rows import OpportunityRow, OpportunityStageChangeRow
from leadline.persistence.scoring.opportunity_rows import OpportunityScoreRow
from leadline.persistence.scoring.repositories import _reason
from leadline.persistence.types import ExactDecimal, UtcDateTime

_COLUMNS = [c for c in OpportunityRow.__table__.c]
#: the stored score's columns in the order ``opportunity_score_of`` reads them
SCORE_COLUMNS = ("opportunity_id", "score", "probability", "confident", "model_id", "model_version", "scored_at",
                 "reasons")


class OpportunityScoringRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def opportunity_facts(self, now: datetime, opportunity_ids: Sequence[int] | None = None, *, after_id: int = 0,
                          limit: int | None = None) -> list[OpportunityFacts]:
        query = (select(*_COLUMNS, LeadSourceRow.label.label("source_label"), CampaignRow.name.label("campaign_name"))
                 .outerjoin(LeadSourceRow, LeadSourceRow.id == OpportunityRow.lead_source_id)
                 .outerjoin(CampaignRow, CampaignRow.id == OpportunityRow.campaign_id))
        if opportunity_ids is not None:
            query = query.where(OpportunityRow.id.in_(list(opportunity_ids)))
        else:
            query = query.where(OpportunityRow.id > after_id).order_by(OpportunityRow.id).limit(limit)
        result = self.session.execute(query)
        rows = result.all()
        if not rows:
            return []
        opportunities = to_domain_many(Opportunity, FetchedRows(list(result.keys()), rows))
        ids = [o.id for o in opportunities]
        history, activity = self._history(ids), self._activity(ids, now)
        out = []
        for o, row in zip(opportunities, rows, strict=True):
            times = tuple(activity.get(o.id, ()))
            out.append(OpportunityFacts(o, tuple(history.get(o.id, ())), row.source_label, row.campaign_name,
                                        len(times), times[-1] if times else None, activity_times=times))
        return out

    def _history(self, ids: list[int]) -> dict[int, list[StageChange]]:
        c = OpportunityStageChangeRow
        query = (select(c.opportunity_id, c.changed_at, c.to_stage_id, c.amount, c.close_date)
                 .where(c.opportunity_id.in_(ids)).order_by(c.opportunity_id, c.changed_at, c.id))
        out: dict[int, list[StageChange]] = defaultdict(list)
        for of, at, stage, amount, close_date in self.session.execute(query):
            out[of].append(StageChange(at, stage, amount, close_date))
        return out

    def _activity(self, ids: list[int], now: datetime) -> dict[int, list[datetime]]:
        """Each opportunity's activity times up to its close (else ``now``), oldest first: a closed
        one's features count them up to its reading moment (``domain.scoring.opportunity``)."""
        link, o = ActivityLinkRow, OpportunityRow
        moment = func.coalesce(o.closed_at, literal(now, UtcDateTime()))
        query = (select(link.record_id, ActivityRow.created_at)
                 .join(ActivityRow, ActivityRow.id == link.activity_id)
                 .join(o, o.id == link.record_id)
                 .where(link.record_type == RecordType.OPPORTUNITY, link.record_id.in_(ids),
                        ActivityRow.created_at <= moment)
                 .order_by(link.record_id, ActivityRow.created_at))
        out: dict[int, list[datetime]] = defaultdict(list)
        for record_id, at in self.session.execute(query):
            out[record_id].append(at)
        return out

    def owner_records(self, owner_ids: Sequence[int] | None = None) -> dict[int, OwnerRecord]:
        """Every owner's closings (when, and whether won); only those of ``owner_ids`` when given."""
        o = OpportunityRow
        query = select(o.owner_id, o.closed_at, o.outcome).where(
            o.outcome != Outcome.OPEN, o.closed_at.is_not(None), o.owner_id.is_not(None))
        if owner_ids is not None:
            query = query.where(o.owner_id.in_(list(owner_ids)))
        closings: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
        for owner, at, outcome in self.session.execute(query):
            closings[owner].append((at, outcome is Outcome.WON))
        return {owner: OwnerRecord.of(found) for owner, found in closings.items()}

    def open_in_period(self, start: date, end: date, owner_ids: Sequence[int] | None) -> list[OpenDeals]:
        """The open opportunities with an amount closing in ``[start, end)`` (of ``owner_ids`` when
        given), summed in the database per currency and close date: a few hundred rows at most,
        however many opportunities (``domain.scoring.predicted.OpenDeals``)."""
        o, s = OpportunityRow, OpportunityScoreRow
        scored = func.count(s.probability)
        expected = type_coerce(func.sum(type_coerce(o.amount, Float) * s.probability), Float)
        query = (select(o.currency, o.close_date, scored, func.count() - scored, expected)
                 .outerjoin(s, s.opportunity_id == o.id)
                 .where(o.outcome == Outcome.OPEN, o.close_date >= start, o.close_date < end,
                        o.amount.is_not(None))
                 .group_by(o.currency, o.close_date))
        if owner_ids is not None:
            query = query.where(o.owner_id.in_(list(owner_ids)))
        # SQLite keeps money as integers of 10^-4 (persistence/types.py ExactDecimal)
        places = -ExactDecimal.places if self.session.get_bind().dialect.name == "sqlite" else 0
        return [(code, day, int(n), int(m), Decimal(repr(total or 0.0)).scaleb(places))
                for code, day, n, m, total in self.session.execute(query)]

    def save_scores(self, scores: Iterable[OpportunityScore]) -> None:
        """Replace the stored score of each opportunity named."""
        values = [{"opportunity_id": s.opportunity_id, "score": s.score, "probability": s.probability,
                   "confident": s.confident, "model_id": s.model_id, "model_version": s.model_version,
                   "scored_at": s.scored_at,
                   "reasons": json.dumps({"up": [_reason(r) for r in s.up], "down": [_reason(r) for r in s.down]})}
                  for s in scores]
        if not values:
            return
        self.delete_scores([v["opportunity_id"] for v in values])
        self.session.execute(insert(OpportunityScoreRow), values)

    def delete_scores(self, opportunity_ids: Sequence[int]) -> None:
        """Forget the scores of these opportunities (closed: their outcome is known)."""
        s = OpportunityScoreRow
        self.session.execute(delete(s).where(s.opportunity_id.in_(list(opportunity_ids))))

    def scores(self, opportunity_ids: Sequence[int]) -> dict[int, OpportunityScore]:
        if not opportunity_ids:
            return {}
        s = OpportunityScoreRow
        query = select(*(s.__table__.c[name] for name in SCORE_COLUMNS)).where(
            s.opportunity_id.in_(list(opportunity_ids)))
        found = (opportunity_score_of(tuple(values)) for values in self.session.execute(query))
        return {score.opportunity_id: score for score in found if score is not None}


def opportunity_score_of(values: Sequence[Any]) -> OpportunityScore | None:
    """An ``OpportunityScore`` from the values of ``SCORE_COLUMNS``; None when they are empty."""
    if values[0] is None:
        return None
    reasons = json.loads(values[-1])
    return OpportunityScore(*values[:-1], tuple(Reason(*r) for r in reasons["up"]),  # type: ignore[arg-type]
                            tuple(Reason(*r) for r in reasons["down"]))
