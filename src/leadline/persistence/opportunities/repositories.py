"""Repositories of opportunities, products, line items, contact roles and stage history. They never commit."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from leadline.domain.ids import new_id
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.opportunities.products import LineItem, PriceBook, PriceBookEntry, Product
from leadline.domain.queries import Page, RecordQuery
from leadline.persistence.bulk_rows import insert_rows
from leadline.persistence.mapping import row_values, to_domain, to_domain_many, to_row
from leadline.persistence.opportunities.rows import (
    ContactRoleRow,
    LineItemRow,
    OpportunityRow,
    OpportunityStageChangeRow,
    PriceBookEntryRow,
    PriceBookRow,
    ProductRow,
)
from leadline.persistence.record_repository import (
    RecordRepository,
    paginate,
)
from leadline.persistence.scoring.score_order import OPPORTUNITIES, page_by_score


class OpportunityRepository(RecordRepository[Opportunity]):
    row_class = OpportunityRow
    domain_class = Opportunity
    searched = ("name",)

    def list(self, query: RecordQuery, page: Page) -> list[Opportunity]:
        """A page of the opportunities matching ``query``. Sorted by ``score``: the scored ones by
        their stored predicted-win score, then the unscored (``scoring.score_order``), the score
        range applied to the joined scores."""
        if page.sort == "score":
            statement = self.matching(dataclasses.replace(query, min_score=None, max_score=None))
            found = page_by_score(self.session, statement, OPPORTUNITIES, page, query.min_score, query.max_score)
            return to_domain_many(Opportunity, found)
        return to_domain_many(Opportunity, self.session.execute(paginate(self.matching(query), OpportunityRow, page)))


class ProductRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, product: Product) -> None:
        self.session.add(to_row(ProductRow, product))

    def save(self, product: Product) -> None:
        self.session.merge(to_row(ProductRow, product))

    def list(self) -> list[Product]:
        return [to_domain(Product, r) for r in self.session.scalars(select(ProductRow).order_by(ProductRow.name))]

    def add_price_book(self, book: PriceBook) -> None:
        self.session.add(to_row(PriceBookRow, book))

    def add_entry(self, entry: PriceBookEntry) -> None:
        self.session.add(to_row(PriceBookEntryRow, entry))

    def standard_book_id(self) -> int | None:
        return self.session.scalar(select(PriceBookRow.id).where(PriceBookRow.is_standard.is_(True))
                                   .order_by(PriceBookRow.id).limit(1))

    def set_entry(self, entry: PriceBookEntry) -> None:
        """Add the entry, or change the price of the book's entry for the same product and currency."""
        row = PriceBookEntryRow
        result = self.session.execute(update(row).where(
            row.price_book_id == entry.price_book_id, row.product_id == entry.product_id,
            row.currency == entry.currency).values(unit_price=entry.unit_price, is_active=True))
        if not result.rowcount:  # type: ignore[attr-defined]
            self.session.execute(insert(row.__table__), [row_values(row, entry)])

    def add_line_items(self, items: Iterable[LineItem]) -> None:
        insert_rows(self.session, LineItemRow.__table__, [row_values(LineItemRow, item) for item in items])

    def line_items(self, opportunity_id: int) -> list[LineItem]:
        query = select(LineItemRow).where(LineItemRow.opportunity_id == opportunity_id).order_by(LineItemRow.id)
        return [to_domain(LineItem, r) for r in self.session.scalars(query)]

    def add_contact_role(self, opportunity_id: int, contact_id: int, role: str, is_primary: bool) -> int:
        """Insert now (a Core insert): ``contact_roles`` later in the transaction sees it."""
        values = self.contact_role_values(opportunity_id, contact_id, role, is_primary)
        self.session.execute(insert(ContactRoleRow.__table__), [values])
        return int(values["id"])

    @staticmethod
    def contact_role_values(opportunity_id: int, contact_id: int, role: str, is_primary: bool,
                            role_id: int | None = None) -> dict[str, Any]:
        """The row ``add_contact_role`` adds (with ``role_id``, else a new id), for ``add_contact_roles``."""
        return {"id": role_id or new_id(), "opportunity_id": opportunity_id, "contact_id": contact_id, "role": role,
                "is_primary": is_primary}

    def add_contact_roles(self, roles: Sequence[dict[str, Any]]) -> None:
        """Insert many contact roles now (rows of ``contact_role_values``), with one executemany."""
        insert_rows(self.session, ContactRoleRow.__table__, roles)

    def remove_line_item(self, opportunity_id: int, item_id: int) -> bool:
        result = self.session.execute(delete(LineItemRow).where(
            LineItemRow.id == item_id, LineItemRow.opportunity_id == opportunity_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def contact_roles(self, opportunity_id: int) -> list[tuple[int, str, bool]]:
        query = select(ContactRoleRow).where(ContactRoleRow.opportunity_id == opportunity_id)
        return [(r.contact_id, r.role.value, r.is_primary) for r in self.session.scalars(query)]

    def contact_role_contacts(self, opportunity_id: int) -> list[tuple[int, int]]:
        rows = self.session.execute(select(ContactRoleRow.id, ContactRoleRow.contact_id).where(
            ContactRoleRow.opportunity_id == opportunity_id).order_by(ContactRoleRow.id))
        return [(role_id, contact_id) for role_id, contact_id in rows]

    def remove_contact_role(self, opportunity_id: int, contact_id: int, role: str) -> int | None:
        """Remove the role; its id, or None when there was none."""
        removed: int | None = self.session.execute(delete(ContactRoleRow).where(
            ContactRoleRow.opportunity_id == opportunity_id, ContactRoleRow.contact_id == contact_id,
            ContactRoleRow.role == role).returning(ContactRoleRow.id)).scalar()
        return removed

    def roles_of_contact(self, contact_id: int) -> list[tuple[int, str, bool]]:
        query = (select(ContactRoleRow).where(ContactRoleRow.contact_id == contact_id)
                 .order_by(ContactRoleRow.opportunity_id))
        return [(r.opportunity_id, r.role.value, r.is_primary) for r in self.session.scalars(query)]


class StageHistoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def change_values(
        opportunity: Opportunity, from_stage_id: int | None, actor_id: int | None, at: datetime,
        change_id: int | None = None,
    ) -> dict[str, Any]:
        """The row ``record`` writes (with ``change_id``, else a new id), for ``record_many``."""
        return {
            "id": change_id or new_id(), "opportunity_id": opportunity.id, "from_stage_id": from_stage_id,
            "to_stage_id": opportunity.stage_id, "amount": opportunity.amount,
            "currency": opportunity.currency, "probability": opportunity.probability,
            "forecast_category": opportunity.forecast_category, "close_date": opportunity.close_date,
            "owner_id": opportunity.owner_id, "actor_id": actor_id, "changed_at": at,
        }

    def record(self, opportunity: Opportunity, from_stage_id: int | None, actor_id: int | None,
               at: datetime) -> None:
        self.record_many([self.change_values(opportunity, from_stage_id, actor_id, at)])

    def record_many(self, changes: list[dict[str, Any]]) -> None:
        """Insert many stage changes (rows of ``change_values``) with one executemany."""
        insert_rows(self.session, OpportunityStageChangeRow.__table__, changes)

    def for_opportunity(self, opportunity_id: int) -> list[tuple[int | None, int, datetime]]:
        query = (
            select(OpportunityStageChangeRow)
            .where(OpportunityStageChangeRow.opportunity_id == opportunity_id)
            .order_by(OpportunityStageChangeRow.changed_at, OpportunityStageChangeRow.id)
        )
        return [(r.from_stage_id, r.to_stage_id, r.changed_at) for r in self.session.scalars(query)]
