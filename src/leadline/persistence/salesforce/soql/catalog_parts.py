"""The tables and record-level security of the objects around the records (``domain/salesforce/parts.py``):
line items and contact roles, products, activities (Task, Event) and campaigns.

Who may read them is the rule of their use cases, written as a predicate:

* a line item is read with its opportunity; a contact role with its opportunity and its contact
  (``services/opportunities/parts.py`` ``list_contact_roles``);
* products and campaigns are read by every user of the organisation;
* an activity is seen by its owner, and by whoever may read every record it links
  (``domain/activities.py`` ``as_seen_by``); a Task is a task, call or e-mail, an Event a meeting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, exists, false, or_, select, true

from leadline.domain.activities import ActivityKind
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.security.access import Viewer
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.activities.rows import ActivityLinkRow, ActivityRow
from leadline.persistence.campaigns.rows import CampaignRow
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.opportunities.rows import ContactRoleRow, LineItemRow, OpportunityRow, ProductRow

PART_TABLES: dict[str, FromClause] = {
    "OpportunityLineItem": LineItemRow.__table__, "OpportunityContactRole": ContactRoleRow.__table__,
    "Product2": ProductRow.__table__, "Task": ActivityRow.__table__, "Event": ActivityRow.__table__,
    "Campaign": CampaignRow.__table__,
}
#: the activity kinds each activity object holds
ACTIVITY_KINDS: dict[str, tuple[ActivityKind, ...]] = {
    "Task": (ActivityKind.TASK, ActivityKind.CALL, ActivityKind.EMAIL), "Event": (ActivityKind.MEETING,)}
_RECORD_TABLES: dict[RecordType, FromClause] = {
    RecordType.LEAD: LeadRow.__table__, RecordType.CONTACT: ContactRow.__table__,
    RecordType.ACCOUNT: AccountRow.__table__, RecordType.OPPORTUNITY: OpportunityRow.__table__,
}

Predicate = ColumnElement[bool]


def _readable(viewer: Viewer, kind: RecordType, column: ColumnElement[Any]) -> Predicate | None:
    """``column`` holds the id of a record of ``kind`` the viewer may read (None: any)."""
    owners = viewer.readable_owner_ids(kind)
    if owners is None:
        return None
    table = _RECORD_TABLES[kind]
    readable: Predicate = column.in_(select(table.c.id).where(table.c.owner_id.in_(sorted(owners))))
    return readable


def _all(*predicates: Predicate | None) -> Predicate | None:
    present = [p for p in predicates if p is not None]
    return and_(*present) if present else None


def _line_item(viewer: Viewer, table: FromClause) -> Predicate | None:
    return _readable(viewer, RecordType.OPPORTUNITY, table.c.opportunity_id)


def _contact_role(viewer: Viewer, table: FromClause) -> Predicate | None:
    return _all(_readable(viewer, RecordType.OPPORTUNITY, table.c.opportunity_id),
                _readable(viewer, RecordType.CONTACT, table.c.contact_id))


def _every_link_readable(viewer: Viewer, table: FromClause) -> Predicate:
    links = ActivityLinkRow.__table__.alias("activity_link")
    readable = []
    for kind in _RECORD_TABLES:
        owned = _readable(viewer, kind, links.c.record_id)
        readable.append(and_(links.c.record_type == kind, true() if owned is None else owned))
    unreadable = exists().where(links.c.activity_id == table.c.id, ~or_(false(), *readable))
    every: Predicate = ~unreadable
    return every


def activity_scope(name: str, viewer: Viewer | None, table: FromClause) -> Predicate:
    """The rows of ``table`` that are ``name`` (Task or Event) and that ``viewer`` sees (all: None)."""
    kind: Predicate = table.c.kind.in_(ACTIVITY_KINDS[name])
    if viewer is None:
        return kind
    return and_(kind, or_(table.c.owner_id == viewer.id, _every_link_readable(viewer, table)))


PART_VISIBILITY: dict[str, Callable[[Viewer, FromClause], Predicate | None]] = {
    "OpportunityLineItem": _line_item, "OpportunityContactRole": _contact_role,
    "Product2": lambda viewer, table: None, "Campaign": lambda viewer, table: None,
}
