"""The import blocks of accounts, contacts and opportunities (``ImportBlock``): each row built by
its kind's create rules (``build_account``, ``build_contact``, ``build_opportunity``: the same as
the API's), stored by the same use case's work in a savepoint of the block's unit of work, and a
duplicate changed by ``change_record`` (the update rules).

A contact or an opportunity names its account by id or by name (``account``); a name more than
one account has is refused, naming the column. Accounts and contacts follow the duplicate rules;
opportunities have none, so every valid row is a new opportunity whatever the policy.
"""

from __future__ import annotations

from typing import Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.errors import ValidationError
from leadline.domain.ids import new_id
from leadline.domain.imports.duplicates import empty_fields_only
from leadline.services import records
from leadline.services.duplicates.check import probe_of
from leadline.services.imports.ahead import CheckedRow
from leadline.services.imports.blocks import FileRow, ImportBlock, RowRecord
from leadline.services.security.access import fields_of

#: a refused field of a record -> the import column it comes from, where their names differ
_COLUMNS = {"account_id": "account", "loss_reason_id": "loss_reason"}


class RecordBlock(ImportBlock):
    """The block of an account, contact or opportunity import (``kind`` set by the subclass)."""

    def build(self, row: FileRow, values: dict[str, str], custom: dict[str, str],
              ahead: CheckedRow | None = None) -> RowRecord:
        given: dict[str, Any] = {name: value for name, value in values.items() if name != "account"}
        if "account" in values:  # one missing is refused by the create rules (ensure_account_given)
            given["account_id"] = self._account_id(values["account"])
        given["custom"] = dict(custom)
        kind, uow, viewer = self.kind, self.uow, self.viewer
        if kind is RecordType.ACCOUNT:
            record: Any = records.build_account(self.ctx, uow, viewer, given)
        elif kind is RecordType.CONTACT:
            record = records.build_contact(self.ctx, uow, viewer, given)
        else:
            record = records.build_opportunity(self.ctx, uow, viewer, given)
        return RowRecord(row, given, custom, record, self._probe(record))

    def column_of(self, field: str) -> str:
        """``account_id`` is the ``account`` column, ``loss_reason_id`` the ``loss_reason`` one."""
        return _COLUMNS.get(field, field)

    def _account_id(self, reference: str) -> int:
        if reference.isdigit():
            return int(reference)
        found = self.uow.accounts.ids_named(reference)
        if len(found) > 1:
            raise ValidationError(f"{len(found)} accounts are named {reference!r}: give the account's id",
                                  field="account")
        if not found:
            raise ValidationError(f"there is no account named {reference!r}", field="account")
        return found[0]

    def _stored(self, record_id: int) -> Any:
        """The stored account or contact, or None (``change_record`` then refuses the change)."""
        return (self.uow.accounts if self.kind is RecordType.ACCOUNT else self.uow.contacts).get(record_id)

    def _probe(self, record: Any) -> Candidate | None:
        """What the duplicate rules compare (its own id, so it never matches itself)."""
        if self.kind is RecordType.OPPORTUNITY:
            return None
        if self.kind is RecordType.ACCOUNT:
            probe = probe_of(RecordType.ACCOUNT, fields_of(record))
        else:
            account = self.uow.accounts.get(record.account_id)
            probe = probe_of(RecordType.CONTACT, fields_of(record), company=account.name if account else None,
                             company_id=record.account_id)
        probe.record_id, probe.owner_id = record.id or new_id(), record.owner_id
        return probe

    def store(self, candidate: RowRecord, overridden: str | None) -> None:
        uow, viewer, values, record = self.uow, self.viewer, candidate.values, candidate.record
        with uow.savepoint():
            if self.kind is RecordType.ACCOUNT:
                records.add_account(self.ctx, uow, viewer, values, built=record, overridden=overridden)
            elif self.kind is RecordType.CONTACT:
                records.add_contact(self.ctx, uow, viewer, values, built=record, overridden=overridden)
            else:
                records.add_opportunity(self.ctx, uow, viewer, values, built=record)

    def ensure_editable(self, record_id: int) -> None:
        records.ensure_can_change(self.uow, self.viewer, self.kind.value, record_id)

    def change(self, record_id: int, candidate: RowRecord, *, overwrite: bool = True) -> Candidate | None:
        changes = {name: value for name, value in candidate.values.items()
                   if name not in ("duplicate_override_reason", "custom")}
        custom = candidate.custom
        record = None if overwrite else self._stored(record_id)
        if record is not None:  # a weaker match than the exact e-mail fills the record's empty fields only
            changes = empty_fields_only(changes, fields_of(record))
            custom = self.empty_custom_only(record_id, custom)
        if custom:
            changes["custom"] = custom  # type: ignore[assignment]
        return self._probe(records.change_record(self.ctx, self.uow, self.viewer, self.kind.value, record_id,
                                                 changes))


class AccountBlock(RecordBlock):
    kind = RecordType.ACCOUNT


class ContactBlock(RecordBlock):
    kind = RecordType.CONTACT


class OpportunityBlock(RecordBlock):
    kind = RecordType.OPPORTUNITY
