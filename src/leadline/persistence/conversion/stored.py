"""A stored conversion's result and undo record as the JSON of ``lead_conversions``, and back.

The mapping is written out field by field (not ``asdict``): the stored form is the one conversions
have had since revision 0003, and rows stored then still read back. ``undo`` keys, in order:
created ``[[kind, id], ...]``, filled ``[[kind, id, {field: text}], ...]``, links
``[[activity id, kind, id], ...]``, roles, line_items, tasks ``[[activity id, previous owner], ...]``,
versions ``{"<id>": version}``, previous_status_id, previous_reason_id, lead_version.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.audit import fields_of
from leadline.domain.conversion.plan import ActivityLink, CreatedRecord, FilledFields, TaskOwner, UndoRecord
from leadline.domain.conversion.rules import ConversionResult

_RESULT_FIELDS = frozenset(f.name for f in dataclasses.fields(ConversionResult))


def result_to_json(result: ConversionResult) -> dict[str, Any]:
    return fields_of(result)


def result_from_json(stored: dict[str, Any]) -> ConversionResult:
    """The stored result (keys a later version dropped are ignored, missing ones take their default)."""
    return ConversionResult(**{k: v for k, v in stored.items() if k in _RESULT_FIELDS})


def undo_to_json(undo: UndoRecord) -> dict[str, Any]:
    return {
        "created": [[c.record_type.value, c.record_id] for c in undo.created],
        "filled": [[f.record_type.value, f.record_id, dict(f.values)] for f in undo.filled],
        "links": [[link.activity_id, link.record_type.value, link.record_id] for link in undo.links],
        "roles": list(undo.roles),
        "line_items": list(undo.line_items),
        "tasks": [[t.activity_id, t.previous_owner_id] for t in undo.tasks],
        "versions": {str(record_id): version for record_id, version in undo.versions.items()},
        "previous_status_id": undo.previous_status_id,
        "previous_reason_id": undo.previous_reason_id,
        "lead_version": undo.lead_version,
    }


def undo_from_json(stored: dict[str, Any]) -> UndoRecord:
    return UndoRecord(
        previous_status_id=stored["previous_status_id"],
        previous_reason_id=stored.get("previous_reason_id"),
        created=tuple(CreatedRecord(RecordType(kind), record_id) for kind, record_id in stored.get("created", [])),
        filled=tuple(FilledFields(RecordType(kind), record_id, values)
                     for kind, record_id, values in stored.get("filled", [])),
        links=tuple(ActivityLink(activity_id, RecordType(kind), record_id)
                    for activity_id, kind, record_id in stored.get("links", [])),
        roles=tuple(stored.get("roles", [])),
        line_items=tuple(stored.get("line_items", [])),
        tasks=tuple(TaskOwner(activity_id, owner_id) for activity_id, owner_id in stored.get("tasks", [])),
        versions={int(record_id): version for record_id, version in stored.get("versions", {}).items()},
        lead_version=stored.get("lead_version"),
    )
