"""The rows of many lead conversions, collected in memory and written together.

Bulk conversion (services/conversion_batch.py) converts each lead of a batch with the one
conversion use case, against a unit of work whose writes land here instead of in the session:
each as the row its repository would write. ``write`` then inserts them parents first, one
executemany per table, and updates the leads. Audit events and status changes get their ids
then, in the order they were collected (``new_ids``: one call instead of one per row); other
rows carry the ids the conversion gave them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadline.domain.accounts import Account, Contact
from leadline.domain.errors import ConflictError
from leadline.domain.ids import new_ids
from leadline.domain.leads import Lead
from leadline.domain.opportunities import Opportunity
from leadline.domain.products import LineItem
from leadline.persistence.bulk_rows import Processed, insert_columns, insert_rows, record_columns
from leadline.persistence.repositories_records import LeadRepository
from leadline.persistence.repositories_sales import ProductRepository, StageHistoryRepository
from leadline.persistence.repositories_workflow import ConversionRepository, json_encoder
from leadline.persistence.rows import (
    AccountRow,
    AuditEventRow,
    ContactRoleRow,
    ContactRow,
    LeadConversionRow,
    LeadStatusChangeRow,
    LineItemRow,
    OpportunityRow,
    OpportunityStageChangeRow,
)

_TO_JSON = json_encoder()  # json.dumps, as ``AuditRepository.event_values``
_quote = json.encoder.encode_basestring_ascii  # a JSON string, as json.dumps writes it


#: for each kind of record: its table, its columns, and one getter of their values
_ACCOUNT, _CONTACT, _OPPORTUNITY, _LINE_ITEM = ((row.__table__, *record_columns(row, record)) for row, record in (
    (AccountRow, Account), (ContactRow, Contact), (OpportunityRow, Opportunity), (LineItemRow, LineItem)))
_AUDIT = ("at", "actor_id", "action", "record_type", "record_id", "changes")
_STATUS_CHANGE = ("lead_id", "from_status_id", "to_status_id", "actor_id", "changed_at", "reason_id", "note")


class ConversionBatch:
    """Rows of conversions not written yet; ``mark`` and ``forget`` drop those of a failed one.

    Records are kept as tuples of their column values, taken when added (when the repositories
    would insert them): what is written is what the record was then, and a tuple of plain values
    is soon ignored by the garbage collector. New records' audit changes are rendered together
    (``render_together``), a few hundred at a time, which costs half of rendering each alone.
    """

    RENDER_EVERY = 300  # audit changes waiting to be rendered together (those of 100 conversions)
    IDS_AT_ONCE = 256  # ids ``_new_id`` takes from the generator in one call

    def __init__(self, session: Session) -> None:
        self.session = session
        self.accounts: list[tuple[Any, ...]] = []
        self.contacts: list[tuple[Any, ...]] = []
        self.opportunities: list[tuple[Any, ...]] = []
        self.line_items: list[tuple[Any, ...]] = []
        self.stage_changes: list[dict[str, Any]] = []
        self.roles: list[dict[str, Any]] = []
        self.audit: list[tuple[Any, ...]] = []
        self.status_changes: list[tuple[Any, ...]] = []
        self.leads: list[tuple[Any, ...]] = []  # ``LeadRepository.row_of`` as saved
        self.conversions: list[dict[str, Any]] = []
        self.read: dict[int, tuple[Any, ...]] = {}  # each lead's row as it was read, by id
        self._lists = (self.accounts, self.contacts, self.opportunities, self.line_items, self.stage_changes,
                       self.roles, self.audit, self.status_changes, self.leads, self.conversions)
        self._unrendered: list[int] = []  # audit rows whose changes are still to render
        self._ids: list[int] = []  # made for ``_new_id``, last first

    def mark(self, lead: Lead) -> tuple[int, ...]:
        """``lead`` (as read) is about to be converted; returns what to ``forget`` if that fails."""
        self.read[lead.id] = LeadRepository.row_of(lead)
        return tuple(map(len, self._lists))

    def forget(self, mark: tuple[int, ...] | None = None) -> None:
        """Drop the rows collected since ``mark`` (all of them without)."""
        for rows, size in zip(self._lists, mark or (0,) * len(self._lists), strict=True):
            del rows[size:]
        self._unrendered = [index for index in self._unrendered if index < len(self.audit)]
        if mark is None:
            self.read.clear()

    # the rows, as the repositories would write them ------------------------------------------

    def add_account(self, account: Account) -> None:
        self.accounts.append(_ACCOUNT[2](account))

    def add_contact(self, contact: Contact) -> None:
        self.contacts.append(_CONTACT[2](contact))

    def add_opportunity(self, opportunity: Opportunity) -> None:
        self.opportunities.append(_OPPORTUNITY[2](opportunity))

    def add_line_items(self, items: Iterable[LineItem]) -> None:
        self.line_items.extend(map(_LINE_ITEM[2], items))

    def add_stage_change(self, *args: Any) -> None:
        self.stage_changes.append(StageHistoryRepository.change_values(*args, change_id=self._new_id()))

    def add_contact_role(self, *args: Any) -> int:
        role_id = self._new_id()
        self.roles.append(ProductRepository.contact_role_values(*args, role_id=role_id))
        return role_id

    def _new_id(self) -> int:
        """An id for a row the batch adds: taken from ids made a few hundred at a time."""
        if not self._ids:
            self._ids = new_ids(self.IDS_AT_ONCE)[::-1]
        return self._ids.pop()

    def add_audit(self, action: str, record_type: str, record_id: int | None, actor_id: int | None, at: datetime,
                  changes: Mapping[str, tuple[str | None, str | None]] | None = None) -> None:
        """As ``AuditRepository.record``: each (before, after) becomes a JSON list. Changes that
        can ``render_together`` (the fields of a new record) are rendered when written, with
        the others of their kind."""
        if type(changes) is not dict and hasattr(changes, "render_together"):  # a dict: no failed look-up
            self._unrendered.append(len(self.audit))
            self.audit.append((at, actor_id, action, record_type, record_id, changes))
            if len(self._unrendered) >= self.RENDER_EVERY:
                self._render()
        else:
            text = _TO_JSON(changes if type(changes) is dict else dict(changes or {}))
            self.audit.append((at, actor_id, action, record_type, record_id, text))

    def add_status_change(self, lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None,
                          at: datetime, *, reason_id: int | None = None, note: str | None = None) -> None:
        self.status_changes.append((lead_id, from_status_id, to_status_id, actor_id, at, reason_id, note))

    def save_lead(self, lead: Lead) -> None:
        """As ``LeadRepository.save``: the lead as it is now, written if still at the version read."""
        self.leads.append(LeadRepository.row_of(lead))
        lead.version += 1

    def add_conversion(self, *args: Any) -> None:
        self.conversions.append(ConversionRepository.conversion_values(*args))

    def _render(self) -> None:
        """Render the audit changes still waiting, those of one kind together, as JSON text."""
        audit, kinds = self.audit, {}
        waiting = [audit[index][-1] for index in self._unrendered]  # alive while ``moments`` holds ids
        moments: dict[int, str | None] = {}  # the records of a conversion share its moment
        for index, changes in zip(self._unrendered, waiting, strict=True):
            kinds.setdefault(changes.record_fields, []).append(index)
        for indexes in kinds.values():
            items = [audit[index][-1] for index in indexes]
            for index, text in zip(indexes, _created_json(type(items[0]).render_together(items, moments)),
                                   strict=True):
                audit[index] = (*audit[index][:-1], text)
        self._unrendered.clear()

    # writing ---------------------------------------------------------------------------------

    def write(self) -> None:
        """Insert the rows, parents first, then update the leads; empties the batch. A lead no
        longer at the version read raises ``STALE_RECORD``, a broken constraint ``CONFLICT``;
        rows already written then stay in the transaction (roll it back)."""
        try:
            self._write()
        except IntegrityError as error:
            raise ConflictError(f"a row of the batch conflicts with stored data ({error.orig})") from None
        self.forget()

    def _write(self) -> None:
        if not self.leads and not self.audit:
            return
        session, done = self.session, {}  # each value processed once for all the tables
        for (table, names, _), rows in ((_ACCOUNT, self.accounts), (_CONTACT, self.contacts),
                                        (_OPPORTUNITY, self.opportunities), (_LINE_ITEM, self.line_items)):
            _insert_tuples(session, table, names, rows, done)
        insert_rows(session, OpportunityStageChangeRow.__table__, self.stage_changes, done)
        insert_rows(session, ContactRoleRow.__table__, self.roles, done)
        self._render()
        _insert_with_ids(session, AuditEventRow.__table__, _AUDIT, self.audit, done)
        _insert_with_ids(session, LeadStatusChangeRow.__table__, _STATUS_CHANGE, self.status_changes, done)
        key = LeadRepository.columns().index("id")
        LeadRepository(session).save_rows(self.leads, [self.read[row[key]] for row in self.leads], done)
        insert_rows(session, LeadConversionRow.__table__, self.conversions, done)


def _insert_tuples(session: Session, table: Any, names: tuple[str, ...], rows: list[tuple[Any, ...]],
                   done: Processed) -> None:
    if rows:
        insert_columns(session, table, dict(zip(names, zip(*rows, strict=True), strict=True)), done)


def _insert_with_ids(session: Session, table: Any, names: tuple[str, ...], rows: list[tuple[Any, ...]],
                     done: Processed) -> None:
    """Insert rows (tuples of the values of ``names``) that get their ids now, in their order."""
    if rows:
        columns = dict(zip(names, zip(*rows, strict=True), strict=True))
        insert_columns(session, table, {**columns, "id": new_ids(len(rows))}, done)


def _created_json(columns: list[tuple[str, list[str | None]]]) -> list[str]:
    """``json.dumps({field: (None, text), ...})`` of each row of rendered ``columns`` (fields
    without a text left out), built a column at a time: each cell is the field's head and the
    quoted text (``"name": [null, "text"``), the closing bracket comes with the separator."""
    parts = []
    for name, texts in columns:
        head = f"{_quote(name)}: [null, "
        if None in texts:
            parts.append([None if text is None else head + _quote(text) for text in texts])
        else:
            parts.append(list(map(head.__add__, map(_quote, texts))))
    rows = map("], ".join, map(partial(filter, None), zip(*parts, strict=True)))
    return [f"{{{row}]}}" if row else "{}" for row in rows]
