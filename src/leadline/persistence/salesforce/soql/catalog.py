"""Leadline's tables as Salesforce objects: Lead, Contact, Account, Opportunity and User, and the
parts of ``catalog_parts.py`` (line items, contact roles, products, tasks, events, campaigns).

The field names come from ``FIELD_MAP`` (object, Salesforce name, type, Leadline column or
computed expression), made from the REST API's authoritative field map
(``domain/salesforce/fields.py``) plus what only queries read (``_EXTRA``). A name starting with ``=`` is computed
(``COMPUTED``): picklist labels looked up in the configuration tables, names, flags. Custom
fields are ``<name>__c`` over ``custom_field_values`` (one LEFT JOIN each on its key).
Visibility is the record-level security of ``Viewer.readable_owner_ids``: the same owners the
native lists filter on (``owner_id IN (...)``), or nothing for a user who may read every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, Date, FromClause, String, case, false, func, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType, RecordType
from leadline.domain.salesforce.fields import ENUM_LABELS, SOBJECTS, FieldType, Picklist, SObjectField, Source
from leadline.domain.salesforce.parts import LINK_OBJECTS, LINKS
from leadline.domain.security.access import Viewer
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.configuration.custom_values import VALUE_COLUMN
from leadline.persistence.configuration.rows import CustomFieldValueRow, LeadSourceRow, LeadStatusRow
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.opportunities.rows import OpportunityRow, OpportunityStageRow
from leadline.persistence.salesforce.soql.catalog_parts import (
    ACTIVITY_KINDS,
    PART_TABLES,
    PART_VISIBILITY,
    activity_scope,
    link_reference,
    link_relationships,
)
from leadline.persistence.salesforce.soql.model import POLYMORPHIC, ChildDef, FieldDef, Joins, ObjectDef, ParentDef
from leadline.persistence.security.rows import UserRow

T = FieldType
S = T.STRING

TABLES: dict[str, FromClause] = {
    "Lead": LeadRow.__table__, "Contact": ContactRow.__table__, "Account": AccountRow.__table__,
    "Opportunity": OpportunityRow.__table__, "User": UserRow.__table__, **PART_TABLES,
}
RECORD_TYPES = {"Lead": RecordType.LEAD, "Contact": RecordType.CONTACT, "Account": RecordType.ACCOUNT,
                "Opportunity": RecordType.OPPORTUNITY}

#: the derived fields of the REST field map (domain/salesforce/fields.py) as SQL expressions (COMPUTED)
_DERIVED = {"Name": "=person_name", "IsConverted": "=is_converted", "ConvertedDate": "=converted_date",
            "IsClosed": "=is_closed", "IsWon": "=is_won", "ActivityDate": "=due_date", "IsActive": "=is_active"}
#: a derived field whose name means something else on another object
_DERIVED_OF = {("Task", "IsClosed"): "=is_completed", ("Task", "Status"): "=task_status"}
#: a configured value's id column -> its label looked up in the configuration tables
_LOOKUPS = {"status_id": "=status_label", "source_id": "=source_label", "lead_source_id": "=contact_source_label",
            "stage_id": "=stage_label"}
_MERGED_INTO = ("MasterRecordId", T.REFERENCE, "merged_into_id")
_CURRENCY = ("CurrencyIsoCode", T.PICKLIST, "currency")
#: what SOQL reads beyond the REST field map: the merge tombstones' master and the record's currency
_EXTRA: dict[str, tuple[tuple[str, FieldType, str], ...]] = {
    "Lead": (_MERGED_INTO, _CURRENCY), "Contact": (_MERGED_INTO,), "Account": (_MERGED_INTO,),
    "Opportunity": (_CURRENCY,),
}


def _source(obj: str, field: SObjectField) -> str:
    """Where ``field`` of ``obj`` is read: a column, or ``=name`` of a ``COMPUTED`` expression."""
    if field.attribute == LINKS:  # an activity's WhoId/WhatId: read from its links
        return f"=link:{field.name}"
    if field.name == "IsDeleted":  # a merged record is Salesforce's deleted one (queryAll shows it)
        return "=is_merged" if "merged_into_id" in TABLES[obj].c else "=never"
    if field.source is Source.DERIVED:
        # a user's dates: its stored creation instant (the REST map derives the same from the id)
        return "created_at" if obj == "User" else _DERIVED_OF.get((obj, field.name)) or _DERIVED[field.name]
    if field.source is Source.LABEL:
        return _LOOKUPS[field.attribute or ""]
    if field.source is Source.ENUM:
        return f"=enum:{field.picklist}:{field.attribute}"
    return field.attribute or ""


#: (object, Salesforce field, type, Leadline column or "=computed"): the REST API's field map
#: (``domain.salesforce.fields.SOBJECTS``) and ``_EXTRA``
FIELD_MAP: tuple[tuple[str, str, FieldType, str], ...] = tuple(
    [(obj, f.name, f.type, _source(obj, f)) for obj in TABLES for f in SOBJECTS[obj].fields]
    + [(obj, *extra) for obj, extras in _EXTRA.items() for extra in extras])

#: (object, reference field) -> (target object, relationship name)
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    **{(obj, "OwnerId"): ("User", "Owner") for obj in RECORD_TYPES},
    **{(obj, "MasterRecordId"): (obj, "MasterRecord") for obj in ("Lead", "Contact", "Account")},
    ("Lead", "ConvertedAccountId"): ("Account", "ConvertedAccount"),
    ("Lead", "ConvertedContactId"): ("Contact", "ConvertedContact"),
    ("Lead", "ConvertedOpportunityId"): ("Opportunity", "ConvertedOpportunity"),
    ("Contact", "AccountId"): ("Account", "Account"), ("Opportunity", "AccountId"): ("Account", "Account"),
    ("Account", "ParentId"): ("Account", "Parent"), ("User", "ManagerId"): ("User", "Manager"),
    **{(obj, "OwnerId"): ("User", "Owner") for obj in ("Task", "Event", "Campaign")},
    **{(obj, "OpportunityId"): ("Opportunity", "Opportunity")
       for obj in ("OpportunityLineItem", "OpportunityContactRole")},
    ("OpportunityLineItem", "Product2Id"): ("Product2", "Product2"),
    ("OpportunityContactRole", "ContactId"): ("Contact", "Contact"),
    ("Campaign", "ParentId"): ("Campaign", "Parent"),
    ("Lead", "CampaignId"): ("Campaign", "Campaign"), ("Opportunity", "CampaignId"): ("Campaign", "Campaign"),
}
#: (parent object, child relationship name, child object, the child's column holding the parent id)
CHILDREN: tuple[tuple[str, str, str, str], ...] = (
    ("Account", "Contacts", "Contact", "account_id"), ("Account", "Opportunities", "Opportunity", "account_id"),
    ("Account", "ChildAccounts", "Account", "parent_id"), ("User", "Leads", "Lead", "owner_id"),
    ("Opportunity", "OpportunityLineItems", "OpportunityLineItem", "opportunity_id"),
    ("Opportunity", "OpportunityContactRoles", "OpportunityContactRole", "opportunity_id"),
    ("Campaign", "ChildCampaigns", "Campaign", "parent_id"),
)



class utc_date(FunctionElement[Any]):  # noqa: N801 - an SQL function's name
    """The UTC calendar day of a stored instant."""

    type = Date()
    inherit_cache = True


@compiles(utc_date)
def _utc_date_sqlite(element: utc_date, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_date, "postgresql")
def _utc_date_postgresql(element: utc_date, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC' AS DATE)"


def _label_of(table: FromClause, column: str) -> Callable[[Joins], ColumnElement[Any]]:
    def build(joins: Joins) -> ColumnElement[Any]:
        found = joins.lookup(column, table, lambda base, other: other.c.id == base.c[column])
        label: ColumnElement[Any] = found.c.label
        return label
    return build


def _mapped(picklist: Picklist, column: str) -> Callable[[Joins], ColumnElement[Any]]:
    """A domain enumeration's label (``ENUM_LABELS``) of ``column``'s value."""
    return lambda joins: type_coerce(case(ENUM_LABELS[picklist], value=joins.base.c[column]), String())


def _computed(source: str) -> Callable[[Joins], ColumnElement[Any]]:
    """The expression of ``=name`` (``COMPUTED``) or ``=enum:<picklist>:<column>``."""
    if source.startswith("=link:"):
        return link_reference(source.removeprefix("=link:"), None)
    if source.startswith("=enum:"):
        picklist, column = source.removeprefix("=enum:").split(":")
        return _mapped(Picklist(picklist), column)
    return COMPUTED[source[1:]]


COMPUTED: dict[str, Callable[[Joins], ColumnElement[Any]]] = {
    "person_name": lambda j: func.coalesce(j.base.c.first_name + " ", "") + j.base.c.last_name,
    "is_merged": lambda j: type_coerce(j.base.c.merged_into_id.is_not(None), Boolean()),
    "never": lambda j: type_coerce(false(), Boolean()),
    "is_converted": lambda j: type_coerce(j.base.c.converted_at.is_not(None), Boolean()),
    "converted_date": lambda j: utc_date(j.base.c.converted_at),
    "is_closed": lambda j: type_coerce(j.base.c.outcome != "open", Boolean()),
    "is_won": lambda j: type_coerce(j.base.c.outcome == "won", Boolean()),
    "status_label": _label_of(LeadStatusRow.__table__, "status_id"),
    "source_label": _label_of(LeadSourceRow.__table__, "source_id"),
    "contact_source_label": _label_of(LeadSourceRow.__table__, "lead_source_id"),
    "stage_label": _label_of(OpportunityStageRow.__table__, "stage_id"),
    "due_date": lambda j: utc_date(j.base.c.due_at),
    "is_active": lambda j: type_coerce(j.base.c.status == "active", Boolean()),
    "is_completed": lambda j: type_coerce(j.base.c.completed_at.is_not(None), Boolean()),
    "task_status": lambda j: type_coerce(case((j.base.c.completed_at.is_(None),
                                               ENUM_LABELS[Picklist.TASK_STATUSES]["open"]),
                                              else_=ENUM_LABELS[Picklist.TASK_STATUSES]["completed"]), String()),
}

_CUSTOM_TYPES = {CustomFieldType.TEXT: T.STRING, CustomFieldType.NUMBER: T.DOUBLE, CustomFieldType.DATE: T.DATE,
                 CustomFieldType.BOOLEAN: T.BOOLEAN, CustomFieldType.PICKLIST: T.PICKLIST}


def _column(name: str) -> Callable[[Joins], ColumnElement[Any]]:
    return lambda joins: joins.base.c[name]


def _key(name: str) -> Callable[[FromClause], ColumnElement[Any]]:
    return lambda table: table.c[name]


def _custom_field(definition: CustomFieldDefinition) -> FieldDef:
    values, field_id = CustomFieldValueRow.__table__, definition.id
    kind = _CUSTOM_TYPES[definition.type]

    def build(joins: Joins) -> ColumnElement[Any]:
        found = joins.lookup(f"custom:{field_id}", values, lambda base, other: (other.c.record_id == base.c.id)
                             & (other.c.field_id == field_id))
        value: ColumnElement[Any] = found.c[VALUE_COLUMN[definition.type.value]]
        return func.coalesce(value, false()) if kind is T.BOOLEAN else value
    return FieldDef(f"{definition.name}__c", kind, build, custom=True)


def build_objects(field_map: Iterable[tuple[str, str, FieldType, str]] = FIELD_MAP,
                  custom_fields: Iterable[CustomFieldDefinition] = ()) -> dict[str, ObjectDef]:
    """The objects of ``field_map`` over Leadline's tables, with ``custom_fields`` (active ones)."""
    fields: dict[str, dict[str, FieldDef]] = {name: {} for name in TABLES}
    for obj, name, kind, source in field_map:
        build = _computed(source) if source.startswith("=") else _column(source)
        target, relationship = REFERENCES.get((obj, name), (_reference_to(obj, name, kind), None))
        fields[obj][name.lower()] = FieldDef(name, kind, build, target, relationship)
    for definition in custom_fields:
        owner = next((o for o, kind in RECORD_TYPES.items() if kind == definition.record_type), None)
        if owner is not None and definition.is_active:
            made = _custom_field(definition)
            fields[owner][made.name.lower()] = made
    parents: dict[str, dict[str, ParentDef]] = {name: {} for name in TABLES}
    for (obj, field_name), (target, relationship) in REFERENCES.items():
        column = next(source for o, n, _, source in field_map if o == obj and n == field_name)
        parents[obj][relationship.lower()] = ParentDef(relationship, target, _key(column))
    children: dict[str, dict[str, ChildDef]] = {name: {} for name in TABLES}
    for obj, relationship, child, column in CHILDREN:
        children[obj][relationship.lower()] = ChildDef(relationship, child, _key(column))
    return {name.lower(): ObjectDef(name, table, fields[name], parents[name], children[name],
                                    deleted=_merged if "merged_into_id" in table.c else None,
                                    polymorphic=link_relationships(None) if name in ACTIVITY_KINDS else {})
            for name, table in TABLES.items()}


def _reference_to(obj: str, name: str, kind: FieldType) -> str | None:
    if kind is T.ID:
        return obj
    if obj in ACTIVITY_KINDS and name in LINK_OBJECTS:
        return POLYMORPHIC.join(LINK_OBJECTS[name])
    mapped = SOBJECTS[obj].field(name) if obj in SOBJECTS else None
    return mapped.reference_to if mapped is not None and kind is T.REFERENCE else None


def _merged(table: FromClause) -> ColumnElement[bool]:
    merged: ColumnElement[bool] = table.c.merged_into_id.is_not(None)
    return merged


class LeadlineCatalog:
    """The ``Catalog`` of one acting user: the objects, and their visibility for ``viewer``
    (None: every row, for trusted internal callers)."""

    def __init__(self, viewer: Viewer | None, objects: Mapping[str, ObjectDef] | None = None) -> None:
        self.viewer = viewer
        self.objects = objects if objects is not None else build_objects()

    def object(self, name: str) -> ObjectDef | None:
        """The object; an activity's links (``WhoId``, ``Who.Name``...) read as the viewer may see
        them (``link_reference``)."""
        found = self.objects.get(name.lower())
        if found is None or self.viewer is None or found.name not in ACTIVITY_KINDS:
            return found
        fields = dict(found.fields)
        for link in LINK_OBJECTS:
            fields[link.lower()] = replace(fields[link.lower()], expression=link_reference(link, self.viewer))
        return replace(found, fields=fields, polymorphic=link_relationships(self.viewer))

    def visibility(self, object_name: str, table: FromClause) -> ColumnElement[bool] | None:
        if object_name in ACTIVITY_KINDS:  # the kind of activity applies to every caller
            return activity_scope(object_name, self.viewer, table)
        if object_name in PART_VISIBILITY:
            return None if self.viewer is None else PART_VISIBILITY[object_name](self.viewer, table)
        kind = RECORD_TYPES.get(object_name)
        if kind is None or self.viewer is None:
            return None
        owners = self.viewer.readable_owner_ids(kind)
        if owners is None:
            return None
        visible: ColumnElement[bool] = table.c.owner_id.in_(sorted(owners))
        return visible
