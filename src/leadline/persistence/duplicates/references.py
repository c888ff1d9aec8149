"""Moving what refers to merged records onto the survivor, and back again on undo.

Per kind of record: activities' links and field history (audit events) always; a lead's product
lines and campaign memberships; a contact's campaign memberships, opportunity contact roles, the
leads converted into it and the leads it referred; an account's contacts, opportunities, child
accounts, the leads converted into it and the leads it referred. A link the survivor already has
(the same activity, the same role on the same opportunity, a membership of the same campaign) stays
where it is, so no unique rule breaks: the survivor's own membership is kept as it is, as conversion
keeps a contact's. A contact role the survivor already had is then removed from the merged contact
(``remove_duplicate_roles``), since that contact is reported deleted, and undo inserts it again
(docs/adr/0074). Every moved row is returned, so undo moves exactly those back. A lead's status
history, capture attribution and assignment log stay on the tombstone
(docs/adr/0063-merge-moves-campaign-memberships.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, insert, inspect, select, update
from sqlalchemy.orm import Session

from leadline.domain.duplicates.merge import MovedReference, RemovedRole
from leadline.domain.opportunities.opportunity import ContactRoleKind
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.activities.rows import ActivityLinkRow
from leadline.persistence.campaigns.rows import CampaignMemberRow
from leadline.persistence.capture.rows import LeadCaptureRow
from leadline.persistence.leads.rows import LeadProductInterestRow, LeadRow
from leadline.persistence.opportunities.rows import ContactRoleRow, OpportunityRow
from leadline.persistence.security.rows import AuditEventRow

#: kind -> (table row, column) pairs of plain references, keyed by the referring row's id
_PLAIN: dict[str, list[tuple[Any, str]]] = {
    "lead": [(LeadProductInterestRow, "lead_id")],
    "contact": [(LeadRow, "converted_contact_id"), (LeadCaptureRow, "referred_by_contact_id")],
    "account": [(ContactRow, "account_id"), (OpportunityRow, "account_id"), (AccountRow, "parent_id"),
                (LeadRow, "converted_account_id"), (LeadCaptureRow, "referred_by_account_id")],
}
_TABLES = {row.__tablename__: row for row in
           (LeadProductInterestRow, LeadRow, ContactRow, OpportunityRow, AccountRow, AuditEventRow, ContactRoleRow,
            CampaignMemberRow, LeadCaptureRow)}


def _key(row: Any) -> Any:
    """The column that identifies a row of ``row``'s table (``id``; a lead capture's ``lead_id``)."""
    return inspect(row).primary_key[0]


def move_references(session: Session, kind: str, from_ids: Sequence[int], to_id: int) -> list[MovedReference]:
    moved: list[MovedReference] = []
    ids = list(from_ids)
    for row, column in _PLAIN[kind]:
        col, key = getattr(row, column), _key(row)
        found = session.execute(select(key, col).where(col.in_(ids))).all()
        moved += [MovedReference(row.__tablename__, column, row_id, from_id) for row_id, from_id in found]
        if found:
            session.execute(update(row).where(key.in_([r for r, _ in found])).values({column: to_id}))
    audit = session.execute(select(AuditEventRow.id, AuditEventRow.record_id).where(
        AuditEventRow.record_type == kind, AuditEventRow.record_id.in_(ids))).all()
    moved += [MovedReference("audit_events", "record_id", row_id, from_id) for row_id, from_id in audit]
    if audit:
        session.execute(update(AuditEventRow).where(AuditEventRow.id.in_([r for r, _ in audit]))
                        .values(record_id=to_id))
    moved += _move_activity_links(session, kind, ids, to_id)
    if kind in ("lead", "contact"):
        moved += _move_campaign_members(session, f"{kind}_id", ids, to_id)
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


def _move_campaign_members(session: Session, column: str, ids: list[int], to_id: int) -> list[MovedReference]:
    """The merged records' memberships of campaigns the survivor is not in (the oldest one of a
    campaign two merged records are in); one the survivor has already stays on the tombstone."""
    member = CampaignMemberRow
    record = getattr(member, column)
    kept = set(session.scalars(select(member.campaign_id).where(record == to_id)))
    moved = []
    for row_id, campaign_id, from_id in session.execute(
            select(member.id, member.campaign_id, record).where(record.in_(ids))
            .order_by(member.added_at, member.id)).all():
        if campaign_id in kept:
            continue
        kept.add(campaign_id)
        moved.append(MovedReference(member.__tablename__, column, row_id, from_id))
    if moved:
        session.execute(update(member).where(member.id.in_([m.row_id for m in moved])).values({column: to_id}))
    return moved


def restore_references(session: Session, moved: Sequence[MovedReference], survivor_id: int) -> None:
    """Move every reference of ``moved`` back to the record it came from, each only while it still
    points at the survivor: one changed since the merge (a referral re-pointed, a contact moved
    to another account) is the newer choice and stays as it is."""
    for ref in moved:
        if ref.table == "activity_links":  # column holds the record kind; row_id is the activity
            session.execute(update(ActivityLinkRow).where(and_(
                ActivityLinkRow.activity_id == ref.row_id, ActivityLinkRow.record_type == ref.column,
                ActivityLinkRow.record_id == survivor_id)).values(record_id=ref.from_id))
            continue
        row = _TABLES[ref.table]
        session.execute(update(row).where(_key(row) == ref.row_id, getattr(row, ref.column) == survivor_id)
                        .values({ref.column: ref.from_id}))


def remove_duplicate_roles(session: Session, contact_ids: Sequence[int]) -> list[RemovedRole]:
    """The roles left on merged contacts once the others moved (the survivor had the same role on
    the same opportunity), deleted and returned as they were."""
    role = ContactRoleRow
    removed = [RemovedRole(row_id, opportunity_id, contact_id, kind.value, is_primary)
               for row_id, opportunity_id, contact_id, kind, is_primary in session.execute(
                   select(role.id, role.opportunity_id, role.contact_id, role.role, role.is_primary)
                   .where(role.contact_id.in_(list(contact_ids))).order_by(role.id)).all()]
    if removed:
        session.execute(delete(role).where(role.id.in_([r.row_id for r in removed])))
    return removed


def restore_roles(session: Session, roles: Sequence[RemovedRole]) -> list[int]:
    """Insert ``roles`` back with their ids, those whose opportunity still exists."""
    existing = set(session.scalars(select(OpportunityRow.id).where(
        OpportunityRow.id.in_(sorted({r.opportunity_id for r in roles})))))
    restored = [r for r in roles if r.opportunity_id in existing]
    if restored:
        session.execute(insert(ContactRoleRow), [
            {"id": r.row_id, "opportunity_id": r.opportunity_id, "contact_id": r.contact_id,
             "role": ContactRoleKind(r.role), "is_primary": r.is_primary} for r in restored])
    return [r.row_id for r in restored]
