"""The tables and record-level security of the objects around the records (``domain/salesforce/parts.py``):
line items and contact roles, products, activities (Task, Event) and campaigns.

Who may read them is the rule of their use cases, written as a predicate:

* a line item is read with its opportunity; a contact role with its opportunity and its contact
  (``services/opportunities/parts.py`` ``list_contact_roles``);
* products and campaigns are read by every user of the organisation;
* an activity is seen by its owner, and by whoever may read every record it links
  (``domain/activities.py`` ``as_seen_by``); a Task is a task, call or e-mail, an Event a meeting.

An activity's ``WhoId``/``WhatId`` and their polymorphic relationships ``Who``/``What``
(``Who.Name``, ``Who.Type``, ``Who.Id``) all read the same link: the first the viewer may read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)

from leadline.domain.activities import ActivityKind
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.salesforce.fields import FieldType
from leadline.domain.salesforce.parts import LINK_OBJECTS
from leadline.domain.security.access import Viewer
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.activities.rows import ActivityLinkRow, ActivityRow
from leadline.persistence.campaigns.rows import CampaignRow
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.opportunities.rows import ContactRoleRow, LineItemRow, OpportunityRow, ProductRow
from leadline.persistence.salesforce.soql.model import POLYMORPHIC, FieldDef, Joins, PolymorphicDef

PART_TABLES: dict[str, FromClause] = {
    "OpportunityLineItem": LineItemRow.__table__, "OpportunityContactRole": ContactRoleRow.__table__,
    "Product2": ProductRow.__table__, "Task": ActivityRow.__table__, "Event": ActivityRow.__table__,
    "Campaign": CampaignRow.__table__,
}
#: the activity kinds each activity object holds
ACTIVITY_KINDS: dict[str, tuple[ActivityKind, ...]] = {
    "Task": (ActivityKind.TASK, ActivityKind.CALL, ActivityKind.EMAIL), "Event": (ActivityKind.MEETING,)}
#: each record type's table (the owner of its rows is ``owner_id``)
RECORD_TABLES: dict[RecordType, FromClause] = {
    RecordType.LEAD: LeadRow.__table__, RecordType.CONTACT: ContactRow.__table__,
    RecordType.ACCOUNT: AccountRow.__table__, RecordType.OPPORTUNITY: OpportunityRow.__table__,
}

Predicate = ColumnElement[bool]


def _readable(viewer: Viewer, kind: RecordType, column: ColumnElement[Any]) -> Predicate | None:
    """``column`` holds the id of a record of ``kind`` the viewer may read (None: any)."""
    owners = viewer.readable_owner_ids(kind)
    if owners is None:
        return None
    table = RECORD_TABLES[kind]
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
    for kind in RECORD_TABLES:
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


def _record_name(record_type: RecordType, record_id: ColumnElement[Any]) -> ColumnElement[Any]:
    """The name of the record ``record_id`` of ``record_type`` (a person's first and last name), as
    Salesforce's ``Name.Name`` reads it."""
    table = RECORD_TABLES[record_type].alias(f"{record_type.value}_named")
    if "last_name" in table.c:
        name = func.coalesce(table.c.first_name + " ", "") + table.c.last_name
    else:
        name = table.c.name
    named: ColumnElement[Any] = select(name).where(table.c.id == record_id).scalar_subquery()
    return named


def link_reference(name: str, viewer: Viewer | None, part: str = "Id") -> Callable[[Joins], ColumnElement[Any]]:
    """An activity's ``WhoId`` or ``WhatId`` (``name``): ``"<Object>:<id>"`` of its first link to
    one of the field's objects (``LINK_OBJECTS``) that ``viewer`` may read (None: any), else null,
    as a reference to an unreadable record reads (docs/adr/0016). ``part`` "Type" reads that
    record's object name instead, "Name" its name (``Who.Type``, ``Who.Name``)."""
    objects = {RecordType(obj.lower()): obj for obj in LINK_OBJECTS[name]}

    def build(joins: Joins) -> ColumnElement[Any]:
        links = ActivityLinkRow.__table__.alias(f"{name.lower()}_link")
        kind = type_coerce(links.c.record_type, String())
        shown = []
        for record_type in objects:
            readable = None if viewer is None else _readable(viewer, record_type, links.c.record_id)
            shown.append(and_(kind == record_type.value, true() if readable is None else readable))
        typed = type_coerce(case({k.value: obj for k, obj in objects.items()}, value=kind), String())
        value: ColumnElement[Any] = typed + literal(":") + cast(links.c.record_id, String())
        if part == "Type":
            value = typed
        elif part == "Name":
            value = type_coerce(case(*((kind == k.value, _record_name(k, links.c.record_id)) for k in objects)),
                                String())
        found: ColumnElement[Any] = (select(value).where(links.c.activity_id == joins.base.c.id, or_(*shown))
                                     .order_by(kind, links.c.record_id).limit(1).scalar_subquery())
        return found
    return build


def link_relationships(viewer: Viewer | None) -> dict[str, PolymorphicDef]:
    """An activity's polymorphic relationships, ``Who`` and ``What`` (by lower-case name), read as
    ``viewer`` may see them: Salesforce's ``Name`` object with ``Id``, ``Name`` and ``Type``."""
    found = {}
    for link, objects in LINK_OBJECTS.items():
        relationship = link.removesuffix("Id")
        fields = {"id": FieldDef("Id", FieldType.ID, link_reference(link, viewer), POLYMORPHIC.join(objects)),
                  "name": FieldDef("Name", FieldType.STRING, link_reference(link, viewer, "Name")),
                  "type": FieldDef("Type", FieldType.PICKLIST, link_reference(link, viewer, "Type"))}
        found[relationship.lower()] = PolymorphicDef(relationship, fields)
    return found


PART_VISIBILITY: dict[str, Callable[[Viewer, FromClause], Predicate | None]] = {
    "OpportunityLineItem": _line_item, "OpportunityContactRole": _contact_role,
    "Product2": lambda viewer, table: None, "Campaign": lambda viewer, table: None,
}
