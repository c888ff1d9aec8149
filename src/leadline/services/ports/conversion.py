"""Ports of lead conversion: the conversions as they happened, the look-ups conversion, its
preview and its undo need, and the rows of a bulk conversion written together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from leadline.domain.accounts import Account, Contact
from leadline.domain.custom_fields import RecordType
from leadline.domain.leads import Lead
from leadline.domain.opportunities import Opportunity
from leadline.domain.products import LineItem


class ConversionRows(Protocol):
    """The rows of many conversions collected as the repositories would write them, then written
    together by ``write`` (``STALE_RECORD`` or ``CONFLICT`` if that fails)."""

    def mark(self, lead: Lead) -> tuple[int, ...]: ...

    def forget(self, mark: tuple[int, ...] | None = None) -> None: ...

    def add_account(self, account: Account) -> None: ...

    def add_contact(self, contact: Contact) -> None: ...

    def add_opportunity(self, opportunity: Opportunity) -> None: ...

    def add_line_items(self, items: Iterable[LineItem]) -> None: ...

    def add_stage_change(self, opportunity: Opportunity, from_stage_id: int | None, actor_id: int | None,
                         at: datetime, /) -> None: ...

    def add_contact_role(self, opportunity_id: int, contact_id: int, role: str, is_primary: bool, /) -> int: ...

    def add_audit(self, action: str, record_type: str, record_id: int | None, actor_id: int | None, at: datetime,
                  changes: Mapping[str, tuple[str | None, str | None]] | None = None) -> None: ...

    def add_status_change(self, lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None,
                          at: datetime, *, reason_id: int | None = None, note: str | None = None) -> None: ...

    def save_lead(self, lead: Lead) -> None: ...

    def add_conversion(self, conversion_id: int, lead_id: int, actor_id: int, at: datetime,
                       idempotency_key: str | None, result: dict[str, Any], undo: dict[str, Any], /) -> None: ...

    def write(self) -> None: ...


class ConversionRepository(Protocol):
    def add(self, conversion_id: int, lead_id: int, actor_id: int, at: datetime, idempotency_key: str | None,
            result: dict[str, Any], undo: dict[str, Any]) -> None: ...

    def batch(self) -> ConversionRows: ...

    def latest(self, lead_id: int) -> dict[str, Any] | None:
        """The lead's last conversion not undone: id, idempotency_key, actor_id, converted_at,
        result and undo."""
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

    def link_activities(self, activity_ids: Iterable[int], record_type: RecordType, record_id: int) -> list[int]: ...

    def unlink_activities(self, activity_ids: Iterable[int], record_type: RecordType, record_id: int) -> None: ...
