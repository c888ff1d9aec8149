"""The conversion repository: conversions as stored, and the one writer of conversion plans. It never commits."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.plan import ConversionPlan, ConversionRecord
from leadline.domain.leads.lead import PHONE_EXTENSION, phone_number_of
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.activities.rows import ActivityLinkRow
from leadline.persistence.configuration.rows import CustomFieldValueRow
from leadline.persistence.conversion.rows import LeadConversionRow
from leadline.persistence.conversion.stored import result_from_json, undo_from_json
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.mapping import to_domain
from leadline.persistence.opportunities.rows import (
    ContactRoleRow,
    LineItemRow,
    OpportunityRow,
    OpportunityStageChangeRow,
    PriceBookEntryRow,
    PriceBookRow,
)


class ConversionRepository:
    """Conversions as they happened, and the look-ups conversion, its preview and its undo need."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def write(self, plans: Sequence[ConversionPlan]) -> None:
        """Apply conversion plans, one statement per table for all of them (persistence/conversion/writer.py)."""
        from leadline.persistence.conversion.writer import write_plans  # it builds on this module

        write_plans(self.session, plans)

    def latest(self, lead_id: int) -> ConversionRecord | None:
        """The lead's last conversion that was not undone, with its result and undo record."""
        row = self.session.execute(
            select(LeadConversionRow).where(LeadConversionRow.lead_id == lead_id, LeadConversionRow.undone_at.is_(None))
            .order_by(LeadConversionRow.converted_at.desc(), LeadConversionRow.id.desc()).limit(1)).scalar()
        if row is None:
            return None
        return ConversionRecord(row.id, row.lead_id, row.actor_id, row.converted_at, row.idempotency_key,
                                result_from_json(json.loads(row.result)), undo_from_json(json.loads(row.undo)))

    def mark_undone(self, conversion_id: int, at: datetime, actor_id: int) -> None:
        self.session.execute(update(LeadConversionRow).where(LeadConversionRow.id == conversion_id)
                             .values(undone_at=at, undone_by=actor_id))

    # look-ups -------------------------------------------------------------------------------

    def account_candidates(self, domain: str | None, name_word: str | None, limit: int = 20, *,
                           outside: frozenset[int] | None = None) -> list[Account]:
        """Accounts with this website domain or whose name holds this word (matched exactly later);
        with ``outside``, only those not owned by one of these users (the ones an actor may not read)."""
        clauses = []
        if domain:
            clauses.append(AccountRow.domain == domain)
        if name_word:
            clauses.append(func.lower(AccountRow.name).contains(name_word.lower(), autoescape=True))
        if not clauses:
            return []
        query = select(AccountRow.__table__).where(or_(*clauses), *_not_owned_by(AccountRow, outside))
        rows = self.session.execute(query.order_by(AccountRow.created_at, AccountRow.id).limit(limit))
        return [to_domain(Account, r) for r in rows]

    def contact_candidates(self, email: str | None, phone: str | None, limit: int = 20, *,
                           outside: frozenset[int] | None = None) -> list[Contact]:
        """Contacts with this e-mail (ignoring case) or phone; ``outside`` as for accounts."""
        clauses = []
        if email:
            clauses.append(func.lower(ContactRow.email) == email.lower())
        if phone:  # the same number, with or without an extension
            number = phone_number_of(phone)
            clauses.append(or_(ContactRow.phone == number, ContactRow.phone.startswith(f"{number}{PHONE_EXTENSION}")))
        if not clauses:
            return []
        query = select(ContactRow.__table__).where(or_(*clauses), *_not_owned_by(ContactRow, outside))
        rows = self.session.execute(query.order_by(ContactRow.created_at, ContactRow.id).limit(limit))
        return [to_domain(Contact, r) for r in rows]

    def contacts_of(self, account_id: int) -> list[Contact]:
        rows = self.session.execute(select(ContactRow.__table__).where(ContactRow.account_id == account_id)
                                    .order_by(ContactRow.created_at, ContactRow.id))
        return [to_domain(Contact, r) for r in rows]

    def open_opportunity_ids_of(self, account_id: int, visible_owner_ids: frozenset[int] | None = None) -> list[int]:
        """The account's open opportunities; with ``visible_owner_ids``, only those these users own."""
        shown = [] if visible_owner_ids is None else [OpportunityRow.owner_id.in_(visible_owner_ids)]
        return list(self.session.scalars(select(OpportunityRow.id).where(
            OpportunityRow.account_id == account_id, OpportunityRow.outcome == "open", *shown)
            .order_by(OpportunityRow.id)))

    def opportunities_from_lead(self, lead_id: int) -> list[int]:
        """Every opportunity a lead produced (by conversion or later), oldest first."""
        return list(self.session.scalars(select(OpportunityRow.id).where(OpportunityRow.originating_lead_id == lead_id)
                                         .order_by(OpportunityRow.created_at, OpportunityRow.id)))

    def standard_prices(self, currency: str) -> dict[int, Decimal]:
        """Product id -> unit price in the active standard price book, in ``currency``."""
        rows = self.session.execute(
            select(PriceBookEntryRow.product_id, PriceBookEntryRow.unit_price)
            .join(PriceBookRow, PriceBookRow.id == PriceBookEntryRow.price_book_id)
            .where(PriceBookRow.is_standard.is_(True), PriceBookRow.is_active.is_(True),
                   PriceBookEntryRow.is_active.is_(True), PriceBookEntryRow.currency == currency))
        return {product_id: price for product_id, price in rows}

    def references(self, record_type: RecordType, record_id: int) -> dict[str, set[int]]:
        """What points at a record, by kind, as ids: an undo removes a record only when all of it
        was made by the conversion itself."""
        def ids(column: Any, other: Any) -> set[int]:
            return set(self.session.scalars(select(column).where(other == record_id)))

        links = set(self.session.scalars(select(ActivityLinkRow.activity_id).where(
            ActivityLinkRow.record_type == record_type, ActivityLinkRow.record_id == record_id)))
        if record_type is RecordType.ACCOUNT:
            return {
                "contacts": ids(ContactRow.id, ContactRow.account_id),
                "opportunities": ids(OpportunityRow.id, OpportunityRow.account_id),
                "child accounts": ids(AccountRow.id, AccountRow.parent_id),
                "converted leads": ids(LeadRow.id, LeadRow.converted_account_id),
                "activities": links,
            }
        if record_type is RecordType.CONTACT:
            return {
                "contact roles": ids(ContactRoleRow.id, ContactRoleRow.contact_id),
                "converted leads": ids(LeadRow.id, LeadRow.converted_contact_id),
                "activities": links,
            }
        return {
            "contact roles": ids(ContactRoleRow.id, ContactRoleRow.opportunity_id),
            "line items": ids(LineItemRow.id, LineItemRow.opportunity_id),
            "stage changes": ids(OpportunityStageChangeRow.id, OpportunityStageChangeRow.opportunity_id),
            "converted leads": ids(LeadRow.id, LeadRow.converted_opportunity_id),
            "activities": links,
        }

    def remove_record(self, record_type: RecordType, record_id: int) -> None:
        """Delete a record a conversion created, with its parts (stage history, roles, line items,
        activity links, custom values). Only called once ``references`` showed nothing else."""
        s = self.session
        s.execute(delete(ActivityLinkRow).where(ActivityLinkRow.record_type == record_type,
                                                ActivityLinkRow.record_id == record_id))
        s.execute(delete(CustomFieldValueRow).where(CustomFieldValueRow.record_id == record_id))
        if record_type is RecordType.OPPORTUNITY:
            s.execute(delete(OpportunityStageChangeRow).where(OpportunityStageChangeRow.opportunity_id == record_id))
            s.execute(delete(ContactRoleRow).where(ContactRoleRow.opportunity_id == record_id))
            s.execute(delete(LineItemRow).where(LineItemRow.opportunity_id == record_id))
            s.execute(delete(OpportunityRow).where(OpportunityRow.id == record_id))
        elif record_type is RecordType.CONTACT:
            s.execute(delete(ContactRow).where(ContactRow.id == record_id))
        else:
            s.execute(delete(AccountRow).where(AccountRow.id == record_id))

    def remove_contact_role(self, role_id: int) -> None:
        self.session.execute(delete(ContactRoleRow).where(ContactRoleRow.id == role_id))

    def unlink_activities(self, activity_ids: Iterable[int], record_type: RecordType, record_id: int) -> None:
        ids = list(activity_ids)
        if ids:
            self.session.execute(delete(ActivityLinkRow).where(
                ActivityLinkRow.record_type == record_type, ActivityLinkRow.record_id == record_id,
                ActivityLinkRow.activity_id.in_(ids)))


def _not_owned_by(row: Any, owners: frozenset[int] | None) -> list[Any]:
    """The clause keeping records without an owner or owned by someone not in ``owners`` (none for None)."""
    if owners is None:
        return []
    return [or_(row.owner_id.is_(None), row.owner_id.not_in(owners))] if owners else []
