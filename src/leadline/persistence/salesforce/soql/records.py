"""Result rows to Salesforce records: ``attributes`` first, parent fields nested under their
relationship (null when there is no readable parent), child subqueries as a nested query result
(null when there are no children), ids passed through the API's id encoder."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from leadline.domain.salesforce.fields import FieldType
from leadline.domain.salesforce.soql.request import IdEncoder
from leadline.persistence.salesforce.soql.compiler import CompiledQuery, Output, ParentMark
from leadline.persistence.salesforce.soql.model import polymorphic_targets, typed_reference


class RecordShaper:
    def __init__(self, compiled: CompiledQuery, dialect: Dialect, encode_id: IdEncoder, base_url: str) -> None:
        self.compiled, self.dialect, self.encode_id, self.base_url = compiled, dialect, encode_id, base_url

    def attributes(self, object_name: str, record_id: int, shown_as: str | None = None) -> dict[str, str]:
        """``shown_as``: the type named instead of ``object_name`` (a polymorphic parent is a ``Name``)."""
        encoded = self.encode_id(object_name, record_id)
        return {"type": shown_as or object_name, "url": f"{self.base_url}/sobjects/{object_name}/{encoded}"}

    def parent(self, mark: ParentMark, parent_id: Any) -> dict[str, Any] | None:
        if parent_id is None:
            return None
        if mark.polymorphic:
            return {"attributes": self.attributes(*typed_reference(str(parent_id)), shown_as=mark.object_name)}
        return {"attributes": self.attributes(mark.object_name, int(parent_id))}

    def shape(self, row: Mapping[str, Any]) -> dict[str, Any]:
        if self.compiled.aggregate:
            record: dict[str, Any] = {"attributes": {"type": "AggregateResult"}}
            for output in self.compiled.outputs:
                record[output.path[0]] = self.value(output, row[output.label])
            return record
        return self.shape_object(self.compiled.object_name, self.compiled.outputs, self.compiled.parents, row,
                                 lambda output, value: value)

    def shape_object(self, object_name: str, outputs: Sequence[Output], parents: Sequence[ParentMark],
                     row: Mapping[str, Any], decode: Callable[[Output, Any], Any]) -> dict[str, Any]:
        record: dict[str, Any] = {"attributes": self.attributes(object_name, int(row["_id"]))}
        marks = {mark.path: mark for mark in parents}
        for output in outputs:
            holder: dict[str, Any] | None = record
            for depth in range(1, len(output.path)):
                name = output.path[depth - 1]
                if holder is not None and name not in holder:
                    mark = marks[output.path[:depth]]
                    holder[name] = self.parent(mark, row[mark.label])
                holder = holder.get(name) if holder is not None else None
            if holder is None:
                continue
            if output.child is not None:
                holder[output.path[-1]] = self.children(output, row[output.label])
            else:
                holder[output.path[-1]] = self.value(output, decode(output, row[output.label]))
        return record

    def children(self, output: Output, text: str | None) -> dict[str, Any] | None:
        plan = output.child
        assert plan is not None
        rows = json.loads(text, parse_float=Decimal) if text else []
        if not rows:
            return None
        records = [self.shape_object(plan.object_name, plan.outputs, plan.parents, row, self.from_json)
                   for row in rows]
        return {"totalSize": len(records), "done": True, "records": records}

    def from_json(self, output: Output, value: Any) -> Any:
        """A value read from a child's JSON, as the column's own result processing would give it."""
        if value is None:
            return None
        if isinstance(output.sql_type, TypeDecorator):
            value = output.sql_type.process_result_value(value, self.dialect)
        if output.type is FieldType.BOOLEAN:
            return bool(value)
        if output.type is FieldType.DATE and isinstance(value, str):
            return date.fromisoformat(value[:10])
        if output.type is FieldType.INT and not isinstance(value, int):
            return int(value)
        if output.type in (FieldType.DOUBLE, FieldType.PERCENT) and not isinstance(value, Decimal):
            return Decimal(str(value))
        return value

    def value(self, output: Output, value: Any) -> Any:
        if value is None:
            return None
        if output.type.is_id and polymorphic_targets(output.reference_to) is not None:
            return self.encode_id(*typed_reference(str(value)))
        if output.type.is_id:
            return self.encode_id(output.reference_to or self.compiled.object_name, int(value))
        if isinstance(value, Enum):
            return value.value
        return value
