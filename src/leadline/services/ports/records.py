"""Ports of the records: leads, accounts, contacts and opportunities, as use cases use them.

Each is the list of what use cases ask of the store, typed with domain records; the SQL
repositories (persistence) and the in-memory fakes (tests/fakes) both honour it. A repository
never commits: its writes belong to the unit of work that made it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from leadline.domain.accounts import Account, Contact
from leadline.domain.leads import Lead, ProductInterest
from leadline.domain.opportunities import Opportunity
from leadline.domain.queries import LeadQuery, Page, RecordQuery

R = TypeVar("R")


class RecordRepository(Protocol[R]):
    """What every record shares: add, read (locked for an edit), save with the optimistic
    version check (``STALE_RECORD`` when someone saved first), delete (``CONFLICT`` while other
    records refer to it) and count."""

    def add(self, record: R) -> None: ...

    def get(self, record_id: int) -> R | None: ...

    def get_for_update(self, record_id: int) -> R | None: ...

    def save(self, record: R) -> None: ...

    def delete(self, record_id: int) -> None: ...

    def count(self) -> int: ...

    def owners_of(self, record_ids: Iterable[int]) -> dict[int, int | None]:
        """Owner id by record id, for those of ``record_ids`` that exist."""
        ...


class LeadRepository(RecordRepository[Lead], Protocol):
    def get_many_for_update(self, record_ids: Sequence[int]) -> dict[int, Lead]: ...

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


class AccountRepository(RecordRepository[Account], Protocol):
    def list(self, query: RecordQuery, page: Page) -> list[Account]: ...

    def parent_of(self, account_id: int) -> int | None: ...


class ContactRepository(RecordRepository[Contact], Protocol):
    def list(self, query: RecordQuery, page: Page) -> list[Contact]: ...


class OpportunityRepository(RecordRepository[Opportunity], Protocol):
    def list(self, query: RecordQuery, page: Page) -> list[Opportunity]: ...
