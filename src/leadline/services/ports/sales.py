"""Ports of what hangs off opportunities: the product catalogue and price books, line items,
contact roles, stage history and activities."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from leadline.domain.activities import Activity
from leadline.domain.custom_fields import RecordType
from leadline.domain.opportunities import Opportunity
from leadline.domain.products import LineItem, PriceBook, PriceBookEntry, Product


class ProductRepository(Protocol):
    def add(self, product: Product) -> None: ...


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

    def list(self) -> list[Product]: ...


class StageHistoryRepository(Protocol):
    def record(self, opportunity: Opportunity, from_stage_id: int | None, actor_id: int | None,
               at: datetime) -> None: ...

    def for_opportunity(self, opportunity_id: int) -> list[tuple[int | None, int, datetime]]: ...


class ActivityRepository(Protocol):
    def add(self, activity: Activity) -> None: ...

    def get(self, activity_id: int) -> Activity | None: ...

    def save(self, activity: Activity) -> None: ...

    def linked_records(self, record_type: RecordType, record_ids: Sequence[int]) -> set[int]:
        """Which of ``record_ids`` have an activity linked."""
        ...

    def for_record(self, record_type: RecordType, record_id: int) -> list[Activity]: ...
