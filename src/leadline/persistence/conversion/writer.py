"""The one writer of lead conversions: ``write_plans`` applies a list of ``ConversionPlan`` (one
for ``convert_lead``, up to a chunk of a bulk conversion) with one statement per table, whatever
the number of plans (docs/adr/0020).

New rows go parents first through ``bulk_rows`` (statements prebuilt, each value processed once
for all tables); audit events and status changes get their ids here, in plan order. What only a
conversion joining existing records has (fills, moved tasks, activity links, custom values) is
written record by record through the repositories, which check versions as any save does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadline.domain.accounts import Account, Contact
from leadline.domain.campaigns.campaign import CampaignMember
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.audit import CreatedChanges
from leadline.domain.conversion.plan import ConversionPlan
from leadline.domain.errors import ConflictError
from leadline.domain.ids import new_ids
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.opportunities.products import LineItem
from leadline.persistence.accounts.repositories import AccountRepository, ContactRepository
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.activities.repositories import ActivityRepository
from leadline.persistence.activities.rows import ActivityLinkRow
from leadline.persistence.bulk_rows import Processed, insert_columns, insert_rows, record_columns
from leadline.persistence.campaigns.rows import CampaignMemberRow
from leadline.persistence.configuration.repositories import CustomFieldRepository
from leadline.persistence.conversion.rows import LeadConversionRow
from leadline.persistence.conversion.stored import result_to_json, undo_to_json
from leadline.persistence.json_columns import json_encoder
from leadline.persistence.leads.repositories import LeadRepository
from leadline.persistence.leads.rows import LeadStatusChangeRow
from leadline.persistence.leads.status_reach import refresh_status_reach
from leadline.persistence.mapping import row_values
from leadline.persistence.opportunities.repositories import StageHistoryRepository
from leadline.persistence.opportunities.rows import (
    ContactRoleRow,
    LineItemRow,
    OpportunityRow,
    OpportunityStageChangeRow,
)
from leadline.persistence.record_repository import RecordRepository
from leadline.persistence.security.rows import AuditEventRow

_TO_JSON = json_encoder()  # json.dumps, as ``AuditRepository.event_values``
_RECORD_JSON = json_encoder(default=str)  # a stored conversion's result and undo record
_quote = json.encoder.encode_basestring_ascii  # a JSON string, as json.dumps writes it

#: for each kind of new record: its table, its columns, and one getter of their values
_ACCOUNT, _CONTACT, _OPPORTUNITY, _LINE_ITEM = ((row.__table__, *record_columns(row, record)) for row, record in (
    (AccountRow, Account), (ContactRow, Contact), (OpportunityRow, Opportunity), (LineItemRow, LineItem)))
_AUDIT = ("at", "actor_id", "action", "record_type", "record_id", "changes")
_STATUS_CHANGE = ("lead_id", "from_status_id", "to_status_id", "actor_id", "changed_at", "reason_id", "note")


def write_plans(session: Session, plans: Sequence[ConversionPlan]) -> None:
    """Write ``plans`` (see the module's docstring). A lead no longer at the version read raises
    ``STALE_RECORD``, a broken constraint ``CONFLICT``; rows already written then stay in the
    transaction (roll it back, or run this in a savepoint)."""
    try:
        _write(session, plans)
    except IntegrityError as error:
        raise ConflictError(f"a row of the batch conflicts with stored data ({error.orig})") from None


def _write(session: Session, plans: Sequence[ConversionPlan]) -> None:
    done: Processed = {}  # each value processed once for all the tables
    for (table, names, row_of), records in (
            (_ACCOUNT, [a for p in plans for a in p.accounts]), (_CONTACT, [c for p in plans for c in p.contacts]),
            (_OPPORTUNITY, opportunities := [o for p in plans for o in p.opportunities]),
            (_LINE_ITEM, [i for p in plans for i in p.line_items])):
        if records:
            insert_columns(session, table, dict(zip(names, zip(*map(row_of, records), strict=True), strict=True)),
                           done)
    stage_ids = iter(new_ids(len(opportunities)))
    insert_rows(session, OpportunityStageChangeRow.__table__, [
        StageHistoryRepository.change_values(o, None, p.actor_id, p.at, change_id=next(stage_ids))
        for p in plans for o in p.opportunities], done)
    insert_rows(session, ContactRoleRow.__table__, [
        {"id": r.id, "opportunity_id": r.opportunity_id, "contact_id": r.contact_id, "role": r.role,
         "is_primary": r.is_primary} for p in plans for r in p.contact_roles], done)
    _write_joined(session, plans)
    _insert_with_ids(session, AuditEventRow.__table__, _AUDIT, _audit_rows(plans), done)
    converted = [p.lead for p in plans if p.lead is not None]
    _insert_with_ids(session, LeadStatusChangeRow.__table__, _STATUS_CHANGE, [
        (c.read.id, c.status_change.from_status_id, c.status_change.to_status_id, p.actor_id, p.at,
         c.status_change.reason_id, c.status_change.note) for p in plans if (c := p.lead) is not None], done)
    if converted:
        LeadRepository(session).save_rows([LeadRepository.row_of(c.converted) for c in converted],
                                          [LeadRepository.row_of(c.read) for c in converted], done)
        refresh_status_reach(session, (c.read.id for c in converted))
    _write_campaign_members(session, [m for p in plans for m in p.campaign_members])
    insert_rows(session, LeadConversionRow.__table__, [
        {"id": r.id, "lead_id": r.lead_id, "actor_id": r.actor_id, "converted_at": r.at,
         "idempotency_key": r.idempotency_key, "result": _RECORD_JSON(result_to_json(r.result)),
         "undo": _RECORD_JSON(undo_to_json(r.undo))} for p in plans if (r := p.record) is not None], done)


def _write_campaign_members(session: Session, members: list[CampaignMember]) -> None:
    """The contacts' memberships of their leads' source campaigns; a contact that is a member
    already keeps its membership as it is (``ON CONFLICT DO NOTHING``, on both databases)."""
    if members:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(CampaignMemberRow.__table__).on_conflict_do_nothing()
        session.connection().execute(statement, [row_values(CampaignMemberRow, m) for m in members])


def _write_joined(session: Session, plans: Sequence[ConversionPlan]) -> None:
    """Fills of joined records, activity links, moved tasks and custom values, record by record."""
    repositories: dict[RecordType, RecordRepository[Any, Any]] = {
        RecordType.ACCOUNT: AccountRepository(session), RecordType.CONTACT: ContactRepository(session)}
    for plan in plans:
        for fill in plan.fills:
            repositories[fill.record_type].save(fill.record)
        if plan.activity_links:
            session.execute(insert(ActivityLinkRow.__table__), [
                {"activity_id": link.activity_id, "record_type": link.record_type, "record_id": link.record_id}
                for link in plan.activity_links])
        for task in plan.moved_tasks:
            ActivityRepository(session).save(task)
        for value in plan.custom_values:
            CustomFieldRepository(session).set_values([value.definition], value.record_id,
                                                      {value.definition.name: value.value})  # type: ignore[dict-item]


def _audit_rows(plans: Sequence[ConversionPlan]) -> list[tuple[Any, ...]]:
    """The audit events of ``plans`` as rows, each (before, after) a JSON list: the fields of new
    records rendered a column at a time, those of one kind together (half the cost of each alone)."""
    rows: list[tuple[Any, ...]] = []
    created: dict[tuple[str, ...], list[int]] = {}
    for plan in plans:
        for entry in plan.audit:
            changes = entry.changes
            if type(changes) is CreatedChanges:
                created.setdefault(changes.record_fields, []).append(len(rows))
            else:
                changes = _TO_JSON(changes if type(changes) is dict else dict(changes))
            rows.append((plan.at, plan.actor_id, entry.action, entry.record_type, entry.record_id, changes))
    moments: dict[int, str | None] = {}  # the records of a conversion share its moment
    for indexes in created.values():
        items = [rows[index][-1] for index in indexes]
        for index, text in zip(indexes, _created_json(CreatedChanges.render_together(items, moments)), strict=True):
            rows[index] = (*rows[index][:-1], text)
    return rows


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
