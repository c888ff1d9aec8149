"""Ports of leads, as use cases use them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from leadline.domain.leads.lead import Lead, ProductInterest
from leadline.domain.queries import LeadQuery, Page
from leadline.services.ports.records import RecordRepository


class LeadRepository(RecordRepository[Lead], Protocol):
    def get_many_for_update(self, record_ids: Sequence[int]) -> dict[int, Lead]: ...

    def add_many(self, records: Iterable[Lead]) -> int:
        """Insert many new leads (with their product lines) at once; returns how many."""
        ...

    def record_status_changes(self, changes: list[dict[str, Any]], *, first: bool = False) -> None:
        """Many entries of the status history at once (rows of ``status_change_values``);
        ``first``: the first entries of leads added in this unit of work (no other history)."""
        ...

    def status_change_values(
        self, lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None, at: datetime,
        *, reason_id: int | None = None, note: str | None = None,
    ) -> dict[str, Any]: ...

    def replace_products(self, lead_id: int, products: Sequence[ProductInterest]) -> None: ...

    def record_status_change(
        self, lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None, at: datetime,
        *, reason_id: int | None = None, note: str | None = None,
    ) -> None: ...

    def status_changes(self, lead_id: int) -> list[dict[str, Any]]:
        """Every status change (from_status_id, to_status_id, actor_id, changed_at, reason_id,
        note), oldest first."""
        ...

    def list(self, query: LeadQuery, page: Page, *, visible_owner_ids: Iterable[int] | None = None) -> list[Lead]: ...
