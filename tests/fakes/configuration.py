"""In-memory repositories of users and configuration."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomValue, RecordType
from leadline.domain.configuration.reasons import Reason
from leadline.domain.configuration.sources import LeadSource
from leadline.domain.configuration.statuses import LeadStatus
from leadline.domain.conversion.rules import FieldMapping
from leadline.domain.errors import ConflictError
from leadline.domain.leads.qualification import Criterion
from leadline.domain.opportunities.opportunity import OpportunityStage, SalesProcess
from leadline.domain.security.users import User
from tests.fakes.tables import Tables, copied

T = TypeVar("T", LeadStatus, LeadSource, Reason)


class UserRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, user: User, *, created_at: object, password_hash: str | None = None) -> None:
        if any(u.email.lower() == user.email.lower() for u in self.tables.users.values()):
            raise ConflictError("the change conflicts with stored data (users.email)")
        self.tables.users[user.id] = copied(user)
        self.tables.password_hashes[user.id] = password_hash

    def get(self, user_id: int) -> User | None:
        return copied(self.tables.users.get(user_id))

    def get_by_email(self, email: str) -> User | None:
        return next((copied(u) for u in self.tables.users.values() if u.email.lower() == email.lower()), None)

    def list(self) -> list[User]:
        return [copied(u) for u in sorted(self.tables.users.values(), key=lambda u: u.name)]

    def hierarchy(self) -> dict[int, int | None]:
        return {u.id: u.manager_id for u in self.tables.users.values()}

    def manager_of(self, user_id: int) -> int | None:
        user = self.tables.users.get(user_id)
        return user.manager_id if user else None

    def save(self, user: User) -> None:
        self.tables.users[user.id] = copied(user)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self.tables.password_hashes[user_id] = password_hash

    def password_hash(self, user_id: int) -> str | None:
        return self.tables.password_hashes.get(user_id)


class ListRepository(Generic[T]):
    table: str

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    @property
    def rows(self) -> dict[int, T]:
        rows: dict[int, T] = getattr(self.tables, self.table)
        return rows

    def list(self) -> list[T]:
        return [copied(item) for item in sorted(self.rows.values(), key=lambda item: item.order)]

    def add(self, item: T) -> None:
        self.rows[item.id] = copied(item)

    def save_all(self, items: Iterable[T]) -> None:
        for item in items:
            self.rows[item.id] = copied(item)

    def delete(self, item_id: int) -> None:
        self.rows.pop(item_id, None)


class StatusRepository(ListRepository[LeadStatus]):
    table = "statuses"

    def count_leads_with(self, status_id: int) -> int:
        return sum(1 for lead in self.tables.leads.values() if lead.status_id == status_id)

    def delete(self, item_id: int) -> None:
        if self.count_leads_with(item_id):
            raise ConflictError("other records still refer to this one; remove or move them first")
        super().delete(item_id)


class SourceRepository(ListRepository[LeadSource]):
    table = "sources"


class ReasonRepository(ListRepository[Reason]):
    table = "reasons"


class StageRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def processes(self) -> list[SalesProcess]:
        return [copied(p) for p in sorted(self.tables.processes.values(), key=lambda p: p.name)]

    def stages(self, process_id: int | None = None) -> list[OpportunityStage]:
        chosen = (s for s in self.tables.stages.values() if process_id is None or s.process_id == process_id)
        return [copied(s) for s in sorted(chosen, key=lambda s: (s.process_id, s.order))]

    def add_process(self, process: SalesProcess) -> None:
        self.tables.processes[process.id] = copied(process)

    def add_stage(self, stage: OpportunityStage) -> None:
        self.tables.stages[stage.id] = copied(stage)

    def save_stages(self, stages: Iterable[OpportunityStage]) -> None:
        for stage in stages:
            self.tables.stages[stage.id] = copied(stage)

    def save_processes(self, processes: Iterable[SalesProcess]) -> None:
        for process in processes:
            self.tables.processes[process.id] = copied(process)


class CustomFieldRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def definitions(self, record_type: RecordType | None = None) -> list[CustomFieldDefinition]:
        chosen = (d for d in self.tables.custom_fields.values() if record_type is None or d.record_type == record_type)
        return [copied(d) for d in sorted(chosen, key=lambda d: d.name)]

    def add(self, definition: CustomFieldDefinition) -> None:
        self.tables.custom_fields[definition.id] = copied(definition)

    def save(self, definition: CustomFieldDefinition) -> None:
        self.tables.custom_fields[definition.id] = copied(definition)

    def values_for(self, definitions: list[CustomFieldDefinition],
                   record_ids: list[int]) -> dict[int, dict[str, CustomValue | None]]:
        values = self.tables.custom_values
        return {record_id: {d.name: values[d.id, record_id] for d in definitions if (d.id, record_id) in values}
                for record_id in record_ids}

    def delete_values(self, record_id: int) -> None:
        for key in [key for key in self.tables.custom_values if key[1] == record_id]:
            del self.tables.custom_values[key]

    def set_values(self, definitions: list[CustomFieldDefinition], record_id: int,
                   values: Mapping[str, CustomValue | None]) -> None:
        by_name = {d.name: d for d in definitions}
        for name, value in values.items():
            key = (by_name[name].id, record_id)
            if value is None:
                self.tables.custom_values.pop(key, None)
            else:
                self.tables.custom_values[key] = value


class TransitionRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def list(self) -> set[tuple[int, int]]:
        return set(self.tables.transitions)

    def add(self, pairs: Iterable[tuple[int, int]]) -> None:
        self.tables.transitions.update(pairs)

    def remove(self, pairs: Iterable[tuple[int, int]]) -> None:
        self.tables.transitions.difference_update(pairs)

    def remove_status(self, status_id: int) -> None:
        self.tables.transitions = {pair for pair in self.tables.transitions if status_id not in pair}


class CriteriaRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def list(self) -> list[Criterion]:
        return [copied(c) for c in sorted(self.tables.criteria.values(), key=lambda c: c.order)]

    def add(self, criterion: Criterion) -> None:
        self.tables.criteria[criterion.id] = copied(criterion)

    def save_all(self, criteria: Iterable[Criterion]) -> None:
        for criterion in criteria:
            self.tables.criteria[criterion.id] = copied(criterion)

    def delete(self, criterion_id: int) -> None:
        self.tables.criteria.pop(criterion_id, None)


class FieldMappingRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def list(self) -> list[FieldMapping]:
        return [copied(m) for m in self.tables.field_mappings.values()]

    def add(self, mapping: FieldMapping) -> None:
        self.tables.field_mappings[mapping.id] = copied(mapping)

    def delete(self, mapping_id: int) -> bool:
        return self.tables.field_mappings.pop(mapping_id, None) is not None


