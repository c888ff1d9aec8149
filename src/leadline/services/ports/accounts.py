"""Ports of accounts and contacts, as use cases use them."""

from __future__ import annotations

import builtins
from typing import Protocol

from leadline.domain.accounts import Account, Contact
from leadline.domain.queries import Page, RecordQuery
from leadline.services.ports.records import RecordRepository


class AccountRepository(RecordRepository[Account], Protocol):
    def list(self, query: RecordQuery, page: Page) -> list[Account]: ...

    def parent_of(self, account_id: int) -> int | None: ...

    def ids_named(self, name: str) -> builtins.list[int]:
        """Live accounts named ``name`` (case aside), by id."""
        ...


class ContactRepository(RecordRepository[Contact], Protocol):
    def list(self, query: RecordQuery, page: Page) -> list[Contact]: ...
