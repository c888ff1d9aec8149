"""Ports of lead conversion: the one writer of conversion plans, the conversions as they
happened, and the look-ups conversion, its preview and its undo need."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.plan import ConversionPlan, ConversionRecord


class ConversionRepository(Protocol):
    def write(self, plans: Sequence[ConversionPlan]) -> None:
        """Apply ``plans`` in order, one statement per table for all of them (``STALE_RECORD`` for
        a lead changed since read, ``CONFLICT`` for a broken rule; rows written stay until rollback)."""
        ...

    def latest(self, lead_id: int) -> ConversionRecord | None:
        """The lead's last conversion not undone, with its result and undo record."""
        ...

    def mark_undone(self, conversion_id: int, at: datetime, actor_id: int) -> None: ...

    def account_candidates(self, domain: str | None, name_word: str | None, limit: int = 20, *,
                           outside: frozenset[int] | None = None) -> list[Account]:
        """Accounts with this website domain or whose name holds this word (matched exactly
        later), oldest first; with ``outside``, only those not owned by one of these users."""
        ...

    def contact_candidates(self, email: str | None, phone: str | None, limit: int = 20, *,
                           outside: frozenset[int] | None = None) -> list[Contact]:
        """Contacts with this e-mail (ignoring case) or phone, oldest first; ``outside`` as for accounts."""
        ...

    def contacts_of(self, account_id: int) -> list[Contact]: ...

    def open_opportunity_ids_of(self, account_id: int, visible_owner_ids: frozenset[int] | None = None) -> list[int]:
        """The account's open opportunities; with ``visible_owner_ids``, only those these users own."""
        ...

    def opportunities_from_lead(self, lead_id: int) -> list[int]: ...

    def standard_prices(self, currency: str) -> dict[int, Decimal]:
        """Product id -> unit price in the active standard price book, in ``currency``."""
        ...

    def references(self, record_type: RecordType, record_id: int) -> dict[str, set[int]]:
        """What points at a record, by kind, as ids."""
        ...

    def remove_record(self, record_type: RecordType, record_id: int) -> None: ...

    def remove_contact_role(self, role_id: int) -> None: ...

    def unlink_activities(self, activity_ids: Iterable[int], record_type: RecordType, record_id: int) -> None: ...
