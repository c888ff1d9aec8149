"""In-memory repositories of leads, accounts, contacts and opportunities."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from leadline.domain.accounts import Account, Contact
from leadline.domain.errors import ConflictError, StaleRecordError
from leadline.domain.history import NamedRecord
from leadline.domain.ids import new_id
from leadline.domain.leads.lead import Lead, ProductInterest
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.queries import LeadQuery, Page, RecordQuery
from tests.fakes.tables import Tables, copied

R = TypeVar("R", Lead, Account, Contact, Opportunity)


class RecordRepository(Generic[R]):
    """Records by id; ``save`` checks and moves the version as the SQL repository does."""

    table: str

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    @property
    def rows(self) -> dict[int, R]:
        rows: dict[int, R] = getattr(self.tables, self.table)
        return rows

    def add(self, record: R) -> None:
        if record.id in self.rows:
            raise ConflictError(f"the change conflicts with stored data ({self.table} {record.id} exists)")
        self.rows[record.id] = copied(record)

    def get(self, record_id: int) -> R | None:
        return copied(self.rows.get(record_id))

    def get_many(self, record_ids: Iterable[int]) -> dict[int, R]:
        return {i: copied(self.rows[i]) for i in set(record_ids) if i in self.rows}

    def get_for_update(self, record_id: int) -> R | None:
        return self.get(record_id)

    def save(self, record: R) -> None:
        stored = self.rows.get(record.id)
        if stored is None or stored.version != record.version:
            raise StaleRecordError("the record was changed by someone else; reload and retry", field="version")
        record.version += 1
        self.rows[record.id] = copied(record)

    def delete(self, record_id: int) -> None:
        if self._referred_to(record_id):
            raise ConflictError("other records still refer to this one; remove or move them first")
        self.rows.pop(record_id, None)

    def count(self) -> int:
        return len(self.rows)

    def owners_of(self, record_ids: Iterable[int]) -> dict[int, int | None]:
        return {i: self.rows[i].owner_id for i in record_ids if i in self.rows}

    def names_of(self, record_ids: Iterable[int]) -> dict[int, NamedRecord]:
        return {i: NamedRecord(i, r.name, r.owner_id, getattr(r, "merged_into_id", None))
                for i in set(record_ids) if (r := self.rows.get(i)) is not None}

    def _referred_to(self, record_id: int) -> bool:
        t = self.tables
        return any(c.account_id == record_id for c in t.contacts.values()) or any(
            o.account_id == record_id for o in t.opportunities.values()) or any(
            a.parent_id == record_id for a in t.accounts.values())

    def _page(self, records: Iterable[R], page: Page) -> list[R]:
        def key(record: R) -> tuple[Any, int]:
            return getattr(record, page.sort), record.id

        chosen = sorted(records, key=key, reverse=page.descending)
        if page.after is not None:
            chosen = [r for r in chosen if (key(r) < page.after if page.descending else key(r) > page.after)]
        return [copied(r) for r in chosen[:page.limit]]


class LeadRepository(RecordRepository[Lead]):
    table = "leads"

    def get_many_for_update(self, record_ids: Sequence[int]) -> dict[int, Lead]:
        return {i: copied(self.rows[i]) for i in sorted(record_ids) if i in self.rows}

    def _scored_within(self, lead_id: int, query: LeadQuery) -> bool:
        if query.min_score is None and query.max_score is None:
            return True
        score = self.tables.lead_scores.get(lead_id)
        return score is not None and (query.min_score or 0) <= score.score <= (
            100 if query.max_score is None else query.max_score)

    def add_many(self, records: Iterable[Lead]) -> int:
        leads = list(records)
        for lead in leads:
            self.add(lead)
        return len(leads)

    @staticmethod
    def status_change_values(
        lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None, at: datetime,
        *, reason_id: int | None = None, note: str | None = None,
    ) -> dict[str, Any]:
        return {"id": new_id(), "lead_id": lead_id, "from_status_id": from_status_id, "to_status_id": to_status_id,
                "actor_id": actor_id, "changed_at": at, "reason_id": reason_id, "note": note}

    def record_status_changes(self, changes: list[dict[str, Any]], *, first: bool = False) -> None:
        self.tables.status_changes.extend(copied(changes))

    def replace_products(self, lead_id: int, products: Sequence[ProductInterest]) -> None:
        self.rows[lead_id].products = copied(list(products))

    def record_status_change(
        self, lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None, at: datetime,
        *, reason_id: int | None = None, note: str | None = None,
    ) -> None:
        self.tables.status_changes.append({
            "id": new_id(), "lead_id": lead_id, "from_status_id": from_status_id, "to_status_id": to_status_id,
            "actor_id": actor_id, "changed_at": at, "reason_id": reason_id, "note": note})

    def status_changes(self, lead_id: int) -> list[dict[str, Any]]:
        changes = sorted((c for c in self.tables.status_changes if c["lead_id"] == lead_id),
                         key=lambda c: (c["changed_at"], c["id"]))
        return [{k: v for k, v in c.items() if k not in ("id", "lead_id")} for c in changes]

    def _referred_to(self, record_id: int) -> bool:
        return False

    def list(self, query: LeadQuery, page: Page, *, visible_owner_ids: Iterable[int] | None = None) -> list[Lead]:
        visible = None if visible_owner_ids is None else set(visible_owner_ids)
        return self._page((lead for lead in self.rows.values()
                           if (visible is None or lead.owner_id in visible)
                           and (not query.status_ids or lead.status_id in query.status_ids)
                           and (not query.owner_ids or lead.owner_id in query.owner_ids)
                           and (not query.campaign_ids or lead.campaign_id in query.campaign_ids)
                           and (not query.ratings or lead.rating in query.ratings)
                           and self._scored_within(lead.id, query)
                           and (query.created_from is None or lead.created_at >= query.created_from)
                           and (query.created_to is None or lead.created_at < query.created_to)
                           and (query.converted is None or lead.is_converted() == query.converted)), page)


def _matches(record: Account | Contact | Opportunity, query: RecordQuery) -> bool:
    return ((query.visible_owner_ids is None or record.owner_id in query.visible_owner_ids)
            and (not query.owner_ids or record.owner_id in query.owner_ids)
            and (query.account_id is None or getattr(record, "account_id", query.account_id) == query.account_id))


class AccountRepository(RecordRepository[Account]):
    table = "accounts"

    def list(self, query: RecordQuery, page: Page) -> list[Account]:
        return self._page((a for a in self.rows.values() if _matches(a, query)), page)

    def parent_of(self, account_id: int) -> int | None:
        account = self.rows.get(account_id)
        return account.parent_id if account else None

    def ids_named(self, name: str) -> builtins.list[int]:
        return sorted(a.id for a in self.rows.values() if a.name.lower() == name.lower() and a.merged_into_id is None)


class ContactRepository(RecordRepository[Contact]):
    table = "contacts"

    def list(self, query: RecordQuery, page: Page) -> list[Contact]:
        return self._page((c for c in self.rows.values() if _matches(c, query)), page)

    def _referred_to(self, record_id: int) -> bool:
        return any(contact_id == record_id for _, contact_id, _, _ in self.tables.contact_roles.values())


class OpportunityRepository(RecordRepository[Opportunity]):
    table = "opportunities"

    def list(self, query: RecordQuery, page: Page) -> list[Opportunity]:
        return self._page((o for o in self.rows.values() if _matches(o, query)
                           and (not query.stage_ids or o.stage_id in query.stage_ids)), page)

    def _referred_to(self, record_id: int) -> bool:
        return any(item.opportunity_id == record_id for item in self.tables.line_items.values())
