"""Repositories of configuration: statuses, sources, stages, custom fields, the status transition
graph, reason lists, criteria and conversion field mappings. They read and stage writes; they never commit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from leadline.domain.configuration.custom_fields import (
    CustomFieldDefinition,
    CustomValue,
    RecordType,
)
from leadline.domain.configuration.reasons import Reason
from leadline.domain.configuration.sources import LeadSource
from leadline.domain.configuration.statuses import LeadStatus
from leadline.domain.conversion.rules import FieldMapping
from leadline.domain.leads.qualification import Condition, Criterion, Operator
from leadline.domain.opportunities.opportunity import OpportunityStage, SalesProcess
from leadline.persistence.configuration.custom_values import VALUE_COLUMN
from leadline.persistence.configuration.rows import (
    ConversionFieldMappingRow,
    CriterionRow,
    CustomFieldDefinitionRow,
    CustomFieldValueRow,
    LeadSourceRow,
    LeadStatusRow,
    LeadStatusTransitionRow,
    ReasonRow,
)
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.mapping import copy_onto, row_values, to_domain, to_row
from leadline.persistence.opportunities.rows import OpportunityStageRow, SalesProcessRow
from leadline.persistence.record_repository import delete_referenced

T = TypeVar("T")


class ListRepository(Generic[T]):
    """Small configuration lists (statuses, sources): read whole, saved whole."""

    row_class: type
    domain_class: type[T]

    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> list[T]:
        rows = self.session.scalars(select(self.row_class).order_by(self.row_class.order))  # type: ignore[attr-defined]
        return [to_domain(self.domain_class, r) for r in rows]

    def add(self, item: object) -> None:
        self.session.add(to_row(self.row_class, item))

    def save_all(self, items: Iterable[object]) -> None:
        for item in items:
            row = self.session.get(self.row_class, item.id)  # type: ignore[attr-defined]
            copy_onto(row, item)

    def delete(self, item_id: int) -> None:
        delete_referenced(self.session, delete(self.row_class).where(self.row_class.id == item_id))  # type: ignore[attr-defined]


class StatusRepository(ListRepository[LeadStatus]):
    row_class = LeadStatusRow
    domain_class = LeadStatus

    def count_leads_with(self, status_id: int) -> int:
        query = select(func.count()).select_from(LeadRow).where(LeadRow.status_id == status_id)
        return self.session.scalar(query) or 0


class SourceRepository(ListRepository[LeadSource]):
    row_class = LeadSourceRow
    domain_class = LeadSource


class StageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def processes(self) -> list[SalesProcess]:
        rows = self.session.scalars(select(SalesProcessRow).order_by(SalesProcessRow.name))
        return [to_domain(SalesProcess, r) for r in rows]

    def stages(self, process_id: int | None = None) -> list[OpportunityStage]:
        query = select(OpportunityStageRow).order_by(OpportunityStageRow.process_id, OpportunityStageRow.order)
        if process_id is not None:
            query = query.where(OpportunityStageRow.process_id == process_id)
        return [to_domain(OpportunityStage, r) for r in self.session.scalars(query)]

    def add_process(self, process: SalesProcess) -> None:
        self.session.add(to_row(SalesProcessRow, process))

    def add_stage(self, stage: OpportunityStage) -> None:
        self.session.add(to_row(OpportunityStageRow, stage))

    def save_stages(self, stages: Iterable[OpportunityStage]) -> None:
        for stage in stages:
            copy_onto(self.session.get(OpportunityStageRow, stage.id), stage)

    def save_processes(self, processes: Iterable[SalesProcess]) -> None:
        for process in processes:
            copy_onto(self.session.get(SalesProcessRow, process.id), process)


_NO_VALUE: dict[str, None] = dict.fromkeys(sorted(set(VALUE_COLUMN.values())))  # rows inserted together share keys


class CustomFieldRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def definitions(self, record_type: RecordType | None = None) -> list[CustomFieldDefinition]:
        query = select(CustomFieldDefinitionRow).order_by(CustomFieldDefinitionRow.name)
        if record_type is not None:
            query = query.where(CustomFieldDefinitionRow.record_type == record_type)
        return [
            to_domain(CustomFieldDefinition, r, options=tuple(json.loads(r.options)))
            for r in self.session.scalars(query)
        ]

    def add(self, definition: CustomFieldDefinition) -> None:
        row = to_row(CustomFieldDefinitionRow, definition)
        row.options = json.dumps(list(definition.options))
        self.session.add(row)

    def save(self, definition: CustomFieldDefinition) -> None:
        row = self.session.get(CustomFieldDefinitionRow, definition.id)
        copy_onto(row, definition)
        row.options = json.dumps(list(definition.options))

    def values_for(
        self, definitions: list[CustomFieldDefinition], record_ids: list[int]
    ) -> dict[int, dict[str, CustomValue | None]]:
        """Custom values of many records in one query: ``{record_id: {name: value}}``, as stored
        now (a Core read: what ``set_values`` wrote in the same transaction, never an ORM copy)."""
        by_id = {d.id: d for d in definitions}
        result: dict[int, dict[str, CustomValue | None]] = {rid: {} for rid in record_ids}
        if not by_id or not record_ids:
            return result
        table = CustomFieldValueRow.__table__
        query = select(table).where(table.c.field_id.in_(by_id), table.c.record_id.in_(record_ids))
        for row in self.session.execute(query):
            definition = by_id[row.field_id]
            result[row.record_id][definition.name] = getattr(row, VALUE_COLUMN[definition.type.value])
        return result

    def delete_values(self, record_id: int) -> None:
        self.session.execute(delete(CustomFieldValueRow).where(CustomFieldValueRow.record_id == record_id))

    def set_values(
        self, definitions: list[CustomFieldDefinition], record_id: int,
        values: Mapping[str, CustomValue | None],
    ) -> None:
        """Write one record's ``values`` (by field name; None removes one) now, with Core
        statements: a read later in the transaction sees them, and no ``expire_all`` (as
        ``RecordRepository.save`` does) can drop them, as it dropped changes staged in the session."""
        by_name = {d.name: d for d in definitions}
        chosen = [(by_name[name], value) for name, value in values.items()]
        if not chosen:
            return
        table = CustomFieldValueRow.__table__
        mine = table.c.record_id == record_id
        stored = set(self.session.scalars(select(table.c.field_id).where(
            mine, table.c.field_id.in_([d.id for d, _ in chosen]))))
        removed = [d.id for d, value in chosen if value is None and d.id in stored]
        if removed:
            self.session.execute(delete(table).where(mine, table.c.field_id.in_(removed)))
        added = []
        for definition, value in chosen:
            column = VALUE_COLUMN[definition.type.value]
            if value is None:
                continue
            if definition.id in stored:
                self.session.execute(update(table).where(mine, table.c.field_id == definition.id)
                                     .values({column: value}))
            else:
                added.append({**_NO_VALUE, "field_id": definition.id, "record_id": record_id, column: value})
        if added:
            self.session.execute(insert(table), added)


class TransitionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> set[tuple[int, int]]:
        row = LeadStatusTransitionRow
        rows = self.session.execute(select(row.from_status_id, row.to_status_id))
        return {(a, b) for a, b in rows}

    def add(self, pairs: Iterable[tuple[int, int]]) -> None:
        values = [{"from_status_id": a, "to_status_id": b} for a, b in pairs]
        if values:
            self.session.execute(insert(LeadStatusTransitionRow.__table__), values)

    def remove(self, pairs: Iterable[tuple[int, int]]) -> None:
        for a, b in pairs:
            self.session.execute(delete(LeadStatusTransitionRow).where(
                LeadStatusTransitionRow.from_status_id == a, LeadStatusTransitionRow.to_status_id == b))

    def remove_status(self, status_id: int) -> None:
        self.session.execute(delete(LeadStatusTransitionRow).where(or_(
            LeadStatusTransitionRow.from_status_id == status_id, LeadStatusTransitionRow.to_status_id == status_id)))


class ReasonRepository(ListRepository[Reason]):
    row_class = ReasonRow
    domain_class = Reason


class CriteriaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> list[Criterion]:
        rows = self.session.scalars(select(CriterionRow).order_by(CriterionRow.order))
        return [to_domain(Criterion, r, conditions=_conditions(r.conditions)) for r in rows]

    def add(self, criterion: Criterion) -> None:
        self.session.execute(insert(CriterionRow.__table__), [self._values(criterion)])

    def save_all(self, criteria: Iterable[Criterion]) -> None:
        for criterion in criteria:
            values = self._values(criterion)
            values.pop("id")
            self.session.execute(update(CriterionRow.__table__).where(CriterionRow.id == criterion.id).values(**values))

    def delete(self, criterion_id: int) -> None:
        self.session.execute(delete(CriterionRow).where(CriterionRow.id == criterion_id))

    @staticmethod
    def _values(criterion: Criterion) -> dict[str, Any]:
        values = row_values(CriterionRow, criterion)
        values["conditions"] = json.dumps(
            [{"field": c.field, "operator": c.operator.value, "value": c.value} for c in criterion.conditions])
        values["sort_order"] = values.pop("order")
        return values


def _conditions(text: str) -> tuple[Condition, ...]:
    return tuple(Condition(c["field"], Operator(c["operator"]), c.get("value")) for c in json.loads(text))


class FieldMappingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> list[FieldMapping]:
        return [to_domain(FieldMapping, r) for r in self.session.scalars(select(ConversionFieldMappingRow))]

    def add(self, mapping: FieldMapping) -> None:
        self.session.execute(insert(ConversionFieldMappingRow.__table__), [row_values(ConversionFieldMappingRow,
                                                                                     mapping)])

    def delete(self, mapping_id: int) -> bool:
        row = ConversionFieldMappingRow
        result = self.session.execute(delete(row).where(row.id == mapping_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]
