"""Ports of opportunity scoring, as use cases use them (the models are ``ScoringRepository``'s)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from leadline.domain.scoring.opportunity import OpportunityFacts, OpportunityScore, OwnerRecord
from leadline.domain.scoring.predicted import OpenDeals


class OpportunityScoringRepository(Protocol):
    def opportunity_facts(self, now: datetime, opportunity_ids: Sequence[int] | None = None, *, after_id: int = 0,
                          limit: int | None = None) -> list[OpportunityFacts]:
        """Opportunities with their history, source, campaign and activity (logged up to each one's
        close, else ``now``); by id order from ``after_id``, or exactly ``opportunity_ids``. The
        owner's record is left empty: ``owner_records`` gives every owner's once."""
        ...

    def owner_records(self, owner_ids: Sequence[int] | None = None) -> dict[int, OwnerRecord]:
        """Every owner's closings (when, and whether won), by owner id; only ``owner_ids``' when given."""
        ...

    def open_in_period(self, start: date, end: date, owner_ids: Sequence[int] | None) -> list[OpenDeals]:
        """The open opportunities with an amount closing in ``[start, end)`` (of ``owner_ids`` when
        given), summed per currency and close date (``domain.scoring.predicted.OpenDeals``)."""
        ...

    def save_scores(self, scores: Iterable[OpportunityScore]) -> None:
        """Replace the stored score of each opportunity named."""
        ...

    def delete_scores(self, opportunity_ids: Sequence[int]) -> None: ...

    def scores(self, opportunity_ids: Sequence[int]) -> dict[int, OpportunityScore]: ...
