"""In-memory conversions: the writer of conversion plans, the stored conversions, and the
look-ups of conversion, its preview and undo."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.plan import ConversionPlan, ConversionRecord
from leadline.persistence.conversion.stored import result_from_json, result_to_json, undo_from_json, undo_to_json
from tests.fakes.tables import Tables, copied

if TYPE_CHECKING:
    from tests.fakes.unit_of_work import FakeUnitOfWork


class ConversionRepository:
    def __init__(self, tables: Tables, uow: FakeUnitOfWork) -> None:
        self.tables, self.uow = tables, uow

    def write(self, plans: Sequence[ConversionPlan]) -> None:
        """Each plan in order, through the other fake repositories (the stored conversion kept as
        its JSON mapping, as the database keeps it)."""
        for plan in plans:
            self._write(plan)

    def _write(self, plan: ConversionPlan) -> None:
        uow, actor, at = self.uow, plan.actor_id, plan.at
        for record in (*plan.accounts, *plan.contacts):
            (uow.accounts if isinstance(record, Account) else uow.contacts).add(record)  # type: ignore[arg-type]
        for opportunity in plan.opportunities:
            uow.opportunities.add(opportunity)
            uow.stage_history.record(opportunity, None, actor, at)
        uow.products.add_line_items(list(plan.line_items))
        self.tables.contact_roles.update({r.id: (r.opportunity_id, r.contact_id, r.role, r.is_primary)
                                          for r in plan.contact_roles})
        for fill in plan.fills:
            if isinstance(fill.record, Account):
                uow.accounts.save(copied(fill.record))
            else:
                uow.contacts.save(copied(fill.record))
        self.tables.activity_links.update((link.activity_id, link.record_type, link.record_id)
                                          for link in plan.activity_links)
        for task in plan.moved_tasks:
            uow.activities.save(copied(task))
        for value in plan.custom_values:
            uow.custom_fields.set_values([value.definition], value.record_id,
                                         {value.definition.name: value.value})  # type: ignore[dict-item]
        for entry in plan.audit:
            uow.audit.record(entry.action, entry.record_type, entry.record_id, actor, at, dict(entry.changes))
        for member in plan.campaign_members:
            if uow.campaigns.member(member.campaign_id, contact_id=member.contact_id) is None:
                uow.campaigns.add_member(copied(member))
        if plan.lead is not None:
            change = plan.lead.status_change
            uow.leads.record_status_change(plan.lead.read.id, change.from_status_id, change.to_status_id, actor, at,
                                           reason_id=change.reason_id, note=change.note)
            saved = copied(plan.lead.converted)
            saved.version = plan.lead.read.version
            uow.leads.save(saved)
        if plan.record is not None:
            record = plan.record
            self.tables.conversions[record.id] = {
                "id": record.id, "lead_id": record.lead_id, "idempotency_key": record.idempotency_key,
                "actor_id": record.actor_id, "converted_at": record.at, "result": result_to_json(record.result),
                "undo": undo_to_json(record.undo), "undone_at": None}

    def latest(self, lead_id: int) -> ConversionRecord | None:
        found = sorted((c for c in self.tables.conversions.values()
                        if c["lead_id"] == lead_id and c["undone_at"] is None),
                       key=lambda c: (c["converted_at"], c["id"]))
        if not found:
            return None
        c = copied(found[-1])
        return ConversionRecord(c["id"], c["lead_id"], c["actor_id"], c["converted_at"], c["idempotency_key"],
                                result_from_json(c["result"]), undo_from_json(c["undo"]))

    def mark_undone(self, conversion_id: int, at: datetime, actor_id: int) -> None:
        self.tables.conversions[conversion_id]["undone_at"] = at

    def account_candidates(self, domain: str | None, name_word: str | None, limit: int = 20, *,
                           outside: frozenset[int] | None = None) -> list[Account]:
        def matches(account: Account) -> bool:
            return bool(domain and account.domain == domain) or bool(
                name_word and name_word.lower() in account.name.lower())

        chosen = [a for a in self.tables.accounts.values() if matches(a) and _not_owned_by(a.owner_id, outside)]
        return [copied(a) for a in sorted(chosen, key=lambda a: a.created_at)[:limit]]

    def contact_candidates(self, email: str | None, phone: str | None, limit: int = 20, *,
                           outside: frozenset[int] | None = None) -> list[Contact]:
        def matches(contact: Contact) -> bool:
            return bool(email and (contact.email or "").lower() == email.lower()) or bool(
                phone and contact.phone == phone)

        chosen = [c for c in self.tables.contacts.values() if matches(c) and _not_owned_by(c.owner_id, outside)]
        return [copied(c) for c in sorted(chosen, key=lambda c: c.created_at)[:limit]]

    def contacts_of(self, account_id: int) -> list[Contact]:
        return [copied(c) for c in sorted(self.tables.contacts.values(), key=lambda c: c.created_at)
                if c.account_id == account_id]

    def open_opportunity_ids_of(self, account_id: int, visible_owner_ids: frozenset[int] | None = None) -> list[int]:
        return sorted(o.id for o in self.tables.opportunities.values()
                      if o.account_id == account_id and o.outcome.value == "open"
                      and (visible_owner_ids is None or o.owner_id in visible_owner_ids))

    def opportunities_from_lead(self, lead_id: int) -> list[int]:
        chosen = [o for o in self.tables.opportunities.values() if o.originating_lead_id == lead_id]
        return [o.id for o in sorted(chosen, key=lambda o: (o.created_at, o.id))]

    def standard_prices(self, currency: str) -> dict[int, Decimal]:
        standard = {b.id for b in self.tables.price_books.values() if b.is_standard and b.is_active}
        return {e.product_id: e.unit_price for e in self.tables.price_entries
                if e.price_book_id in standard and e.is_active and e.currency == currency}

    def references(self, record_type: RecordType, record_id: int) -> dict[str, set[int]]:
        t = self.tables
        links = {a for a, kind, rid in t.activity_links if (kind, rid) == (record_type, record_id)}
        leads = t.leads.values()
        if record_type is RecordType.ACCOUNT:
            return {"contacts": {c.id for c in t.contacts.values() if c.account_id == record_id},
                    "opportunities": {o.id for o in t.opportunities.values() if o.account_id == record_id},
                    "child accounts": {a.id for a in t.accounts.values() if a.parent_id == record_id},
                    "converted leads": {lead.id for lead in leads if lead.converted_account_id == record_id},
                    "activities": links}
        roles = {i for i, (opportunity, contact, _, _) in t.contact_roles.items()
                 if record_id in ((contact,) if record_type is RecordType.CONTACT else (opportunity,))}
        if record_type is RecordType.CONTACT:
            return {"contact roles": roles,
                    "converted leads": {lead.id for lead in leads if lead.converted_contact_id == record_id},
                    "activities": links}
        return {"contact roles": roles,
                "line items": {i.id for i in t.line_items.values() if i.opportunity_id == record_id},
                "stage changes": {c[4] for c in t.stage_changes if c[0] == record_id},
                "converted leads": {lead.id for lead in leads if lead.converted_opportunity_id == record_id},
                "activities": links}

    def remove_record(self, record_type: RecordType, record_id: int) -> None:
        t = self.tables
        t.activity_links = {link for link in t.activity_links if link[1:] != (record_type, record_id)}
        t.custom_values = {k: v for k, v in t.custom_values.items() if k[1] != record_id}
        if record_type is RecordType.OPPORTUNITY:
            t.stage_changes = [c for c in t.stage_changes if c[0] != record_id]
            t.contact_roles = {i: r for i, r in t.contact_roles.items() if r[0] != record_id}
            t.line_items = {i: item for i, item in t.line_items.items() if item.opportunity_id != record_id}
            del t.opportunities[record_id]
        elif record_type is RecordType.CONTACT:
            del t.contacts[record_id]
        else:
            del t.accounts[record_id]

    def remove_contact_role(self, role_id: int) -> None:
        self.tables.contact_roles.pop(role_id, None)

    def unlink_activities(self, activity_ids: Iterable[int], record_type: RecordType, record_id: int) -> None:
        self.tables.activity_links.difference_update((a, record_type, record_id) for a in activity_ids)


def _not_owned_by(owner_id: int | None, owners: frozenset[int] | None) -> bool:
    return owners is None or not owners or owner_id is None or owner_id not in owners
