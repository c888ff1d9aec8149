"""Repositories of accounts and contacts. They never commit."""

from __future__ import annotations

import builtins

from sqlalchemy import func, select

from leadline.domain.accounts import Account, Contact
from leadline.domain.queries import Page, RecordQuery
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.mapping import to_domain_many
from leadline.persistence.record_repository import (
    RecordRepository,
    paginate,
)


class AccountRepository(RecordRepository[Account]):
    row_class = AccountRow
    domain_class = Account
    searched = ("name", "domain")

    def list(self, query: RecordQuery, page: Page) -> list[Account]:
        rows = self.session.execute(paginate(self.matching(query), AccountRow, page))
        return to_domain_many(Account, rows)

    def parent_of(self, account_id: int) -> int | None:
        return self.session.scalar(select(AccountRow.parent_id).where(AccountRow.id == account_id))

    def ids_named(self, name: str) -> builtins.list[int]:
        return list(self.session.scalars(select(AccountRow.id).where(
            func.lower(AccountRow.name) == name.lower(), AccountRow.merged_into_id.is_(None)).order_by(AccountRow.id)))


class ContactRepository(RecordRepository[Contact]):
    row_class = ContactRow
    domain_class = Contact
    searched = ("last_name", "first_name", "email")
    named_by = ("first_name", "last_name")

    def list(self, query: RecordQuery, page: Page) -> list[Contact]:
        rows = self.session.execute(paginate(self.matching(query), ContactRow, page))
        return to_domain_many(Contact, rows)
