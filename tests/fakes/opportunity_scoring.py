"""In-memory opportunity scoring store: scores kept on the fake's tables, facts read from its
opportunities and their stage history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from leadline.domain.opportunities.opportunity import Outcome
from leadline.domain.scoring.opportunity import OpportunityFacts, OpportunityScore, OwnerRecord, StageChange
from leadline.domain.scoring.predicted import OpenDeals
from tests.fakes.tables import Tables


class OpportunityScoringRepository:
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def opportunity_facts(self, now: datetime, opportunity_ids: Sequence[int] | None = None, *, after_id: int = 0,
                          limit: int | None = None) -> list[OpportunityFacts]:
        found = sorted(self.t.opportunities.values(), key=lambda o: o.id)
        if opportunity_ids is not None:
            found = [o for o in found if o.id in set(opportunity_ids)]
        else:
            found = [o for o in found if o.id > after_id][:limit]
        history: dict[int, list[StageChange]] = defaultdict(list)
        for of, _, to, at, _ in sorted(self.t.stage_changes, key=lambda h: h[3]):
            history[of].append(StageChange(at, to))
        sources = {s.id: s.label for s in self.t.sources.values()}
        return [OpportunityFacts(o, tuple(history[o.id]), sources.get(o.lead_source_id or 0)) for o in found]

    def owner_records(self, owner_ids: Sequence[int] | None = None) -> dict[int, OwnerRecord]:
        closings: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
        for o in self.t.opportunities.values():
            if o.is_closed() and o.closed_at and o.owner_id and (owner_ids is None or o.owner_id in owner_ids):
                closings[o.owner_id].append((o.closed_at, o.outcome is Outcome.WON))
        return {owner: OwnerRecord.of(found) for owner, found in closings.items()}

    def open_in_period(self, start: date, end: date, owner_ids: Sequence[int] | None) -> list[OpenDeals]:
        groups: dict[tuple[str, date], list[Any]] = {}
        for o in self.t.opportunities.values():
            if o.is_closed() or o.amount is None or not o.close_date or not start <= o.close_date < end \
                    or (owner_ids is not None and o.owner_id not in owner_ids):
                continue
            group = groups.setdefault((o.currency, o.close_date), [0, 0, Decimal(0)])
            score = self.t.opportunity_scores.get(o.id)
            if score is None:
                group[1] += 1
            else:
                group[0] += 1
                group[2] += o.amount * Decimal(repr(score.probability))
        return [(code, day, n, m, total) for (code, day), (n, m, total) in groups.items()]

    def save_scores(self, scores: Iterable[OpportunityScore]) -> None:
        for score in scores:
            self.t.opportunity_scores[score.opportunity_id] = score

    def delete_scores(self, opportunity_ids: Sequence[int]) -> None:
        for of in opportunity_ids:
            self.t.opportunity_scores.pop(of, None)

    def scores(self, opportunity_ids: Sequence[int]) -> dict[int, OpportunityScore]:
        return {i: self.t.opportunity_scores[i] for i in opportunity_ids if i in self.t.opportunity_scores}
