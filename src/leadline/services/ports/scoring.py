"""Ports of scoring, as use cases use them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from leadline.domain.scoring.features import LeadFacts
from leadline.domain.scoring.records import LeadScore, StoredModel


class ScoringRepository(Protocol):
    def add_model(self, model: StoredModel) -> None: ...

    def latest_number(self, subject: str, kind: str) -> int:
        """The highest version number of ``kind`` for ``subject`` so far (0 when none)."""
        ...

    def active_model(self, subject: str, *, with_payload: bool = True) -> StoredModel | None:
        """The newest model of ``subject`` (the one scores come from), or None before any training."""
        ...

    def models(self, subject: str) -> list[StoredModel]:
        """Every stored model of ``subject``, newest first, without payloads."""
        ...

    def lead_facts(self, lead_ids: Sequence[int] | None = None, *, after_id: int = 0,
                   limit: int | None = None) -> list[tuple[LeadFacts, bool]]:
        """Leads (not merged away) with what their features are read from, and whether each is
        closed as unqualified; by id order from ``after_id``, or exactly ``lead_ids``."""
        ...

    def save_scores(self, scores: Iterable[LeadScore]) -> None:
        """Replace the stored score of each lead named."""
        ...

    def lead_scores(self, lead_ids: Sequence[int]) -> dict[int, LeadScore]: ...
