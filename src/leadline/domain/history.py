"""Field history: who changed which field from what to what, and when."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from leadline.domain.configuration.custom_fields import RecordType


@dataclass(frozen=True, slots=True)
class FieldChange:
    record_type: RecordType
    record_id: int
    field: str
    old_value: str | None
    new_value: str | None
    actor_id: int | None
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class Deletion:
    """A record deleted outright (Leadline keeps no recycle bin): what it was, whose, and when.
    Written in the deleting transaction; read by Salesforce's ``sobjects/X/deleted/`` (ADR 0047).
    ``contact_owner_id``: a contact role's contact's owner (its readers must read the contact too,
    docs/adr/0058-contact-roles-read-with-both-parents.md); None for any other kind."""

    record_type: str
    record_id: int
    owner_id: int | None
    deleted_at: datetime
    contact_owner_id: int | None = None


@dataclass(frozen=True, slots=True)
class NamedRecord:
    """A record a history names by id, as its page names it: its name, its owner (who may read
    it) and, once merged into another, that survivor's id."""

    id: int
    name: str
    owner_id: int | None
    merged_into_id: int | None = None


def render_value(value: object) -> str | None:
    """How a value is written into history: stable, human-readable text."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def diff_fields(
    record_type: RecordType,
    record_id: int,
    before: Mapping[str, object],
    after: Mapping[str, object],
    *,
    actor_id: int | None,
    at: datetime,
) -> list[FieldChange]:
    """One ``FieldChange`` per field whose rendered value differs, in field order."""
    changes = []
    for name in after:
        old, new = render_value(before.get(name)), render_value(after[name])
        if old != new:
            changes.append(FieldChange(record_type, record_id, name, old, new, actor_id, at))
    return changes


#: Fields whose history holds the id of a configured value or of a user, and which kind of name
#: stands for it when the history is read (the audit keeps the id: a label may be renamed later).
NAMED_FIELDS: dict[str, str] = {
    "source_id": "source", "lead_source_id": "source", "status_id": "status", "stage_id": "stage",
    "owner_id": "user", "unqualified_reason_id": "reason", "loss_reason_id": "reason",
}


def with_names(changes: Iterable[FieldChange], names: Mapping[str, Mapping[str, str]]) -> list[FieldChange]:
    """``changes`` with each id of a ``NAMED_FIELDS`` field shown by its name (``names``: kind ->
    id as text -> name); an id with no name (a value since deleted) stays as it is.

    A lead's source change reads "Web" -> "Trade show", not two ids.
    """
    def name(kind: str | None, value: str | None) -> str | None:
        return value if kind is None or value is None else names.get(kind, {}).get(value, value)

    return [replace(c, old_value=name(NAMED_FIELDS.get(c.field), c.old_value),
                    new_value=name(NAMED_FIELDS.get(c.field), c.new_value)) for c in changes]
