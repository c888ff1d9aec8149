"""In-memory repositories of products, price books, line items, contact roles, stage history and activities."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from leadline.domain.activities import Activity, RecordRef
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.ids import new_id
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.opportunities.products import LineItem, PriceBook, PriceBookEntry, Product
from tests.fakes.tables import Tables, copied


class ProductRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, product: Product) -> None:
        self.tables.products[product.id] = copied(product)

    def save(self, product: Product) -> None:
        self.tables.products[product.id] = copied(product)

    def add_price_book(self, book: PriceBook) -> None:
        self.tables.price_books[book.id] = copied(book)

    def standard_book_id(self) -> int | None:
        return min((b.id for b in self.tables.price_books.values() if b.is_standard), default=None)

    def set_entry(self, entry: PriceBookEntry) -> None:
        entries = self.tables.price_entries
        same = [e for e in entries if (e.price_book_id, e.product_id, e.currency)
                == (entry.price_book_id, entry.product_id, entry.currency)]
        for found in same:
            found.unit_price, found.is_active = entry.unit_price, True
        if not same:
            entries.append(copied(entry))

    def add_line_items(self, items: Iterable[LineItem]) -> None:
        for item in items:
            self.tables.line_items[item.id] = copied(item)

    def line_items(self, opportunity_id: int) -> list[LineItem]:
        return [copied(i) for i in sorted(self.tables.line_items.values(), key=lambda i: i.id)
                if i.opportunity_id == opportunity_id]

    def add_contact_role(self, opportunity_id: int, contact_id: int, role: str, is_primary: bool) -> int:
        role_id = new_id()
        self.tables.contact_roles[role_id] = (opportunity_id, contact_id, role, is_primary)
        return role_id

    def remove_line_item(self, opportunity_id: int, item_id: int) -> bool:
        item = self.tables.line_items.get(item_id)
        if item is None or item.opportunity_id != opportunity_id:
            return False
        del self.tables.line_items[item_id]
        return True

    def contact_roles(self, opportunity_id: int) -> list[tuple[int, str, bool]]:
        return [(contact_id, role, primary) for of, contact_id, role, primary in self.tables.contact_roles.values()
                if of == opportunity_id]

    def contact_role_contacts(self, opportunity_id: int) -> list[tuple[int, int]]:
        return sorted((key, contact) for key, (of, contact, _, _) in self.tables.contact_roles.items()
                      if of == opportunity_id)

    def remove_contact_role(self, opportunity_id: int, contact_id: int, role: str) -> int | None:
        found = [key for key, (of, who, kind, _) in self.tables.contact_roles.items()
                 if (of, who, kind) == (opportunity_id, contact_id, role)]
        for key in found:
            del self.tables.contact_roles[key]
        return found[0] if found else None

    def roles_of_contact(self, contact_id: int) -> list[tuple[int, str, bool]]:
        return sorted((of, role, primary) for of, who, role, primary in self.tables.contact_roles.values()
                      if who == contact_id)

    def list(self) -> list[Product]:
        return [copied(p) for p in sorted(self.tables.products.values(), key=lambda p: p.name)]


class StageHistoryRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def record(self, opportunity: Opportunity, from_stage_id: int | None, actor_id: int | None,
               at: datetime) -> None:
        self.tables.stage_changes.append((opportunity.id, from_stage_id, opportunity.stage_id, at, new_id()))

    def for_opportunity(self, opportunity_id: int) -> list[tuple[int | None, int, datetime]]:
        changes = sorted((c for c in self.tables.stage_changes if c[0] == opportunity_id), key=lambda c: (c[3], c[4]))
        return [(before, after, at) for _, before, after, at, _ in changes]


class ActivityRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, activity: Activity) -> None:
        self.tables.activities[activity.id] = copied(activity)
        self.tables.activity_links.update((activity.id, link.record_type, link.record_id) for link in activity.links)

    def get(self, activity_id: int) -> Activity | None:
        activity = copied(self.tables.activities.get(activity_id))
        if activity is not None:
            activity.links = self._links(activity_id)
        return activity

    def save(self, activity: Activity) -> None:
        stored = self.tables.activities[activity.id]
        stored.completed_at, stored.owner_id = activity.completed_at, activity.owner_id

    def linked_records(self, record_type: RecordType, record_ids: Sequence[int]) -> set[int]:
        wanted = set(record_ids)
        return {record_id for _, kind, record_id in self.tables.activity_links
                if kind == record_type and record_id in wanted}

    def for_record(self, record_type: RecordType, record_id: int) -> list[Activity]:
        ids = {a for a, kind, rid in self.tables.activity_links if (kind, rid) == (record_type, record_id)}
        found = sorted((self.tables.activities[i] for i in ids), key=lambda a: a.created_at, reverse=True)
        return [a for a in map(self.get, (a.id for a in found)) if a is not None]

    def _links(self, activity_id: int) -> list[RecordRef]:
        return [RecordRef(kind, rid) for a, kind, rid in sorted(self.tables.activity_links, key=str)
                if a == activity_id]
