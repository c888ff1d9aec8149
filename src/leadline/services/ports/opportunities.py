"""Ports of opportunities and what hangs off them: the product catalogue and price books, line items,
contact roles and stage history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.opportunities.products import LineItem, PriceBook, PriceBookEntry, Product
from leadline.domain.queries import Page, RecordQuery
from leadline.services.ports.records import RecordRepository


class OpportunityRepository(RecordRepository[Opportunity], Protocol):
    def list(self, query: RecordQuery, page: Page) -> list[Opportunity]: ...


class ProductRepository(Protocol):
    def add(self, product: Product) -> None: ...

    def save(self, product: Product) -> None:
        """Store the changed fields of a product already added."""
        ...


    def add_price_book(self, book: PriceBook) -> None: ...

    def standard_book_id(self) -> int | None: ...

    def set_entry(self, entry: PriceBookEntry) -> None: ...

    def add_line_items(self, items: Iterable[LineItem]) -> None: ...

    def line_items(self, opportunity_id: int) -> list[LineItem]: ...

    def add_contact_role(self, opportunity_id: int, contact_id: int, role: str, is_primary: bool) -> int: ...

    def remove_line_item(self, opportunity_id: int, item_id: int) -> bool: ...

    def contact_roles(self, opportunity_id: int) -> list[tuple[int, str, bool]]:
        """(contact id, role, primary) of each contact role of the opportunity."""
        ...

    def contact_role_contacts(self, opportunity_id: int) -> list[tuple[int, int]]:
        """(role id, contact id) of each of the opportunity's contact roles, by role id."""
        ...

    def remove_contact_role(self, opportunity_id: int, contact_id: int, role: str) -> int | None:
        """Remove the contact's role on the opportunity: its id, or None when it had none such."""
        ...

    def roles_of_contact(self, contact_id: int) -> list[tuple[int, str, bool]]:
        """(opportunity id, role, primary) of each role the contact has on an opportunity."""
        ...

    def list(self) -> list[Product]: ...


class StageHistoryRepository(Protocol):
    def record(self, opportunity: Opportunity, from_stage_id: int | None, actor_id: int | None,
               at: datetime) -> None: ...

    def for_opportunity(self, opportunity_id: int) -> list[tuple[int | None, int, datetime]]: ...
