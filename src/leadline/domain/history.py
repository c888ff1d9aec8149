"""Field history: who changed which field from what to what, and when."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from leadline.domain.custom_fields import RecordType


@dataclass(frozen=True, slots=True)
class FieldChange:
    record_type: RecordType
    record_id: int
    field: str
    old_value: str | None
    new_value: str | None
    actor_id: int | None
    changed_at: datetime


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
