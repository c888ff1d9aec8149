"""Ports of users and configuration: statuses, sources, sales processes and stages, custom
fields, the lead workflow (transitions, reasons, criteria) and conversion's field mapping."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomValue, RecordType
from leadline.domain.configuration.reasons import Reason
from leadline.domain.configuration.sources import LeadSource
from leadline.domain.configuration.statuses import LeadStatus
from leadline.domain.conversion.rules import FieldMapping
from leadline.domain.leads.qualification import Criterion
from leadline.domain.opportunities.opportunity import OpportunityStage, SalesProcess

T = TypeVar("T")


class ListRepository(Protocol[T]):
    """A small configuration list (statuses, sources, reasons): read whole in its order, saved whole."""

    def list(self) -> list[T]: ...

    def add(self, item: T) -> None: ...

    def save_all(self, items: Iterable[T]) -> None: ...

    def delete(self, item_id: int) -> None: ...


class StatusRepository(ListRepository[LeadStatus], Protocol):
    def count_leads_with(self, status_id: int) -> int: ...


SourceRepository = ListRepository[LeadSource]


ReasonRepository = ListRepository[Reason]


class StageRepository(Protocol):
    def processes(self) -> list[SalesProcess]: ...

    def stages(self, process_id: int | None = None) -> list[OpportunityStage]: ...

    def add_process(self, process: SalesProcess) -> None: ...

    def add_stage(self, stage: OpportunityStage) -> None: ...

    def save_stages(self, stages: Iterable[OpportunityStage]) -> None: ...

    def save_processes(self, processes: Iterable[SalesProcess]) -> None: ...


class CustomFieldRepository(Protocol):
    def definitions(self, record_type: RecordType | None = None) -> list[CustomFieldDefinition]: ...

    def add(self, definition: CustomFieldDefinition) -> None: ...

    def save(self, definition: CustomFieldDefinition) -> None: ...

    def values_for(self, definitions: list[CustomFieldDefinition],
                   record_ids: list[int]) -> dict[int, dict[str, CustomValue | None]]: ...

    def delete_values(self, record_id: int) -> None: ...

    def set_values(self, definitions: list[CustomFieldDefinition], record_id: int,
                   values: Mapping[str, CustomValue | None]) -> None: ...


class TransitionRepository(Protocol):
    """The allowed status moves, as (from status id, to status id) pairs."""

    def list(self) -> set[tuple[int, int]]: ...

    def add(self, pairs: Iterable[tuple[int, int]]) -> None: ...

    def remove(self, pairs: Iterable[tuple[int, int]]) -> None: ...

    def remove_status(self, status_id: int) -> None: ...


class CriteriaRepository(Protocol):
    def list(self) -> list[Criterion]: ...

    def add(self, criterion: Criterion) -> None: ...

    def save_all(self, criteria: Iterable[Criterion]) -> None: ...

    def delete(self, criterion_id: int) -> None: ...


class FieldMappingRepository(Protocol):
    def list(self) -> list[FieldMapping]: ...

    def add(self, mapping: FieldMapping) -> None: ...

    def delete(self, mapping_id: int) -> bool: ...
