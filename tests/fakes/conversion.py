"""In-memory conversions, the look-ups of conversion, its preview and undo, and the rows of a
bulk conversion (collected, then applied together by ``write``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from leadline.domain.accounts import Account, Contact
from leadline.domain.custom_fields import RecordType
from leadline.domain.ids import new_id
from leadline.domain.leads import Lead
from leadline.domain.opportunities import Opportunity
from leadline.domain.products import LineItem
from tests.fakes.tables import Tables, copied

if TYPE_CHECKING:
    from tests.fakes.unit_of_work import FakeUnitOfWork


class ConversionRows:
    """What a bulk conversion batches: each write kept as a step until ``write`` applies them."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.steps: list[Callable[[], object]] = []

    def mark(self, lead: Lead) -> tuple[int, ...]:
        return (len(self.steps),)

    def forget(self, mark: tuple[int, ...] | None = None) -> None:
        del self.steps[mark[0] if mark else 0:]

    def add_account(self, account: Account) -> None:
        self.steps.append(lambda: self.uow.accounts.add(account))

    def add_contact(self, contact: Contact) -> None:
        self.steps.append(lambda: self.uow.contacts.add(contact))

    def add_opportunity(self, opportunity: Opportunity) -> None:
        self.steps.append(lambda: self.uow.opportunities.add(opportunity))

    def add_line_items(self, items: Iterable[LineItem]) -> None:
        chosen = list(items)
        self.steps.append(lambda: self.uow.products.add_line_items(chosen))

    def add_stage_change(self, opportunity: Opportunity, from_stage_id: int | None, actor_id: int | None,
                         at: datetime, /) -> None:
        taken = copied(opportunity)
        self.steps.append(lambda: self.uow.stage_history.record(taken, from_stage_id, actor_id, at))

    def add_contact_role(self, opportunity_id: int, contact_id: int, role: str, is_primary: bool, /) -> int:
        role_id = new_id()  # known now: the undo record keeps it
        self.steps.append(lambda: self.uow.tables.contact_roles.update(
            {role_id: (opportunity_id, contact_id, role, is_primary)}))
        return role_id

    def add_audit(self, action: str, record_type: str, record_id: int | None, actor_id: int | None, at: datetime,
                  changes: Mapping[str, tuple[str | None, str | None]] | None = None) -> None:
        taken = dict(changes or {})
        self.steps.append(lambda: self.uow.audit.record(action, record_type, record_id, actor_id, at, taken))

    def add_status_change(self, lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None,
                          at: datetime, *, reason_id: int | None = None, note: str | None = None) -> None:
        self.steps.append(lambda: self.uow.leads.record_status_change(
            lead_id, from_status_id, to_status_id, actor_id, at, reason_id=reason_id, note=note))

    def save_lead(self, lead: Lead) -> None:
        taken = copied(lead)
        self.steps.append(lambda: self.uow.leads.save(taken))
        lead.version += 1  # as the SQL batch moves it

    def add_conversion(self, conversion_id: int, lead_id: int, actor_id: int, at: datetime,
                       idempotency_key: str | None, result: dict[str, Any], undo: dict[str, Any], /) -> None:
        taken = (copied(result), copied(undo))
        self.steps.append(lambda: self.uow.conversions.add(conversion_id, lead_id, actor_id, at, idempotency_key,
                                                           *taken))

    def write(self) -> None:
        steps, self.steps = self.steps, []
        for step in steps:
            step()


class ConversionRepository:
    def __init__(self, tables: Tables, uow: FakeUnitOfWork) -> None:
        self.tables, self.uow = tables, uow

    def add(self, conversion_id: int, lead_id: int, actor_id: int, at: datetime, idempotency_key: str | None,
            result: dict[str, Any], undo: dict[str, Any]) -> None:
        self.tables.conversions[conversion_id] = {
            "id": conversion_id, "lead_id": lead_id, "idempotency_key": idempotency_key, "actor_id": actor_id,
            "converted_at": at, "result": copied(result), "undo": copied(undo), "undone_at": None}

    def batch(self) -> ConversionRows:
        return ConversionRows(self.uow)

    def latest(self, lead_id: int) -> dict[str, Any] | None:
        found = sorted((c for c in self.tables.conversions.values()
                        if c["lead_id"] == lead_id and c["undone_at"] is None),
                       key=lambda c: (c["converted_at"], c["id"]))
        if not found:
            return None
        return {k: copied(v) for k, v in found[-1].items() if k != "undone_at" and k != "lead_id"}

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

    def link_activities(self, activity_ids: Iterable[int], record_type: RecordType, record_id: int) -> list[int]:
        new = sorted(a for a in set(activity_ids) if (a, record_type, record_id) not in self.tables.activity_links)
        self.tables.activity_links.update((a, record_type, record_id) for a in new)
        return new

    def unlink_activities(self, activity_ids: Iterable[int], record_type: RecordType, record_id: int) -> None:
        self.tables.activity_links.difference_update((a, record_type, record_id) for a in activity_ids)


def _not_owned_by(owner_id: int | None, owners: frozenset[int] | None) -> bool:
    return owners is None or not owners or owner_id is None or owner_id not in owners
