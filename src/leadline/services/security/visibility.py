"""A record the actor may not read does not exist for them (docs/adr/0016-hidden-records-do-not-exist.md).

Reading one record by id already answers "not found" (``Viewer.ensure_can_read``). This module
applies the same rule to records that are only *referred to* from one the actor may read: an
activity's links, a lead's lineage, ids in field history, an opportunity's contact roles. Each
reference to a record the actor may not read is left out, as if the record were not there. The
one exception, telling that a duplicate exists without any of its fields, is
services/conversion/hidden_duplicates.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from leadline.domain.activities import Activity, RecordRef, as_seen_by
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.history import FieldChange
from leadline.domain.leads.lead import Lead
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.security.access import Viewer

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork
    from leadline.services.ports.records import RecordRepository

#: Fields whose history holds the id of another record, and that record's kind.
REFERENCE_FIELDS: dict[str, RecordType] = {
    "account_id": RecordType.ACCOUNT, "parent_id": RecordType.ACCOUNT, "contact_id": RecordType.CONTACT,
    "converted_account_id": RecordType.ACCOUNT, "converted_contact_id": RecordType.CONTACT,
    "converted_opportunity_id": RecordType.OPPORTUNITY, "originating_lead_id": RecordType.LEAD,
}


def readable_ids(uow: UnitOfWork, viewer: Viewer, record_type: RecordType, record_ids: Iterable[int]) -> frozenset[int]:
    """Those of ``record_ids`` that ``viewer`` may read: all of them when the viewer may read every
    record of the kind (nothing is looked up), else those that exist and are readable (one query)."""
    if viewer.readable_owner_ids(record_type) is None:
        return frozenset(record_ids)
    owners = repository_of(uow, record_type).owners_of(record_ids)
    return frozenset(i for i, owner in owners.items() if viewer.can_read(record_type, owner))


def survivor_shown(uow: UnitOfWork, viewer: Viewer, record_type: RecordType, merged_into_id: int | None) -> bool:
    """Whether a refusal about a merged-away record may name the record it was merged into:
    only when ``viewer`` may read that survivor (no query when it is not merged)."""
    return merged_into_id is not None and merged_into_id in readable_ids(uow, viewer, record_type, [merged_into_id])


def readable_refs(uow: UnitOfWork, viewer: Viewer, refs: Iterable[RecordRef]) -> frozenset[RecordRef]:
    """Those of ``refs`` that ``viewer`` may read (one query per kind of record)."""
    wanted: dict[RecordType, set[int]] = {}
    for ref in refs:
        wanted.setdefault(ref.record_type, set()).add(ref.record_id)
    return frozenset(RecordRef(kind, record_id) for kind, ids in wanted.items()
                     for record_id in readable_ids(uow, viewer, kind, ids))


def visible_activities(uow: UnitOfWork, viewer: Viewer, activities: Sequence[Activity]) -> list[Activity]:
    """``activities`` as ``viewer`` sees them (domain/activities.py ``as_seen_by``), in order."""
    readable = readable_refs(uow, viewer, (link for a in activities for link in a.links))
    seen = (as_seen_by(activity, viewer.id, readable.__contains__) for activity in activities)
    return [activity for activity in seen if activity is not None]


def readable_or_none(uow: UnitOfWork, viewer: Viewer, record_type: RecordType, record_id: int | None) -> int | None:
    """``record_id`` if ``viewer`` may read that record, else None (it does not exist for them)."""
    if record_id is None or record_id not in readable_ids(uow, viewer, record_type, [record_id]):
        return None
    return record_id


CONVERTED_INTO = {name: kind for name, kind in REFERENCE_FIELDS.items() if name.startswith("converted_")}


def without_hidden_conversion(uow: UnitOfWork, viewer: Viewer, leads: Sequence[Lead]) -> list[Lead]:
    """``leads`` with the ids of what they were converted into left out (None) where ``viewer`` may
    not read that record; copies, so nothing read for writing changes."""
    converted = [lead for lead in leads if lead.is_converted()]
    if not converted:
        return list(leads)
    readable = {kind: readable_ids(uow, viewer, kind, [getattr(lead, name) for lead in converted
                                                       if getattr(lead, name) is not None])
                for name, kind in CONVERTED_INTO.items()}

    def hidden(lead: Lead) -> dict[str, None]:
        return {name: None for name, kind in CONVERTED_INTO.items()
                if getattr(lead, name) is not None and getattr(lead, name) not in readable[kind]}

    return [replace(lead, **gone) if (gone := hidden(lead)) else lead for lead in leads]  # type: ignore[arg-type]


def without_hidden_origin(uow: UnitOfWork, viewer: Viewer, opportunities: Sequence[Opportunity]) -> list[Opportunity]:
    """``opportunities`` with the id of the lead each came from left out (None) where ``viewer``
    may not read that lead, as ``without_hidden_conversion`` does for the lead's side; copies, so
    nothing read for writing changes. One query at most, none when the viewer reads every lead."""
    origins = [o.originating_lead_id for o in opportunities if o.originating_lead_id is not None]
    if not origins:
        return list(opportunities)
    readable = readable_ids(uow, viewer, RecordType.LEAD, origins)
    return [o if o.originating_lead_id is None or o.originating_lead_id in readable
            else replace(o, originating_lead_id=None) for o in opportunities]


def redacted_history(uow: UnitOfWork, viewer: Viewer, changes: Sequence[FieldChange]) -> list[FieldChange]:
    """``changes`` with each id of a record ``viewer`` may not read (``REFERENCE_FIELDS``) shown as
    empty; a change left from nothing to nothing is dropped."""
    named: dict[RecordType, set[int]] = {}
    for change in changes:
        kind = REFERENCE_FIELDS.get(change.field)
        if kind is not None:
            named.setdefault(kind, set()).update(_ids(change.old_value, change.new_value))
    readable = {kind: readable_ids(uow, viewer, kind, ids) for kind, ids in named.items()}

    def shown(change: FieldChange, value: str | None) -> str | None:
        kind = REFERENCE_FIELDS.get(change.field)
        if kind is None or value is None:
            return value
        return value if value.isdigit() and int(value) in readable[kind] else None

    redacted = [replace(c, old_value=shown(c, c.old_value), new_value=shown(c, c.new_value)) for c in changes]
    return [c for c in redacted if c.old_value != c.new_value]


def _ids(*values: str | None) -> list[int]:
    return [int(value) for value in values if value is not None and value.isdigit()]


def repository_of(uow: UnitOfWork, record_type: RecordType) -> RecordRepository[Any]:
    if record_type is RecordType.LEAD:
        return uow.leads
    if record_type is RecordType.ACCOUNT:
        return uow.accounts
    if record_type is RecordType.CONTACT:
        return uow.contacts
    return uow.opportunities
