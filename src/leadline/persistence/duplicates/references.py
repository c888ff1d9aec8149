"""Moving what refers to merged records onto the survivor, and back again on undo.

Per kind of record: activities' links and field history (audit events) always; a lead's product
lines; a contact's opportunity contact roles and the leads converted into it; an account's
contacts, opportunities, child accounts and the leads converted into it. A link the survivor
already has (the same activity, the same role on the same opportunity) stays where it is, so
no unique rule breaks. Every moved row is returned, so undo moves exactly those back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from leadline.domain.duplicates.merge import MovedReference
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.activities.rows import ActivityLinkRow
from leadline.persistence.leads.rows import LeadProductInterestRow, LeadRow
from leadline.persistence.opportunities.rows import ContactRoleRow, OpportunityRow
from leadline.persistence.security.rows import AuditEventRow

#: kind -> (table row, column) pairs of plain references, keyed by the referring row's id
_PLAIN: dict[str, list[tuple[Any, str]]] = {
    "lead": [(LeadProductInterestRow, "lead_id")],
    "contact": [(LeadRow, "converted_contact_id")],
    "account": [(ContactRow, "account_id"), (OpportunityRow, "account_id"), (AccountRow, "parent_id"),
                (LeadRow, "converted_account_id")],
}
_TABLES = {row.__tablename__: row for row in
           (LeadProductInterestRow, LeadRow, ContactRow, OpportunityRow, AccountRow, AuditEventRow, ContactRoleRow)}


def move_references(session: Session, kind: str, from_ids: Sequence[int], to_id: int) -> list[MovedReference]:
    moved: list[MovedReference] = []
    ids = list(from_ids)
    for row, column in _PLAIN[kind]:
        col = getattr(row, column)
        found = session.execute(select(row.id, col).where(col.in_(ids))).all()
        moved += [MovedReference(row.__tablename__, column, row_id, from_id) for row_id, from_id in found]
        if found:
            session.execute(update(row).where(row.id.in_([r for r, _ in found])).values({column: to_id}))
    audit = session.execute(select(AuditEventRow.id, AuditEventRow.record_id).where(
        AuditEventRow.record_type == kind, AuditEventRow.record_id.in_(ids))).all()
    moved += [MovedReference("audit_events", "record_id", row_id, from_id) for row_id, from_id in audit]
    if audit:
        session.execute(update(AuditEventRow).where(AuditEventRow.id.in_([r for r, _ in audit]))
                        .values(record_id=to_id))
    moved += _move_activity_links(session, kind, ids, to_id)
    if kind == "contact":
        moved += _move_contact_roles(session, ids, to_id)
    return moved


def _move_activity_links(session: Session, kind: str, ids: list[int], to_id: int) -> list[MovedReference]:
    link = ActivityLinkRow
    kept = set(session.scalars(select(link.activity_id).where(link.record_type == kind, link.record_id == to_id)))
    moved = []
    for activity_id, from_id in session.execute(select(link.activity_id, link.record_id).where(
            link.record_type == kind, link.record_id.in_(ids))).all():
        if activity_id in kept:
            continue
        kept.add(activity_id)
        session.execute(update(link).where(link.activity_id == activity_id, link.record_type == kind,
                                           link.record_id == from_id).values(record_id=to_id))
        moved.append(MovedReference("activity_links", kind, activity_id, from_id))
    return moved


def _move_contact_roles(session: Session, ids: list[int], to_id: int) -> list[MovedReference]:
    role = ContactRoleRow
    kept = {(o, r) for o, r in session.execute(select(role.opportunity_id, role.role).where(role.contact_id == to_id))}
    moved = []
    for row_id, opportunity_id, kind, from_id in session.execute(
            select(role.id, role.opportunity_id, role.role, role.contact_id).where(role.contact_id.in_(ids))).all():
        if (opportunity_id, kind) in kept:
            continue
        kept.add((opportunity_id, kind))
        session.execute(update(role).where(role.id == row_id).values(contact_id=to_id))
        moved.append(MovedReference("opportunity_contact_roles", "contact_id", row_id, from_id))
    return moved


def restore_references(session: Session, moved: Sequence[MovedReference], survivor_id: int) -> None:
    """Move every reference of ``moved`` back to the record it came from."""
    for ref in moved:
        if ref.table == "activity_links":  # column holds the record kind; row_id is the activity
            session.execute(update(ActivityLinkRow).where(and_(
                ActivityLinkRow.activity_id == ref.row_id, ActivityLinkRow.record_type == ref.column,
                ActivityLinkRow.record_id == survivor_id)).values(record_id=ref.from_id))
            continue
        row = _TABLES[ref.table]
        session.execute(update(row).where(row.id == ref.row_id).values({ref.column: ref.from_id}))
