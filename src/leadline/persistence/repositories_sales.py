"""Repositories for products, line items, contact roles, stage history and activities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from leadline.domain.activities import Activity, RecordRef
from leadline.domain.custom_fields import RecordType
from leadline.domain.ids import new_id
from leadline.domain.opportunities import Opportunity
from leadline.domain.products import LineItem, PriceBook, PriceBookEntry, Product
from leadline.persistence.mapping import row_values, to_domain, to_row
from leadline.persistence.rows import (
    ActivityLinkRow,
    ActivityRow,
    ContactRoleRow,
    LineItemRow,
    OpportunityStageChangeRow,
    PriceBookEntryRow,
    PriceBookRow,
    ProductRow,
)


class ProductRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, product: Product) -> None:
        self.session.add(to_row(ProductRow, product))

    def list(self) -> list[Product]:
        return [to_domain(Product, r) for r in self.session.scalars(select(ProductRow).order_by(ProductRow.name))]

    def add_price_book(self, book: PriceBook) -> None:
        self.session.add(to_row(PriceBookRow, book))

    def add_entry(self, entry: PriceBookEntry) -> None:
        self.session.add(to_row(PriceBookEntryRow, entry))

    def add_line_items(self, items: Iterable[LineItem]) -> None:
        rows = [row_values(LineItemRow, item) for item in items]
        if rows:
            self.session.execute(insert(LineItemRow.__table__), rows)

    def line_items(self, opportunity_id: int) -> list[LineItem]:
        query = select(LineItemRow).where(LineItemRow.opportunity_id == opportunity_id).order_by(LineItemRow.id)
        return [to_domain(LineItem, r) for r in self.session.scalars(query)]

    def add_contact_role(self, opportunity_id: int, contact_id: int, role: str, is_primary: bool) -> int:
        role_id = new_id()
        self.session.add(ContactRoleRow(
            id=role_id, opportunity_id=opportunity_id, contact_id=contact_id, role=role, is_primary=is_primary,
        ))
        return role_id

    def remove_line_item(self, opportunity_id: int, item_id: int) -> bool:
        result = self.session.execute(delete(LineItemRow).where(
            LineItemRow.id == item_id, LineItemRow.opportunity_id == opportunity_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def contact_roles(self, opportunity_id: int) -> list[tuple[int, str, bool]]:
        query = select(ContactRoleRow).where(ContactRoleRow.opportunity_id == opportunity_id)
        return [(r.contact_id, r.role.value, r.is_primary) for r in self.session.scalars(query)]


class StageHistoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def change_values(
        opportunity: Opportunity, from_stage_id: int | None, actor_id: int | None, at: datetime
    ) -> dict[str, Any]:
        return {
            "id": new_id(), "opportunity_id": opportunity.id, "from_stage_id": from_stage_id,
            "to_stage_id": opportunity.stage_id, "amount": opportunity.amount,
            "currency": opportunity.currency, "probability": opportunity.probability,
            "forecast_category": opportunity.forecast_category, "close_date": opportunity.close_date,
            "actor_id": actor_id, "changed_at": at,
        }

    def record(self, opportunity: Opportunity, from_stage_id: int | None, actor_id: int | None,
               at: datetime) -> None:
        self.record_many([self.change_values(opportunity, from_stage_id, actor_id, at)])

    def record_many(self, changes: list[dict[str, Any]]) -> None:
        if changes:
            self.session.execute(insert(OpportunityStageChangeRow.__table__), changes)

    def for_opportunity(self, opportunity_id: int) -> list[tuple[int | None, int, datetime]]:
        query = (
            select(OpportunityStageChangeRow)
            .where(OpportunityStageChangeRow.opportunity_id == opportunity_id)
            .order_by(OpportunityStageChangeRow.changed_at, OpportunityStageChangeRow.id)
        )
        return [(r.from_stage_id, r.to_stage_id, r.changed_at) for r in self.session.scalars(query)]


class ActivityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, activity: Activity) -> None:
        self.session.add(to_row(ActivityRow, activity))
        self.session.flush()
        for link in activity.links:
            self.session.add(ActivityLinkRow(
                activity_id=activity.id, record_type=link.record_type, record_id=link.record_id,
            ))

    def get(self, activity_id: int) -> Activity | None:
        row = self.session.get(ActivityRow, activity_id)
        if row is None:
            return None
        activity = to_domain(Activity, row)
        links = self.session.scalars(select(ActivityLinkRow).where(ActivityLinkRow.activity_id == activity_id))
        activity.links = [RecordRef(link.record_type, link.record_id) for link in links]
        return activity

    def save(self, activity: Activity) -> None:
        """Write completion and owner now (a Core update: a later ``expire_all`` cannot lose it)."""
        self.session.execute(update(ActivityRow.__table__).where(ActivityRow.id == activity.id).values(
            completed_at=activity.completed_at, owner_id=activity.owner_id))

    def for_record(self, record_type: RecordType, record_id: int) -> list[Activity]:
        query = (
            select(ActivityRow)
            .join(ActivityLinkRow, ActivityLinkRow.activity_id == ActivityRow.id)
            .where(ActivityLinkRow.record_type == record_type, ActivityLinkRow.record_id == record_id)
            .order_by(ActivityRow.created_at.desc())
        )
        activities = [to_domain(Activity, r) for r in self.session.scalars(query)]
        for activity in activities:
            links = self.session.scalars(select(ActivityLinkRow).where(ActivityLinkRow.activity_id == activity.id))
            activity.links = [RecordRef(link.record_type, link.record_id) for link in links]
        return activities
